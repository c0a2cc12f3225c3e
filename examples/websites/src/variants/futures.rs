//! `websites` on the futures crate's executor, with hyper over async-io: three checks at
//! once.
//!
//! Pairs with "Async `with` Statements" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `websites.py`; the 2018 edition has no such program). Three
//! pages of the local site stand in for its three websites: fine (200), missing (404),
//! down (503). An executor alone has no sockets and no timers: async-io brings both
//! (`Async<TcpStream>` and `Timer`), and they work under any executor; hyper's low-level
//! client reads and writes the socket through `smol-hyper`'s adapter for futures-io
//! types. `join3` runs the three checks at once; each connection's driving half is
//! spawned on a `LocalPool`.
//!
//! Dependencies: `cargo add futures async-io smol-hyper anyhow http-body-util && cargo add hyper --features client,http1`
//! Run: `cargo run --release` (in this repository: `just run websites futures`)

use std::net::{TcpStream, ToSocketAddrs};
use std::pin::pin;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use async_io::{Async, Timer};
use futures::executor::{LocalPool, LocalSpawner};
use futures::future::{self, Either};
use futures::task::LocalSpawnExt as _;
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

pub fn main() -> Result<()> {
    run(Params::default())
}

// ANCHOR: check
/// Connects, asks for `url`, and returns the status. The connection's other half, which
/// reads and writes the socket, runs on the pool; it ends when `sender` is dropped.
async fn status(pool: &LocalSpawner, url: &str) -> Result<u16> {
    let uri: Uri = url.parse()?;
    let authority = uri.authority().context("no host in the URL")?.clone();
    let host = authority.as_str();
    let addr = host.to_socket_addrs()?.next().context("no address for the host")?;
    let connecting = || format!("{url}: connecting");
    let stream = Async::<TcpStream>::connect(addr).await.with_context(connecting)?;
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    pool.spawn_local(async {
        let _ = connection.await; // an error here shows up in the request too
    })?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let body = Empty::<&[u8]>::new();
    let request = Request::get(path).header(header::HOST, host).body(body)?;
    let response = sender.send_request(request).await?;
    Ok(response.status().as_u16())
}

/// One check, within the timeout.
async fn check(pool: &LocalSpawner, url: String, timeout: Duration) -> Result<()> {
    let answer = pin!(status(pool, &url));
    let status = match future::select(answer, Timer::after(timeout)).await {
        Either::Left((status, _)) => status?,
        Either::Right(_) => return Err(anyhow!("{url}: no answer within {timeout:?}")),
    };
    println!("{url}: status -> {status}");
    Ok(())
}
// ANCHOR_END: check

// ANCHOR: main
pub fn run(params: Params) -> Result<()> {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let timeout = params.timeout;
    let [a, b, c] = websites(&params.site).map(|page| check(&spawner, page, timeout));
    let (a, b, c) = pool.run_until(future::join3(a, b, c));
    a.and(b).and(c)
}
// ANCHOR_END: main
