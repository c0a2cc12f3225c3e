//! `websites`: check three pages at once and print each one's status.
//!
//! The 2025 walkthrough's `websites.py` asks three websites for their front page, each in an
//! `async with` block that opens and closes its own session, all three at once, and prints
//! `{url}: status -> {status}` as each answers. Here three pages of the local site stand in
//! for them: one that is fine (200), one that is missing (404) and one whose server is down
//! (503). A status is the answer, not an error: every check prints it.
//!
//! ```text
//! just run websites          # every variant, each against a site started for the run
//! just run websites tokio    # one variant, in-process
//! just site   # then, in another terminal: target/release/websites tokio --site http://127.0.0.1:8000
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example, NoArgs, UsageError};

mod variants;

/// How long one check may take, from connecting to the status, before it fails.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The run's site, refused unless it is on this machine: the examples talk to loopback only.
/// (The runner's stand-in for a site it would start, under `--entry`, is not a URL: passed on.)
fn on_this_machine(site: &str) -> Result<String, UsageError> {
    let Some(rest) = site.strip_prefix("http://") else { return Ok(site.to_owned()) };
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    let loopback = host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) == Some("::1");
    if loopback {
        Ok(site.to_owned())
    } else {
        Err(UsageError(format!(
            "--site {site}: the site must be on this machine (127.0.0.1, localhost, [::1])"
        )))
    }
}

fn main() -> ExitCode {
    Example::new(
        "websites",
        "async with: three status checks at once, websites.py (2025) against the local site",
    )
    // Nothing here sleeps: the unit only matters to the table's "tutorial s" column.
    .default_unit(Duration::from_millis(10))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/websites.py"))
    .needs_site()
    .run(walkthrough::variants! {
        |cx: Context<NoArgs>| Params { site: on_this_machine(&cx.site)?, timeout: TIMEOUT };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
