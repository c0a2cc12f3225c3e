//! `count`: the tutorial's first program, sync vs async, in both editions.
//!
//! Three calls to `count()` each print "One", wait one tutorial second, and print "Two"; in
//! the 2025 edition (the default) they wait one more second after "Two". Run one after another
//! they take three seconds (six in 2025); run concurrently, one (two).
//!
//! ```text
//! just run count                  # every variant, the 2025 program, then the table
//! just run count --edition 2018   # the 2018 program: one sleep per call
//! just run count tokio            # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::{Context, Example, Runtime};

mod variants;

// `count`'s own flags. (A `///` comment here would become the `--help` about line.)
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// Which edition of the tutorial's program to run
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
}

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::sync, variants::threads, variants::tokio, variants::smol, variants::async_std, variants::futures);

fn main() -> ExitCode {
    Example::new(
        "count",
        "sync vs async count(): countsync/countasync.py, 2018 or 2025 (--edition)",
    )
    .default_unit(Duration::from_millis(250))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/count.py"))
    // Three calls' sleeps one after another on sync, one call's on the others (one sleep a
    // call in 2018, two in 2025); with room to spare.
    .length(|args: &Args, runtime: Runtime| {
        let sleeps = if args.edition == Edition::Y2018 { 1.0 } else { 2.0 };
        if runtime == Runtime::Sync { 3.0 * sleeps + 0.5 } else { sleeps + 0.5 }
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit, edition: cx.args.edition.into() };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
