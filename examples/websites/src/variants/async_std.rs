//! `websites` on async-std (legacy), with hyper: three checks at once.
//!
//! Pairs with "Async `with` Statements" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `websites.py`; the 2018 edition has no such program). Three
//! pages of the local site stand in for its three websites: fine (200), missing (404),
//! down (503). async-std is discontinued (RUSTSEC-2025-0052) and kept here to compare;
//! its HTTP client, surf, went with it. hyper's low-level client reads and writes
//! async-std's sockets through `smol-hyper`'s adapter for futures-io types;
//! `future::timeout` bounds each check, and the connection, the `async with`'s session,
//! closes when its two halves are dropped.
//!
//! Dependencies: `cargo add async-std --features unstable && cargo add smol-hyper anyhow http-body-util && cargo add hyper --features client,http1`
//! Run: `cargo run --release` (in this repository: `just run websites async-std`)

use std::time::Duration;

use anyhow::Context as _;
use async_std::net::TcpStream;
use async_std::prelude::FutureExt;
use async_std::{future, task};
use http_body_util::Empty;
use hyper::client::conn::http1;
use hyper::{Request, Uri, header};
use smol_hyper::rt::FuturesIo;

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

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

// ANCHOR: check
/// Connects, asks for `url`, and returns the status. The connection's other half, which
/// reads and writes the socket, runs as a task; it ends when `sender` is dropped.
async fn status(url: &str) -> anyhow::Result<u16> {
    let uri: Uri = url.parse()?;
    let authority = uri.authority().context("no host in the URL")?.clone();
    let host = authority.as_str();
    let connecting = || format!("{url}: connecting");
    let stream = TcpStream::connect(host).await.with_context(connecting)?;
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    task::spawn(connection); // detached: the handle is dropped
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let body = Empty::<&[u8]>::new();
    let request = Request::get(path).header(header::HOST, host).body(body)?;
    let response = sender.send_request(request).await?;
    Ok(response.status().as_u16())
}

/// One check, within the timeout.
async fn check(url: String, timeout: Duration) -> anyhow::Result<()> {
    let answer = future::timeout(timeout, status(&url)).await;
    let status =
        answer.with_context(|| format!("{url}: no answer within {timeout:?}"))??;
    println!("{url}: status -> {status}");
    Ok(())
}
// ANCHOR_END: check

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    let [a, b, c] = websites(&params.site).map(|url| check(url, params.timeout));
    let ((a, b), c) = task::block_on(a.join(b).join(c));
    a.and(b).and(c)
}
// ANCHOR_END: main
