//! `shutdown` on the futures crate: a `LocalPool`, async-signal, and a shared oneshot as
//! the stop.
//!
//! Pairs with "Set signal handlers for SIGINT and SIGTERM" in the asyncio reference's
//! event loop page (`loop.add_signal_handler`). An executor alone has no signals and no
//! timer: async-signal installs the handlers when `Signals::new` is called and delivers
//! the signals as a stream (on async-io's reactor, which runs its own thread here), and
//! futures-timer times the steps. A oneshot receiver made `shared()` is the cancellation
//! token: every task holds a clone, and sending on it (or dropping the sender) completes
//! them all.
//!
//! Dependencies: `cargo add anyhow async-signal futures futures-timer`
//! Run: `cargo run --release` (in this repository: `just run shutdown futures`)

use std::time::{Duration, Instant};

use anyhow::Result;
use async_signal::{Signal, Signals};
use futures::channel::oneshot;
use futures::executor::{LocalPool, LocalSpawner};
use futures::future::{self, Either, FutureExt, Shared};
use futures::stream::StreamExt;
use futures::task::LocalSpawnExt;
use futures_timer::Delay;

/// What the program runs with; `just run shutdown` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts: a step takes one, the program waits for 3,600.
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(10) }
    }
}

pub fn main() -> Result<()> {
    run(Params::default())
}

/// Completes, for every clone, once the stop is sent (or its sender dropped).
type Stop = Shared<oneshot::Receiver<()>>;

// ANCHOR: worker
/// Works in steps of one unit until told to stop; a step once begun is finished. The
/// three tasks start a third of a unit apart, so that their steps end at different times.
async fn worker(id: u32, unit: Duration, stop: Stop) {
    let delay = Delay::new(unit * (2 * id - 1) / 6);
    if let Either::Right(_) = future::select(delay, stop.clone()).await {
        println!("task {id} stopped before its first step");
        return;
    }
    let mut step = 0;
    loop {
        Delay::new(unit).await; // the step: work that must not be cut off halfway
        step += 1;
        if stop.clone().now_or_never().is_some() {
            println!("task {id} finished step {step} and stopped");
            return;
        }
    }
}
// ANCHOR_END: worker

/// The next SIGINT or SIGTERM, by name.
async fn next(signals: &mut Signals) -> Result<&'static str> {
    match signals.next().await {
        Some(Ok(Signal::Int)) => Ok("SIGINT"),
        Some(Ok(_)) => Ok("SIGTERM"),
        Some(Err(err)) => Err(err.into()),
        None => future::pending().await,
    }
}

// ANCHOR: main
pub fn run(params: Params) -> Result<()> {
    // Installed now, before the readiness line: from here on the signals are ours.
    let signals = Signals::new([Signal::Int, Signal::Term])?;
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    pool.run_until(serve(params.unit, signals, spawner))
}

async fn serve(unit: Duration, mut signals: Signals, spawn: LocalSpawner) -> Result<()> {
    let (stop, stopped) = oneshot::channel::<()>();
    let stopped = stopped.shared();
    let mut tasks = Vec::new();
    for id in 1..=3 {
        tasks.push(spawn.spawn_local_with_handle(worker(id, unit, stopped.clone()))?);
    }
    println!("Event loop running for 1 hour, press Ctrl+C to interrupt.");
    println!("pid {}: send SIGINT or SIGTERM to exit.", std::process::id());

    let hour = Delay::new(unit * 3600);
    match future::select(Box::pin(next(&mut signals)), hour).await {
        Either::Left((name, _)) => println!("got signal {}: exit", name?),
        Either::Right(_) => println!("the hour is up: exit"),
    }
    let since = Instant::now();
    let _ = stop.send(()); // every task's `stop` completes
    let again = Box::pin(next(&mut signals));
    let all_stopped = future::join_all(tasks);
    if let Either::Right((name, _)) = future::select(all_stopped, again).await {
        println!("got signal {} again: exit now", name?);
        std::process::exit(130);
    }
    let units = since.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("all tasks stopped {units:.2} units later");
    Ok(())
}
// ANCHOR_END: main
