//! `tasks` on tokio.
//!
//! Pairs with "The Event Loop and asyncio.run()" and "Other Top-Level asyncio Functions"
//! in Real Python's "Async IO in Python: A Complete Walkthrough" (2018), with "Other
//! `asyncio` Tools" in "Python's asyncio: A Hands-On Walkthrough" (2025, its `tasks.py`),
//! and with the asyncio reference's "Coroutines and Tasks" page. It opens with the
//! edition's `create_task` program, then runs seven demos of its own. A tokio task starts
//! at `spawn` on the multi-thread runtime (an idle worker picks it up) and at the next
//! `.await` on the current-thread one, like `create_task`. Dropping a `JoinHandle`
//! detaches the task; `abort()` cancels it by dropping its future where it waits, which
//! runs its destructors.
//!
//! Dependencies: `cargo add tokio --features macros,rt-multi-thread,time && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run tasks tokio`)

use std::any::{Any, type_name_of_val};
use std::panic::{self, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Handle};
use tokio::task::JoinError;
use tokio::time::sleep;

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

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
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

pub fn run(params: Params) -> anyhow::Result<()> {
    let unit = params.unit;
    let runtime = Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(create_task(params.edition, unit))?;
    runtime.block_on(lazy(unit));
    // ANCHOR: start_flavours
    runtime.block_on(start("multi-thread", unit));
    Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(start("current-thread", unit));
    // ANCHOR_END: start_flavours
    runtime.block_on(drop_handle(unit));
    runtime.block_on(cancel(unit));
    runtime.block_on(panics(unit));
    runtime.block_on(nest(unit))?;
    drop(runtime);
    exit(unit);
    Ok(())
}

// ANCHOR: coro
/// The tutorial's `coro`: waits `min(numbers)` seconds (2018's: `max`), then hands the
/// numbers back reversed.
async fn coro(numbers: [u32; 3], edition: Edition, unit: Duration) -> Vec<u32> {
    let wait = match edition {
        Edition::Y2018 => numbers.iter().max(),
        Edition::Y2025 => numbers.iter().min(),
    };
    sleep(unit * wait.copied().unwrap_or(0)).await;
    numbers.into_iter().rev().collect()
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
// ANCHOR_END: coro

// ANCHOR: create_task
/// The edition's `create_task` program: 2025's asks about the task before awaiting it,
/// 2018's after. A `JoinHandle` can say whether its task has finished without waiting for
/// it.
async fn create_task(edition: Edition, unit: Duration) -> Result<(), JoinError> {
    let mut task = tokio::spawn(coro([3, 2, 1], edition, unit));
    match edition {
        Edition::Y2025 => {
            println!("type(task) = {}", type_name_of_val(&task));
            println!("task.done() = {}", python_bool(task.is_finished()));
            println!("result: {:?}", task.await?);
        }
        Edition::Y2018 => {
            (&mut task).await?; // a handle is a future: await it by reference, keep it
            println!("t: type {}", type_name_of_val(&task));
            println!("t done: {}", python_bool(task.is_finished()));
        }
    }
    Ok(())
}
// ANCHOR_END: create_task

// ANCHOR: lazy
async fn work(label: &'static str, unit: Duration) -> &'static str {
    println!("{label}: work started");
    sleep(unit).await;
    "done"
}

async fn lazy(unit: Duration) {
    let future = work("lazy", unit); // a value: no line of `work` has run
    println!("lazy: made the future; nothing has run");
    sleep(unit).await;
    println!("lazy: one unit later, still nothing");
    let result = future.await; // now it runs, to its end
    println!("lazy: awaited it: {result}");
}
// ANCHOR_END: lazy

// ANCHOR: start
/// Spawns a task, then keeps this thread busy for one unit before its first `.await`.
async fn start(flavour: &'static str, unit: Duration) {
    let begin = Instant::now();
    let task = tokio::spawn(async move {
        println!("start: {flavour}: task started at {:.2}", units(begin, unit));
    });
    // Blocking in async code is a bug; here it shows who else can run meanwhile.
    thread::sleep(unit);
    println!(
        "start: {flavour}: spawner reached its first await at {:.2}",
        units(begin, unit)
    );
    let _ = task.await;
}
// ANCHOR_END: start

// ANCHOR: drop
async fn drop_handle(unit: Duration) {
    let begin = Instant::now();
    let task = tokio::spawn(async move {
        let _cleanup = Cleanup { label: "drop", begin, unit };
        sleep(unit * 2).await;
        println!("drop: task finished at {:.2}", units(begin, unit));
    });
    sleep(unit).await;
    drop(task); // detaches: the task runs on
    println!("drop: handle dropped at {:.2}", units(begin, unit));
    sleep(unit * 2).await;
    println!("drop: spawner done at {:.2}", units(begin, unit));
}
// ANCHOR_END: drop

// ANCHOR: cancel
async fn cancel(unit: Duration) {
    let begin = Instant::now();
    let task = tokio::spawn(async move {
        let _cleanup = Cleanup { label: "cancel", begin, unit };
        sleep(unit * 10).await;
        println!("cancel: task finished");
    });
    sleep(unit).await;
    println!("cancel: abort() at {:.2}", units(begin, unit));
    task.abort();
    match task.await {
        Err(error) if error.is_cancelled() => {
            println!("cancel: awaiting it gave: {error}")
        }
        other => println!("cancel: awaiting it gave: {other:?}"),
    }
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
    panic::set_hook(Box::new(|info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed");
        println!("panic: hook saw {:?} on thread {name}", message(info.payload()));
    }));

    let task = tokio::spawn(async { panic!("boom") });
    match task.await {
        Err(error) if error.is_panic() => println!("panic: awaiting it gave: {error}"),
        other => println!("panic: awaiting it gave: {other:?}"),
    }
    drop(tokio::spawn(async { panic!("nobody awaits this") }));
    sleep(unit).await;
    println!("panic: the runtime carried on");

    panic::set_hook(default_hook);
}
// ANCHOR_END: panic

// ANCHOR: nest
async fn nest(unit: Duration) -> anyhow::Result<()> {
    let inner = Builder::new_current_thread().enable_all().build()?;
    let silenced = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let attempt = panic::catch_unwind(AssertUnwindSafe(|| inner.block_on(sleep(unit))));
    panic::set_hook(silenced);
    if let Err(payload) = attempt {
        let first_sentence =
            message(payload.as_ref()).split(". ").next().unwrap_or_default();
        println!("nest: block_on inside the runtime panicked: {first_sentence}");
    }
    // Dropping a runtime here would panic too ("Cannot drop a runtime in a context where
    // blocking is not allowed"); this is the way out from async code.
    inner.shutdown_background();

    // Right: async code awaits.
    let begin = Instant::now();
    sleep(unit).await;
    println!("nest: awaiting instead: done at {:.2}", units(begin, unit));

    // Right: blocking code that needs async code's result runs off the runtime's threads
    // and enters the runtime through a Handle.
    let handle = Handle::current();
    let result = tokio::task::spawn_blocking(move || {
        handle.block_on(async {
            sleep(unit).await;
            "done"
        })
    })
    .await?;
    println!("nest: Handle::block_on on a spawn_blocking thread: {result}");
    Ok(())
}
// ANCHOR_END: nest

// ANCHOR: exit
/// Like any `#[tokio::main]`: the runtime is dropped when this returns.
#[tokio::main]
async fn exit(unit: Duration) {
    let begin = Instant::now();
    tokio::spawn(async move {
        let _cleanup = Cleanup { label: "exit", begin, unit };
        sleep(unit * 10).await;
        println!("exit: task finished");
    });
    sleep(unit).await;
    println!("exit: main returns at {:.2}", units(begin, unit));
}
// ANCHOR_END: exit
