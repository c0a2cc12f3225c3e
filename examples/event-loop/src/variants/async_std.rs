//! `event-loop` on async-std (legacy): the asyncio reference's three loop programs, with
//! tasks instead of callbacks.
//!
//! Pairs with "The Event Loop and asyncio.run()" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018) and the event-loop section of "Python's asyncio: A
//! Hands-On Walkthrough" (2025), and with the asyncio reference's "Event Loop" page.
//! async-std was discontinued in 2025 (RUSTSEC-2025-0052); it stays here for comparison.
//! It hides its loop more than any other: no callbacks, and no readiness API either, so
//! the nearest thing to `add_reader` is an async `read()` on its own `UnixStream`, which
//! waits for the same epoll readiness inside. Tasks run on a global thread pool.
//!
//! Dependencies: `cargo add async-std jiff`
//! Run: `cargo run --release` (in this repository: `just run event-loop async-std`)

use std::io;
use std::time::{Duration, Instant};

use async_std::io::{ReadExt, WriteExt};
use async_std::os::unix::net::UnixStream;
use async_std::task;

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
/// `call_soon(hello_world)`: a task; awaiting it is `stop()`.
async fn hello_world() {
    task::spawn(async { println!("Hello World") }).await;
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
        task::sleep(unit).await;
    }
}
// ANCHOR_END: date

// ANCHOR: reader
/// No `add_reader`, no `readable()`: an async `read`, which waits for readiness inside.
async fn watch_socket() -> io::Result<()> {
    let (mut rsock, mut wsock) = UnixStream::pair()?;
    // `call_soon(wsock.send, b"abc")`: a task that writes.
    task::spawn(async move { wsock.write_all(b"abc").await });
    let mut data = [0; 100];
    match async_std::io::timeout(RECEIVE_TIMEOUT, rsock.read(&mut data)).await {
        Ok(n) => println!("Received: {}", String::from_utf8_lossy(&data[..n])),
        Err(err) if err.kind() == io::ErrorKind::TimedOut => {
            println!("Received nothing in {RECEIVE_TIMEOUT:?}")
        }
        Err(err) => println!("Received an error: {err}"),
    }
    Ok(())
}
// ANCHOR_END: reader

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    task::block_on(async {
        hello_world().await;
        display_date(params.unit).await;
        watch_socket().await
    })
}
// ANCHOR_END: main
