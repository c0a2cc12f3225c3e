//! `race`: `x = x + 1` under pre-emptive and cooperative multitasking.
//!
//! Many workers each add one to a shared counter many times. Threads, which the OS may stop
//! anywhere, lose updates when the read and the write are separate steps; tasks on one async
//! thread lose none, because a task only gives way at an `.await` — until an `.await` sits
//! between the read and the write.
//!
//! ```text
//! cargo run -p race                    # every variant, then the comparison table
//! cargo run -p race -- threads         # one variant, in-process
//! cargo run -p race -- --workers 2 --increments 1000000
//! ```

use std::process::ExitCode;

use walkthrough::{Context, Example};

mod variants;

/// The most additions a run may make in all (`--workers` x `--increments`).
const MAX_TOTAL: u64 = 100_000_000;

/// The flags of `race`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many threads or tasks share the counter
    #[arg(long, value_name = "N", default_value_t = 8, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    workers: u64,
    /// How many times each of them adds one
    #[arg(long, value_name = "N", default_value_t = 50_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    increments: u64,
}

fn main() -> ExitCode {
    Example::new("race", "x = x + 1 under pre-emptive and cooperative multitasking: lost updates")
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/race.py"))
        // Python's threads add about ten million a second: a hundred million stays in minutes.
        .limits(|args: &Args| match args.workers * args.increments {
            total if total <= MAX_TOTAL => Ok(()),
            total => Err(format!(
                "--workers {} x --increments {} is {total} additions; the most is {MAX_TOTAL}",
                args.workers, args.increments
            )),
        })
        .run(walkthrough::variants! {
            |cx: Context<Args>| Params { workers: cx.args.workers, increments: cx.args.increments };
            Sync => variants::sync,
            Threads => variants::threads,
            Tokio => variants::tokio,
            Smol => variants::smol,
            Rayon => variants::rayon,
        })
}
