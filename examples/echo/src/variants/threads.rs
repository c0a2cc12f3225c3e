//! `echo` with std's blocking sockets and a thread per connection.
//!
//! Pairs with the asyncio reference's "Streams" page (its "TCP echo client using streams"
//! and "TCP echo server using streams": `asyncio.start_server`,
//! `asyncio.open_connection`). Each connection gets a thread that blocks in `read` until
//! data comes: no event loop, no `await`, and the OS switches between the threads. What
//! threads cannot do is be told to stop: `accept` is woken by a connection to itself, and
//! a blocked `read` by shutting its socket down from another thread. Signals come from
//! signal-hook.
//!
//! Dependencies: `cargo add signal-hook`
//! Run: `cargo run --release` (in this repository: `just run echo threads`)

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, Scope};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

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
fn handle_echo(mut stream: &TcpStream, quiet: bool) -> io::Result<()> {
    let peer = stream.peer_addr()?;
    stream.set_nodelay(true)?; // as asyncio does for every connection
    let mut data = vec![0; 8192];
    loop {
        let n = stream.read(&mut data)?;
        if n == 0 {
            break; // EOF: the client has closed its side
        }
        if !quiet {
            println!("Received {} from {peer}", repr(&data[..n]));
            println!("Send: {}", repr(&data[..n]));
        }
        stream.write_all(&data[..n])?;
    }
    if !quiet {
        println!("Close the connection");
    }
    Ok(())
}
// ANCHOR_END: handler

// ANCHOR: serve
/// The open connections, so that another thread can shut them down.
#[derive(Default)]
struct Open(Mutex<HashMap<SocketAddr, TcpStream>>);

impl Open {
    fn close_all(&self) {
        for stream in self.0.lock().unwrap_or_else(PoisonError::into_inner).values() {
            let _ = stream.shutdown(Shutdown::Both); // its thread's `read` returns 0
        }
    }
}

fn serve<'s>(
    scope: &'s Scope<'s, '_>,
    listener: TcpListener,
    stop: &AtomicBool,
    open: &'s Open,
    quiet: bool,
) {
    let mut threads = Vec::new();
    loop {
        let accepted = listener.accept();
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match accepted {
            Ok((stream, peer)) => {
                let Ok(copy) = stream.try_clone() else { continue };
                open.0.lock().unwrap_or_else(PoisonError::into_inner).insert(peer, copy);
                threads.retain(|t: &thread::ScopedJoinHandle<'_, ()>| !t.is_finished());
                threads.push(scope.spawn(move || {
                    if let Err(err) = handle_echo(&stream, quiet) {
                        eprintln!("connection from {peer}: {err}");
                    }
                    open.0.lock().unwrap_or_else(PoisonError::into_inner).remove(&peer);
                }));
            }
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {err}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
    drop(listener); // new connections are refused from here on
    for thread in threads {
        let _ = thread.join();
    }
}
// ANCHOR_END: serve

// ANCHOR: client
fn tcp_echo_client(message: &str, addr: SocketAddr) -> io::Result<()> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;

    println!("Send: {}", repr(message.as_bytes()));
    stream.write_all(message.as_bytes())?;

    let mut data = [0; 100];
    let n = stream.read(&mut data)?;
    println!("Received: {}", repr(&data[..n]));

    println!("Close the connection");
    drop(stream); // closes the socket, as writer.close() does
    Ok(())
}
// ANCHOR_END: client

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    // The handlers are in place before the server says it is ready.
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let addr = params.serve.unwrap_or((Ipv4Addr::LOCALHOST, 0).into());
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    println!("Serving on {addr}");

    let (stop, open) = (AtomicBool::new(false), Open::default());
    let signals_handle = signals.handle();
    thread::scope(|scope| {
        let server = scope.spawn(|| serve(scope, listener, &stop, &open, params.quiet));
        let outcome = match params.serve {
            None => tcp_echo_client("Hello World!", addr),
            Some(_) => {
                signals.forever().next();
                println!("Stopping; Ctrl+C again closes the open connections");
                Ok(())
            }
        };
        // `accept` cannot be cancelled: set the flag, then wake it with a connection.
        stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&addr, TIMEOUT);
        scope.spawn(|| {
            if signals.forever().next().is_some() {
                println!("Closing the open connections");
                open.close_all();
            }
        });
        let _ = server.join();
        signals_handle.close(); // the thread waiting for a second signal returns
        outcome
    })?;
    println!("Server closed");
    Ok(())
}
// ANCHOR_END: main
