//! `tasks`: what a task is, when it runs, and how it ends.
//!
//! Seven short demos, each printing labelled lines: a future is lazy (`lazy`), when a spawned
//! task starts (`start`), what dropping its handle does (`drop`), cancelling it (`cancel`), a
//! panicking task (`panic`), starting a runtime inside a runtime (`nest`), and returning from
//! main with tasks still running (`exit`).
//!
//! ```text
//! just run tasks            # every variant, then the comparison table
//! just run tasks smol       # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::timeline::Mark;
use walkthrough::{Example, NoArgs, Runtime};

mod variants;

/// What every variant is given.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

/// One timeline row per demo: the label before the first colon.
fn by_demo(line: &str) -> Option<Mark> {
    let (label, _) = line.split_once(':')?;
    Some(Mark { row: label.to_owned(), glyph: '*', fill: None })
}

fn main() -> ExitCode {
    Example::new("tasks", "the life of a task: lazy futures, spawn, detach vs cancel, panics, nesting, exit")
        // About a dozen units per variant: 100 ms keeps `just run tasks` near eight seconds.
        .default_unit(Duration::from_millis(100))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/tasks.py"))
        .timeline_marks(by_demo)
        .run_with(
            [Runtime::Tokio, Runtime::Smol, Runtime::AsyncStd, Runtime::Futures],
            |cx: walkthrough::Context<NoArgs>| {
                let params = Params { unit: cx.unit };
                let outcome = match cx.runtime {
                    Runtime::Tokio => variants::tokio::run(params),
                    Runtime::Smol => variants::smol::run(params),
                    Runtime::AsyncStd => variants::async_std::run(params),
                    Runtime::Futures => variants::futures::run(params),
                    other => unreachable!("tasks has no {other} variant"),
                };
                outcome.map_err(|err| anyhow::anyhow!("{err}"))
            },
        )
}
