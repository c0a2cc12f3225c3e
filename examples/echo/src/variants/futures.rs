//! `echo` on the `futures` crate's `LocalPool`, with async-io for the sockets.
//!
//! Pairs with the asyncio reference's "Streams" page (its "TCP echo client using streams"
//! and "TCP echo server using streams": `asyncio.start_server`,
//! `asyncio.open_connection`). An executor alone has no sockets: async-io's `Async<T>`
//! wraps std's `TcpListener` and `TcpStream` and registers them with its reactor, which
//! runs on a thread of its own here (`LocalPool` does not drive it), so each wake-up
//! crosses from that thread to this one. `futures::AsyncReadExt::split` gives a reader
//! and a writer, like asyncio's pair.
//!
//! Dependencies: `cargo add futures async-io async-signal`
//! Run: `cargo run --release` (in this repository: `just run echo futures`)

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::pin::pin;
use std::time::Duration;

use async_io::{Async, Timer};
use async_signal::{Signal, Signals};
use futures::channel::mpsc;
use futures::executor::{LocalPool, LocalSpawner};
use futures::future::{self, Either};
use futures::task::LocalSpawnExt;
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};

/// What the program runs with; `just run echo` sets them from its command line. The
/// defaults run the docs' exchange, with its lines.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Params {
    /// `None`: the docs' exchange, a server on a free port and one client. `Some(addr)`:
    /// the server alone on `addr`, until Ctrl+C or SIGTERM.
    pub serve: Option<SocketAddr>,
    /// Print nothing per connection (under load).
    pub quiet: bool,
}

pub fn main() -> io::Result<()> {
    run(Params::default())
}

/// How long the client waits for the server, at most.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Shows bytes as Python's `repr` shows the text they decode to: `'Hello World!'`.
fn repr(data: &[u8]) -> String {
    format!("'{}'", String::from_utf8_lossy(data).escape_debug())
}

/// `future` or, after `after`, a `TimedOut` error.
async fn timeout<T>(
    after: Duration,
    future: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match future::select(pin!(future), Timer::after(after)).await {
        Either::Left((done, _)) => done,
        Either::Right(_) => Err(io::ErrorKind::TimedOut.into()),
    }
}

// ANCHOR: handler
async fn handle_echo(mut stream: Async<TcpStream>, quiet: bool) -> io::Result<()> {
    let peer = stream.get_ref().peer_addr()?;
    stream.get_ref().set_nodelay(true)?; // as asyncio does for every connection
    let mut data = vec![0; 8192];
    loop {
        let n = stream.read(&mut data).await?;
        if n == 0 {
            break; // EOF: the client has closed its side
        }
        if !quiet {
            println!("Received {} from {peer}", repr(&data[..n]));
            println!("Send: {}", repr(&data[..n]));
        }
        stream.write_all(&data[..n]).await?;
    }
    if !quiet {
        println!("Close the connection");
    }
    Ok(())
}
// ANCHOR_END: handler

// ANCHOR: serve
async fn serve(
    spawner: LocalSpawner,
    listener: Async<TcpListener>,
    mut stop: mpsc::Receiver<()>,
    quiet: bool,
) -> io::Result<()> {
    // Each connection holds a sender; when the last is dropped, `all_done` ends.
    let (done, mut all_done) = mpsc::channel::<()>(0);
    loop {
        let accepted = match future::select(pin!(listener.accept()), stop.next()).await {
            Either::Left((accepted, _)) => accepted,
            Either::Right(_) => break, // closed: time to stop
        };
        match accepted {
            Ok((stream, peer)) => {
                let done = done.clone();
                let handler = async move {
                    if let Err(err) = handle_echo(stream, quiet).await {
                        eprintln!("connection from {peer}: {err}");
                    }
                    drop(done);
                };
                spawner.spawn_local(handler).map_err(io::Error::other)?;
            }
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {err}");
                Timer::after(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener); // new connections are refused from here on
    drop(done);
    all_done.next().await;
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: client
async fn tcp_echo_client(message: &str, addr: SocketAddr) -> io::Result<()> {
    let stream = timeout(TIMEOUT, Async::<TcpStream>::connect(addr)).await?;
    let (mut reader, mut writer) = stream.split();

    println!("Send: {}", repr(message.as_bytes()));
    writer.write_all(message.as_bytes()).await?;

    let mut data = [0; 100];
    let n = timeout(TIMEOUT, reader.read(&mut data)).await?;
    println!("Received: {}", repr(&data[..n]));

    println!("Close the connection");
    drop((reader, writer)); // closes the socket, as writer.close() does
    Ok(())
}
// ANCHOR_END: client

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    pool.run_until(async {
        // The handlers are in place before the server says it is ready.
        let mut signals = Signals::new([Signal::Int, Signal::Term])?;
        let addr = params.serve.unwrap_or((Ipv4Addr::LOCALHOST, 0).into());
        let listener = Async::<TcpListener>::bind(addr)?;
        let addr = listener.get_ref().local_addr()?;
        println!("Serving on {addr}");

        let (stop, stopped) = mpsc::channel::<()>(0);
        let server = serve(spawner, listener, stopped, params.quiet);
        let main = async {
            match params.serve {
                None => tcp_echo_client("Hello World!", addr).await?,
                Some(_) => {
                    signals.next().await;
                    println!("Stopping; Ctrl+C again closes the open connections");
                }
            }
            drop(stop);
            signals.next().await;
            // Returning drops the pool, and with it every connection's task.
            println!("Closing the open connections");
            Ok::<_, io::Error>(())
        };
        // Whichever ends first: the server, once its connections are done, or `main`.
        match future::select(pin!(server), pin!(main)).await {
            Either::Left((served, _)) => served?,
            Either::Right((closing, _)) => closing?,
        }
        println!("Server closed");
        Ok(())
    })
}
// ANCHOR_END: main
