//! `generators` on smol: the generator is a task on a local executor, with two channels.
//!
//! Pairs with "Async IO's Roots in Generators" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018; its `endless()` too; the 2025 edition has no such
//! section). The body is the threads variant's, made async: `yield` becomes "send the
//! index, then await the next resumption" over `smol::channel` (async-channel). A smol
//! `Task` is cancelled when dropped, so the generator keeps its task: dropping the
//! generator stops it, much like Python's `gen.close()`.
//!
//! Dependencies: `cargo add smol`
//! Run: `cargo run --release` (in this repository: `just run generators smol`)

use smol::channel::{Receiver, Sender, bounded};
use smol::{LocalExecutor, Task};

/// What the program runs with; `just run generators` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Where `jumping_range` stops: it yields indexes below this.
    pub up_to: i64,
}

impl Default for Params {
    fn default() -> Params {
        Params { up_to: 5 }
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: generator
/// The generator's body, run as a task. It waits for the first resumption before it
/// starts.
async fn jumping_range(up_to: i64, resume: Receiver<Option<i64>>, values: Sender<i64>) {
    if resume.recv().await.is_err() {
        return;
    }
    let mut index = 0;
    while index < up_to {
        // `yield index`: hand the index over, then wait to be resumed with a jump or
        // nothing.
        if values.send(index).await.is_err() {
            return;
        }
        let Ok(jump) = resume.recv().await else { return };
        index += jump.unwrap_or(1);
    }
    // Returning drops `values`: the caller's `recv` fails, which is its
    // `StopAsyncIteration`.
}

/// The caller's end: both channels, and the task, which would be cancelled if dropped.
pub struct Generator {
    resume: Sender<Option<i64>>,
    values: Receiver<i64>,
    _task: Task<()>,
}

impl Generator {
    /// Spawns the generator's task on `executor`; it runs nothing until the first
    /// resumption.
    pub fn spawn(executor: &LocalExecutor<'_>, up_to: i64) -> Generator {
        let (resume, resumed) = bounded(1);
        let (yielded, values) = bounded(1);
        let task = executor.spawn(jumping_range(up_to, resumed, yielded));
        Generator { resume, values, _task: task }
    }

    /// `await gen.asend(jump)`: `None` once the generator has returned.
    pub async fn send(&mut self, jump: Option<i64>) -> Option<i64> {
        self.resume.send(jump).await.ok()?;
        self.values.recv().await.ok()
    }
}
// ANCHOR_END: generator

// ANCHOR: endless
/// `endless()` as a task: it waits in `send` while the one-slot channel is full, so it
/// runs at most one value ahead of the caller. Dropping the returned `Task` cancels it.
fn endless(executor: &LocalExecutor<'_>) -> (Task<()>, Receiver<u32>) {
    let (values, received) = bounded(1);
    let task = executor.spawn(async move {
        for i in [9, 8, 7, 6].into_iter().cycle() {
            if values.send(i).await.is_err() {
                return;
            }
        }
    });
    (task, received)
}

/// Takes values until their total reaches 100, pauses, then takes three more.
async fn pause_and_resume(e: &mut Receiver<u32>) {
    let (mut total, mut taken) = (0, Vec::new());
    while let Ok(i) = e.recv().await {
        if total >= 100 {
            break; // a pause: the task waits in `send`
        }
        taken.push(i);
        total += i;
    }
    let mut resumed = Vec::new();
    while resumed.len() < 3
        && let Ok(i) = e.recv().await
    {
        resumed.push(i);
    }
    report(&taken, &resumed);
}
// ANCHOR_END: endless

/// Prints what the tutorial's loop prints: values until their total reaches 100, then a
/// pause, then three more from the same generator.
fn report(taken: &[u32], resumed: &[u32]) {
    let words = |values: &[u32]| values.iter().map(u32::to_string).collect::<Vec<_>>();
    println!("for i in endless() -> {}", words(taken).join(" "));
    println!("next(e), next(e), next(e) -> ({})", words(resumed).join(", "));
}

// ANCHOR: main
pub fn run(params: Params) {
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let mut generator = Generator::spawn(&executor, params.up_to);
        let mut seen = Vec::new();
        let mut show = |label: &str, value: Option<i64>| match value {
            Some(index) => {
                seen.push(index);
                println!("{label} -> {index}");
            }
            None => println!("{label} -> StopIteration"),
        };
        show("next(gen)", generator.send(None).await);
        show("gen.send(2)", generator.send(Some(2)).await);
        show("next(gen)", generator.send(None).await);
        show("gen.send(-1)", generator.send(Some(-1)).await);
        while let Some(index) = generator.send(None).await {
            seen.push(index);
            println!("for i in gen -> {index}");
        }
        println!("jumping_range({}) yielded {seen:?}", params.up_to);
        let (_task, mut e) = endless(&executor);
        pause_and_resume(&mut e).await;
    }));
}
// ANCHOR_END: main
