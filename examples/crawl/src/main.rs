//! `crawl`: the asyncio walkthrough's full program, `areq.py`, and a crawl that scales.
//!
//! areq reads a list of URLs, fetches every page concurrently through one client, finds each
//! `href="..."` with a regular expression, joins it to the page's URL, and appends
//! `source_url<TAB>parsed_url` lines to `foundurls.txt`, logging each step on stderr. Here
//! the list is the local site's `/urls.txt`: seven pages with the article's link counts
//! (115, 120, 143, 0, 36, 3 and 23: 440 links) and its deliberate 404. `--parser html` finds
//! links with an HTML parser instead; `--depth D` follows the links on the same site, breadth
//! first, into a graph of a million pages, with at most 100 requests in flight; `--faults`
//! adds pages that fail in every way a page can.
//!
//! ```text
//! just run crawl                                  # every variant, areq's run, then the table
//! just run crawl tokio --parser html              # one variant, another way to find links
//! just run crawl --faults                         # 404, 500, reset, hang, loop, 100 MB, latin-1
//! just run crawl tokio smol python --depth 3 --max-pages 10000   # pages/s and peak RSS
//! just site   # then: target/release/crawl tokio --site http://127.0.0.1:8000
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use walkthrough::{Context, Example, Runtime, UsageError};

mod variants;

/// How links are found.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Parser {
    /// areq's regular expression, href="(.*?)"
    Regex,
    /// An HTML parser (scraper): every <a> element with an href
    Html,
}

/// The flags of `crawl`.
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// A file that lists the pages, one URL a line, as areq's urls.txt [default: the site's
    /// /urls.txt]
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,
    /// The file the links are written to
    #[arg(long, value_name = "FILE", default_value = "foundurls.txt")]
    out: PathBuf,
    /// How links are found in a page
    #[arg(long, value_name = "HOW", default_value = "regex")]
    parser: Parser,
    /// How many links deep to follow links on the same site (0: the list only, as areq)
    #[arg(long, value_name = "D", default_value_t = 0, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(0..=10))]
    depth: u32,
    /// The most pages to fetch in all
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_pages: u32,
    /// How long one page may take before it counts as failed [default: 1s, or 4 tutorial
    /// seconds when that is longer]
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// Add the site's broken pages to the list: 404, 500, a reset, a page that never answers,
    /// a redirect loop, 100 MB, a page not in UTF-8
    #[arg(long)]
    faults: bool,
}

/// Each variant file declares its own `Parser`, with the same two values.
macro_rules! parsers_of {
    ($($module:ident),+) => {$(
        impl From<Parser> for variants::$module::Parser {
            fn from(parser: Parser) -> Self {
                match parser {
                    Parser::Regex => Self::Regex,
                    Parser::Html => Self::Html,
                }
            }
        }
    )+};
}
parsers_of!(sync, threads, tokio, smol, async_std, futures);

/// `--timeout`: a duration from 1 ms to 1 minute.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = walkthrough::unit::parse_duration(text).map_err(|e| e.to_string())?;
    if !(Duration::from_millis(1)..=Duration::from_secs(60)).contains(&timeout) {
        return Err("expected a duration from 1ms to 60s".to_owned());
    }
    Ok(timeout)
}

/// The timeout when none is given: 4 tutorial seconds (five times the slowest page's delay),
/// but never less than 1 s, so that a short `--unit` on a busy machine fails no good page.
/// At the default unit both are 1 s, the variants' own default.
fn default_timeout(unit: Duration) -> Duration {
    unit.mul_f64(4.0).max(Duration::from_secs(1))
}

/// Whether a URL's host is this machine: the examples talk to loopback only.
fn is_loopback(host: &str) -> bool {
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `--urls FILE`, refused unless every URL in it is on this machine.
fn loopback_list(path: Option<&Path>) -> Result<Option<PathBuf>, UsageError> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|err| {
        UsageError(format!("--urls {}: cannot read it: {err}", path.display()))
    })?;
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let url = url::Url::parse(line).map_err(|err| {
            UsageError(format!("--urls {}: {line:?} is not a URL: {err}", path.display()))
        })?;
        if !url.host_str().is_some_and(is_loopback) {
            return Err(UsageError(format!(
                "--urls {}: {line} is not on this machine: the examples talk to 127.0.0.1 only",
                path.display()
            )));
        }
    }
    Ok(Some(path.to_owned()))
}

/// areq's log format, for a run whose parameters are not the variant's defaults (the
/// variant's own `main()` sets up the same).
struct AreqFormat;

impl<S, N> FormatEvent<S, N> for AreqFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        cx: &FmtContext<'_, S, N>,
        mut out: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let time = jiff::ZonedDateTime::now().strftime("%H:%M:%S");
        write!(out, "{time} {}:areq: ", event.metadata().level())?;
        cx.format_fields(out.by_ref(), event)?;
        writeln!(out)
    }
}

/// The rows' lengths in tutorial seconds, at most: the areq pages' delays, one after another
/// on sync (2.45 in all), the slowest on the others, with room for the rest.
fn length(_: &Args, runtime: Runtime) -> f64 {
    match runtime {
        Runtime::Sync => 4.0,
        _ => 2.0,
    }
}

fn main() -> ExitCode {
    // Set up here, before the harness would set up its own format.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .event_format(AreqFormat)
        .try_init();
    Example::new(
        "crawl",
        "areq.py: fetch pages concurrently, find their links, write them to one file",
    )
    .default_unit(Duration::from_millis(250))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/crawl.py"))
    .needs_site()
    .length(length)
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params {
            site: cx.site.clone(),
            urls: loopback_list(cx.args.urls.as_deref())?,
            out: cx.args.out.clone(),
            parser: cx.args.parser.into(),
            depth: cx.args.depth,
            max_pages: cx.args.max_pages as usize,
            timeout: cx.args.timeout.unwrap_or_else(|| default_timeout(cx.unit)),
            faults: cx.args.faults,
        };
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
    use super::*;

    #[test]
    fn the_default_timeout_is_one_second_at_the_default_unit() {
        assert_eq!(default_timeout(Duration::from_millis(250)), Duration::from_secs(1));
        assert_eq!(default_timeout(Duration::from_micros(1)), Duration::from_secs(1));
        assert_eq!(default_timeout(Duration::from_secs(2)), Duration::from_secs(8));
    }
}
