//! `tasks` on smol.
//!
//! Pairs with "The Event Loop and asyncio.run()" and "Other Top-Level asyncio Functions"
//! in Real Python's "Async IO in Python: A Complete Walkthrough" (2018), with "Other
//! `asyncio` Tools" in "Python's asyncio: A Hands-On Walkthrough" (2025, its `tasks.py`),
//! and with the asyncio reference's "Coroutines and Tasks" page. It opens with the
//! edition's `create_task` program, then runs seven demos of its own. smol has two kinds
//! of executor: a `LocalExecutor` you drive on your own thread (tasks start at your next
//! `.await`, like `create_task`) and the global one behind `smol::spawn`, which has its
//! own thread. A smol `Task` is cancelled when its handle is dropped; `.detach()` lets it
//! run on.
//!
//! Dependencies: `cargo add smol`
//! Run: `cargo run --release` (in this repository: `just run tasks smol`)

use std::any::{Any, type_name_of_val};
use std::panic::{self, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use smol::future::FutureExt;
use smol::{LocalExecutor, Timer};

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
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        create_task(&ex, params.edition, unit).await;
        lazy(unit).await;
        start(&ex, unit).await;
        drop_handle(&ex, unit).await;
        cancel(&ex, unit).await;
        panics(&ex, unit).await;
        nest(&ex, unit).await;
    }));
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
    Timer::after(unit * wait.copied().unwrap_or(0)).await;
    numbers.into_iter().rev().collect()
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
// ANCHOR_END: coro

// ANCHOR: create_task
/// The edition's `create_task` program: 2025's asks about the task before awaiting it,
/// 2018's after. A smol `Task` can say whether it has finished without waiting for it.
async fn create_task(ex: &LocalExecutor<'_>, edition: Edition, unit: Duration) {
    let mut task = ex.spawn(coro([3, 2, 1], edition, unit));
    match edition {
        Edition::Y2025 => {
            println!("type(task) = {}", type_name_of_val(&task));
            println!("task.done() = {}", python_bool(task.is_finished()));
            println!("result: {:?}", task.await);
        }
        Edition::Y2018 => {
            (&mut task).await; // a task is a future: await it by reference, keep it
            println!("t: type {}", type_name_of_val(&task));
            println!("t done: {}", python_bool(task.is_finished()));
        }
    }
}
// ANCHOR_END: create_task

// ANCHOR: lazy
async fn work(label: &'static str, unit: Duration) -> &'static str {
    println!("{label}: work started");
    Timer::after(unit).await;
    "done"
}

async fn lazy(unit: Duration) {
    let future = work("lazy", unit); // a value: no line of `work` has run
    println!("lazy: made the future; nothing has run");
    Timer::after(unit).await;
    println!("lazy: one unit later, still nothing");
    let result = future.await; // now it runs, to its end
    println!("lazy: awaited it: {result}");
}
// ANCHOR_END: lazy

// ANCHOR: start
/// Spawns a task on each kind of executor, then keeps this thread busy for one unit
/// before its first `.await`.
async fn start(ex: &LocalExecutor<'_>, unit: Duration) {
    let begin = Instant::now();
    let global = smol::spawn(async move {
        println!("start: global executor: task started at {:.2}", units(begin, unit));
    });
    let local = ex.spawn(async move {
        println!("start: local executor: task started at {:.2}", units(begin, unit));
    });
    // Blocking in async code is a bug; here it shows who else can run meanwhile.
    thread::sleep(unit);
    println!("start: spawner reached its first await at {:.2}", units(begin, unit));
    global.await;
    local.await;
}
// ANCHOR_END: start

// ANCHOR: drop
async fn drop_handle(ex: &LocalExecutor<'_>, unit: Duration) {
    let begin = Instant::now();
    let task = ex.spawn(async move {
        let _cleanup = Cleanup { label: "drop", begin, unit };
        Timer::after(unit * 2).await;
        println!("drop: task finished at {:.2}", units(begin, unit));
    });
    Timer::after(unit).await;
    drop(task); // cancels: `task.detach()` would let it run on
    println!("drop: handle dropped at {:.2}", units(begin, unit));
    Timer::after(unit * 2).await;
    println!("drop: spawner done at {:.2}", units(begin, unit));
}
// ANCHOR_END: drop

// ANCHOR: cancel
async fn cancel(ex: &LocalExecutor<'_>, unit: Duration) {
    let begin = Instant::now();
    let task = ex.spawn(async move {
        let _cleanup = Cleanup { label: "cancel", begin, unit };
        Timer::after(unit * 10).await;
        println!("cancel: task finished");
    });
    Timer::after(unit).await;
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
async fn panics(ex: &LocalExecutor<'_>, unit: Duration) {
    // The default hook prints the panic and a backtrace hint to stderr; this one prints a
    // line.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed");
        println!("panic: hook saw {:?} on thread {name}", message(info.payload()));
    }));

    // The panic travels to whoever awaits the task: catch it there, or it unwinds on.
    let task = ex.spawn(async { panic!("boom") });
    match AssertUnwindSafe(task).catch_unwind().await {
        Err(payload) => println!(
            "panic: awaiting it re-raised the panic: {:?}",
            message(payload.as_ref())
        ),
        Ok(()) => println!("panic: awaiting it gave: ()"),
    }
    ex.spawn(async { panic!("nobody awaits this") }).detach();
    Timer::after(unit).await;
    println!("panic: the executor carried on");

    panic::set_hook(default_hook);
}
// ANCHOR_END: panic

// ANCHOR: nest
async fn nest(ex: &LocalExecutor<'_>, unit: Duration) {
    // `block_on` inside a task works: it parks this thread until the timer fires.
    let begin = Instant::now();
    smol::block_on(Timer::after(unit));
    println!("nest: block_on(timer) inside a task: done at {:.2}", units(begin, unit));

    // But nothing else on this thread runs meanwhile. Waiting this way for a task of the
    // same local executor can never finish: a timeout ends the demo.
    let begin = Instant::now();
    let local = ex.spawn(async { "done" });
    let timeout = async {
        Timer::after(unit * 2).await;
        "timed out: deadlock"
    };
    let result = smol::block_on(local.or(timeout));
    println!(
        "nest: block_on(task of this executor): {result} at {:.2}",
        units(begin, unit)
    );

    // A task on another thread's executor is fine.
    let global = smol::spawn(async { "done" });
    println!("nest: block_on(task of the global executor): {}", smol::block_on(global));

    // Right: async code awaits.
    let begin = Instant::now();
    Timer::after(unit).await;
    println!("nest: awaiting instead: done at {:.2}", units(begin, unit));
}
// ANCHOR_END: nest

// ANCHOR: exit
/// A `main` that returns while tasks are still running.
fn exit(unit: Duration) {
    let begin = Instant::now();
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        ex.spawn(async move {
            let _cleanup = Cleanup { label: "exit (local executor)", begin, unit };
            Timer::after(unit * 10).await;
            println!("exit: task finished");
        })
        .detach();
        smol::spawn(async move {
            let _cleanup = Cleanup { label: "exit (global executor)", begin, unit };
            Timer::after(unit * 10).await;
            println!("exit: task finished");
        })
        .detach();
        Timer::after(unit).await;
        println!("exit: main returns at {:.2}", units(begin, unit));
    }));
    // `ex` is dropped here, and its tasks with it. The global executor lives until the
    // process ends, which stops its threads without dropping anything.
}
// ANCHOR_END: exit
