//! `tasks`: what a task is, when it runs, and how it ends.
//!
//! First the tutorial's `create_task` program (`tasks.py` in the 2025 edition, the default:
//! the task's type, `task.done() = False`, its result; or the 2018 one with `--edition 2018`),
//! then seven short demos of this example's own, each printing labelled lines: a future is lazy (`lazy`), when a spawned
//! task starts (`start`), what dropping its handle does (`drop`), cancelling it (`cancel`), a
//! panicking task (`panic`), starting a runtime inside a runtime (`nest`), and returning from
//! main with tasks still running (`exit`).
//!
//! ```text
//! just run tasks                  # every variant, then the comparison table
//! just run tasks --edition 2018   # opening with the 2018 create_task program
//! just run tasks smol             # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod variants;

// `tasks`'s own flags. (A `///` comment here would become the `--help` about line.)
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// Which edition of the tutorial's create_task program opens the run
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
}

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::tokio, variants::smol, variants::async_std, variants::futures);

/// One timeline row per demo: the label before the first colon.
fn by_demo(line: &str) -> Option<Mark> {
    let (label, _) = line.split_once(':')?;
    Some(Mark { row: label.to_owned(), glyph: '*', fill: None })
}

fn main() -> ExitCode {
    Example::new(
        "tasks",
        "the life of a task: create_task (tasks.py 2025; 2018: --edition), spawn, cancel, panics, exit",
    )
    // About a dozen units per variant: 100 ms keeps `just run tasks` near eight seconds.
    .default_unit(Duration::from_millis(100))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/tasks.py"))
    .timeline_marks(by_demo)
    // A default run takes 13 to 25 tutorial seconds a row (python); with room to spare.
    .length(|_: &Args, _: Runtime| 40.0)
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit, edition: cx.args.edition.into() };
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
