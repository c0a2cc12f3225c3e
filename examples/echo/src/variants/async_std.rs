//! `echo` on async-std (legacy): a TCP echo server and its client.
//!
//! Pairs with the asyncio reference's "Streams" page (its "TCP echo client using streams"
//! and "TCP echo server using streams": `asyncio.start_server`,
//! `asyncio.open_connection`). async-std copies std's names
//! (`async_std::net::TcpListener`, `io::ReadExt`), and `task::spawn` puts each connection
//! on its global executor, one thread per core. A `TcpStream` is `Clone`, and
//! `&TcpStream` reads and writes, so one handle can be shared by a reader and a writer.
//! async-std is discontinued (RUSTSEC-2025-0052): its successor is smol. Signals come
//! from async-signal, which runs on the same reactor (async-io).
//!
//! Dependencies: `cargo add async-std --features unstable && cargo add async-signal`
//! Run: `cargo run --release` (in this repository: `just run echo async-std`)

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use async_signal::{Signal, Signals};
use async_std::channel::{self, Receiver};
use async_std::io::{self, ReadExt, WriteExt};
use async_std::net::{TcpListener, TcpStream};
use async_std::prelude::*;
use async_std::task;

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
async fn serve(listener: TcpListener, stop: Receiver<()>, quiet: bool) {
    // Each connection holds a sender; when the last is dropped, `all_done` closes.
    let (done, all_done) = channel::bounded::<()>(1);
    loop {
        let accepted = async { Some(listener.accept().await) }.race(async {
            let _ = stop.recv().await; // closed: time to stop
            None
        });
        match accepted.await {
            None => break,
            Some(Ok((stream, peer))) => {
                let done = done.clone();
                task::spawn(async move {
                    if let Err(err) = handle_echo(stream, quiet).await {
                        eprintln!("connection from {peer}: {err}");
                    }
                    drop(done);
                });
            }
            Some(Err(err)) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {err}");
                task::sleep(Duration::from_millis(100)).await;
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
    let mut stream = io::timeout(TIMEOUT, TcpStream::connect(addr)).await?;

    println!("Send: {}", repr(message.as_bytes()));
    stream.write_all(message.as_bytes()).await?;

    let mut data = [0; 100];
    let n = io::timeout(TIMEOUT, stream.read(&mut data)).await?;
    println!("Received: {}", repr(&data[..n]));

    println!("Close the connection");
    drop(stream); // closes the socket, as writer.close() does
    Ok(())
}
// ANCHOR_END: client

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    task::block_on(async {
        // The handlers are in place before the server says it is ready.
        let mut signals = Signals::new([Signal::Int, Signal::Term])?;
        let addr = params.serve.unwrap_or((Ipv4Addr::LOCALHOST, 0).into());
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        println!("Serving on {addr}");

        let (stop, stopped) = channel::bounded::<()>(1);
        let server = task::spawn(serve(listener, stopped, params.quiet));
        match params.serve {
            None => tcp_echo_client("Hello World!", addr).await?,
            Some(_) => {
                signals.next().await;
                println!("Stopping; Ctrl+C again closes the open connections");
            }
        }
        stop.close();
        let closing = async {
            signals.next().await;
            // Returning ends the program, and with it every connection's task.
            println!("Closing the open connections");
        };
        // Whichever comes first: the server, once its connections are done, or a signal.
        server.race(closing).await;
        println!("Server closed");
        Ok(())
    })
}
// ANCHOR_END: main
