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

use walkthrough::{Example, NoArgs, Runtime};

mod variants;

/// What every variant is given.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

fn main() -> ExitCode {
    Example::new("count", "sync vs async count(): three calls that each sleep one second")
        .default_unit(Duration::from_millis(250))
        .variants([
            Runtime::Sync,
            Runtime::Threads,
            Runtime::Tokio,
            Runtime::Smol,
            Runtime::AsyncStd,
            Runtime::Futures,
        ])
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/count.py"))
        .run(|cx: walkthrough::Context<NoArgs>| {
            let params = Params { unit: cx.unit };
            match cx.runtime {
                Runtime::Sync => variants::sync::run(params),
                Runtime::Threads => variants::threads::run(params),
                Runtime::Tokio => variants::tokio::run(params),
                Runtime::Smol => variants::smol::run(params),
                Runtime::AsyncStd => variants::async_std::run(params),
                Runtime::Futures => variants::futures::run(params),
                other => unreachable!("count has no {other} variant"),
            }
            Ok(())
        })
}
