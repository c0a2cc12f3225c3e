//! `gather` on tokio.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough", and with the asyncio reference's "Coroutines and Tasks" page.
//! `tokio::join!` and `try_join!` poll futures together inside the current task, like
//! `asyncio.gather`; a `JoinSet` of spawned tasks hands results back as they finish, like
//! `as_completed` and `wait`. Unlike asyncio, what you stop awaiting is dropped, and a dropped
//! future is cancelled: `try_join!` and `timeout` cancel the rest for you.
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many tasks that each
//! sleep one unit (in this repository: `just run gather tokio --tasks 1000000 --unit 1s`).
//! At a million tasks the allocator matters; the runner uses mimalloc, see the chapter.
//!
//! Dependencies: `cargo add tokio --features macros,rt-multi-thread,time && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run gather tokio`)

use std::error::Error;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

/// What the program runs with; `just run gather` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Scale mode: gather this many tasks that each sleep one unit, and print the wall time
    /// and the overhead; `None` runs the demo.
    pub tasks: Option<usize>,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), tasks: None }
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

/// The demo, or with `tasks` set, the scale mode: each starts the runtime it needs.
pub fn run(params: Params) -> anyhow::Result<()> {
    let outcome = match params.tasks {
        None => demo(params),
        Some(tasks) => scale(params, tasks),
    };
    // A `Box<dyn Error>` may not cross threads, as an `anyhow::Error` must: keep its message.
    outcome.map_err(|err| anyhow::anyhow!("{err}"))
}

// ANCHOR: coro
/// Sleeps `max(seq)` units, then hands `seq` back reversed. An empty `seq` has no maximum:
/// that is this example's failing task.
async fn coro(seq: &'static [u32], unit: Duration) -> Result<Vec<u32>, &'static str> {
    let max = seq.iter().max().ok_or("max() arg is an empty sequence")?;
    sleep(unit * *max).await;
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const B: &[u32] = &[10, 5, 0];
const EMPTY: &[u32] = &[];

/// The current-thread flavour: one thread, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn demo(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let start = Instant::now();
    let (a, b) = tokio::join!(coro(A, unit), coro(B, unit));
    println!("gather: {:?} at {:.2}", [a?, b?], units(start));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let start = Instant::now();
    let mut set = JoinSet::new();
    set.spawn(coro(A, unit));
    set.spawn(coro(B, unit));
    while let Some(joined) = set.join_next().await {
        println!("as_completed: {:?} at {:.2}", joined??, units(start));
    }
    // ANCHOR_END: as_completed

    // ANCHOR: first_completed
    let start = Instant::now();
    let mut set = JoinSet::new();
    set.spawn(coro(A, unit));
    set.spawn(coro(B, unit));
    if let Some(first) = set.join_next().await {
        println!("wait FIRST_COMPLETED: {:?} at {:.2}, {} pending", first??, units(start), set.len());
    }
    // Aborts what is left and waits until it is gone (dropping the set would abort it too).
    set.shutdown().await;
    println!("wait FIRST_COMPLETED: pending task cancelled at {:.2}", units(start));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let start = Instant::now();
    match timeout(unit * 5, coro(B, unit)).await {
        Ok(result) => println!("wait_for: {:?} at {:.2}", result?, units(start)),
        // `timeout` dropped the inner future: that is its cancellation.
        Err(_elapsed) => println!("wait_for: timed out at {:.2}, task cancelled", units(start)),
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let start = Instant::now();
    match tokio::try_join!(coro(A, unit), coro(EMPTY, unit), coro(B, unit)) {
        Ok(all) => println!("gather fail-fast: {all:?}"),
        // try_join! returned at the first error and dropped the two other futures.
        Err(error) => {
            println!("gather fail-fast: error at {:.2}: {error}; 2 others cancelled", units(start));
        }
    }
    // ANCHOR_END: fail_fast

    // ANCHOR: return_exceptions
    let start = Instant::now();
    let (a, empty, b) = tokio::join!(coro(A, unit), coro(EMPTY, unit), coro(B, unit));
    println!("gather return_exceptions: {:?} at {:.2}", [a, empty, b], units(start));
    // ANCHOR_END: return_exceptions
    Ok(())
}

// ANCHOR: scale
/// Gathers `tasks` spawned tasks that each sleep one unit, in argument order.
///
/// The multi-thread runtime: at a million tasks the workers start and finish tasks while this
/// thread is still spawning (0.22 s of overhead, against 0.36 s on the current-thread one).
/// Spawn rather than `join_all` a million sleeps in one task: that is quadratic on tokio.
/// The allocator matters as much: with glibc's malloc the overhead is 0.58 s (the runner
/// uses mimalloc: see the chapter).
#[tokio::main]
async fn scale(params: Params, tasks: usize) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            tokio::spawn(async move {
                sleep(unit).await;
                i
            })
        })
        .collect();
    let mut gathered = 0;
    for handle in handles {
        gathered += usize::from(handle.await? < tasks);
    }
    report(gathered, start.elapsed(), unit);
    Ok(())
}
// ANCHOR_END: scale

fn report(gathered: usize, wall: Duration, unit: Duration) {
    let overhead = wall.saturating_sub(unit);
    println!(
        "scale: {gathered} tasks gathered in {:.3} s ({:.2} units), overhead {:.3} s",
        wall.as_secs_f64(),
        wall.as_secs_f64() / unit.as_secs_f64(),
        overhead.as_secs_f64()
    );
}
