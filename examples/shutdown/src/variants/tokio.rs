//! `shutdown` on tokio: `tokio::signal`, a `CancellationToken` and a `TaskTracker`.
//!
//! Pairs with "Set signal handlers for SIGINT and SIGTERM" in the asyncio reference's
//! event loop page (`loop.add_signal_handler`), and with tokio's own graceful-shutdown
//! guide. `signal(SignalKind::interrupt())` installs the process-wide handler when it is
//! called, so the readiness line printed after it is true; `tokio::signal::ctrl_c()`
//! would install it only when its future is first polled. The token tells the tasks to
//! stop taking new steps, the tracker waits for them, and a second signal during that
//! wait exits at once.
//!
//! Dependencies: `cargo add tokio --features macros,rt,signal,time && cargo add tokio-util --features rt && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run shutdown tokio`)

use std::time::{Duration, Instant};

use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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
async fn worker(id: u32, unit: Duration, stop: CancellationToken) {
    tokio::select! {
        _ = sleep(unit * (2 * id - 1) / 6) => {}
        _ = stop.cancelled() => {
            println!("task {id} stopped before its first step");
            return;
        }
    }
    let mut step = 0;
    loop {
        sleep(unit).await; // the step: work that must not be cut off halfway
        step += 1;
        if stop.is_cancelled() {
            println!("task {id} finished step {step} and stopped");
            return;
        }
    }
}
// ANCHOR_END: worker

/// The next SIGINT or SIGTERM, by name.
async fn next((interrupt, terminate): &mut (Signal, Signal)) -> &'static str {
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> anyhow::Result<()> {
    // Installed now, before the readiness line: from here on the signals are ours.
    let interrupt = signal(SignalKind::interrupt())?;
    let mut signals = (interrupt, signal(SignalKind::terminate())?);
    let stop = CancellationToken::new();
    let tracker = TaskTracker::new();
    for id in 1..=3 {
        tracker.spawn(worker(id, params.unit, stop.clone()));
    }
    tracker.close(); // `wait()` returns once the tasks are done
    println!("Event loop running for 1 hour, press Ctrl+C to interrupt.");
    println!("pid {}: send SIGINT or SIGTERM to exit.", std::process::id());

    tokio::select! {
        name = next(&mut signals) => println!("got signal {name}: exit"),
        _ = sleep(params.unit * 3600) => println!("the hour is up: exit"),
    }
    let since = Instant::now();
    stop.cancel();
    tokio::select! {
        _ = tracker.wait() => {}
        name = next(&mut signals) => {
            println!("got signal {name} again: exit now");
            std::process::exit(130);
        }
    }
    let units = since.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("all tasks stopped {units:.2} units later");
    Ok(())
}
// ANCHOR_END: main
