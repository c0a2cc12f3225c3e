//! `rand`: three coroutines draw random numbers until one beats their threshold.
//!
//! `makerandom(idx)` for idx 1, 2 and 3 draws `randint(0, 10)` until the value is above its
//! threshold (9, 8, 8 in the 2025 edition, the default; 9, 8, 7 in 2018's: `10 - idx`),
//! sleeping `idx` tutorial seconds after each miss. The three run concurrently and
//! share one Python-compatible generator seeded with `--seed` (444, as in the tutorial), so
//! which coroutine gets which number depends on the order in which they wake.
//!
//! ```text
//! just run rand                  # every variant, the 2025 program, then the table
//! just run rand --edition 2018   # the 2018 program
//! just run rand smol             # one variant, in-process
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod variants;

// `rand`'s own flags. (A `///` comment here would become the `--help` about line.)
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
        "rand",
        "random coroutines racing to beat a threshold: rand.py, 2018 or 2025 (--edition)",
    )
    .default_unit(Duration::from_millis(100))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/rand.py"))
    .timeline_marks(timeline_mark)
    // A default run takes 12 to 24 tutorial seconds a row (sync, python); with room to spare.
    .length(|_: &Args, _: Runtime| 40.0)
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params {
            unit: cx.unit,
            seed: cx.seed,
            color: cx.color,
            edition: cx.args.edition.into(),
        };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

/// `--timeline`: one row per coroutine, `x` for each miss, `.` while it sleeps, `*` when it
/// finishes. Colour codes, if any, are skipped.
fn timeline_mark(line: &str) -> Option<Mark> {
    let at = line.find("makerandom(")?;
    let name = line[at..].split(')').next()?;
    let row = format!("{name})");
    if line.contains("too low") {
        Some(Mark { row, glyph: 'x', fill: Some('.') })
    } else if line.contains("Finished") {
        Some(Mark { row, glyph: '*', fill: Some('.') })
    } else if line.contains("Initiated") {
        Some(Mark { row, glyph: '>', fill: None })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_rows_are_coroutines_even_in_colour() {
        let mark = timeline_mark("\x1b[91mmakerandom(2) == 7 too low; retrying.\x1b[0m")
            .unwrap();
        assert_eq!(
            mark,
            Mark { row: "makerandom(2)".into(), glyph: 'x', fill: Some('.') }
        );
        assert_eq!(
            timeline_mark("---> Finished: makerandom(3) == 9").unwrap().glyph,
            '*'
        );
        assert_eq!(timeline_mark("Initiated makerandom(1).").unwrap().glyph, '>');
        assert_eq!(timeline_mark("r1: 10, r2: 10, r3: 9"), None);
    }
}
