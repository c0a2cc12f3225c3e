//! `generators`: a coroutine is a generator that can be paused, resumed and sent values.
//!
//! `jumping_range(up_to)` yields 0, 1, 2, ... and takes a jump through `send()`. Driven as
//! `next, send(2), next, send(-1)` and then iterated to the end, `jumping_range(5)` yields
//! 0, 2, 3, 2, 3, 4 on every runtime, as the Python generator does. Rust stable has no
//! generators with resume values, so each variant builds one: a hand-written state machine
//! (`sync`), a thread with two channels (`threads`), a task with channels (`tokio`, `smol`,
//! `async-std`) or a `Stream` with a side channel (`futures`). The `sync` variant then polls an
//! `async fn` by hand with a no-op waker, to show that a future does nothing until polled.
//! Every variant also pauses and resumes the 2018 walkthrough's `endless()` generator.
//!
//! ```text
//! just run generators                 # every variant, then the comparison table
//! just run generators sync --up-to 3  # one variant, in-process, with another range
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example};

mod variants;

/// The example's own flags.
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// Where jumping_range stops: it yields indexes below this
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(..=10_000))]
    up_to: u32,
}

fn main() -> ExitCode {
    Example::new(
        "generators",
        "yield and send(): jumping_range, and the 2018 walkthrough's endless(), on every runtime",
    )
    // Nothing here sleeps: the unit only matters to the table's "tutorial s" column.
    .default_unit(Duration::from_millis(10))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/generators.py"))
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { up_to: i64::from(cx.args.up_to) };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

#[cfg(test)]
mod tests {
    //! The generators' own API, driven directly: what the binary's fixed script never does.

    use super::variants;

    /// A jump sent before the first step is ignored (Python raises `TypeError` there); then
    /// plain resumptions walk 0, 1, 2, and a finished generator keeps answering `None`.
    const SCRIPT: [Option<i64>; 6] = [Some(7), None, None, None, None, Some(1)];
    const EXPECTED: [Option<i64>; 6] = [Some(0), Some(1), Some(2), None, None, None];

    #[test]
    fn sync_ignores_a_jump_before_the_start_and_stays_finished() {
        let mut generator = variants::sync::JumpingRange::new(3);
        assert_eq!(SCRIPT.map(|jump| generator.send(jump)), EXPECTED);
    }

    #[test]
    fn threads_likewise() {
        std::thread::scope(|scope| {
            let mut generator = variants::threads::Generator::spawn(scope, 3);
            assert_eq!(SCRIPT.map(|jump| generator.send(jump)), EXPECTED);
        });
    }

    #[test]
    fn tokio_likewise() {
        let runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        runtime.block_on(async {
            let mut generator = variants::tokio::Generator::spawn(3);
            for (jump, expected) in SCRIPT.into_iter().zip(EXPECTED) {
                assert_eq!(generator.send(jump).await, expected, "sent {jump:?}");
            }
        });
    }

    #[test]
    fn smol_likewise() {
        let executor = smol::LocalExecutor::new();
        smol::block_on(executor.run(async {
            let mut generator = variants::smol::Generator::spawn(&executor, 3);
            for (jump, expected) in SCRIPT.into_iter().zip(EXPECTED) {
                assert_eq!(generator.send(jump).await, expected, "sent {jump:?}");
            }
        }));
    }

    #[test]
    fn async_std_likewise() {
        async_std::task::block_on(async {
            let mut generator = variants::async_std::Generator::spawn(3);
            for (jump, expected) in SCRIPT.into_iter().zip(EXPECTED) {
                assert_eq!(generator.send(jump).await, expected, "sent {jump:?}");
            }
        });
    }

    #[test]
    fn futures_likewise() {
        futures::executor::block_on(async {
            let mut generator = variants::futures::Generator::new(3);
            for (jump, expected) in SCRIPT.into_iter().zip(EXPECTED) {
                assert_eq!(generator.send(jump).await, expected, "sent {jump:?}");
            }
        });
    }
}
