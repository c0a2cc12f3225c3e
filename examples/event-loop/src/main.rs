//! `event-loop`: an event loop built from scratch, beside what each runtime offers
//! instead.
//!
//! The `own` variant is the lesson: a loop in one file, with asyncio's low-level API
//! (`call_soon`, `call_later`, `call_at`, `call_soon_threadsafe`, `add_reader`, `stop`,
//! `run_forever`, `run_until_complete`) and tasks whose wakers go through the thread-safe
//! path. Every variant runs the three programs of the asyncio reference's "Event Loop"
//! page: Hello World with `call_soon`, the date once a unit for five units with
//! `call_later`, and a socket pair watched with `add_reader`. The own loop then runs
//! `count` and `gather`.
//!
//! ```text
//! just run event-loop                     # every variant, then the comparison table
//! just run event-loop own                 # the own loop alone, in-process just run
//! event-loop --bench             # callbacks, timers and wake-ups per second just run
//! event-loop --drift 50 --unit 10ms   # call_later chains drift, grids do not
//! ```

// `just loom` builds with `--cfg loom`: then the program is the own loop alone, without
// the harness and the runtimes (see Cargo.toml), and only the loom test is meant to run.
#[cfg(not(loom))]
use std::process::ExitCode;
#[cfg(not(loom))]
use std::time::Duration;

#[cfg(not(loom))]
use walkthrough::{Context, Example, Runtime};

#[cfg(not(loom))]
mod bench;
mod variants;

#[cfg(all(test, loom))]
mod loom;
#[cfg(test)]
mod tests;

#[cfg(loom)]
fn main() -> std::io::Result<()> {
    variants::own::main()
}

/// The flags of `event-loop`.
#[cfg(not(loom))]
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// Instead of the programs, measure N call_soon callbacks, N/10 timers and N/10
    /// cross-thread wake-ups, and print each rate
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1000000",
          allow_negative_numbers = true, conflicts_with = "drift",
          value_parser = clap::value_parser!(u32).range(10..=10_000_000))]
    bench: Option<u32>,
    /// Instead of the programs, run N ticks of one unit twice, re-scheduling each tick
    /// from the last (call_later) and on a fixed grid (call_at), and print how late the
    /// last was
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    drift: Option<u32>,
}

#[cfg(not(loom))]
fn main() -> ExitCode {
    Example::new(
        "event-loop",
        "an event loop built from scratch, beside what each runtime offers instead",
    )
    .default_unit(Duration::from_millis(100))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/event_loop.py"))
    .length(length)
    .instead(|cx: &Context<Args>| match (cx.args.bench, cx.args.drift) {
        (Some(n), _) => Some(bench::run(cx.runtime, n)),
        (None, Some(ticks)) => Some(bench::drift(cx.runtime, ticks, cx.unit)),
        (None, None) => None,
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit };
        Own => variants::own,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

/// How long a row takes at most, in tutorial seconds: five for the dates, and on the own
/// loop one for `count` and 38 for `gather`; with room to spare.
#[cfg(not(loom))]
fn length(args: &Args, runtime: Runtime) -> f64 {
    match (args.bench, args.drift) {
        (Some(_), _) => 0.0,
        (None, Some(ticks)) => 2.0 * f64::from(ticks) + 2.0,
        (None, None) if runtime == Runtime::Own => 50.0,
        (None, None) => 8.0,
    }
}
