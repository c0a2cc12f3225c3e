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
use walkthrough::{Context, Example, NoArgs, Runtime};

mod variants;

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
        // A default run takes 12 to 22 tutorial seconds a row (python); with room to spare.
        .length(|_: &NoArgs, _: Runtime| 35.0)
        .run(walkthrough::variants! {
            |cx: Context<NoArgs>| Params { unit: cx.unit };
            Tokio => variants::tokio,
            Smol => variants::smol,
            AsyncStd => variants::async_std,
            Futures => variants::futures,
        })
}
