//! `tasks` on the `futures` crate's executors.
//!
//! Pairs with "The Event Loop and asyncio.run()" and "Other Top-Level asyncio Functions"
//! in Real Python's "Async IO in Python: A Complete Walkthrough" (2018), with "Other
//! `asyncio` Tools" in "Python's asyncio: A Hands-On Walkthrough" (2025, its `tasks.py`),
//! and with the asyncio reference's "Coroutines and Tasks" page. It opens with the
//! edition's `create_task` program, then runs seven demos of its own. `LocalPool` runs
//! its tasks only while you drive it (`run_until`), so a task starts at your next
//! `.await`; a `ThreadPool` has threads of its own and starts it at once.
//! `spawn_with_handle` returns a `RemoteHandle` that cancels the task when dropped
//! (`.forget()` detaches it); `abortable` adds an `AbortHandle` for cancelling by hand.
//! The executors have no clock: `futures-timer` does the sleeping.
//!
//! Dependencies: `cargo add futures --features thread-pool && cargo add futures-timer anyhow`
//! Run: `cargo run --release` (in this repository: `just run tasks futures`)

use std::any::{Any, type_name_of_val};
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use futures::channel::oneshot;
use futures::executor::{LocalPool, LocalSpawner, ThreadPool, block_on};
use futures::future::{self, Either, FutureExt};
use futures::task::{LocalSpawnExt, SpawnExt};
use futures_timer::Delay;

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
    let threads = ThreadPool::new()?;
    let mut pool = LocalPool::new();
    let local = pool.spawner();
    pool.run_until(async {
        create_task(&local, params.edition, unit).await?;
        lazy(unit).await;
        start(&local, &threads, unit).await?;
        drop_handle(&local, unit).await?;
        cancel(&local, unit).await?;
        panics(&local, unit).await?;
        nest(unit).await
    })?;
    drop(pool);
    exit(unit)
}

// ANCHOR: coro
/// The tutorial's `coro`: waits `min(numbers)` seconds (2018's: `max`), then hands the
/// numbers back reversed.
async fn coro(numbers: [u32; 3], edition: Edition, unit: Duration) -> Vec<u32> {
    let wait = match edition {
        Edition::Y2018 => numbers.iter().max(),
        Edition::Y2025 => numbers.iter().min(),
    };
    Delay::new(unit * wait.copied().unwrap_or(0)).await;
    numbers.into_iter().rev().collect()
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
// ANCHOR_END: coro

// ANCHOR: create_task
/// The edition's `create_task` program: 2025's asks about the task before awaiting it,
/// 2018's after. A `RemoteHandle` has no `is_finished`: polling it once is how to ask,
/// and a finished task hands over its result then.
async fn create_task(
    local: &LocalSpawner,
    edition: Edition,
    unit: Duration,
) -> anyhow::Result<()> {
    let mut task = local.spawn_local_with_handle(coro([3, 2, 1], edition, unit))?;
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
    Ok(())
}
// ANCHOR_END: create_task

// ANCHOR: lazy
async fn work(label: &'static str, unit: Duration) -> &'static str {
    println!("{label}: work started");
    Delay::new(unit).await;
    "done"
}

async fn lazy(unit: Duration) {
    let future = work("lazy", unit); // a value: no line of `work` has run
    println!("lazy: made the future; nothing has run");
    Delay::new(unit).await;
    println!("lazy: one unit later, still nothing");
    let result = future.await; // now it runs, to its end
    println!("lazy: awaited it: {result}");
}
// ANCHOR_END: lazy

// ANCHOR: start
/// Spawns a task on each executor, then keeps this thread busy for one unit before its
/// first `.await`.
async fn start(
    local: &LocalSpawner,
    threads: &ThreadPool,
    unit: Duration,
) -> anyhow::Result<()> {
    let begin = Instant::now();
    let on_threads = threads.spawn_with_handle(async move {
        println!("start: ThreadPool: task started at {:.2}", units(begin, unit));
    })?;
    let on_local = local.spawn_local_with_handle(async move {
        println!("start: LocalPool: task started at {:.2}", units(begin, unit));
    })?;
    // Blocking in async code is a bug; here it shows who else can run meanwhile.
    thread::sleep(unit);
    println!("start: spawner reached its first await at {:.2}", units(begin, unit));
    on_threads.await;
    on_local.await;
    Ok(())
}
// ANCHOR_END: start

// ANCHOR: drop
async fn drop_handle(local: &LocalSpawner, unit: Duration) -> anyhow::Result<()> {
    let begin = Instant::now();
    let handle = local.spawn_local_with_handle(async move {
        let _cleanup = Cleanup { label: "drop", begin, unit };
        Delay::new(unit * 2).await;
        println!("drop: task finished at {:.2}", units(begin, unit));
    })?;
    Delay::new(unit).await;
    drop(handle); // cancels: `handle.forget()` would let it run on
    println!("drop: handle dropped at {:.2}", units(begin, unit));
    Delay::new(unit * 2).await;
    println!("drop: spawner done at {:.2}", units(begin, unit));
    Ok(())
}
// ANCHOR_END: drop

// ANCHOR: cancel
async fn cancel(local: &LocalSpawner, unit: Duration) -> anyhow::Result<()> {
    let begin = Instant::now();
    let (task, abort) = future::abortable(async move {
        let _cleanup = Cleanup { label: "cancel", begin, unit };
        Delay::new(unit * 10).await;
        println!("cancel: task finished");
    });
    let handle = local.spawn_local_with_handle(task)?;
    Delay::new(unit).await;
    println!("cancel: abort() at {:.2}", units(begin, unit));
    abort.abort();
    match handle.await {
        Err(aborted) => println!("cancel: awaiting it gave: {aborted}"),
        Ok(()) => println!("cancel: awaiting it gave: ()"),
    }
    Ok(())
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
async fn panics(local: &LocalSpawner, unit: Duration) -> anyhow::Result<()> {
    // The default hook prints the panic and a backtrace hint to stderr; this one prints a
    // line.
    let default_hook = panic::take_hook();
    let (seen, mut hook_saw) = futures::channel::mpsc::unbounded();
    panic::set_hook(Box::new(move |info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed");
        println!("panic: hook saw {:?} on thread {name}", message(info.payload()));
        let _ = seen.unbounded_send(());
    }));

    // A RemoteHandle carries the panic to whoever awaits it: catch it there, or it
    // unwinds on.
    let handle = local.spawn_local_with_handle(async { panic!("boom") })?;
    match AssertUnwindSafe(handle).catch_unwind().await {
        Err(payload) => println!(
            "panic: awaiting it re-raised the panic: {:?}",
            message(payload.as_ref())
        ),
        Ok(()) => println!("panic: awaiting it gave: ()"),
    }

    // A task spawned without a handle panics on the pool's thread, and that thread dies.
    let one_thread = ThreadPool::builder().pool_size(1).name_prefix("pool-").create()?;
    one_thread.spawn_ok(async { panic!("nobody awaits this") });
    let later = one_thread.spawn_with_handle(async { "done" })?;
    match future::select(later, Delay::new(unit)).await {
        Either::Left((result, _)) => {
            println!("panic: a later task on that pool: {result}")
        }
        Either::Right(_) => {
            println!("panic: a later task on that pool: never ran (its only thread died)")
        }
    }

    // The pool's thread may panic later than the timer fires: the default hook goes back
    // only once this one has seen both panics.
    for _ in 0..2 {
        let _ = hook_saw.next().await;
    }
    panic::set_hook(default_hook);
    Ok(())
}
// ANCHOR_END: panic

// ANCHOR: nest
async fn nest(unit: Duration) -> anyhow::Result<()> {
    let silenced = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let attempt = panic::catch_unwind(|| block_on(Delay::new(unit)));
    panic::set_hook(silenced);
    if let Err(payload) = attempt {
        println!(
            "nest: block_on inside the executor panicked: {}",
            message(payload.as_ref())
        );
    }

    // Right: async code awaits.
    let begin = Instant::now();
    Delay::new(unit).await;
    println!("nest: awaiting instead: done at {:.2}", units(begin, unit));

    // Right: blocking code that needs async code's result runs on a thread of its own,
    // and hands the result back through a channel that async code can await.
    let (sender, receiver) = oneshot::channel();
    thread::spawn(move || {
        let result = block_on(async {
            Delay::new(unit).await;
            "done"
        });
        let _ = sender.send(result);
    });
    println!("nest: block_on on a thread of its own: {}", receiver.await?);
    Ok(())
}
// ANCHOR_END: nest

// ANCHOR: exit
/// A `main` that returns while tasks are still running.
fn exit(unit: Duration) -> anyhow::Result<()> {
    let begin = Instant::now();
    let threads = ThreadPool::new()?;
    let mut pool = LocalPool::new();
    pool.spawner().spawn_local(async move {
        let _cleanup = Cleanup { label: "exit (LocalPool)", begin, unit };
        Delay::new(unit * 10).await;
        println!("exit: task finished");
    })?;
    threads.spawn_ok(async move {
        let _cleanup = Cleanup { label: "exit (ThreadPool)", begin, unit };
        Delay::new(unit * 10).await;
        println!("exit: task finished");
    });
    pool.run_until(async {
        Delay::new(unit).await;
        println!("exit: main returns at {:.2}", units(begin, unit));
    });
    // Dropping the LocalPool drops its tasks. Dropping the ThreadPool stops its threads,
    // but a task waiting on a timer is kept alive by the timer's waker until the process
    // ends.
    Ok(())
}
// ANCHOR_END: exit
