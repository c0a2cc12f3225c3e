//! The local web site that the IO examples talk to.
//!
//! No machine running these examples needs the internet: the site serves the download pages of
//! "Speed Up Your Python Program With Concurrency", endpoints in the spirit of httpbin for
//! delays, statuses, redirects and faults, and a graph of linked pages for the crawler. It is
//! a real HTTP/1.1 server, built on hyper, listening on `127.0.0.1` (port 0 by default: any
//! free port), on its own thread with its own current-thread tokio runtime, so it runs beside
//! any runtime under test without sharing a reactor with it.
//!
//! ```no_run
//! let site = site::Site::start(site::Config::default())?;
//! println!("{}", site.url()); // http://127.0.0.1:41234
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Dropping the [`Site`] stops it: the listener closes, open connections are dropped, and
//! its thread is joined.

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, StreamExt as _};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{Notify, oneshot};

mod alarm;
pub mod crawl;
pub mod pages;

/// The body of every answer: whole, or streamed in chunks (slowly, hugely, or cut short).
type Body = BoxBody<Bytes, io::Error>;

/// Where `just site` serves by default, and where a copied IO variant looks by default.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8000);
/// [`DEFAULT_ADDR`] as a base URL.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8000";
/// The tutorial second of `just site`: the download example's default unit.
pub const DEFAULT_UNIT: Duration = Duration::from_millis(250);

/// How the site behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// How long one tutorial second lasts: every delay is given in tutorial seconds.
    pub unit: Duration,
    /// How long the two download pages take to answer, in tutorial seconds: 0.089 by default
    /// (the 2019 article's 14.29 s for 160 pages, one at a time).
    pub page_delay: f64,
    /// Where to listen: `127.0.0.1:0` by default, any free port.
    pub addr: SocketAddr,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            unit: Duration::from_secs(1),
            page_delay: pages::PAGE_DELAY,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

impl Config {
    /// What `just site` serves with: [`DEFAULT_UNIT`], the default page delay, on
    /// [`DEFAULT_ADDR`].
    pub fn for_just_site() -> Config {
        Config { unit: DEFAULT_UNIT, addr: DEFAULT_ADDR, ..Config::default() }
    }
}

/// What the site has seen since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Requests answered (or being answered).
    pub requests: u64,
    /// Connections accepted.
    pub connections: u64,
    /// The most connections open at once.
    pub peak_connections: usize,
    /// The most requests being answered at once (from arrival until the answer's head is
    /// ready, its delay included): what a client's limit on requests in flight shows.
    pub peak_in_flight: usize,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    connections: AtomicU64,
    open: AtomicUsize,
    peak: AtomicUsize,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

/// Counts a request as in flight until it is dropped (when its answer's head is ready, or
/// when the client goes away first).
struct InFlight<'a>(&'a Counters);

impl<'a> InFlight<'a> {
    fn enter(counters: &'a Counters) -> InFlight<'a> {
        let now = counters.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        counters.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlight(counters)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The running site. Dropping it stops it.
#[derive(Debug)]
pub struct Site {
    addr: SocketAddr,
    url: String,
    counters: Arc<Counters>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The clock of the delayed answers; dropped (stopped) after the server's thread.
    _alarm: alarm::Alarm,
}

impl Site {
    /// Binds the address and starts serving on a thread of its own. Fails only when the
    /// address cannot be bound (a port in use) or the thread cannot start.
    pub fn start(config: Config) -> io::Result<Site> {
        let listener = bind(config.addr)?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let (stop, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (alarm, clock) = alarm::Alarm::start()?;
        let state = Arc::new(State {
            config,
            counters: Arc::clone(&counters),
            clock,
            jython: Bytes::from(pages::jython()),
            dice: Bytes::from(pages::dice()),
        });
        let thread = std::thread::Builder::new().name("site".into()).spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => accept(listener, state, stopped).await,
                    Err(err) => eprintln!("site: cannot listen: {err}"),
                }
            });
            // Dropping the runtime here cancels every connection still open.
        })?;
        Ok(Site {
            addr,
            url: format!("http://{addr}"),
            counters,
            stop: Some(stop),
            thread: Some(thread),
            _alarm: alarm,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`, with no slash at the end.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it has seen so far.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            connections: self.counters.connections.load(Ordering::Relaxed),
            peak_connections: self.counters.peak.load(Ordering::Relaxed),
            peak_in_flight: self.counters.peak_in_flight.load(Ordering::Relaxed),
        }
    }

    /// Serves until this thread is interrupted by SIGINT or SIGTERM, then stops the site.
    pub fn serve_until_signalled(self) -> io::Result<i32> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        let signal = signals.forever().next().unwrap_or(SIGTERM);
        drop(self);
        Ok(signal)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A listening socket with room for a burst of connections (a backlog of 1024).
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

struct State {
    config: Config,
    counters: Arc<Counters>,
    /// Delays answers to within about 0.1 ms (tokio's timer would add about 1 ms).
    clock: alarm::Handle,
    /// The download pages, made once: a benchmark asks for them tens of thousands of times a
    /// second, and each answer shares these bytes.
    jython: Bytes,
    dice: Bytes,
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<State>, mut stopped: oneshot::Receiver<()>) {
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let counters = Arc::clone(&state.counters);
            counters.connections.fetch_add(1, Ordering::Relaxed);
            let open = counters.open.fetch_add(1, Ordering::Relaxed) + 1;
            counters.peak.fetch_max(open, Ordering::Relaxed);
            let _ = connection(stream, state).await;
            counters.open.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// Serves one connection until the client closes it, or until a handler asks for it to be
/// reset (`/reset`): then the socket closes with `SO_LINGER` 0, which sends an RST.
async fn connection(stream: tokio::net::TcpStream, state: Arc<State>) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket, kept to set SO_LINGER if the connection is to be reset.
    let std_stream = stream.into_std()?;
    let second = socket2::Socket::from(std_stream.try_clone()?);
    let stream = tokio::net::TcpStream::from_std(std_stream)?;
    let reset = Arc::new(Notify::new());
    let service = {
        let reset = Arc::clone(&reset);
        service_fn(move |request| {
            let (state, reset) = (Arc::clone(&state), Arc::clone(&reset));
            async move { Ok::<_, Infallible>(answer(request, &state, reset).await) }
        })
    };
    let serving = pin!(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
    let reset_asked = pin!(reset.notified());
    tokio::select! {
        _ = serving => {}
        () = reset_asked => {
            // Both handles close when this returns; with linger 0 the last close sends RST.
            second.set_linger(Some(Duration::ZERO))?;
        }
    }
    Ok(())
}

/// Sleeps `units` tutorial seconds, on the site's precise clock.
async fn pause(state: &State, units: f64) {
    let wait = state.config.unit.mul_f64(units.max(0.0));
    if !wait.is_zero() {
        state.clock.sleep(wait).await;
    }
}

async fn answer(request: Request<Incoming>, state: &State, reset: Arc<Notify>) -> Response<Body> {
    state.counters.requests.fetch_add(1, Ordering::Relaxed);
    let _in_flight = InFlight::enter(&state.counters);
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [""] => html(StatusCode::OK, pages::index()),
        ["jython" | "dice"] => match page_delay(request.uri().query(), state.config.page_delay) {
            Some(delay) => {
                pause(state, delay).await;
                let page = if path == "/jython" { &state.jython } else { &state.dice };
                html(StatusCode::OK, page.clone())
            }
            None => text(StatusCode::BAD_REQUEST, "?delay= takes a number of tutorial seconds, 0 to 3600\n"),
        },
        ["status", code] => match code.parse::<u16>().ok().and_then(|c| StatusCode::from_u16(c).ok()) {
            Some(status) if status.as_u16() >= 200 => text(status, &format!("status {}\n", status.as_u16())),
            _ => text(StatusCode::BAD_REQUEST, "a status is a number from 200 to 999\n"),
        },
        ["delay", units] => match units.parse::<f64>() {
            Ok(units) if (0.0..=3600.0).contains(&units) => {
                pause(state, units).await;
                text(StatusCode::OK, &format!("answered after {units} tutorial seconds\n"))
            }
            _ => text(StatusCode::BAD_REQUEST, "a delay is a number of tutorial seconds, 0 to 3600\n"),
        },
        ["redirect", n] => match n.parse::<u32>() {
            Ok(0) => text(StatusCode::OK, "no more redirects\n"),
            Ok(n) if n <= 100 => redirect(&format!("/redirect/{}", n - 1)),
            _ => text(StatusCode::BAD_REQUEST, "redirects: 0 to 100\n"),
        },
        ["redirect-loop"] => redirect("/redirect-loop"),
        ["drip", bytes, units] => match (bytes.parse::<u32>(), units.parse::<f64>()) {
            (Ok(bytes @ 1..=1_000_000), Ok(units)) if (0.0..=3600.0).contains(&units) => {
                drip(state, bytes, units)
            }
            _ => text(
                StatusCode::BAD_REQUEST,
                "drip/{bytes}/{units}: 1 to 1000000 bytes over 0 to 3600 units\n",
            ),
        },
        ["bytes", n] => match n.parse::<u64>() {
            Ok(n) if n <= pages::MAX_BYTES => bytes(n),
            _ => text(StatusCode::BAD_REQUEST, "bytes/{n}: at most 1 GiB\n"),
        },
        ["not-utf8"] => {
            let mut response = Response::new(full(pages::not_utf8()));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, "text/html; charset=iso-8859-1".parse().expect("a header"));
            response
        }
        ["reset"] => cut_short(reset),
        ["hang"] => std::future::pending().await,
        ["links", n, offset] => match (n.parse::<u32>(), offset.parse::<u32>()) {
            (Ok(n @ 1..=1000), Ok(offset)) if offset < n => html(StatusCode::OK, pages::links(n, offset)),
            _ => text(StatusCode::BAD_REQUEST, "links/{n}/{offset}: n from 1 to 1000, offset below n\n"),
        },
        // The crawl example's pages (crawl.rs): areq's list and pages, and the link graph.
        ["urls.txt"] | ["areq", _] | ["graph", _] => match crawl::answer(&request, state).await {
            Some(response) => response,
            None => text(StatusCode::NOT_FOUND, "Not Found\n"),
        },
        _ => text(StatusCode::NOT_FOUND, "Not Found\n"),
    }
}

/// A download page's delay: `?delay=<units>` in the query when given (a benchmark asks for 0),
/// the site's page delay otherwise; `None` when the query's delay is not a number of tutorial
/// seconds from 0 to 3600.
fn page_delay(query: Option<&str>, default: f64) -> Option<f64> {
    let asked = query.into_iter().flat_map(|q| q.split('&')).find_map(|pair| pair.strip_prefix("delay="));
    match asked {
        None => Some(default),
        Some(units) => units.parse::<f64>().ok().filter(|units| (0.0..=3600.0).contains(units)),
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    let mut response = Response::new(full(body.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, "text/plain; charset=utf-8".parse().expect("a header"));
    response
}

fn html(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, "text/html; charset=utf-8".parse().expect("a header"));
    response
}

fn redirect(to: &str) -> Response<Body> {
    let mut response = text(StatusCode::FOUND, &format!("see {to}\n"));
    response.headers_mut().insert(LOCATION, to.parse().expect("a path is a header value"));
    response
}

/// `bytes` bytes, one chunk every `units / bytes` tutorial seconds (at most 1000 chunks).
fn drip(state: &State, bytes: u32, units: f64) -> Response<Body> {
    let chunks = bytes.min(1000);
    let every = state.config.unit.mul_f64(units / f64::from(chunks));
    let body = stream::iter(0..chunks).then(move |i| async move {
        tokio::time::sleep(every).await;
        let size = bytes / chunks + u32::from(i < bytes % chunks);
        Ok(Frame::data(Bytes::from(vec![b'*'; size as usize])))
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(body)));
    response.headers_mut().insert(CONTENT_LENGTH, bytes.into());
    response.headers_mut().insert(CONTENT_TYPE, "application/octet-stream".parse().expect("a header"));
    response
}

/// `n` bytes, streamed in chunks of 64 KiB.
fn bytes(n: u64) -> Response<Body> {
    const CHUNK: u64 = 64 * 1024;
    let chunk = Bytes::from(vec![b'x'; CHUNK as usize]);
    let body = stream::iter((0..n.div_ceil(CHUNK)).map(move |i| {
        let size = CHUNK.min(n - i * CHUNK) as usize;
        Ok(Frame::data(chunk.slice(..size)))
    }));
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(body)));
    response.headers_mut().insert(CONTENT_LENGTH, n.into());
    response.headers_mut().insert(CONTENT_TYPE, "application/octet-stream".parse().expect("a header"));
    response
}

/// Promises 100,000 bytes, sends 1,000, then resets the connection.
fn cut_short(reset: Arc<Notify>) -> Response<Body> {
    let first = stream::once(async { Ok(Frame::data(Bytes::from(vec![b'-'; 1000]))) });
    let then = stream::once(async move {
        // Let the first bytes reach the client before the reset.
        tokio::time::sleep(Duration::from_millis(20)).await;
        reset.notify_one();
        std::future::pending::<Result<Frame<Bytes>, io::Error>>().await
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(first.chain(then))));
    response.headers_mut().insert(CONTENT_LENGTH, 100_000.into());
    response
}
