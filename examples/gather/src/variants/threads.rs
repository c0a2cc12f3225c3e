//! `gather` with one OS thread per call.
//!
//! Pairs with "Other Top-Level asyncio Functions" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018), with "Other `asyncio` Tools" in "Python's asyncio: A
//! Hands-On Walkthrough" (2025: its `gathers.py` and `as_completed.py` open the demo),
//! and with the asyncio reference's "Coroutines and Tasks" page. Joining the handles in
//! order is `gather`; a channel that every thread sends its result to gives them as they
//! finish (`as_completed`). What threads cannot do is be cancelled: a thread you stop
//! waiting for runs on to its end, and a million of them is not an option.
//!
//! Set `tasks` to run the scale mode instead of the demo: gather that many threads that
//! each sleep one unit (in this repository: `just run gather threads --tasks 10000 --unit
//! 1s`). At a million tasks the allocator matters; the runner uses mimalloc, see the
//! chapter.
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
    /// Scale mode: gather this many threads that each sleep one unit, and print the wall
    /// time and the overhead; `None` runs the demo.
    pub tasks: Option<usize>,
    /// Which edition's programs the demo opens with.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run gather --edition 2018`; in a copy of this file,
/// change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `coro` waits `max(seq)`.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `coro` waits `min(numbers)`,
    /// and the demo opens with its `gathers.py` and `as_completed.py`.
    Y2025,
}

impl Edition {
    /// How long `coro(seq)` waits: `max(seq)` in 2018, `min(numbers)` in 2025, and an
    /// error for an empty list, which has neither.
    fn wait(self, seq: &[u32]) -> Result<u32, &'static str> {
        match self {
            Edition::Y2018 => {
                seq.iter().max().copied().ok_or("max() arg is an empty sequence")
            }
            Edition::Y2025 => {
                seq.iter().min().copied().ok_or("min() arg is an empty sequence")
            }
        }
    }

    /// The slower call's list: 2018's `[10, 5, 0]` waits 10 seconds, 2025's `[10, 5, 2]`
    /// two.
    fn slow(self) -> &'static [u32] {
        match self {
            Edition::Y2018 => &[10, 5, 0],
            Edition::Y2025 => &[10, 5, 2],
        }
    }

    /// How long `wait_for` waits for the slower call: half its time.
    fn patience(self) -> u32 {
        match self {
            Edition::Y2018 => 5,
            Edition::Y2025 => 1,
        }
    }
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), tasks: None, edition: Edition::Y2025 }
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
    // A `Box<dyn Error>` may not cross threads, as an `anyhow::Error` must: keep its
    // message.
    outcome.map_err(|err| anyhow::anyhow!("{err}"))
}

// ANCHOR: coro
/// Waits `max(seq)` units in 2018, `min(numbers)` in 2025, then hands the list back
/// reversed. An empty list has neither: that is this example's failing call.
fn coro(seq: &'static [u32], params: Params) -> Result<Vec<u32>, &'static str> {
    let wait = params.edition.wait(seq)?;
    thread::sleep(params.unit * wait);
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const EMPTY: &[u32] = &[];

type Handle = thread::JoinHandle<Result<Vec<u32>, &'static str>>;

/// Starts `coro(seq)` on a new thread.
fn start(seq: &'static [u32], params: Params) -> Handle {
    thread::spawn(move || coro(seq, params))
}

/// What a thread sends when it is done: its index and its result.
type Done = mpsc::Sender<(usize, Result<Vec<u32>, &'static str>)>;

/// Starts `coro(seq)` on a new thread that sends its index and result to `done`.
fn start_sending(
    index: usize,
    seq: &'static [u32],
    params: Params,
    done: &Done,
) -> thread::JoinHandle<()> {
    let done = done.clone();
    thread::spawn(move || {
        // The receiver may be gone (nobody waits any more): then the result goes nowhere.
        let _ = done.send((index, coro(seq, params)));
    })
}

/// The result of a joined thread; a panic in it becomes an error.
fn join<T>(handle: thread::JoinHandle<T>) -> Result<T, Box<dyn Error>> {
    handle.join().map_err(|_| "a thread panicked".into())
}

fn demo(params: Params) -> Result<(), Box<dyn Error>> {
    match params.edition {
        Edition::Y2018 => gather_2018(params)?,
        Edition::Y2025 => {
            let clock = Clock::start(params.unit);
            gathers(params, clock)?;
            as_completed(params, clock)?;
        }
    }
    waits(params)
}

// ANCHOR: gathers
/// The 2025 edition's `gathers.py`: two threads, joined in order. The results come back
/// in argument order, once the slower thread is done.
fn gathers(params: Params, clock: Clock) -> Result<(), Box<dyn Error>> {
    let task1 = start(params.edition.slow(), params);
    let task2 = start(A, params);
    println!("Start: {}", clock.now());
    let results = [join(task1)??, join(task2)??];
    println!("End: {}", clock.now());
    // `join` returns once its thread has ended: both are done.
    println!("Both tasks done: {}", python_bool(true));
    println!("result: {results:?}");
    Ok(())
}
// ANCHOR_END: gathers

// ANCHOR: as_completed_2025
/// The 2025 edition's `as_completed.py`: the same two calls, each result as soon
/// as its thread sends it.
fn as_completed(params: Params, clock: Clock) -> Result<(), Box<dyn Error>> {
    let (done, finished) = mpsc::channel();
    let slow = params.edition.slow();
    let threads =
        [(0, slow), (1, A)].map(|(i, seq)| start_sending(i, seq, params, &done));
    drop(done); // the channel closes when the last thread has sent its result
    println!("Start: {}", clock.now());
    for (_index, result) in finished {
        println!("result: {:?} completed at {}", result?, clock.now());
    }
    println!("End: {}", clock.now());
    for thread in threads {
        join(thread)?; // at once: each has sent its result, and ends right after
    }
    println!("Both tasks done: {}", python_bool(true));
    Ok(())
}
// ANCHOR_END: as_completed_2025

/// The 2018 edition's `gather` and `as_completed`, in this example's own lines.
fn gather_2018(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let slow = params.edition.slow();
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: gather
    let begin = Instant::now();
    let (a, b) = (start(A, params), start(slow, params));
    println!("gather: {:?} at {:.2}", [join(a)??, join(b)??], units(begin));
    // ANCHOR_END: gather

    // ANCHOR: as_completed
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    for (index, seq) in [A, slow].into_iter().enumerate() {
        start_sending(index, seq, params, &done);
    }
    drop(done); // the channel closes when the last thread has sent its result
    for (_index, result) in finished {
        println!("as_completed: {:?} at {:.2}", result?, units(begin));
    }
    // ANCHOR_END: as_completed
    Ok(())
}

/// The demo's own part, in both editions: waiting for the first, with a timeout, and what
/// an error does to a gather.
fn waits(params: Params) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let slow = params.edition.slow();
    // Tutorial seconds since `start`.
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();

    // ANCHOR: first_completed
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    let threads =
        [start_sending(0, A, params, &done), start_sending(1, slow, params, &done)];
    let (index, first) = finished.recv()?;
    let pending = threads
        .iter()
        .enumerate()
        .filter(|(i, t)| *i != index && !t.is_finished())
        .count();
    println!(
        "wait FIRST_COMPLETED: {:?} at {:.2}, {pending} pending",
        first?,
        units(begin)
    );
    // There is no way to stop a thread from outside: dropping its handle detaches it.
    drop(threads);
    println!("wait FIRST_COMPLETED: pending thread left running at {:.2}", units(begin));
    // ANCHOR_END: first_completed

    // ANCHOR: wait_for
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    start_sending(0, slow, params, &done);
    match finished.recv_timeout(unit * params.edition.patience()) {
        Ok((_index, result)) => {
            println!("wait_for: {:?} at {:.2}", result?, units(begin))
        }
        Err(_timeout) => {
            println!("wait_for: timed out at {:.2}, thread left running", units(begin))
        }
    }
    // ANCHOR_END: wait_for

    // ANCHOR: fail_fast
    let begin = Instant::now();
    let (done, finished) = mpsc::channel();
    let threads: Vec<_> = [A, EMPTY, slow]
        .into_iter()
        .enumerate()
        .map(|(i, seq)| start_sending(i, seq, params, &done))
        .collect();
    drop(done);
    // Take results as they come; stop at the first error.
    let mut failed = None;
    let results: Result<Vec<_>, _> = finished
        .iter()
        .map(|(index, result)| result.inspect_err(|_| failed = Some(index)))
        .collect();
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
    let threads: Vec<_> =
        [A, EMPTY, slow].into_iter().map(|seq| start(seq, params)).collect();
    let mut results = Vec::new();
    for thread in threads {
        results.push(join(thread)?);
    }
    println!("gather return_exceptions: {results:?} at {:.2}", units(begin));
    // ANCHOR_END: return_exceptions
    Ok(())
}

/// The programs' clock, `time.strftime("%X")` in the 2025 edition: it counts tutorial
/// seconds from the start of the run, so that two seconds read as two at any unit.
#[derive(Debug, Clone, Copy)]
struct Clock {
    start: Instant,
    unit: Duration,
}

impl Clock {
    fn start(unit: Duration) -> Clock {
        Clock { start: Instant::now(), unit }
    }

    /// `HH:MM:SS` since the start, to the nearest tutorial second.
    fn now(self) -> String {
        let seconds =
            (self.start.elapsed().as_secs_f64() / self.unit.as_secs_f64()).round() as u64;
        format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

/// `True` or `False`, as Python prints a `bool`.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

// ANCHOR: scale
/// Gathers `tasks` threads that each sleep one unit, in argument order. `Params::check`
/// refuses more than [`MAX_THREADS`].
fn scale(params: Params, tasks: usize) -> Result<(), Box<dyn Error>> {
    let unit = params.unit;
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for i in 0..tasks {
        // `Builder::spawn` reports a thread the OS refuses, where `thread::spawn` would
        // panic.
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
