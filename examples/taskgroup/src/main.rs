//! `taskgroup`: errors from many tasks, and tasks that end together.
//!
//! Three coroutines fail after 1, 2 and 0.5 tutorial seconds, each with another kind of error.
//! First as the 2025 walkthrough's `except_group.py` runs them: `gather(...,
//! return_exceptions=True)` lets every one run to its end and keeps every error, and the
//! program handles them grouped by kind (`ExceptionGroup`, `except*`). Then as Python 3.11's
//! `TaskGroup` runs them: structured concurrency, where the first failure cancels the others
//! and the group returns only once they are gone.
//!
//! ```text
//! just run taskgroup            # every variant, then the comparison table
//! just run taskgroup tokio      # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example, NoArgs, Runtime};

mod variants;

fn main() -> ExitCode {
    Example::new(
        "taskgroup",
        "errors from many tasks: except_group.py (2025), grouped by kind; TaskGroup cancels on failure",
    )
    .default_unit(Duration::from_millis(200))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/taskgroup.py"))
    // Two seconds for the gather, half a second for the group; with room to spare.
    .length(|_: &NoArgs, _: Runtime| 4.0)
    .run(walkthrough::variants! {
        |cx: Context<NoArgs>| Params { unit: cx.unit };
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
