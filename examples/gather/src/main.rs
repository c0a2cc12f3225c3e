//! `gather`: results in argument order (`asyncio.gather`) vs results as they finish
//! (`asyncio.as_completed`), plus `wait(FIRST_COMPLETED)`, `wait_for` and
//! `return_exceptions`; and a scale mode that gathers a million sleeping tasks.
//!
//! ```text
//! just run gather                           # every variant, then the comparison table
//! just run gather tokio                     # one variant, in-process
//! just run gather --tasks 1000000 --unit 1s tokio smol async-std futures python
//! ```

use std::process::ExitCode;
use std::time::Duration;

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
}

/// One timeline row per kind of line: the label before the first colon.
fn by_label(line: &str) -> Option<Mark> {
    let (label, _) = line.split_once(':')?;
    Some(Mark { row: label.to_owned(), glyph: '*', fill: None })
}

fn main() -> ExitCode {
    Example::new("gather", "gather vs as_completed: results in argument order or as they finish")
        // The demo sleeps 38 units per variant: 50 ms keeps six variants under 12 seconds.
        .default_unit(Duration::from_millis(50))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/gather.py"))
        .timeline_marks(by_label)
        // The demo sleeps 38 tutorial seconds a row, a python row 49; scale mode, one.
        .length(|args: &Flags, _: Runtime| if args.tasks.is_some() { 2.0 } else { 60.0 })
        .run(walkthrough::variants! {
            |cx: Context<Flags>| Params { unit: cx.unit, tasks: cx.args.tasks };
            Threads => variants::threads.check(),
            Tokio => variants::tokio,
            Smol => variants::smol,
            AsyncStd => variants::async_std,
            Futures => variants::futures,
        })
}
