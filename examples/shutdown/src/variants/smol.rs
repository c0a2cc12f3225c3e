//! `shutdown` on smol: async-signal's `Signals` stream, and a closed channel as the stop.
//!
//! Pairs with "Set signal handlers for SIGINT and SIGTERM" in the asyncio reference's
//! event loop page (`loop.add_signal_handler`). smol has no signal API of its own:
//! async-signal (from the same authors) installs the handlers when `Signals::new` is
//! called and hands the signals over as a stream on async-io's reactor. smol has no
//! cancellation token either: a channel that the main task closes tells every task to
//! stop, and awaiting the tasks' handles is the tracker.
//!
//! Dependencies: `cargo add anyhow async-signal smol`
//! Run: `cargo run --release` (in this repository: `just run shutdown smol`)

use std::time::{Duration, Instant};

use async_signal::{Signal, Signals};
use smol::channel::{self, Receiver};
use smol::stream::StreamExt;
use smol::{Timer, future};

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

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

// ANCHOR: worker
/// Works in steps of one unit until told to stop; a step once begun is finished. The
/// three tasks start a third of a unit apart, so that their steps end at different times.
async fn worker(id: u32, unit: Duration, stop: Receiver<()>) {
    let delay = async {
        Timer::after(unit * (2 * id - 1) / 6).await;
        false
    };
    if future::or(delay, async { stop.recv().await.is_err() }).await {
        println!("task {id} stopped before its first step");
        return;
    }
    let mut step = 0;
    loop {
        Timer::after(unit).await; // the step: work that must not be cut off halfway
        step += 1;
        if stop.is_closed() {
            println!("task {id} finished step {step} and stopped");
            return;
        }
    }
}
// ANCHOR_END: worker

/// The next SIGINT or SIGTERM, by name.
async fn next(signals: &mut Signals) -> anyhow::Result<&'static str> {
    match signals.next().await {
        Some(Ok(Signal::Int)) => Ok("SIGINT"),
        Some(Ok(_)) => Ok("SIGTERM"),
        Some(Err(err)) => Err(err.into()),
        None => future::pending().await,
    }
}

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    // Installed now, before the readiness line: from here on the signals are ours.
    let signals = Signals::new([Signal::Int, Signal::Term])?;
    smol::block_on(serve(params.unit, signals))
}

async fn serve(unit: Duration, mut signals: Signals) -> anyhow::Result<()> {
    let (stop, stopped) = channel::bounded::<()>(1);
    let mut tasks = Vec::new();
    for id in 1..=3 {
        tasks.push(smol::spawn(worker(id, unit, stopped.clone())));
    }
    println!("Event loop running for 1 hour, press Ctrl+C to interrupt.");
    println!("pid {}: send SIGINT or SIGTERM to exit.", std::process::id());

    let hour = async {
        Timer::after(unit * 3600).await;
        Ok(None)
    };
    match future::or(async { next(&mut signals).await.map(Some) }, hour).await? {
        Some(name) => println!("got signal {name}: exit"),
        None => println!("the hour is up: exit"),
    }
    let since = Instant::now();
    stop.close(); // every task's `stop` now says so
    let all_stopped = async {
        for task in tasks {
            task.await;
        }
        Ok(None)
    };
    let again = async { next(&mut signals).await.map(Some) };
    if let Some(name) = future::or(all_stopped, again).await? {
        println!("got signal {name} again: exit now");
        std::process::exit(130);
    }
    let units = since.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("all tasks stopped {units:.2} units later");
    Ok(())
}
// ANCHOR_END: main
