//! `offload`: `run_in_executor` and `concurrent.futures`, on every runtime.
//!
//! A blocking call made directly in async code (a `thread::sleep`, a CPU loop) holds the thread
//! that runs the event loop, and every other task on it waits: a heartbeat task that should tick
//! every 0.1 tutorial second goes silent, and a watchdog reports "event loop blocked for 1.00 s",
//! as asyncio's debug mode reports a slow callback. Handing the call to a blocking pool
//! (`spawn_blocking`, `unblock`, a `ThreadPool`, rayon) keeps the heartbeat ticking. The
//! `concurrent.futures` part runs `worker(arg)` through `submit` and `map` on a thread pool,
//! on rayon, and on a pool of worker processes.
//!
//! ```text
//! cargo run -p offload                          # every variant, then the comparison table
//! cargo run -p offload -- tokio                 # one variant, in-process
//! cargo run --release -p offload -- --bench 100000   # round trips to the pool per second
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod bench;
mod variants;

/// The flags of `offload`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Instead of the demo, time N sequential awaited round trips to the pool and print the rate
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    bench: Option<u32>,
    /// Run as the bench's worker process: numbers on stdin, the same numbers on stdout
    #[arg(long, hide = true, conflicts_with = "bench")]
    bench_worker: bool,
}

fn main() -> ExitCode {
    Example::new(
        "offload",
        "run_in_executor and concurrent.futures: keep blocking calls off the event loop",
    )
    .default_unit(Duration::from_millis(200))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/offload.py"))
    .timeline_marks(marks)
    // The demos: 2 to 18 tutorial seconds a row (python); the bench does not sleep.
    .length(|args: &Args, _: Runtime| if args.bench.is_some() { 0.0 } else { 30.0 })
    .instead(|cx: &Context<Args>| match cx.args.bench {
        Some(n) => Some(bench::run(cx.runtime, n)),
        None if cx.args.bench_worker => Some(bench::serve()),
        None => None,
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit, ticks: cx.timeline };
        Threads => variants::threads,
        Processes => variants::processes = Params { workers: 2 },
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
        Rayon => variants::rayon,
    })
}

/// `--timeline` rows: the indented result lines, named by their words before the first number
/// (so "blocking_io() done in 1.00 s" and "... 0.98 s" share a row); headings are left off.
fn marks(line: &str) -> Option<Mark> {
    let text = line.strip_prefix("  ")?;
    let row = text.split(|c: char| c.is_ascii_digit()).next().unwrap_or(text).trim();
    let row = if row.is_empty() { text.trim() } else { row };
    Some(Mark { row: row.to_owned(), glyph: '*', fill: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_rows_ignore_the_numbers() {
        let row = |line| marks(line).map(|m| m.row);
        assert_eq!(
            row("  blocking_io() done in 1.00 s").as_deref(),
            Some("blocking_io() done in")
        );
        assert_eq!(
            row("  event loop blocked for 0.98 s"),
            row("  event loop blocked for 1.02 s")
        );
        assert_eq!(row("  map: 3 Hello World!").as_deref(), Some("map:"));
        assert_eq!(row("the fix: spawn_blocking"), None);
    }
}
