//! `tasks` on async-std (legacy).
//!
//! Pairs with "The Event Loop and asyncio.run()" and "Other Top-Level asyncio Functions"
//! in Real Python's "Async IO in Python: A Complete Walkthrough" (2018), with "Other
//! `asyncio` Tools" in "Python's asyncio: A Hands-On Walkthrough" (2025, its `tasks.py`),
//! and with the asyncio reference's "Coroutines and Tasks" page. It opens with the
//! edition's `create_task` program, then runs seven demos of its own. async-std was
//! discontinued in 2025 (RUSTSEC-2025-0052); it stays here for comparison. `task::spawn`
//! hands a task to a global multi-threaded executor, so it starts at once;
//! `task::spawn_local` keeps it on this thread, where it starts at the next `.await`.
//! Dropping a `JoinHandle` detaches the task, as in asyncio; `handle.cancel().await`
//! cancels it. The global executor is never shut down.
//!
//! Dependencies: `cargo add async-std --features unstable && cargo add futures`
//! Run: `cargo run --release` (in this repository: `just run tasks async-std`)

use std::any::{Any, type_name_of_val};
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use async_std::future::timeout;
use async_std::task;
use futures::FutureExt as _;

/// What the program runs with; `just run tasks` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Which edition's `create_task` program opens the run.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run tasks --edition 2018`; in a copy of this file,
/// change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `coro` waits `max(seq)`; the
    /// task is asked about after it is awaited.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `coro` waits `min(numbers)`;
    /// the task is asked about before.
    Y2025,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(100), edition: Edition::Y2025 }
    }
}

pub fn main() {
    run(Params::default());
}

/// Tutorial seconds since `begin`.
fn units(begin: Instant, unit: Duration) -> f64 {
    begin.elapsed().as_secs_f64() / unit.as_secs_f64()
}

// ANCHOR: cleanup
/// Prints when dropped. A cancelled task is dropped where it waits, so this is the task's
/// cleanup: what a `finally:` block is to a coroutine.
struct Cleanup {
    label: &'static str,
    begin: Instant,
    unit: Duration,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{}: cleanup ran at {:.2}", self.label, units(self.begin, self.unit));
    }
}
// ANCHOR_END: cleanup

pub fn run(params: Params) {
    let unit = params.unit;
    task::block_on(async {
        create_task(params.edition, unit).await;
        lazy(unit).await;
        start(unit).await;
        drop_handle(unit).await;
        cancel(unit).await;
        panics(unit).await;
        nest(unit).await;
    });
    exit(unit);
}

// ANCHOR: coro
/// The tutorial's `coro`: waits `min(numbers)` seconds (2018's: `max`), then hands the
/// numbers back reversed.
async fn coro(numbers: [u32; 3], edition: Edition, unit: Duration) -> Vec<u32> {
    let wait = match edition {
        Edition::Y2018 => numbers.iter().max(),
        Edition::Y2025 => numbers.iter().min(),
    };
    task::sleep(unit * wait.copied().unwrap_or(0)).await;
    numbers.into_iter().rev().collect()
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
// ANCHOR_END: coro

// ANCHOR: create_task
/// The edition's `create_task` program: 2025's asks about the task before awaiting it,
/// 2018's after. async-std's `JoinHandle` has no `is_finished`: polling it once is how to
/// ask, and a finished task hands over its result then.
async fn create_task(edition: Edition, unit: Duration) {
    let mut task = task::spawn(coro([3, 2, 1], edition, unit));
    match edition {
        Edition::Y2025 => {
            println!("type(task) = {}", type_name_of_val(&task));
            let polled = futures::poll!(&mut task);
            println!("task.done() = {}", python_bool(polled.is_ready()));
            let result = match polled {
                Poll::Ready(result) => result,
                Poll::Pending => task.await,
            };
            println!("result: {result:?}");
        }
        Edition::Y2018 => {
            println!("t: type {}", type_name_of_val(&task));
            task.await;
            // Nothing to ask: the await returning is how this handle says "done".
            println!("t done: {}", python_bool(true));
        }
    }
}
// ANCHOR_END: create_task

// ANCHOR: lazy
async fn work(label: &'static str, unit: Duration) -> &'static str {
    println!("{label}: work started");
    task::sleep(unit).await;
    "done"
}

async fn lazy(unit: Duration) {
    let future = work("lazy", unit); // a value: no line of `work` has run
    println!("lazy: made the future; nothing has run");
    task::sleep(unit).await;
    println!("lazy: one unit later, still nothing");
    let result = future.await; // now it runs, to its end
    println!("lazy: awaited it: {result}");
}
// ANCHOR_END: lazy

// ANCHOR: start
/// Spawns a task each way, then keeps this thread busy for one unit before its first
/// `.await`.
async fn start(unit: Duration) {
    let begin = Instant::now();
    let global = task::spawn(async move {
        println!("start: spawn: task started at {:.2}", units(begin, unit));
    });
    let local = task::spawn_local(async move {
        println!("start: spawn_local: task started at {:.2}", units(begin, unit));
    });
    // Blocking in async code is a bug; here it shows who else can run meanwhile.
    thread::sleep(unit);
    println!("start: spawner reached its first await at {:.2}", units(begin, unit));
    global.await;
    local.await;
}
// ANCHOR_END: start

// ANCHOR: drop
async fn drop_handle(unit: Duration) {
    let begin = Instant::now();
    let task = task::spawn(async move {
        let _cleanup = Cleanup { label: "drop", begin, unit };
        task::sleep(unit * 2).await;
        println!("drop: task finished at {:.2}", units(begin, unit));
    });
    task::sleep(unit).await;
    drop(task); // detaches: the task runs on
    println!("drop: handle dropped at {:.2}", units(begin, unit));
    task::sleep(unit * 2).await;
    println!("drop: spawner done at {:.2}", units(begin, unit));
}
// ANCHOR_END: drop

// ANCHOR: cancel
async fn cancel(unit: Duration) {
    let begin = Instant::now();
    let task = task::spawn(async move {
        let _cleanup = Cleanup { label: "cancel", begin, unit };
        task::sleep(unit * 10).await;
        println!("cancel: task finished");
    });
    task::sleep(unit).await;
    println!("cancel: cancel() at {:.2}", units(begin, unit));
    // Some(output) if it had finished already, None if it was stopped.
    let output = task.cancel().await;
    println!("cancel: awaiting it gave: {output:?}");
}
// ANCHOR_END: cancel

/// The text a panic was raised with.
fn message(payload: &(dyn Any + Send)) -> &str {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => text,
        (_, Some(text)) => text,
        _ => "(not text)",
    }
}

// ANCHOR: panic
async fn panics(unit: Duration) {
    // The default hook prints the panic and a backtrace hint to stderr; this one prints a
    // line.
    let default_hook = panic::take_hook();
    let (seen, hook_saw) = async_std::channel::unbounded();
    panic::set_hook(Box::new(move |info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed");
        println!("panic: hook saw {:?} on thread {name}", message(info.payload()));
        let _ = seen.try_send(());
    }));

    // The panic travels to whoever awaits the task: catch it there, or it unwinds on.
    let task = task::spawn(async { panic!("boom") });
    match AssertUnwindSafe(task).catch_unwind().await {
        Err(payload) => println!(
            "panic: awaiting it re-raised the panic: {:?}",
            message(payload.as_ref())
        ),
        Ok(()) => println!("panic: awaiting it gave: ()"),
    }
    drop(task::spawn(async { panic!("nobody awaits this") }));
    task::sleep(unit).await;
    println!("panic: the executor carried on");

    // The detached task runs on another thread, maybe later than the sleep: the default
    // hook goes back only once this one has seen both panics.
    for _ in 0..2 {
        let _ = hook_saw.recv().await;
    }
    panic::set_hook(default_hook);
}
// ANCHOR_END: panic

// ANCHOR: nest
async fn nest(unit: Duration) {
    // `block_on` inside a task works: it parks this thread until the timer fires.
    let begin = Instant::now();
    task::block_on(task::sleep(unit));
    println!("nest: block_on(sleep) inside a task: done at {:.2}", units(begin, unit));

    // But nothing else on this thread runs meanwhile. Waiting this way for a task that
    // only this thread can run never finishes: a timeout ends the demo.
    let begin = Instant::now();
    let local = task::spawn_local(async { "done" });
    let result =
        task::block_on(timeout(unit * 2, local)).unwrap_or("timed out: deadlock");
    println!("nest: block_on(spawn_local task): {result} at {:.2}", units(begin, unit));

    // A task on the global executor's threads is fine.
    let global = task::spawn(async { "done" });
    println!("nest: block_on(spawn task): {}", task::block_on(global));

    // Right: async code awaits.
    let begin = Instant::now();
    task::sleep(unit).await;
    println!("nest: awaiting instead: done at {:.2}", units(begin, unit));
}
// ANCHOR_END: nest

// ANCHOR: exit
/// A `main` that returns while tasks are still running.
fn exit(unit: Duration) {
    let begin = Instant::now();
    task::block_on(async move {
        task::spawn(async move {
            let _cleanup = Cleanup { label: "exit (spawn)", begin, unit };
            task::sleep(unit * 10).await;
            println!("exit: task finished");
        });
        task::spawn_local(async move {
            let _cleanup = Cleanup { label: "exit (spawn_local)", begin, unit };
            task::sleep(unit * 10).await;
            println!("exit: task finished");
        });
        task::sleep(unit).await;
        println!("exit: main returns at {:.2}", units(begin, unit));
    });
    // The executors live until the process ends, which stops their threads without
    // dropping anything: no cleanup runs.
}
// ANCHOR_END: exit
