//! `download`: the IO-bound program of "Speed Up Your Python Program With Concurrency".
//!
//! 160 pages from the local site (`crates/site`), the article's two sites alternating, each
//! answered after 0.089 tutorial seconds: one after another with a blocking client (`sync`),
//! on 5 threads, on one worker process per CPU, and on every async runtime with at most 100
//! requests in flight. Each variant prints a line per page and ends with the time beside its
//! ideal: 160 page delays one after another, 32 on 5 threads, 2 with 100 in flight, 160/P on
//! P processes. `--faults` mixes in the site's broken pages; `--bench N` measures requests per
//! second instead, with a yardstick.
//!
//! ```text
//! just run download                          # every variant, then the comparison table
//! just run download tokio                    # one variant, in-process, with its own site
//! just run download --faults                 # broken pages too: one log line each
//! just run download --bench 20000            # requests per second, page delay 0
//! just site   # then, in another terminal: target/release/download tokio --site http://127.0.0.1:8000
//! ```

use std::num::NonZero;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod bench;
mod variants;

/// The flags of `download`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Mix the site's broken pages into the list: a 404, a 500, a reset, a page that never
    /// answers, a redirect loop
    #[arg(long, conflicts_with = "bench")]
    faults: bool,
    /// How long one page may take before it counts as failed [default: 1s, or 4 tutorial
    /// seconds when that is longer]
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Instead of the demo, time N requests (page delay 0, at most 100 in flight) and print
    /// the rate
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=200_000))]
    bench: Option<u32>,
    /// Run as one of the bench's worker processes: N requests, one after another
    #[arg(long, value_name = "N", hide = true, conflicts_with = "bench",
          value_parser = clap::value_parser!(u32).range(1..=200_000))]
    bench_worker: Option<u32>,
}

/// `--timeout`: a duration from 1 ms to 1 minute.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = walkthrough::unit::parse_duration(text).map_err(|e| e.to_string())?;
    if !(Duration::from_millis(1)..=Duration::from_secs(60)).contains(&timeout) {
        return Err("expected a duration from 1ms to 60s".to_owned());
    }
    Ok(timeout)
}

/// The timeout when none is given: 4 tutorial seconds (45 page delays), but never less than
/// 1 s, so that a short `--unit` on a busy machine does not fail good pages. At the default
/// unit both are 1 s, the variants' own default.
fn default_timeout(unit: Duration) -> Duration {
    unit.mul_f64(4.0).max(Duration::from_secs(1))
}

/// The rows' lengths in tutorial seconds, at most: the ideal with half again for overhead.
fn length(args: &Args, runtime: Runtime) -> f64 {
    let pages = 160.0 * 0.089 * 1.5;
    match runtime {
        _ if args.bench.is_some() => 0.0,
        Runtime::Sync | Runtime::Processes => pages,
        Runtime::Threads => pages / 5.0,
        Runtime::Python => pages * 2.0 + pages / 5.0 + 1.0,
        _ => 1.0,
    }
}

fn main() -> ExitCode {
    Example::new(
        "download",
        "the IO-bound downloads: 160 pages from the local site, on every runtime",
    )
    .default_unit(Duration::from_millis(250))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/download.py"))
    .needs_site()
    .timeline_marks(marks)
    .length(length)
    .instead(|cx: &Context<Args>| match (cx.args.bench, cx.args.bench_worker) {
        (Some(n), _) => Some(bench::run(cx.runtime, &cx.site, n)),
        (None, Some(n)) => Some(bench::serve(&cx.site, n)),
        (None, None) => None,
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params {
            site: cx.site.clone(),
            unit: cx.unit,
            timeout: cx.args.timeout.unwrap_or_else(|| default_timeout(cx.unit)),
            faults: cx.args.faults,
        };
        Sync => variants::sync,
        Threads => variants::threads,
        Processes => variants::processes = Params {
            site: cx.site.clone(),
            unit: cx.unit,
            timeout: cx.args.timeout.unwrap_or_else(|| default_timeout(cx.unit)),
            faults: cx.args.faults,
            workers: thread::available_parallelism().map_or(1, NonZero::get),
        },
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

/// `--timeline` rows: one per page (`jython`, `dice`, or a broken one), one for the total.
fn marks(line: &str) -> Option<Mark> {
    let row = match line {
        _ if line.starts_with("Read ") => line.rsplit('/').next()?.to_owned(),
        _ if line.starts_with("Downloaded ") => "Downloaded".to_owned(),
        _ => return None,
    };
    Some(Mark { row, glyph: '*', fill: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_rows_are_the_pages_and_the_total() {
        let row = |line| marks(line).map(|m| m.row);
        assert_eq!(
            row("Read 276 bytes from http://127.0.0.1:8000/dice").as_deref(),
            Some("dice")
        );
        assert_eq!(
            row("Downloaded 160 sites in 0.18 seconds (ideal 2 x 0.089 = 0.178)")
                .as_deref(),
            Some("Downloaded")
        );
        assert_eq!(row("aiohttp, one ClientSession, at most 100 connections:"), None);
    }

    #[test]
    fn the_default_timeout_is_one_second_at_the_default_unit() {
        assert_eq!(default_timeout(Duration::from_millis(250)), Duration::from_secs(1));
        assert_eq!(default_timeout(Duration::from_micros(1)), Duration::from_secs(1));
        assert_eq!(default_timeout(Duration::from_secs(2)), Duration::from_secs(8));
    }
}
