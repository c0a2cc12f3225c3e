//! `count`: the tutorial's first program, sync vs async.
//!
//! Three calls to `count()` each print "One", wait one tutorial second, and print "Two".
//! Run one after another they take three seconds; run concurrently, one.
//!
//! ```text
//! just run count            # every variant, then the comparison table
//! just run count tokio      # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example, NoArgs, Runtime};

mod variants;

fn main() -> ExitCode {
    Example::new("count", "sync vs async count(): three calls that each sleep one second")
        .default_unit(Duration::from_millis(250))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/count.py"))
        // Three sleeps one after another on sync, one on the others; with room to spare.
        .length(|_: &NoArgs, runtime: Runtime| if runtime == Runtime::Sync { 3.5 } else { 1.5 })
        .run(walkthrough::variants! {
            |cx: Context<NoArgs>| Params { unit: cx.unit };
            Sync => variants::sync,
            Threads => variants::threads,
            Tokio => variants::tokio,
            Smol => variants::smol,
            AsyncStd => variants::async_std,
            Futures => variants::futures,
        })
}
