//! `download --bench N`: requests per second, N requests to the site's download pages with
//! their delay set to 0 (`?delay=0`), so that what is measured is the clients, the runtimes
//! and the site, not the waiting.
//!
//! Each runtime's client is the one its variant uses, made the same way (one agent or client,
//! a timeout on every request, no proxy), with at most 100 requests in flight: 100 workers (tasks or
//! threads) each take the next request from a shared counter until N have been taken, as the
//! variants' workers take the next site. The async clients keep one connection per worker, so
//! the site sees at most 100. Nothing is printed per page. Kept out of the variant files,
//! which stay free of measurement code.
//!
//! The yardstick, printed with tokio's figures: the least an HTTP/1.1 client can do over the
//! same 100 connections, a request written as one fixed string and the answer read by hand
//! (its length from `Content-Length`), on tokio's current-thread runtime. What separates a
//! runtime's line from it is the client and the runtime; what separates the yardstick from
//! infinity is the site, which shares the machine's two cores with the client.

use std::future::Future;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use futures::future::{self, Either};
use http_body_util::{BodyExt as _, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, StatusCode, header};
use walkthrough::Runtime;

/// At most this many requests in flight: aiohttp's connection limit, and the variants'.
const IN_FLIGHT: usize = 100;

/// How long one request may take. Each client pays for its timeout as its variant does (a
/// timer per request, whatever its length), but a longer one than the variants' 1 s, so that
/// a moment when other programs hold both cores fails no request.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The two download pages, with no delay, alternating.
#[derive(Clone)]
struct Pages {
    urls: [String; 2],
    paths: [&'static str; 2],
    authority: String,
    addr: SocketAddr,
}

impl Pages {
    fn new(site: &str) -> Result<Pages> {
        let paths = ["/jython?delay=0", "/dice?delay=0"];
        let authority =
            site.strip_prefix("http://").context("the site's URL is not http://")?;
        let authority = authority.trim_end_matches('/').to_owned();
        let addr =
            authority.to_socket_addrs()?.next().context("the site has no address")?;
        Ok(Pages { urls: paths.map(|p| format!("{site}{p}")), paths, authority, addr })
    }

    /// The URL of request `i`.
    fn url(&self, i: u32) -> &str {
        &self.urls[i as usize % 2]
    }

    /// The path of request `i`.
    fn path(&self, i: u32) -> &'static str {
        self.paths[i as usize % 2]
    }
}

/// Runs the benchmark of `runtime` against the site at `site`, with `n` requests.
pub fn run(runtime: Runtime, site: &str, n: u32) -> Result<()> {
    let pages = Pages::new(site)?;
    match runtime {
        Runtime::Sync => sync(&pages, n),
        Runtime::Threads => threads(&pages, n),
        Runtime::Processes => processes(site, n),
        Runtime::Tokio => tokio(&pages, n),
        Runtime::Smol => smol(&pages, n),
        Runtime::AsyncStd => async_std(pages, n),
        Runtime::Futures => futures(&pages, n),
        other => bail!("download has no {other} variant"),
    }
}

/// Prints `what: N requests in X ms, R requests/s` after checking that every page was read.
fn report(what: &str, n: u32, read: u32, elapsed: Duration) -> Result<()> {
    ensure!(read == n, "{what}: {read} of {n} pages read");
    let rate = f64::from(n) / elapsed.as_secs_f64();
    println!(
        "{what}: {n} requests in {:.1} ms, {rate:.0} requests/s",
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Takes the next request's number, until `n` have been taken.
fn take(next: &AtomicU32, n: u32) -> Option<u32> {
    let i = next.fetch_add(1, Ordering::Relaxed);
    (i < n).then_some(i)
}

// The blocking clients: ureq, as in the sync, threads and processes variants.

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).proxy(None).build().into()
}

/// Gets pages on one agent, one after another, while there are requests left.
fn ureq_worker(pages: &Pages, next: &AtomicU32, n: u32) -> Result<u32> {
    let agent = agent();
    let mut read = 0;
    while let Some(i) = take(next, n) {
        let page = agent.get(pages.url(i)).call()?.body_mut().read_to_vec()?;
        ensure!(!page.is_empty(), "an empty page");
        read += 1;
    }
    Ok(read)
}

fn sync(pages: &Pages, n: u32) -> Result<()> {
    let start = Instant::now();
    let read = ureq_worker(pages, &AtomicU32::new(0), n)?;
    report("ureq, one Agent, one request at a time", n, read, start.elapsed())
}

fn threads(pages: &Pages, n: u32) -> Result<()> {
    for workers in [5, IN_FLIGHT] {
        let next = AtomicU32::new(0);
        let start = Instant::now();
        let read = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..workers)
                .map(|_| scope.spawn(|| ureq_worker(pages, &next, n)))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().map_err(|_| anyhow!("a thread panicked"))?)
                .sum::<Result<u32>>()
        })?;
        report(
            &format!("ureq, {workers} threads, an Agent each"),
            n,
            read,
            start.elapsed(),
        )?;
    }
    Ok(())
}

/// The processes' bench: one worker process per CPU, each with its own agent and its share of
/// the requests, started and waited for inside the time, as the variant's are.
fn processes(site: &str, n: u32) -> Result<()> {
    use std::process::{Command, Stdio};

    let workers =
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get) as u32;
    let exe = std::env::current_exe().context("cannot find this program")?;
    let start = Instant::now();
    let mut children = Vec::new();
    for w in 0..workers {
        let share = n / workers + u32::from(w < n % workers);
        if share == 0 {
            continue;
        }
        let child = Command::new(&exe)
            .args(["processes", "--site", site, "--bench-worker", &share.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start a worker process")?;
        children.push(child);
    }
    let mut read = 0;
    for child in children {
        let output = child.wait_with_output()?;
        ensure!(output.status.success(), "a worker process failed: {}", output.status);
        read += String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse::<u32>()
            .context("a worker's count")?;
    }
    report(
        &format!("ureq, {workers} worker processes, an Agent each"),
        n,
        read,
        start.elapsed(),
    )
}

/// The bench's worker process: `n` requests on one agent, then the count on stdout.
pub fn serve(site: &str, n: u32) -> Result<()> {
    let read = ureq_worker(&Pages::new(site)?, &AtomicU32::new(0), n)?;
    println!("{read}");
    Ok(())
}

// tokio: reqwest, as in the variant, and the yardstick.

fn tokio(pages: &Pages, n: u32) -> Result<()> {
    async fn reqwest_bench(pages: Arc<Pages>, n: u32) -> Result<u32> {
        let client = reqwest::Client::builder().timeout(TIMEOUT).no_proxy().build()?;
        let next = Arc::new(AtomicU32::new(0));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let (client, pages, next) =
                (client.clone(), Arc::clone(&pages), Arc::clone(&next));
            workers.spawn(async move {
                let mut read = 0;
                while let Some(i) = take(&next, n) {
                    let response =
                        client.get(pages.url(i)).send().await?.error_for_status()?;
                    ensure!(!response.bytes().await?.is_empty(), "an empty page");
                    read += 1;
                }
                Ok(read)
            });
        }
        let mut read = 0;
        while let Some(done) = workers.join_next().await {
            read += done??;
        }
        Ok(read)
    }

    let pages = Arc::new(pages.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    let read = runtime.block_on(reqwest_bench(Arc::clone(&pages), n))?;
    report("reqwest, current-thread runtime, 100 in flight", n, read, start.elapsed())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let start = Instant::now();
    let read = runtime.block_on(reqwest_bench(Arc::clone(&pages), n))?;
    report(
        "reqwest, multi-thread runtime (2 workers), 100 in flight",
        n,
        read,
        start.elapsed(),
    )?;

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    let read = runtime.block_on(async {
        let next = AtomicU32::new(0);
        let workers = (0..IN_FLIGHT).map(|_| raw_worker(&pages, &next, n));
        future::try_join_all(workers).await.map(|counts| counts.into_iter().sum())
    })?;
    report(
        "yardstick: raw HTTP/1.1 over tokio's TcpStream, 100 connections",
        n,
        read,
        start.elapsed(),
    )?;

    async fn connect(addr: SocketAddr) -> Result<Connection> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    let read = runtime.block_on(async {
        let next = AtomicU32::new(0);
        let workers = (0..IN_FLIGHT).map(|_| {
            hyper_worker(&pages, &next, n, || connect(pages.addr), tokio::time::sleep)
        });
        future::try_join_all(workers).await.map(|counts| counts.into_iter().sum())
    })?;
    report(
        "hyper's client::conn::http1 over tokio, 100 connections",
        n,
        read,
        start.elapsed(),
    )
}

/// The yardstick's worker: one connection, a fixed request written whole, the answer's head
/// read up to its blank line, then exactly `Content-Length` bytes of body.
async fn raw_worker(pages: &Pages, next: &AtomicU32, n: u32) -> Result<u32> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let requests = pages.paths.map(|path| {
        format!("GET {path} HTTP/1.1\r\nhost: {}\r\n\r\n", pages.authority).into_bytes()
    });
    let mut stream = tokio::net::TcpStream::connect(pages.addr).await?;
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut read = 0;
    while let Some(i) = take(next, n) {
        let answer = async {
            stream.write_all(&requests[i as usize % 2]).await?;
            // Read until the head is complete, then until the body is.
            let (head, length) = loop {
                if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break (end + 4, content_length(&buffer[..end])?);
                }
                if stream.read_buf(&mut buffer).await? == 0 {
                    bail!("the site closed the connection");
                }
            };
            ensure!(buffer.starts_with(b"HTTP/1.1 200 "), "not a 200");
            while buffer.len() < head + length {
                if stream.read_buf(&mut buffer).await? == 0 {
                    bail!("the site closed the connection mid-body");
                }
            }
            buffer.drain(..head + length);
            anyhow::Ok(length)
        };
        let length = tokio::time::timeout(TIMEOUT, answer)
            .await
            .map_err(|_| anyhow!("timed out"))??;
        ensure!(length > 0, "an empty page");
        read += 1;
    }
    Ok(read)
}

/// The `Content-Length` of an answer's head.
fn content_length(head: &[u8]) -> Result<usize> {
    let head = std::str::from_utf8(head)?;
    let value = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        })
        .context("no Content-Length")?
        .1;
    Ok(value.trim().parse()?)
}

// hyper's low-level client on smol, async-std and futures, as in those variants.

type Connection = SendRequest<Empty<&'static [u8]>>;

/// One worker of the hyper-based benches: a connection made by `connect`, requests on it one
/// after another while there are any left, each within `TIMEOUT` (a `sleep` of the runtime).
async fn hyper_worker<C, S>(
    pages: &Pages,
    next: &AtomicU32,
    n: u32,
    connect: impl Fn() -> C,
    sleep: impl Fn(Duration) -> S,
) -> Result<u32>
where
    C: Future<Output = Result<Connection>>,
    S: Future<Output = ()>,
{
    let mut sender = connect().await?;
    let mut read = 0;
    while let Some(i) = take(next, n) {
        let request = Request::get(pages.path(i))
            .header(header::HOST, &pages.authority)
            .body(Empty::new())?;
        let get = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            ensure!(
                response.status() == StatusCode::OK,
                "HTTP status {}",
                response.status()
            );
            Ok(response.into_body().collect().await?.to_bytes().len())
        };
        let length = match future::select(pin!(get), pin!(sleep(TIMEOUT))).await {
            Either::Left((length, _)) => length?,
            Either::Right(_) => bail!("no answer within {TIMEOUT:?}"),
        };
        ensure!(length > 0, "an empty page");
        read += 1;
    }
    Ok(read)
}

fn smol(pages: &Pages, n: u32) -> Result<()> {
    use smol::LocalExecutor;

    async fn connect(
        drivers: &LocalExecutor<'_>,
        addr: SocketAddr,
    ) -> Result<Connection> {
        let stream = smol::net::TcpStream::connect(addr).await?;
        let (sender, connection) =
            http1::handshake(smol_hyper::rt::FuturesIo::new(stream)).await?;
        drivers.spawn(connection).detach();
        Ok(sender)
    }

    let next = AtomicU32::new(0);
    let drivers = LocalExecutor::new();
    let workers = LocalExecutor::new();
    let start = Instant::now();
    let read = smol::block_on(drivers.run(workers.run(async {
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                workers.spawn(hyper_worker(
                    pages,
                    &next,
                    n,
                    || connect(&drivers, pages.addr),
                    |d| async move {
                        smol::Timer::after(d).await;
                    },
                ))
            })
            .collect();
        let mut read = 0;
        for task in tasks {
            read += task.await?;
        }
        anyhow::Ok(read)
    })))?;
    report("hyper over smol, 100 connections", n, read, start.elapsed())
}

fn async_std(pages: Pages, n: u32) -> Result<()> {
    use async_std::task;

    async fn connect(addr: SocketAddr) -> Result<Connection> {
        let stream = async_std::net::TcpStream::connect(addr).await?;
        let (sender, connection) =
            http1::handshake(smol_hyper::rt::FuturesIo::new(stream)).await?;
        task::spawn(connection);
        Ok(sender)
    }

    let pages = Arc::new(pages);
    let next = Arc::new(AtomicU32::new(0));
    let start = Instant::now();
    let read = task::block_on(async {
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let (pages, next) = (Arc::clone(&pages), Arc::clone(&next));
                task::spawn(async move {
                    let addr = pages.addr;
                    hyper_worker(&pages, &next, n, || connect(addr), task::sleep).await
                })
            })
            .collect();
        let mut read = 0;
        for task in tasks {
            read += task.await?;
        }
        anyhow::Ok(read)
    })?;
    report("hyper over async-std, 100 connections", n, read, start.elapsed())
}

fn futures(pages: &Pages, n: u32) -> Result<()> {
    use futures::executor::{LocalPool, LocalSpawner};
    use futures::task::LocalSpawnExt as _;

    async fn connect(spawner: &LocalSpawner, addr: SocketAddr) -> Result<Connection> {
        let stream = async_io::Async::<std::net::TcpStream>::connect(addr).await?;
        let (sender, connection) =
            http1::handshake(smol_hyper::rt::FuturesIo::new(stream)).await?;
        spawner.spawn_local(async {
            let _ = connection.await;
        })?;
        Ok(sender)
    }

    let next = AtomicU32::new(0);
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let start = Instant::now();
    let workers = (0..IN_FLIGHT).map(|_| {
        hyper_worker(
            pages,
            &next,
            n,
            || connect(&spawner, pages.addr),
            |d| async move {
                async_io::Timer::after(d).await;
            },
        )
    });
    let read: u32 = pool.run_until(future::try_join_all(workers))?.into_iter().sum();
    report(
        "hyper over async-io on a futures LocalPool, 100 connections",
        n,
        read,
        start.elapsed(),
    )
}
