//! `gather` on the `futures` crate's executor.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough", and with the asyncio reference's "Coroutines and Tasks" page.
//! Nothing is spawned here: `block_on` polls one future, and the combinators poll many inside
//! it. `join_all` and `try_join_all` are `gather`, `FuturesUnordered` is `as_completed`, and
//! `select` is `wait(FIRST_COMPLETED)`: it hands back the unfinished future, to await later or
//! to drop, which cancels it. The executor has no clock: `futures-timer` does the sleeping
//! (and async-io's `Timer` in the scale mode, where futures-timer is the bottleneck).
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many tasks that each
//! sleep one unit (in this repository: `just run gather futures --tasks 1000000 --unit 1s`).
//! At a million tasks the allocator matters; the runner uses mimalloc, see the chapter.
//!
//! Dependencies: `cargo add futures futures-timer async-io anyhow`
//! Run: `cargo run --release` (in this repository: `just run gather futures`)

use std::error::Error;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use futures::future::{self, Either, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use futures_timer::Delay;

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

/// The demo, or with `tasks` set, the scale mode.
pub fn run(params: Params) -> anyhow::Result<()> {
    let outcome = match params.tasks {
        None => block_on(demo(params.unit)),
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
    Delay::new(unit * *max).await;
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const B: &[u32] = &[10, 5, 0];
const EMPTY: &[u32] = &[];

async fn demo(unit: Duration) -> Result<(), Box<dyn Error>> {
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let start = Instant::now();
    let results = future::try_join_all([coro(A, unit), coro(B, unit)]).await?;
    println!("gather: {results:?} at {:.2}", units(start));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let start = Instant::now();
    let mut running: FuturesUnordered<_> = [coro(A, unit), coro(B, unit)].into_iter().collect();
    while let Some(result) = running.next().await {
        println!("as_completed: {:?} at {:.2}", result?, units(start));
    }
    // ANCHOR_END: as_completed

    // ANCHOR: first_completed
    let start = Instant::now();
    let (first, pending) = match future::select(coro(A, unit).boxed(), coro(B, unit).boxed()).await {
        Either::Left((result, other)) | Either::Right((result, other)) => (result, [other]),
    };
    println!("wait FIRST_COMPLETED: {:?} at {:.2}, {} pending", first?, units(start), pending.len());
    // `select` handed the slower future back. Await it to finish it; drop it to cancel it.
    drop(pending);
    println!("wait FIRST_COMPLETED: pending task cancelled at {:.2}", units(start));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let start = Instant::now();
    match future::select(coro(B, unit).boxed(), Delay::new(unit * 5)).await {
        Either::Left((result, _timer)) => println!("wait_for: {:?} at {:.2}", result?, units(start)),
        // Dropping the `(_, task)` pair drops the unfinished future: that is its cancellation.
        Either::Right(((), _task)) => println!("wait_for: timed out at {:.2}, task cancelled", units(start)),
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let start = Instant::now();
    match future::try_join_all([coro(A, unit), coro(EMPTY, unit), coro(B, unit)]).await {
        Ok(all) => println!("gather fail-fast: {all:?}"),
        // try_join_all returned at the first error and dropped the two other futures.
        Err(error) => {
            println!("gather fail-fast: error at {:.2}: {error}; 2 others cancelled", units(start));
        }
    }
    // ANCHOR_END: fail_fast

    // ANCHOR: return_exceptions
    let start = Instant::now();
    let results = future::join_all([coro(A, unit), coro(EMPTY, unit), coro(B, unit)]).await;
    println!("gather return_exceptions: {results:?} at {:.2}", units(start));
    // ANCHOR_END: return_exceptions
    Ok(())
}

// ANCHOR: scale
/// Gathers `tasks` futures that each sleep one unit, in argument order.
///
/// The sleep here is async-io's `Timer` rather than `futures_timer::Delay`: any timer works
/// with any executor, and at a million timers futures-timer's one heap-keeping thread, which
/// wakes the executor once per timer, doubles the overhead (see the chapter).
fn scale(params: Params, tasks: usize) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let start = Instant::now();
    let sleepers = (0..tasks).map(|i| async move {
        async_io::Timer::after(unit).await;
        i
    });
    let results = block_on(future::join_all(sleepers));
    let gathered = results.iter().enumerate().filter(|(i, r)| i == *r).count();
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
