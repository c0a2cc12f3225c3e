//! `offload` with std threads: no event loop to block, and a small `ThreadPoolExecutor`.
//!
//! Pairs with the thread-pool parts of Real Python's "Speed Up Your Python Program With
//! Concurrency" and with `concurrent.futures.ThreadPoolExecutor`, which `run_in_executor`
//! uses by default. With one OS thread per activity there is no loop to hold up: the OS
//! pre-empts the blocked thread and the heartbeat thread keeps ticking. std has no thread
//! pool, so this file writes one: threads that take boxed jobs from a shared crossbeam
//! channel, where `submit` returns a one-slot channel's receiver (the future) and `map`
//! submits everything and then collects in order. crossbeam's channels rather than std's
//! `mpsc`, because a thread waiting on one spins and yields for a moment before it
//! sleeps: a job that follows soon after the last finds the thread still awake (see the
//! chapter's bench).
//!
//! Dependencies: `cargo add crossbeam-channel tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run offload threads`)

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use tracing::{debug, info};

/// What the program runs with; `just run offload` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Print a line at every heartbeat tick, to chart them (`--timeline` sets it).
    pub ticks: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(200), ticks: false }
    }
}

pub fn main() -> io::Result<()> {
    // Log lines go to stderr, each with the name of the thread that wrote it.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default())
}

// ANCHOR: blocking
/// Stands in for a blocking call (a file read, a legacy client): sleeps one tutorial
/// second.
fn blocking_io(unit: Duration) {
    info!("blocking_io(): sleeping");
    thread::sleep(unit);
}

/// A CPU loop: sums squares for one tutorial second and says how many it summed.
fn cpu_bound(unit: Duration) -> u64 {
    info!("cpu_bound(): summing squares");
    let start = Instant::now();
    let (mut n, mut sum) = (0u64, 0u64);
    while start.elapsed() < unit {
        for _ in 0..1000 {
            sum = sum.wrapping_add(std::hint::black_box(n).wrapping_mul(n));
            n += 1;
        }
    }
    std::hint::black_box(sum);
    n
}
// ANCHOR_END: blocking

/// A duration in tutorial seconds.
fn secs(d: Duration, unit: Duration) -> f64 {
    d.as_secs_f64() / unit.as_secs_f64()
}

// ANCHOR: heartbeat
/// Ticks every 0.1 tutorial second on its own thread until `stop` is set, and reports a
/// late tick like the async versions' watchdog (here it has nothing to report).
fn heartbeat(params: Params, stop: &AtomicBool) {
    let unit = params.unit;
    let mut longest = Duration::ZERO;
    let mut ticks = 0;
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        thread::sleep(unit / 10);
        let now = Instant::now();
        let gap = now - last;
        last = now;
        ticks += 1;
        debug!("tick");
        if params.ticks {
            println!("  tick");
        }
        if gap > unit * 3 / 10 {
            // more than 0.2 s late
            println!("  thread held up for {:.2} s", secs(gap, unit));
        }
        longest = longest.max(gap);
    }
    println!("  heartbeat: {ticks} ticks, longest gap {:.2} s", secs(longest, unit));
}

fn no_loop_to_block(params: Params) -> io::Result<()> {
    let unit = params.unit;
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        thread::Builder::new()
            .name("heartbeat".into())
            .spawn_scoped(scope, || heartbeat(params, &stop))?;
        thread::sleep(unit / 4);
        let start = Instant::now();
        blocking_io(unit); // blocks this thread only
        println!("  blocking_io() done in {:.2} s", secs(start.elapsed(), unit));
        let start = Instant::now();
        let n = cpu_bound(unit);
        println!(
            "  cpu_bound() summed {n} squares in {:.2} s",
            secs(start.elapsed(), unit)
        );
        thread::sleep(unit / 4);
        stop.store(true, Ordering::Relaxed);
        Ok(()) // the scope joins the heartbeat thread
    })
}
// ANCHOR_END: heartbeat

// ANCHOR: pool
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of named threads that run submitted jobs, like `ThreadPoolExecutor`.
/// Dropping it runs the queued jobs and joins the threads, like leaving a
/// `with ThreadPoolExecutor()` block.
pub struct ThreadPool {
    /// The job queue; `None` once the pool is shutting down.
    jobs: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    pub fn new(size: usize) -> io::Result<ThreadPool> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let threads = (0..size)
            .map(|i| {
                let queue = queue.clone();
                thread::Builder::new()
                    .name(format!("pool-{i}"))
                    .spawn(move || work(&queue))
            })
            .collect::<io::Result<_>>()?;
        Ok(ThreadPool { jobs: Some(jobs), threads })
    }

    /// Queues `f`; the returned receiver is the future: `recv()` waits for the result
    /// (and fails if `f` panicked).
    pub fn submit<T, F>(&self, f: F) -> Receiver<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        // The queue outlives every `submit`: it closes only in `drop`.
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job); // one idle thread takes it
        }
        rx
    }

    /// Runs `f` on every argument in the pool; the results come back in the arguments'
    /// order.
    pub fn map<A, T>(
        &self,
        f: fn(A) -> T,
        args: impl IntoIterator<Item = A>,
    ) -> io::Result<Vec<T>>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let futures: Vec<_> =
            args.into_iter().map(|arg| self.submit(move || f(arg))).collect();
        futures
            .into_iter()
            .map(|rx| rx.recv().map_err(|_| io::Error::other("a job panicked")))
            .collect()
    }
}

/// One pool thread: take the oldest job and run it, until the queue is closed and empty.
fn work(queue: &Receiver<Job>) {
    for job in queue {
        job(); // a panic here ends this thread; the job's result sender is dropped
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.jobs.take()); // close the queue: the threads finish what is queued, then stop
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
// ANCHOR_END: pool

// ANCHOR: worker
fn worker(arg: u32) -> String {
    info!("worker({arg})");
    format!("{arg} Hello World!")
}

fn submit_and_map(pool: &ThreadPool) -> io::Result<()> {
    let futures: Vec<_> = (1..=3).map(|arg| pool.submit(move || worker(arg))).collect();
    for future in futures {
        let result = future.recv().map_err(|_| io::Error::other("a job panicked"))?;
        println!("  submit: {result}");
    }
    for result in pool.map(worker, 1..=3)? {
        println!("  map: {result}");
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    println!(
        "no event loop to block: blocking calls on the main thread, a heartbeat thread beside"
    );
    no_loop_to_block(params)?;
    let pool = ThreadPool::new(4)?;
    println!("submit and map on a pool of 4 threads");
    submit_and_map(&pool)
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::ThreadPool;

    #[test]
    fn map_returns_results_in_the_arguments_order() {
        let pool = ThreadPool::new(3).expect("a pool");
        let squares = pool.map(|x: u64| x * x, 0..100).expect("no job panicked");
        assert_eq!(squares, (0..100).map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_job_fails_its_receiver_and_the_pool_goes_on() {
        let pool = ThreadPool::new(2).expect("a pool");
        let failed = pool
            .submit(|| -> u32 { panic!("a job that panics (expected by this test)") });
        assert!(failed.recv().is_err(), "the panicked job's sender was dropped");
        // One thread is gone; the other still serves.
        assert_eq!(pool.submit(|| 7).recv().ok(), Some(7));
    }

    #[test]
    fn dropping_the_pool_runs_every_queued_job() {
        let ran = Arc::new(AtomicUsize::new(0));
        let pool = ThreadPool::new(2).expect("a pool");
        for _ in 0..1000 {
            let ran = Arc::clone(&ran);
            // Results not awaited: the jobs are only queued.
            drop(pool.submit(move || ran.fetch_add(1, Ordering::Relaxed)));
        }
        drop(pool);
        assert_eq!(ran.load(Ordering::Relaxed), 1000);
    }
}
