//! `echo` on tokio: a TCP echo server and its client.
//!
//! Pairs with the asyncio reference's "Streams" page (its "TCP echo client using streams"
//! and "TCP echo server using streams": `asyncio.start_server`,
//! `asyncio.open_connection`). tokio hands out one `TcpStream` where asyncio hands out a
//! `(reader, writer)` pair: it both reads and writes, and `split()` lends two halves when
//! one task must do both at once. Stopping is spelled out: a `CancellationToken` ends the
//! accept loop and a `TaskTracker` waits for the open connections, where asyncio has
//! `server.close()` and `wait_closed()`.
//!
//! Dependencies: `cargo add tokio --features io-util,macros,net,rt-multi-thread,signal,time && cargo add tokio-util --features rt`
//! Run: `cargo run --release` (in this repository: `just run echo tokio`)

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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
async fn serve(listener: TcpListener, stop: CancellationToken, quiet: bool) {
    let connections = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.cancelled() => break,
        };
        match accepted {
            Ok((stream, peer)) => {
                connections.spawn(async move {
                    if let Err(err) = handle_echo(stream, quiet).await {
                        eprintln!("connection from {peer}: {err}");
                    }
                });
            }
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener); // new connections are refused from here on
    connections.close();
    connections.wait().await;
}
// ANCHOR_END: serve

// ANCHOR: client
async fn tcp_echo_client(message: &str, addr: SocketAddr) -> io::Result<()> {
    let mut stream = timeout(TIMEOUT, TcpStream::connect(addr)).await??;

    println!("Send: {}", repr(message.as_bytes()));
    stream.write_all(message.as_bytes()).await?;

    let mut data = [0; 100];
    let n = timeout(TIMEOUT, stream.read(&mut data)).await??;
    println!("Received: {}", repr(&data[..n]));

    println!("Close the connection");
    drop(stream); // closes the socket, as writer.close() does
    Ok(())
}
// ANCHOR_END: client

/// Waits for SIGINT (Ctrl+C) or SIGTERM.
async fn stop_signal(int: &mut Signal, term: &mut Signal) {
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}

// ANCHOR: main
#[tokio::main]
pub async fn run(params: Params) -> io::Result<()> {
    // The handlers are in place before the server says it is ready.
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let addr = params.serve.unwrap_or((Ipv4Addr::LOCALHOST, 0).into());
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    println!("Serving on {addr}");

    let stop = CancellationToken::new();
    let mut server = tokio::spawn(serve(listener, stop.clone(), params.quiet));
    match params.serve {
        None => tcp_echo_client("Hello World!", addr).await?,
        Some(_) => {
            stop_signal(&mut int, &mut term).await;
            println!("Stopping; Ctrl+C again closes the open connections");
        }
    }
    stop.cancel();
    tokio::select! {
        finished = &mut server => finished?,
        // Returning drops the runtime, and with it every connection's task.
        () = stop_signal(&mut int, &mut term) => println!("Closing the open connections"),
    }
    println!("Server closed");
    Ok(())
}
// ANCHOR_END: main
