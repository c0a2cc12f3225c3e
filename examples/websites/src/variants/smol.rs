//! `websites` on smol, with hyper: three checks at once, each on a connection of its own.
//!
//! Pairs with "Async `with` Statements" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `websites.py`; the 2018 edition has no such program). Three
//! pages of the local site stand in for its three websites: fine (200), missing (404),
//! down (503). smol has no HTTP client of its own; hyper is the one most Rust clients are
//! built on, and `smol-hyper` lets it read and write smol's sockets. hyper's low-level
//! client is one connection with no timeout: a smol `Timer` bounds each check, and the
//! connection, the `async with`'s session, closes when its two halves are dropped at the
//! end of the check.
//!
//! Dependencies: `cargo add smol smol-hyper anyhow && cargo add hyper --features client,http1 && cargo add http-body-util`
//! Run: `cargo run --release` (in this repository: `just run websites smol`)

use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use http_body_util::Empty;
use hyper::client::conn::http1;
use hyper::{Request, Uri, header};
use smol::net::TcpStream;
use smol::{LocalExecutor, Timer, future};
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

pub fn main() -> Result<()> {
    run(Params::default())
}

// ANCHOR: check
/// Connects, asks for `url`, and returns the status. The connection's other half, which
/// reads and writes the socket, runs as a task on `ex`; dropping it cancels it.
async fn status(ex: &LocalExecutor<'_>, url: &str) -> Result<u16> {
    let uri: Uri = url.parse()?;
    let authority = uri.authority().context("no host in the URL")?.clone();
    let host = authority.as_str();
    let connecting = || format!("{url}: connecting");
    let stream = TcpStream::connect(host).await.with_context(connecting)?;
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    let _driver = ex.spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let body = Empty::<&[u8]>::new();
    let request = Request::get(path).header(header::HOST, host).body(body)?;
    let response = sender.send_request(request).await?;
    Ok(response.status().as_u16())
}

/// One check, within the timeout.
async fn check(ex: &LocalExecutor<'_>, url: String, timeout: Duration) -> Result<()> {
    let timer = async {
        Timer::after(timeout).await;
        Err(anyhow!("{url}: no answer within {timeout:?}"))
    };
    let status = future::or(status(ex, &url), timer).await?;
    println!("{url}: status -> {status}");
    Ok(())
}
// ANCHOR_END: check

// ANCHOR: main
pub fn run(params: Params) -> Result<()> {
    let ex = LocalExecutor::new();
    let [a, b, c] = websites(&params.site).map(|page| check(&ex, page, params.timeout));
    let (a, (b, c)) = smol::block_on(ex.run(future::zip(a, future::zip(b, c))));
    a.and(b).and(c)
}
// ANCHOR_END: main
