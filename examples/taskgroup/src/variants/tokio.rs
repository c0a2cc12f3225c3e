//! `taskgroup` on tokio: a `JoinSet` keeps every error, `try_join!` cancels on the first.
//!
//! Pairs with "Async Exception Handling" in Real Python's "Python's asyncio: A Hands-On
//! Walkthrough" (2025; its `except_group.py`; the 2018 edition has no such section), and
//! with "Task Groups" on the asyncio reference's "Coroutines and Tasks" page. A `JoinSet`
//! runs its tasks to their end and hands back each result as it comes, errors included:
//! `gather(return_exceptions=True)`. `try_join!` polls its futures inside this task and
//! returns at the first error, dropping the others, which cancels them: nothing outlives
//! the call, as nothing outlives a `TaskGroup`. The runtime is current-thread, like
//! asyncio's.
//!
//! Dependencies: `cargo add tokio --features macros,rt,time`
//! Run: `cargo run --release` (in this repository: `just run taskgroup tokio`)

use std::fmt;
use std::time::{Duration, Instant};

use tokio::task::{JoinError, JoinSet};
use tokio::time::sleep;

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

pub fn main() -> Result<(), JoinError> {
    run(Params::default())
}

// ANCHOR: coro
/// Says so when its coroutine is dropped before it finished: a dropped future is a
/// cancelled one, and this is its `except CancelledError:` (or its `finally:`).
struct OnCancel {
    name: char,
    clock: Clock,
    finished: bool,
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if !self.finished {
            println!("coro {} cancelled at {:.2}", self.name, self.clock.seconds());
        }
    }
}

/// One of the three coroutines: it sleeps, then fails.
async fn coro((name, seconds, kind): Spec, clock: Clock) -> Result<(), CoroError> {
    let mut on_cancel = OnCancel { name, clock, finished: false };
    sleep(clock.unit.mul_f64(seconds)).await;
    on_cancel.finished = true;
    Err(CoroError { kind, message: format!("Error in coro {name}") })
}
// ANCHOR_END: coro

// ANCHOR: gather
/// `gather(coro_a(), coro_b(), coro_c(), return_exceptions=True)`, then the group of
/// errors handled by kind: every task runs to its end, every error is kept.
async fn gather(unit: Duration) -> Result<(), JoinError> {
    println!("gather(return_exceptions=True): every coroutine runs to its end");
    let clock = Clock::start(unit);
    let mut tasks = JoinSet::new();
    for spec in COROS {
        tasks.spawn(coro(spec, clock));
    }
    let mut errors = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err(error) = joined? {
            errors.push(error);
        }
    }
    handle(&errors);
    summary(&errors, clock);
    Ok(())
}
// ANCHOR_END: gather

// ANCHOR: task_group
/// `async with asyncio.TaskGroup()`: the first error ends it, and the others are
/// cancelled (dropped) before `try_join!` returns.
async fn task_group(unit: Duration) {
    println!("TaskGroup: the first failure cancels the others");
    let clock = Clock::start(unit);
    let [a, b, c] = COROS.map(|spec| coro(spec, clock));
    let errors = match tokio::try_join!(a, b, c) {
        Ok(_) => Vec::new(),
        Err(error) => vec![error],
    };
    handle(&errors);
    summary(&errors, clock);
}
// ANCHOR_END: task_group

#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> Result<(), JoinError> {
    gather(params.unit).await?;
    println!();
    task_group(params.unit).await;
    Ok(())
}
