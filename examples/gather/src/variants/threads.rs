//! `gather` with one OS thread per call.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough", and with the asyncio reference's "Coroutines and Tasks" page.
//! Joining the handles in order is `gather`; a channel that every thread sends its result to
//! gives them as they finish (`as_completed`). What threads cannot do is be cancelled: a
//! thread you stop waiting for runs on to its end, and a million of them is not an option.
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many threads that each
//! sleep one unit (in this repository: `just run gather threads --tasks 10000 --unit 1s`).
//! At a million tasks the allocator matters; the runner uses mimalloc, see the chapter.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run gather threads`)

use std::error::Error;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What the program runs with; `just run gather` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Scale mode: gather this many threads that each sleep one unit, and print the wall time
    /// and the overhead; `None` runs the demo.
    pub tasks: Option<usize>,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), tasks: None }
    }
}

/// The most threads `scale` will start: one per task, each with its own stack.
const MAX_THREADS: usize = 10_000;

impl Params {
    /// Refuses a scale mode of more threads than [`MAX_THREADS`].
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(tasks) = self.tasks {
            anyhow::ensure!(
                tasks <= MAX_THREADS,
                "--tasks {tasks} would start {tasks} OS threads; this variant stops at {MAX_THREADS} \
                 (use an async runtime for more)"
            );
        }
        Ok(())
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

/// The demo, or with `tasks` set, the scale mode.
pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let outcome = match params.tasks {
        None => demo(params),
        Some(tasks) => scale(params, tasks),
    };
    // A `Box<dyn Error>` may not cross threads, as an `anyhow::Error` must: keep its message.
    outcome.map_err(|err| anyhow::anyhow!("{err}"))
}

// ANCHOR: coro
/// Sleeps `max(seq)` units, then hands `seq` back reversed. An empty `seq` has no maximum:
/// that is this example's failing call.
fn coro(seq: &'static [u32], unit: Duration) -> Result<Vec<u32>, &'static str> {
    let max = seq.iter().max().ok_or("max() arg is an empty sequence")?;
    thread::sleep(unit * *max);
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const B: &[u32] = &[10, 5, 0];
const EMPTY: &[u32] = &[];

type Handle = thread::JoinHandle<Result<Vec<u32>, &'static str>>;

/// Starts `coro(seq)` on a new thread.
fn start(seq: &'static [u32], unit: Duration) -> Handle {
    thread::spawn(move || coro(seq, unit))
}

/// What a thread sends when it is done: its index and its result.
type Done = mpsc::Sender<(usize, Result<Vec<u32>, &'static str>)>;

/// Starts `coro(seq)` on a new thread that sends its index and result to `done`.
fn start_sending(index: usize, seq: &'static [u32], unit: Duration, done: &Done) -> thread::JoinHandle<()> {
    let done = done.clone();
    thread::spawn(move || {
        // The receiver may be gone (nobody waits any more): then the result goes nowhere.
        let _ = done.send((index, coro(seq, unit)));
    })
}

/// The result of a joined thread; a panic in it becomes an error.
fn join<T>(handle: thread::JoinHandle<T>) -> Result<T, Box<dyn Error>> {
    handle.join().map_err(|_| "a thread panicked".into())
}

fn demo(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let begin = Instant::now();
    let (a, b) = (start(A, unit), start(B, unit));
    println!("gather: {:?} at {:.2}", [join(a)??, join(b)??], units(begin));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    for (index, seq) in [A, B].into_iter().enumerate() {
        start_sending(index, seq, unit, &done);
    }
    drop(done); // the channel closes when the last thread has sent its result
    for (_index, result) in finished {
        println!("as_completed: {:?} at {:.2}", result?, units(begin));
    }
    // ANCHOR_END: as_completed

    // ANCHOR: first_completed
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    let threads = [start_sending(0, A, unit, &done), start_sending(1, B, unit, &done)];
    let (index, first) = finished.recv()?;
    let pending = threads.iter().enumerate().filter(|(i, t)| *i != index && !t.is_finished()).count();
    println!("wait FIRST_COMPLETED: {:?} at {:.2}, {pending} pending", first?, units(begin));
    // There is no way to stop a thread from outside: dropping its handle detaches it.
    drop(threads);
    println!("wait FIRST_COMPLETED: pending thread left running at {:.2}", units(begin));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    start_sending(0, B, unit, &done);
    match finished.recv_timeout(unit * 5) {
        Ok((_index, result)) => println!("wait_for: {:?} at {:.2}", result?, units(begin)),
        Err(_timeout) => println!("wait_for: timed out at {:.2}, thread left running", units(begin)),
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    let threads: Vec<_> =
        [A, EMPTY, B].into_iter().enumerate().map(|(i, seq)| start_sending(i, seq, unit, &done)).collect();
    drop(done);
    // Take results as they come; stop at the first error.
    let mut failed = None;
    let results: Result<Vec<_>, _> =
        finished.iter().map(|(index, result)| result.inspect_err(|_| failed = Some(index))).collect();
    match results {
        Ok(all) => println!("gather fail-fast: {all:?}"),
        Err(error) => {
            let others = threads.iter().enumerate().filter(|(i, _)| Some(*i) != failed);
            let running = others.filter(|(_, thread)| !thread.is_finished()).count();
            println!(
                "gather fail-fast: error at {:.2}: {error}; {running} others still running",
                units(begin)
            );
        }
    }
    // ANCHOR_END: fail_fast

    // ANCHOR: return_exceptions
    let begin = Instant::now();
    let threads: Vec<_> = [A, EMPTY, B].into_iter().map(|seq| start(seq, unit)).collect();
    let mut results = Vec::new();
    for thread in threads {
        results.push(join(thread)?);
    }
    println!("gather return_exceptions: {results:?} at {:.2}", units(begin));
    // ANCHOR_END: return_exceptions
    Ok(())
}

// ANCHOR: scale
/// Gathers `tasks` threads that each sleep one unit, in argument order. `Params::check`
/// refuses more than [`MAX_THREADS`].
fn scale(params: Params, tasks: usize) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for i in 0..tasks {
        // `Builder::spawn` reports a thread the OS refuses, where `thread::spawn` would panic.
        handles.push(thread::Builder::new().spawn(move || {
            thread::sleep(unit);
            i
        })?);
    }
    let mut gathered = 0;
    for handle in handles {
        gathered += usize::from(join(handle)? < tasks);
    }
    report(gathered, start.elapsed(), unit);
    Ok(())
}
// ANCHOR_END: scale

fn report(gathered: usize, wall: Duration, unit: Duration) {
    let overhead = wall.saturating_sub(unit);
    println!(
        "scale: {gathered} tasks gathered in {:.3} s ({:.2} units), overhead {:.3} s",
        wall.as_secs_f64(),
        wall.as_secs_f64() / unit.as_secs_f64(),
        overhead.as_secs_f64()
    );
}
