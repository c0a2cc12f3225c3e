//! `echo` on smol: a TCP echo server and its client.
//!
//! Pairs with the asyncio reference's "Streams" page (its "TCP echo client using streams"
//! and "TCP echo server using streams": `asyncio.start_server`,
//! `asyncio.open_connection`). smol's `TcpStream` (from async-net) is one handle that
//! both reads and writes, and it is `Clone`: a clone is the way to read and write at
//! once. The connections run on an `Executor` of the program's own, run by a thread per
//! core, as smol's docs advise for more than small programs (`smol::spawn`'s global
//! executor has one thread). Stopping uses what smol already has: closing a channel tells
//! the accept loop to stop, and the last connection dropping its sender says all are
//! done. Signals come from async-signal.
//!
//! Dependencies: `cargo add smol async-signal`
//! Run: `cargo run --release` (in this repository: `just run echo smol`)

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZero;
use std::thread;
use std::time::Duration;

use async_signal::{Signal, Signals};
use smol::channel::{self, Receiver};
use smol::future::{self, FutureExt};
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::{TcpListener, TcpStream};
use smol::stream::StreamExt;
use smol::{Executor, Timer};

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
    let expired = async {
        Timer::after(after).await;
        Err(io::ErrorKind::TimedOut.into())
    };
    future.or(expired).await
}

// ANCHOR: handler
async fn handle_echo(mut stream: TcpStream, quiet: bool) -> io::Result<()> {
    let peer = stream.peer_addr()?;
    stream.set_nodelay(true)?; // as asyncio does for every connection
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
/// The connections' executor: every thread that calls `EX.run(..)` runs its tasks.
static EX: Executor<'_> = Executor::new();

async fn serve(listener: TcpListener, stop: Receiver<()>, quiet: bool) {
    // Each connection holds a sender; when the last is dropped, `all_done` closes.
    let (done, all_done) = channel::bounded::<()>(1);
    loop {
        let accepted = async { Some(listener.accept().await) }.or(async {
            let _ = stop.recv().await; // closed: time to stop
            None
        });
        match accepted.await {
            None => break,
            Some(Ok((stream, peer))) => {
                let done = done.clone();
                EX.spawn(async move {
                    if let Err(err) = handle_echo(stream, quiet).await {
                        eprintln!("connection from {peer}: {err}");
                    }
                    drop(done);
                })
                .detach();
            }
            Some(Err(err)) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {err}");
                Timer::after(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener); // new connections are refused from here on
    drop(done);
    let _ = all_done.recv().await;
}
// ANCHOR_END: serve

// ANCHOR: client
async fn tcp_echo_client(message: &str, addr: SocketAddr) -> io::Result<()> {
    let mut stream = timeout(TIMEOUT, TcpStream::connect(addr)).await?;

    println!("Send: {}", repr(message.as_bytes()));
    stream.write_all(message.as_bytes()).await?;

    let mut data = [0; 100];
    let n = timeout(TIMEOUT, stream.read(&mut data)).await?;
    println!("Received: {}", repr(&data[..n]));

    println!("Close the connection");
    drop(stream); // closes the socket, as writer.close() does
    Ok(())
}
// ANCHOR_END: client

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    // A thread per core runs the executor: this one, and the others until `done` closes.
    let (done, finished) = channel::bounded::<()>(1);
    let cores = thread::available_parallelism().map_or(1, NonZero::get);
    thread::scope(|scope| {
        for _ in 1..cores {
            scope.spawn(|| smol::block_on(EX.run(finished.recv())));
        }
        let outcome = smol::block_on(EX.run(serve_until_stopped(params)));
        drop(done);
        outcome
    })
}

async fn serve_until_stopped(params: Params) -> io::Result<()> {
    // The handlers are in place before the server says it is ready.
    let mut signals = Signals::new([Signal::Int, Signal::Term])?;
    let addr = params.serve.unwrap_or((Ipv4Addr::LOCALHOST, 0).into());
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    println!("Serving on {addr}");

    let (stop, stopped) = channel::bounded::<()>(1);
    let server = serve(listener, stopped, params.quiet);
    let main = async {
        match params.serve {
            None => tcp_echo_client("Hello World!", addr).await?,
            Some(_) => {
                signals.next().await;
                println!("Stopping; Ctrl+C again closes the open connections");
            }
        }
        stop.close();
        signals.next().await;
        // Returning ends the program, and with it every connection's task.
        println!("Closing the open connections");
        Ok::<_, io::Error>(())
    };
    // Whichever ends first: the server, once its connections are done, or `main`.
    let served = async {
        server.await;
        Ok(())
    };
    future::or(served, main).await?;
    println!("Server closed");
    Ok(())
}
// ANCHOR_END: main
