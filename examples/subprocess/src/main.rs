//! `subprocess`: the asyncio reference's "Subprocesses" page, on every runtime.
//!
//! The page's two programs: two shell commands run concurrently, each with both pipes captured
//! (`communicate()`), and a child started from the program's own executable whose one line
//! is read before it is waited for. Then two modes of its own: `--count N` starts N children
//! (`true`, then `sleep` for one unit) with at most K running at once and prints children per
//! second; `--pitfalls` shows, on each runtime, what goes wrong with children: a full pipe, a
//! child left running (or a zombie) after a timeout, and a grandchild that keeps a pipe open.
//!
//! ```text
//! just run subprocess                       # every variant, then the comparison table
//! just run subprocess tokio                 # one variant, in-process
//! just run subprocess --count 1000 --unit 100ms
//! just run subprocess --pitfalls --unit 200ms
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example, Runtime};

mod variants;

/// The flags of `subprocess`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Instead of the docs' programs, start N children of `true`, then N of `sleep` for one
    /// unit, and print children per second
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=20_000))]
    count: Option<u32>,
    /// With --count: how many children may run at once
    #[arg(long, value_name = "K", default_value_t = 32, requires = "count", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    max_running: u32,
    /// Instead of the docs' programs, show the pitfalls: a full pipe, a timed-out child, a
    /// grandchild that keeps the pipe open
    #[arg(long, conflicts_with = "count")]
    pitfalls: bool,
}

fn main() -> ExitCode {
    Example::new("subprocess", "asyncio subprocesses: children, both pipes, many at once, and the pitfalls")
        .default_unit(Duration::from_secs(1))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/subprocess_peer.py"))
        .length(length)
        .run(walkthrough::variants! {
            |cx: Context<Args>| Params {
                unit: cx.unit,
                count: cx.args.count,
                max_running: cx.args.max_running as usize,
                pitfalls: cx.args.pitfalls,
            };
            // One child at a time: `--max-running` means nothing to it.
            Sync => variants::sync = Params { unit: cx.unit, count: cx.args.count, pitfalls: cx.args.pitfalls },
            Threads => variants::threads,
            Tokio => variants::tokio,
            Smol => variants::smol,
            AsyncStd => variants::async_std,
            Futures => variants::futures,
        })
}

/// How long a row takes at most, in units: the docs' programs sleep one; `--count` sleeps
/// N/K rounds (N on sync); `--pitfalls` waits a unit for each timeout and two for the
/// grandchild. Starting the `true` children takes real time, not units: `--count` stops at
/// 20 000 so that it stays under a minute a row.
fn length(args: &Args, runtime: Runtime) -> f64 {
    match args.count {
        Some(n) if runtime == Runtime::Sync => f64::from(n) + 2.0,
        Some(n) => f64::from(n.div_ceil(args.max_running)) + 2.0,
        None if args.pitfalls => 10.0,
        None => 2.0,
    }
}
