//! `gather`: results in argument order (`asyncio.gather`) vs results as they finish
//! (`asyncio.as_completed`), plus `wait(FIRST_COMPLETED)`, `wait_for` and
//! `return_exceptions`; and a scale mode that gathers a million sleeping tasks. The demo opens
//! with the 2025 edition's `gathers.py` and `as_completed.py` (`coro` waits `min(numbers)`),
//! or with `--edition 2018`, the 2018 edition's (`max(seq)`).
//!
//! ```text
//! just run gather                           # every variant, then the comparison table
//! just run gather --edition 2018            # the 2018 edition's programs and values
//! just run gather tokio                     # one variant, in-process
//! just run gather --tasks 1000000 --unit 1s tokio smol async-std futures python
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod variants;

/// A million tasks are a million allocations. tokio aligns each task cell to 128 bytes, and
/// glibc's malloc serves such aligned blocks slowly and with padding: with it, tokio's million
/// tasks cost 0.58 s of overhead and 449 MiB, with mimalloc 0.20 s and 269 MiB (the chapter's
/// "The allocator" section). Build with `--features system-alloc` to measure glibc's figures.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::threads, variants::tokio, variants::smol, variants::async_std, variants::futures);

/// `gather`'s own flags.
#[derive(clap::Args, Debug, Clone)]
struct Flags {
    /// Scale mode: gather N tasks that each sleep one unit, and print the wall time and the
    /// overhead (wall time minus one unit)
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=2_000_000),
        allow_negative_numbers = true
    )]
    tasks: Option<usize>,
    /// Which edition of the tutorial's programs the demo opens with
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
}

/// One timeline row per kind of line: the label before the first colon.
fn by_label(line: &str) -> Option<Mark> {
    let (label, _) = line.split_once(':')?;
    Some(Mark { row: label.to_owned(), glyph: '*', fill: None })
}

fn main() -> ExitCode {
    Example::new(
        "gather",
        "gather vs as_completed: gathers.py, as_completed.py (2025; 2018: --edition), wait_for, errors",
    )
    // The demo sleeps 8 units per variant (38 in 2018): 50 ms keeps six variants under
    // 12 seconds in either edition.
    .default_unit(Duration::from_millis(50))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/gather.py"))
    .timeline_marks(by_label)
    // The demo sleeps 38 tutorial seconds a row in 2018, a python row 49; 8 and 11 in 2025;
    // scale mode, one.
    .length(|args: &Flags, _: Runtime| match (args.tasks, args.edition) {
        (Some(_), _) => 2.0,
        (None, Edition::Y2018) => 60.0,
        (None, Edition::Y2025) => 20.0,
    })
    .run(walkthrough::variants! {
        |cx: Context<Flags>| Params { unit: cx.unit, tasks: cx.args.tasks, edition: cx.args.edition.into() };
        Threads => variants::threads.check(),
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
