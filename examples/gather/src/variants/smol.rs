//! `gather` on smol.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough", and with the asyncio reference's "Coroutines and Tasks" page.
//! smol keeps its combinators small: `future::zip` and `try_zip` join two futures, `future::or`
//! races two; results "as completed" come through a channel that each task writes to. A smol
//! `Task` is cancelled when it is dropped, and `task.cancel().await` cancels it and waits.
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many tasks that each
//! sleep one unit (in this repository: `just run gather smol --tasks 1000000 --unit 1s`).
//! At a million tasks the allocator matters; the runner uses mimalloc, see the chapter.
//!
//! Dependencies: `cargo add smol anyhow`
//! Run: `cargo run --release` (in this repository: `just run gather smol`)

use std::error::Error;
use std::time::{Duration, Instant};

use smol::{LocalExecutor, Timer, channel, future};

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
        // A `LocalExecutor` on this thread, driven by `block_on`: one thread, like asyncio's loop.
        None => {
            let ex = LocalExecutor::new();
            smol::block_on(ex.run(demo(&ex, params.unit)))
        }
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
    Timer::after(unit * *max).await;
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const B: &[u32] = &[10, 5, 0];
const EMPTY: &[u32] = &[];

async fn demo(ex: &LocalExecutor<'_>, unit: Duration) -> Result<(), Box<dyn Error>> {
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let start = Instant::now();
    let (a, b) = future::zip(coro(A, unit), coro(B, unit)).await;
    println!("gather: {:?} at {:.2}", [a?, b?], units(start));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let start = Instant::now();
    let (done, finished) = channel::unbounded();
    for seq in [A, B] {
        let done = done.clone();
        ex.spawn(async move { done.send(coro(seq, unit).await).await }).detach();
    }
    drop(done); // the channel closes when the last task has sent its result
    while let Ok(result) = finished.recv().await {
        println!("as_completed: {:?} at {:.2}", result?, units(start));
    }
    // ANCHOR_END: as_completed

    // ANCHOR: first_completed
    let start = Instant::now();
    let mut tasks = [ex.spawn(coro(A, unit)), ex.spawn(coro(B, unit))];
    let [a, b] = &mut tasks;
    let first = future::or(a, b).await?;
    let pending = tasks.iter().filter(|task| !task.is_finished()).count();
    println!("wait FIRST_COMPLETED: {first:?} at {:.2}, {pending} pending", units(start));
    for task in tasks {
        // `cancel` stops the task and waits until it is gone; dropping it would cancel too.
        task.cancel().await;
    }
    println!("wait FIRST_COMPLETED: pending task cancelled at {:.2}", units(start));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let start = Instant::now();
    let with_timeout = future::or(async { Some(coro(B, unit).await) }, async {
        Timer::after(unit * 5).await;
        None
    });
    match with_timeout.await {
        Some(result) => println!("wait_for: {:?} at {:.2}", result?, units(start)),
        // `or` dropped the slower future: that is its cancellation.
        None => println!("wait_for: timed out at {:.2}, task cancelled", units(start)),
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let start = Instant::now();
    match future::try_zip(coro(A, unit), future::try_zip(coro(EMPTY, unit), coro(B, unit))).await {
        Ok(all) => println!("gather fail-fast: {all:?}"),
        // try_zip returned at the first error and dropped the two other futures.
        Err(error) => {
            println!("gather fail-fast: error at {:.2}: {error}; 2 others cancelled", units(start));
        }
    }
    // ANCHOR_END: fail_fast

    // ANCHOR: return_exceptions
    let start = Instant::now();
    let tasks: Vec<_> = [A, EMPTY, B].into_iter().map(|seq| ex.spawn(coro(seq, unit))).collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await);
    }
    println!("gather return_exceptions: {results:?} at {:.2}", units(start));
    // ANCHOR_END: return_exceptions
    Ok(())
}

// ANCHOR: scale
/// Gathers `tasks` spawned tasks that each sleep one unit, in argument order.
fn scale(params: Params, tasks: usize) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let ex = LocalExecutor::new();
    let start = Instant::now();
    let gathered = smol::block_on(ex.run(async {
        let handles: Vec<_> = (0..tasks)
            .map(|i| {
                ex.spawn(async move {
                    Timer::after(unit).await;
                    i
                })
            })
            .collect();
        let mut gathered = 0;
        for handle in handles {
            gathered += usize::from(handle.await < tasks);
        }
        gathered
    }));
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
