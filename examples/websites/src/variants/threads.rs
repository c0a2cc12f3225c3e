//! `websites` with threads, with ureq: three checks at once, a thread each.
//!
//! Pairs with "Async `with` Statements" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `websites.py`; the 2018 edition has no such program). Three
//! pages of the local site stand in for its three websites: fine (200), missing (404),
//! down (503). ureq blocks its thread until the answer comes, so each check gets a thread
//! of its own; `thread::scope` waits for all three, as `gather` does. By default ureq
//! makes a 4xx or 5xx status an error; here it is the answer, as in aiohttp.
//!
//! Dependencies: `cargo add ureq --no-default-features`
//! Run: `cargo run --release` (in this repository: `just run websites threads`)

use std::panic;
use std::thread;
use std::time::Duration;

/// What the program runs with; `just run websites` sets them from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The site whose pages stand in for the three websites: `just site` serves it here.
    pub site: String,
    /// How long one check may take, from connecting to the status, before it fails.
    pub timeout: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            site: "http://127.0.0.1:8000".to_owned(),
            timeout: Duration::from_secs(2),
        }
    }
}

/// The three pages that stand in for the tutorial's three websites.
fn websites(site: &str) -> [String; 3] {
    ["/status/200", "/status/404", "/status/503"].map(|page| format!("{site}{page}"))
}

pub fn main() -> Result<(), ureq::Error> {
    run(Params::default())
}

// ANCHOR: check
/// One check: an agent of its own (ureq's session), one request; both are closed
/// when dropped.
fn check(url: &str, timeout: Duration) -> Result<(), ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout)) // none by default: a silent site would hang us
        .proxy(None) // not even one from HTTP_PROXY: the site is on this machine
        .http_status_as_error(false) // a 404 is an answer to print, not a failure
        .build()
        .into();
    let response = agent.get(url).call()?;
    println!("{url}: status -> {}", response.status().as_u16());
    Ok(())
}
// ANCHOR_END: check

// ANCHOR: main
pub fn run(params: Params) -> Result<(), ureq::Error> {
    let (pages, timeout) = (websites(&params.site), params.timeout);
    thread::scope(|scope| {
        let checks = pages.each_ref().map(|url| scope.spawn(move || check(url, timeout)));
        for check in checks {
            check.join().unwrap_or_else(|e| panic::resume_unwind(e))?;
        }
        Ok(())
    })
}
// ANCHOR_END: main
