//! `race` on OS threads: pre-emptive multitasking loses updates.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version"
//! in Real Python's "Speed Up Your Python Program With Concurrency". Safe Rust will not
//! compile `x = x + 1` on a variable shared by threads (see the chapter for the error),
//! so the racy version spells the two steps out: an atomic `load`, then a `store`.
//! Between them another thread — on another core, or scheduled in by the OS — may store
//! its own value, and one of the two increments is lost. `fetch_add` does both steps as
//! one; a `Mutex` lets one thread at a time through.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run race threads`)

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

/// What the program runs with; `just run race` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How many threads or tasks share the counter.
    pub workers: u64,
    /// How many times each of them adds one.
    pub increments: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params { workers: 8, increments: 50_000 }
    }
}

impl Params {
    /// What the counter should read at the end.
    pub fn expected(&self) -> u64 {
        self.workers * self.increments
    }
}

pub fn main() {
    run(Params::default());
}

/// Runs `increment` `increments` times on each of `workers` threads, all started
/// together.
fn on_threads(params: Params, increment: impl Fn() + Sync) {
    // Each thread waits here until all have started, so that they overlap instead of
    // finishing one by one while the next is still being created. It spins for a while
    // first: then the threads on the cores when the last one arrives all start within
    // nanoseconds (threads asleep in a `std::sync::Barrier` wake one by one). Then it
    // yields, so that many waiting threads don't starve the one that is still starting
    // them.
    let ready = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..params.workers {
            scope.spawn(|| {
                ready.fetch_add(1, Ordering::AcqRel);
                let mut spins = 0;
                while ready.load(Ordering::Acquire) < params.workers {
                    if spins < 20_000 {
                        spins += 1;
                        std::hint::spin_loop();
                    } else {
                        thread::yield_now();
                    }
                }
                for _ in 0..params.increments {
                    increment();
                }
            });
        }
    });
}

// ANCHOR: racy
/// Read, then write: the two steps of `x = x + 1`, with room between them.
fn load_then_store(params: Params) -> u64 {
    let x = AtomicU64::new(0);
    on_threads(params, || {
        let value = x.load(Ordering::Relaxed);
        // `black_box` stands for any work between the read and the write. Without it the
        // optimiser fuses the two into one `inc` instruction: no more atomic than before
        // across cores, but an interrupt can no longer split it, so fewer updates are
        // lost.
        let value = std::hint::black_box(value);
        x.store(value + 1, Ordering::Relaxed);
    });
    x.into_inner()
}
// ANCHOR_END: racy

// ANCHOR: fixed
/// One indivisible read-modify-write.
fn fetch_add(params: Params) -> u64 {
    let x = AtomicU64::new(0);
    on_threads(params, || {
        x.fetch_add(1, Ordering::Relaxed);
    });
    x.into_inner()
}

/// One thread at a time between `lock()` and the end of the statement (the guard's drop).
fn mutex(params: Params) -> u64 {
    let x = Mutex::new(0);
    on_threads(params, || {
        // A panic while the lock is held would poison it; the count stays usable.
        *x.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    });
    x.into_inner().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: fixed

// ANCHOR: main
pub fn run(params: Params) {
    println!(
        "{} threads, {} increments each, expected {}",
        params.workers,
        params.increments,
        params.expected()
    );
    report("load, then store", load_then_store(params), params);
    report("fetch_add", fetch_add(params), params);
    report("Mutex", mutex(params), params);
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
