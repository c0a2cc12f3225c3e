//! `gather` on the `futures` crate's executor.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018), with "Other `asyncio` Tools" in "Python's asyncio: A
//! Hands-On Walkthrough" (2025: its `gathers.py` and `as_completed.py` open the demo),
//! and with the asyncio reference's "Coroutines and Tasks" page. Nothing is spawned here:
//! `block_on` polls one future, and the combinators poll many inside it. `join_all` and
//! `try_join_all` are `gather`, `FuturesUnordered` is `as_completed`, and `select` is
//! `wait(FIRST_COMPLETED)`: it hands back the unfinished future, to await later or to
//! drop, which cancels it. The executor has no clock: `futures-timer` does the sleeping
//! (and async-io's `Timer` in the scale mode, where futures-timer is the bottleneck).
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many tasks that
//! each sleep one unit (in this repository: `just run gather futures --tasks 1000000
//! --unit 1s`). At a million tasks the allocator matters; the runner uses mimalloc, see
//! the chapter.
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
    /// Scale mode: gather this many tasks that each sleep one unit, and print the wall
    /// time and the overhead; `None` runs the demo.
    pub tasks: Option<usize>,
    /// Which edition's programs the demo opens with.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run gather --edition 2018`; in a copy of this file,
/// change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `coro` waits `max(seq)`.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `coro` waits `min(numbers)`,
    /// and the demo opens with its `gathers.py` and `as_completed.py`.
    Y2025,
}

impl Edition {
    /// How long `coro(seq)` waits: `max(seq)` in 2018, `min(numbers)` in 2025, and an
    /// error for an empty list, which has neither.
    fn wait(self, seq: &[u32]) -> Result<u32, &'static str> {
        match self {
            Edition::Y2018 => {
                seq.iter().max().copied().ok_or("max() arg is an empty sequence")
            }
            Edition::Y2025 => {
                seq.iter().min().copied().ok_or("min() arg is an empty sequence")
            }
        }
    }

    /// The slower call's list: 2018's `[10, 5, 0]` waits 10 seconds, 2025's `[10, 5, 2]`
    /// two.
    fn slow(self) -> &'static [u32] {
        match self {
            Edition::Y2018 => &[10, 5, 0],
            Edition::Y2025 => &[10, 5, 2],
        }
    }

    /// How long `wait_for` waits for the slower call: half its time.
    fn patience(self) -> u32 {
        match self {
            Edition::Y2018 => 5,
            Edition::Y2025 => 1,
        }
    }
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), tasks: None, edition: Edition::Y2025 }
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

/// The demo, or with `tasks` set, the scale mode.
pub fn run(params: Params) -> anyhow::Result<()> {
    let outcome = match params.tasks {
        None => block_on(demo(params)),
        Some(tasks) => scale(params, tasks),
    };
    // A `Box<dyn Error>` may not cross threads, as an `anyhow::Error` must: keep its
    // message.
    outcome.map_err(|err| anyhow::anyhow!("{err}"))
}

// ANCHOR: coro
/// Waits `max(seq)` units in 2018, `min(numbers)` in 2025, then hands the list back
/// reversed. An empty list has neither: that is this example's failing task.
async fn coro(seq: &'static [u32], params: Params) -> Result<Vec<u32>, &'static str> {
    let wait = params.edition.wait(seq)?;
    Delay::new(params.unit * wait).await;
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const EMPTY: &[u32] = &[];

async fn demo(params: Params) -> Result<(), Box<dyn Error>> {
    match params.edition {
        Edition::Y2018 => gather_2018(params).await?,
        Edition::Y2025 => {
            let clock = Clock::start(params.unit);
            gathers(params, clock).await?;
            as_completed(params, clock).await?;
        }
    }
    waits(params).await
}

// ANCHOR: gathers
/// The 2025 edition's `gathers.py`: two futures, joined (nothing is spawned: `join` polls
/// both). The results come back in argument order, once the slower one is done.
async fn gathers(params: Params, clock: Clock) -> Result<(), Box<dyn Error>> {
    let both = future::join(coro(params.edition.slow(), params), coro(A, params));
    println!("Start: {}", clock.now());
    let (result1, result2) = both.await;
    println!("End: {}", clock.now());
    // `join` returns when both futures have: both are done.
    println!("Both tasks done: {}", python_bool(true));
    println!("result: {:?}", [result1?, result2?]);
    Ok(())
}
// ANCHOR_END: gathers

// ANCHOR: as_completed_2025
/// The 2025 edition's `as_completed.py`: the same two futures, each result as soon
/// as it is ready.
async fn as_completed(params: Params, clock: Clock) -> Result<(), Box<dyn Error>> {
    let futures = [coro(params.edition.slow(), params), coro(A, params)];
    let mut running: FuturesUnordered<_> = futures.into_iter().collect();
    println!("Start: {}", clock.now());
    while let Some(result) = running.next().await {
        println!("result: {:?} completed at {}", result?, clock.now());
    }
    println!("End: {}", clock.now());
    // The set drops each future as it completes: empty, it has none left.
    println!("Both tasks done: {}", python_bool(running.is_empty()));
    Ok(())
}
// ANCHOR_END: as_completed_2025

/// The 2018 edition's `gather` and `as_completed`, in this example's own lines.
async fn gather_2018(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let slow = params.edition.slow();
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let start = Instant::now();
    let results = future::try_join_all([coro(A, params), coro(slow, params)]).await?;
    println!("gather: {results:?} at {:.2}", units(start));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let start = Instant::now();
    let mut running: FuturesUnordered<_> =
        [coro(A, params), coro(slow, params)].into_iter().collect();
    while let Some(result) = running.next().await {
        println!("as_completed: {:?} at {:.2}", result?, units(start));
    }
    // ANCHOR_END: as_completed
    Ok(())
}

/// The demo's own part, in both editions: waiting for the first, with a timeout, and what
/// an error does to a gather.
async fn waits(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let slow = params.edition.slow();
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: first_completed
    let start = Instant::now();
    let (first, pending) =
        match future::select(coro(A, params).boxed(), coro(slow, params).boxed()).await {
            Either::Left((result, other)) | Either::Right((result, other)) => {
                (result, [other])
            }
        };
    println!(
        "wait FIRST_COMPLETED: {:?} at {:.2}, {} pending",
        first?,
        units(start),
        pending.len()
    );
    // `select` handed the slower future back. Await it to finish it; drop it to cancel
    // it.
    drop(pending);
    println!("wait FIRST_COMPLETED: pending task cancelled at {:.2}", units(start));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let start = Instant::now();
    match future::select(
        coro(slow, params).boxed(),
        Delay::new(unit * params.edition.patience()),
    )
    .await
    {
        Either::Left((result, _timer)) => {
            println!("wait_for: {:?} at {:.2}", result?, units(start))
        }
        // Dropping the `(_, task)` pair drops the unfinished future: that is its
        // cancellation.
        Either::Right(((), _task)) => {
            println!("wait_for: timed out at {:.2}, task cancelled", units(start))
        }
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let start = Instant::now();
    match future::try_join_all([coro(A, params), coro(EMPTY, params), coro(slow, params)])
        .await
    {
        Ok(all) => println!("gather fail-fast: {all:?}"),
        // try_join_all returned at the first error and dropped the two other futures.
        Err(error) => {
            println!(
                "gather fail-fast: error at {:.2}: {error}; 2 others cancelled",
                units(start)
            );
        }
    }
    // ANCHOR_END: fail_fast

    // ANCHOR: return_exceptions
    let start = Instant::now();
    let results =
        future::join_all([coro(A, params), coro(EMPTY, params), coro(slow, params)])
            .await;
    println!("gather return_exceptions: {results:?} at {:.2}", units(start));
    // ANCHOR_END: return_exceptions
    Ok(())
}

/// The programs' clock, `time.strftime("%X")` in the 2025 edition: it counts tutorial
/// seconds from the start of the run, so that two seconds read as two at any unit.
#[derive(Debug, Clone, Copy)]
struct Clock {
    start: Instant,
    unit: Duration,
}

impl Clock {
    fn start(unit: Duration) -> Clock {
        Clock { start: Instant::now(), unit }
    }

    /// `HH:MM:SS` since the start, to the nearest tutorial second.
    fn now(self) -> String {
        let seconds =
            (self.start.elapsed().as_secs_f64() / self.unit.as_secs_f64()).round() as u64;
        format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

// ANCHOR: scale
/// Gathers `tasks` futures that each sleep one unit, in argument order.
///
/// The sleep here is async-io's `Timer` rather than `futures_timer::Delay`: any timer
/// works with any executor, and at a million timers futures-timer's one heap-keeping
/// thread, which wakes the executor once per timer, doubles the overhead (see the
/// chapter).
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
