//! `race` on tokio's current-thread runtime: cooperative multitasking.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version"
//! in Real Python's "Speed Up Your Python Program With Concurrency", and with asyncio's
//! answer to it. The tasks share an `Rc<Cell<u64>>`: no lock, and no atomic, because they
//! all run on this one thread (`spawn_local` on a `LocalSet`; the compiler refuses `Rc`
//! in a `tokio::spawn`, whose tasks may move between threads). A task gives way only at
//! an `.await`, so a read and a write with no `.await` between them can't be split. Put
//! `yield_now().await` there and every task reads the same value before any writes it
//! back: updates are lost again. A `tokio::sync::Mutex`, whose guard may be held across
//! an `.await`, mends that.
//!
//! Dependencies: `cargo add tokio --features macros,rt,sync`
//! Run: `cargo run --release` (in this repository: `just run race tokio`)

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use tokio::sync::Mutex;
use tokio::task::{self, JoinError, LocalSet};

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

pub fn main() -> Result<(), JoinError> {
    run(Params::default())
}

/// Runs `workers` copies of the task `make_task` builds, on this thread, and waits for
/// them.
async fn on_tasks<F: Future<Output = ()> + 'static>(
    params: Params,
    make_task: impl Fn() -> F,
) -> Result<(), JoinError> {
    let tasks: Vec<_> =
        (0..params.workers).map(|_| task::spawn_local(make_task())).collect();
    for task in tasks {
        task.await?;
    }
    Ok(())
}

// ANCHOR: safe
/// Read and write with no `.await` between them; the task yields after each increment, so
/// the tasks do take turns, but never in the middle of one.
async fn no_await_between(params: Params) -> Result<u64, JoinError> {
    let x = Rc::new(Cell::new(0));
    on_tasks(params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                x.set(x.get() + 1);
                task::yield_now().await;
            }
        }
    })
    .await?;
    Ok(x.get())
}
// ANCHOR_END: safe

// ANCHOR: racy
/// The same, with the `.await` moved between the read and the write.
async fn await_between(params: Params) -> Result<u64, JoinError> {
    let x = Rc::new(Cell::new(0));
    on_tasks(params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                let value = x.get();
                task::yield_now().await; // every other task runs here, and reads the same value
                x.set(value + 1);
            }
        }
    })
    .await?;
    Ok(x.get())
}
// ANCHOR_END: racy

// ANCHOR: mutex
/// The async mutex's guard is held across the `.await`: the other tasks wait for it.
async fn mutex_across_await(params: Params) -> Result<u64, JoinError> {
    let x = Rc::new(Mutex::new(0));
    on_tasks(params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                let mut guard = x.lock().await;
                let value = *guard;
                task::yield_now().await;
                *guard = value + 1;
            }
        }
    })
    .await?;
    let total = *x.lock().await;
    Ok(total)
}
// ANCHOR_END: mutex

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> Result<(), JoinError> {
    println!(
        "{} tasks on one thread, {} increments each, expected {}",
        params.workers,
        params.increments,
        params.expected()
    );
    // `spawn_local` needs a `LocalSet`: the tasks it holds never leave this thread.
    let local = LocalSet::new();
    report(
        "no .await between read and write",
        local.run_until(no_await_between(params)).await?,
        params,
    );
    report(
        "yield_now().await between",
        local.run_until(await_between(params)).await?,
        params,
    );
    report(
        "tokio::sync::Mutex across the .await",
        local.run_until(mutex_across_await(params)).await?,
        params,
    );
    Ok(())
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
