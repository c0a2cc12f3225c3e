//! `event-loop` on the `futures` crate: the asyncio reference's three loop programs, with
//! tasks instead of callbacks.
//!
//! Pairs with "The Event Loop and asyncio.run()" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018) and the event-loop section of "Python's asyncio: A
//! Hands-On Walkthrough" (2025), and with the asyncio reference's "Event Loop" page.
//! `futures::executor` is only the ready queue of a loop: a `LocalPool` polls tasks, and
//! knows nothing of time or file descriptors. Timers come from `futures-timer` (a helper
//! thread with a timer heap), readiness from async-io's `Async` (a reactor thread on
//! epoll): the parts the own loop and asyncio's loop hold in one thread, here in three.
//!
//! Dependencies: `cargo add futures futures-timer async-io jiff`
//! Run: `cargo run --release` (in this repository: `just run event-loop futures`)

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::time::{Duration, Instant};

use async_io::Async;
use futures::executor::LocalPool;
use futures::future::{self, Either};
use futures::task::LocalSpawnExt;
use futures_timer::Delay;

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
/// `call_soon(hello_world)` is `spawn_local`; `run_forever` until `stop()` is `run()`,
/// which returns when no task is left.
fn hello_world() -> io::Result<()> {
    let mut pool = LocalPool::new();
    pool.spawner()
        .spawn_local(async { println!("Hello World") })
        .map_err(io::Error::other)?;
    pool.run();
    Ok(())
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
        Delay::new(unit).await;
    }
}
// ANCHOR_END: date

// ANCHOR: reader
/// `add_reader`: async-io's `Async` registers the socket with its reactor, and
/// `readable()` waits until it has data.
async fn watch_socket() -> io::Result<()> {
    let (rsock, mut wsock) = UnixStream::pair()?;
    let rsock = Async::new(rsock)?; // also makes it non-blocking
    // `call_soon(wsock.send, b"abc")`: 3 bytes into an empty socket buffer never block.
    wsock.write_all(b"abc")?;
    let mut data = [0; 100];
    let received = {
        let read = pin!(async {
            loop {
                rsock.readable().await?;
                match rsock.get_ref().read(&mut data) {
                    // A stale readiness: wait again.
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => continue,
                    result => break result,
                }
            }
        });
        match future::select(read, Delay::new(RECEIVE_TIMEOUT)).await {
            Either::Left((result, _)) => Some(result),
            Either::Right(((), _)) => None,
        }
    };
    match received {
        Some(Ok(n)) => println!("Received: {}", String::from_utf8_lossy(&data[..n])),
        Some(Err(err)) => println!("Received an error: {err}"),
        None => println!("Received nothing in {RECEIVE_TIMEOUT:?}"),
    }
    Ok(())
}
// ANCHOR_END: reader

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    hello_world()?;
    futures::executor::block_on(display_date(params.unit));
    futures::executor::block_on(watch_socket())
}
// ANCHOR_END: main
