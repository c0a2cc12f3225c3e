//! `event-loop` on smol: the asyncio reference's three loop programs, with tasks instead
//! of callbacks.
//!
//! Pairs with "The Event Loop and asyncio.run()" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018) and the event-loop section of "Python's asyncio: A
//! Hands-On Walkthrough" (2025), and with the asyncio reference's "Event Loop" page.
//! smol's loop is in parts: a `LocalExecutor` holds the tasks (the ready queue),
//! `block_on` runs it, and async-io's reactor (epoll and a timer map) wakes it. No
//! callbacks: a task per `call_soon`, `Timer::after` for `call_later`, and
//! `Async::readable()` for `add_reader`. The loop "stops" when the future given to
//! `block_on` is done.
//!
//! Dependencies: `cargo add smol jiff`
//! Run: `cargo run --release` (in this repository: `just run event-loop smol`)

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use smol::{Async, LocalExecutor, Timer, future};

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
/// `call_soon(hello_world)`: a task on the executor; awaiting it is `stop()`.
async fn hello_world(executor: &LocalExecutor<'_>) {
    executor.spawn(async { println!("Hello World") }).await;
}
// ANCHOR_END: hello

// ANCHOR: date
/// The date once a unit, until `end` is less than a unit away: a loop that sleeps.
async fn display_date(unit: Duration) {
    let end = Instant::now() + unit * 5;
    loop {
        println!("{}", jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M:%S.%6f"));
        if Instant::now() + unit >= end {
            break;
        }
        Timer::after(unit).await;
    }
}
// ANCHOR_END: date

// ANCHOR: reader
/// `add_reader`: `Async` registers the socket with async-io's reactor (epoll), and
/// `readable()` waits until it has data.
async fn watch_socket(executor: &LocalExecutor<'_>) -> io::Result<()> {
    let (rsock, mut wsock) = UnixStream::pair()?;
    let rsock = Async::new(rsock)?; // also makes it non-blocking
    // `call_soon(wsock.send, b"abc")`: 3 bytes into an empty socket buffer never block.
    executor.spawn(async move { wsock.write_all(b"abc") }).detach();
    let mut data = [0; 100];
    let read = async {
        loop {
            rsock.readable().await?;
            match rsock.get_ref().read(&mut data) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue, // stale
                result => break Ok(Some(result)),
            }
        }
    };
    let too_late = async {
        Timer::after(RECEIVE_TIMEOUT).await;
        Ok(None)
    };
    match future::or(read, too_late).await {
        Ok(Some(Ok(n))) => println!("Received: {}", String::from_utf8_lossy(&data[..n])),
        Ok(Some(Err(err))) | Err(err) => println!("Received an error: {err}"),
        Ok(None) => println!("Received nothing in {RECEIVE_TIMEOUT:?}"),
    }
    Ok(()) // dropping the Async unregisters the socket: asyncio's `remove_reader`
}
// ANCHOR_END: reader

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        hello_world(&executor).await;
        display_date(params.unit).await;
        watch_socket(&executor).await
    }))
}
// ANCHOR_END: main
