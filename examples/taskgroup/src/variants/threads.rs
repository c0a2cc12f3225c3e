//! `taskgroup` with threads: scoped threads, every error kept; then a group that cancels.
//!
//! Pairs with "Async Exception Handling" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `except_group.py`; the 2018 edition has no such section), and
//! with "Task Groups" on the asyncio reference's "Coroutines and Tasks" page. A thread
//! cannot be cancelled from outside: it has to agree to stop. So the group here is
//! cooperative: the threads wait on a condition variable instead of sleeping, and the
//! first to fail sets the flag and wakes the others, which stop. `thread::scope` joins
//! every thread before it returns: structured concurrency, in std.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run taskgroup threads`)

use std::fmt;
use std::panic;
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// What the program runs with; `just run taskgroup` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(200) }
    }
}

// ANCHOR: errors
/// The kinds of error the three coroutines raise, as Python names them: `ValueError`,
/// `TypeError`, `IndexError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Value,
    Type,
    Index,
}

/// One coroutine's failure, shown the way Python shows the exception.
#[derive(Debug)]
struct CoroError {
    kind: Kind,
    message: String,
}

impl fmt::Display for CoroError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}Error('{}')", self.kind, self.message)
    }
}

impl std::error::Error for CoroError {}

/// One coroutine: which, how many seconds before it fails, and how.
type Spec = (char, f64, Kind);

/// The three coroutines.
const COROS: [Spec; 3] = [
    ('A', 1.0, Kind::Value), // coro_a
    ('B', 2.0, Kind::Type),  // coro_b
    ('C', 0.5, Kind::Index), // coro_c
];

/// `except* ValueError`, `except* TypeError`, `except* IndexError`: each kind's errors
/// together, in the handlers' order, printed as Python prints the group's tuple.
fn handle(errors: &[CoroError]) {
    for kind in [Kind::Value, Kind::Type, Kind::Index] {
        let of_kind = errors.iter().filter(|e| e.kind == kind);
        let group: Vec<String> = of_kind.map(ToString::to_string).collect();
        match group.as_slice() {
            [] => {}
            [one] => println!("[{kind:?}Error handled] ({one},)"),
            many => println!("[{kind:?}Error handled] ({})", many.join(", ")),
        }
    }
}
// ANCHOR_END: errors

/// Tutorial seconds since the clock started.
#[derive(Debug, Clone, Copy)]
struct Clock {
    start: Instant,
    unit: Duration,
}

impl Clock {
    fn start(unit: Duration) -> Clock {
        Clock { start: Instant::now(), unit }
    }

    fn seconds(self) -> f64 {
        self.start.elapsed().as_secs_f64() / self.unit.as_secs_f64()
    }
}

/// How many errors, and when: the line each part ends with.
fn summary(errors: &[CoroError], clock: Clock) {
    let noun = if errors.len() == 1 { "error" } else { "errors" };
    println!("{} {noun} after {:.2} seconds", errors.len(), clock.seconds());
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: gather
/// One of the three coroutines, on a thread: it sleeps, then fails.
fn coro((name, seconds, kind): Spec, clock: Clock) -> Result<(), CoroError> {
    thread::sleep(clock.unit.mul_f64(seconds));
    Err(CoroError { kind, message: format!("Error in coro {name}") })
}

/// `gather(coro_a(), coro_b(), coro_c(), return_exceptions=True)`, then the group of
/// errors handled by kind: every thread runs to its end, every error is kept.
fn gather(unit: Duration) {
    println!("gather(return_exceptions=True): every coroutine runs to its end");
    let clock = Clock::start(unit);
    let errors: Vec<CoroError> = thread::scope(|scope| {
        let threads = COROS.map(|spec| scope.spawn(move || coro(spec, clock)));
        let joined = threads.map(|thread| thread.join());
        let results = joined.map(|r| r.unwrap_or_else(|e| panic::resume_unwind(e)));
        results.into_iter().filter_map(Result::err).collect()
    });
    handle(&errors);
    summary(&errors, clock);
}
// ANCHOR_END: gather

// ANCHOR: task_group
/// The group's shared flag: set by the first thread that fails, waited on by the others.
#[derive(Default)]
struct Cancel {
    cancelled: Mutex<bool>,
    wake: Condvar,
}

impl Cancel {
    /// Waits for `duration`, or less if the group is cancelled meanwhile: whether it was.
    fn sleep(&self, duration: Duration) -> bool {
        let cancelled = self.cancelled.lock().unwrap_or_else(PoisonError::into_inner);
        let wait = self.wake.wait_timeout_while(cancelled, duration, |stop| !*stop);
        *wait.unwrap_or_else(PoisonError::into_inner).0
    }

    fn cancel(&self) {
        *self.cancelled.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }
}

/// One coroutine in the group: it fails after its sleep, unless the group was cancelled
/// first.
fn in_group(
    (name, seconds, kind): Spec,
    clock: Clock,
    group: &Cancel,
) -> Option<CoroError> {
    if group.sleep(clock.unit.mul_f64(seconds)) {
        println!("coro {name} cancelled at {:.2}", clock.seconds());
        return None;
    }
    group.cancel(); // the first failure cancels the others
    Some(CoroError { kind, message: format!("Error in coro {name}") })
}

/// `async with asyncio.TaskGroup()`, with threads: the scope returns once every thread
/// has stopped, the failed one and the cancelled ones.
fn task_group(unit: Duration) {
    println!("TaskGroup: the first failure cancels the others");
    let clock = Clock::start(unit);
    let group = Cancel::default();
    let errors: Vec<CoroError> = thread::scope(|scope| {
        let group = &group;
        let threads = COROS.map(|spec| scope.spawn(move || in_group(spec, clock, group)));
        let joined = threads.map(|thread| thread.join());
        let results = joined.map(|r| r.unwrap_or_else(|e| panic::resume_unwind(e)));
        results.into_iter().flatten().collect()
    });
    handle(&errors);
    summary(&errors, clock);
}
// ANCHOR_END: task_group

pub fn run(params: Params) {
    gather(params.unit);
    println!();
    task_group(params.unit);
}
