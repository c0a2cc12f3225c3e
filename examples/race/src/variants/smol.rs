//! `race` on smol's `LocalExecutor`: cooperative multitasking.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version"
//! in Real Python's "Speed Up Your Python Program With Concurrency", and with asyncio's
//! answer to it. A `LocalExecutor` runs its tasks on the thread that drives it, so they
//! may share an `Rc<Cell<u64>>`. A task gives way only at an `.await`: no update is lost
//! until a `yield_now().await` sits between the read and the write. `smol::lock::Mutex`
//! (the async-lock crate) holds the other tasks back across that `.await`.
//!
//! Dependencies: `cargo add smol`
//! Run: `cargo run --release` (in this repository: `just run race smol`)

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use smol::LocalExecutor;
use smol::future::yield_now;
use smol::lock::Mutex;

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

/// Runs `workers` copies of the task `make_task` builds on `executor`, and waits for
/// them.
async fn on_tasks<'a, F: Future<Output = ()> + 'a>(
    executor: &LocalExecutor<'a>,
    params: Params,
    make_task: impl Fn() -> F,
) {
    let tasks: Vec<_> =
        (0..params.workers).map(|_| executor.spawn(make_task())).collect();
    for task in tasks {
        task.await;
    }
}

// ANCHOR: safe
/// Read and write with no `.await` between them; the task yields after each increment.
async fn no_await_between(executor: &LocalExecutor<'_>, params: Params) -> u64 {
    let x = Rc::new(Cell::new(0));
    on_tasks(executor, params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                x.set(x.get() + 1);
                yield_now().await;
            }
        }
    })
    .await;
    x.get()
}
// ANCHOR_END: safe

// ANCHOR: racy
/// The same, with the `.await` moved between the read and the write.
async fn await_between(executor: &LocalExecutor<'_>, params: Params) -> u64 {
    let x = Rc::new(Cell::new(0));
    on_tasks(executor, params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                let value = x.get();
                yield_now().await; // every other task runs here, and reads the same value
                x.set(value + 1);
            }
        }
    })
    .await;
    x.get()
}
// ANCHOR_END: racy

// ANCHOR: mutex
/// The async mutex's guard is held across the `.await`: the other tasks wait for it.
async fn mutex_across_await(executor: &LocalExecutor<'_>, params: Params) -> u64 {
    let x = Rc::new(Mutex::new(0));
    on_tasks(executor, params, || {
        let x = Rc::clone(&x);
        async move {
            for _ in 0..params.increments {
                let mut guard = x.lock().await;
                let value = *guard;
                yield_now().await;
                *guard = value + 1;
            }
        }
    })
    .await;
    *x.lock().await
}
// ANCHOR_END: mutex

// ANCHOR: main
pub fn run(params: Params) {
    println!(
        "{} tasks on one thread, {} increments each, expected {}",
        params.workers,
        params.increments,
        params.expected()
    );
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        report(
            "no .await between read and write",
            no_await_between(&executor, params).await,
            params,
        );
        report(
            "yield_now().await between",
            await_between(&executor, params).await,
            params,
        );
        report(
            "smol::lock::Mutex across the .await",
            mutex_across_await(&executor, params).await,
            params,
        );
    }));
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
