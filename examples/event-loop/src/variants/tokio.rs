//! `event-loop` on tokio: the asyncio reference's three loop programs, with tasks instead
//! of callbacks.
//!
//! Pairs with "The Event Loop and asyncio.run()" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018) and the event-loop section of "Python's asyncio: A
//! Hands-On Walkthrough" (2025), and with the asyncio reference's "Event Loop" page.
//! tokio keeps its loop out of sight: there is no `call_soon`, `call_later` or
//! `add_reader`. A callback becomes a task (`spawn`), `call_later` a task that sleeps
//! first, `stop()` the end of the future `block_on` runs, and `add_reader` a socket's
//! `readable()`, which waits for the same epoll readiness. The current-thread flavour:
//! one thread, like asyncio's loop.
//!
//! Dependencies: `cargo add tokio --features rt,net,time,io-util && cargo add jiff`
//! Run: `cargo run --release` (in this repository: `just run event-loop tokio`)

use std::io;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;
use tokio::runtime::Builder;
use tokio::time::{sleep, timeout};

/// What the program runs with; `just run event-loop` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(100) }
    }
}

pub fn main() -> io::Result<()> {
    run(Params::default())
}

/// How long the socket program waits for its data before it gives up.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(5);

// ANCHOR: hello
/// `call_soon(hello_world)`: a task. `stop()`: once it is done, so is `block_on`.
async fn hello_world() -> io::Result<()> {
    tokio::spawn(async { println!("Hello World") }).await?;
    Ok(())
}
// ANCHOR_END: hello

// ANCHOR: date
/// The date once a unit, until `end` is less than a unit away: a loop that sleeps, where
/// asyncio's program has each callback schedule the next with `call_later`.
async fn display_date(unit: Duration) {
    let end = Instant::now() + unit * 5;
    loop {
        println!("{}", jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M:%S.%6f"));
        if Instant::now() + unit >= end {
            break;
        }
        sleep(unit).await;
    }
}
// ANCHOR_END: date

// ANCHOR: reader
/// `add_reader`: tokio's `UnixStream` is registered with its epoll, and `readable()`
/// waits until epoll says there is data, as asyncio's reader callback is called then.
async fn watch_socket() -> io::Result<()> {
    let (rsock, mut wsock) = UnixStream::pair()?;
    // `call_soon(wsock.send, b"abc")`: a task that writes.
    tokio::spawn(async move { wsock.write_all(b"abc").await });
    let mut data = [0; 100];
    let received = timeout(RECEIVE_TIMEOUT, async {
        loop {
            rsock.readable().await?;
            match rsock.try_read(&mut data) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue, // stale
                result => break result,
            }
        }
    })
    .await;
    match received {
        Ok(Ok(n)) => println!("Received: {}", String::from_utf8_lossy(&data[..n])),
        Ok(Err(err)) => println!("Received an error: {err}"),
        Err(_elapsed) => println!("Received nothing in {RECEIVE_TIMEOUT:?}"),
    }
    Ok(()) // dropping the socket unregisters it: asyncio's `remove_reader`
}
// ANCHOR_END: reader

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    // `asyncio.new_event_loop()`; `enable_all` turns on the timers and epoll.
    let runtime = Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(hello_world())?;
    runtime.block_on(display_date(params.unit));
    runtime.block_on(watch_socket())
}
// ANCHOR_END: main
