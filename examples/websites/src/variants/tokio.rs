//! `websites` on tokio, with reqwest: three checks at once, each with a client of its
//! own.
//!
//! Pairs with "Async `with` Statements" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `websites.py`; the 2018 edition has no such program). Three
//! pages of the local site stand in for its three websites: fine (200), missing (404),
//! down (503). `async with aiohttp.ClientSession()` becomes a `reqwest::Client` that
//! lives for one check: what the `with` block closes, Rust closes when the value is
//! dropped, at the end of the scope. `tokio::join!` runs the three checks at once, like
//! `gather`. The runtime is the current-thread flavour: three sockets need no second
//! thread.
//!
//! Dependencies: `cargo add tokio --features macros,rt && cargo add reqwest --no-default-features`
//! Run: `cargo run --release` (in this repository: `just run websites tokio`)

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

pub fn main() -> reqwest::Result<()> {
    run(Params::default())
}

// ANCHOR: check
/// One check: a client of its own, one request. The response and the client are dropped
/// at the end of the function, which closes them: what the two `async with` blocks do.
async fn check(url: String, timeout: Duration) -> reqwest::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(timeout) // there is none by default: a silent site would hang us
        .no_proxy() // ignore HTTP_PROXY and friends: the site is on this machine
        .build()?;
    let response = client.get(&url).send().await?;
    println!("{url}: status -> {}", response.status().as_u16());
    Ok(())
}
// ANCHOR_END: check

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> reqwest::Result<()> {
    let [a, b, c] = websites(&params.site).map(|url| check(url, params.timeout));
    let (a, b, c) = tokio::join!(a, b, c);
    a.and(b).and(c)
}
// ANCHOR_END: main
