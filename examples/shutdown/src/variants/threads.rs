//! `shutdown` on std threads: signal-hook's `Signals` turned into messages on a channel.
//!
//! Pairs with "Set signal handlers for SIGINT and SIGTERM" in the asyncio reference's
//! event loop page (`loop.add_signal_handler`). A signal handler may do almost nothing
//! safely, so signal-hook's `Signals` installs one that only writes to a pipe, and a
//! thread of ours reads it and sends each signal to the main thread over the same channel
//! that the workers report on. The workers are threads that look at a flag between steps;
//! a sleeping thread cannot be woken early, so the drain lasts until each one's step
//! ends.
//!
//! Dependencies: `cargo add anyhow signal-hook`
//! Run: `cargo run --release` (in this repository: `just run shutdown threads`)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::signal_name;

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

/// What the main thread hears about: a signal, or a worker that has stopped.
enum Event {
    Signal(i32),
    Stopped,
}

// ANCHOR: worker
/// Works in steps of one unit until told to stop; a step once begun is finished. The
/// three threads start a third of a unit apart, so their steps end at different times.
fn worker(id: u32, unit: Duration, stop: &AtomicBool) {
    thread::sleep(unit * (2 * id - 1) / 6);
    let mut step = 0;
    while !stop.load(Ordering::Relaxed) {
        thread::sleep(unit); // the step: work that must not be cut off halfway
        step += 1;
    }
    match step {
        0 => println!("task {id} stopped before its first step"),
        _ => println!("task {id} finished step {step} and stopped"),
    }
}
// ANCHOR_END: worker

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    // Installed now, before the readiness line: from here on the signals are ours.
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let (events, inbox) = mpsc::channel();
    let forward = events.clone();
    thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            let _ = forward.send(Event::Signal(signal));
        }
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    for id in 1..=3 {
        let (stop, events) = (Arc::clone(&stop), events.clone());
        thread::Builder::new().name(format!("task-{id}")).spawn(move || {
            worker(id, params.unit, &stop);
            let _ = events.send(Event::Stopped);
        })?;
    }
    println!("Event loop running for 1 hour, press Ctrl+C to interrupt.");
    println!("pid {}: send SIGINT or SIGTERM to exit.", std::process::id());

    match inbox.recv_timeout(params.unit * 3600) {
        Ok(Event::Signal(signal)) => println!("got signal {}: exit", name(signal)),
        _ => println!("the hour is up: exit"),
    }
    let since = Instant::now();
    stop.store(true, Ordering::Relaxed);
    let mut running = 3;
    while running > 0 {
        match inbox.recv()? {
            Event::Stopped => running -= 1,
            Event::Signal(signal) => {
                println!("got signal {} again: exit now", name(signal));
                std::process::exit(130);
            }
        }
    }
    let units = since.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("all tasks stopped {units:.2} units later");
    Ok(())
}
// ANCHOR_END: main

/// `SIGINT`, `SIGTERM`.
fn name(signal: i32) -> &'static str {
    signal_name(signal).unwrap_or("an unknown signal")
}
