//! `parallel` on worker processes: the program re-runs itself.
//!
//! Pairs with the multiprocessing version in "How to Speed Up a CPU-Bound Program" (2019)
//! and the process-based one in "Speeding Up a CPU-Bound Program" (2024) in Real Python's
//! "Speed Up Your Python Program With Concurrency". Like `multiprocessing.Pool` it starts
//! worker processes and sends each its share of the numbers through a pipe: here the
//! workers are this same program, started again with the same arguments and
//! `PARALLEL_WORKER` in its environment (as Python's `spawn` start method re-runs the
//! main module), reading numbers on stdin and writing sums on stdout. Rust needs
//! processes for isolation, not for speed (see the threads and rayon variants); they cost
//! a process start and text over pipes.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run parallel processes`)

use std::hint::black_box;
use std::io::{self, BufRead, Write};
use std::num::NonZero;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Set in a worker's environment: the program then serves as one worker process.
const WORKER: &str = "PARALLEL_WORKER";

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Which edition's job runs: 2024's `fib(fib)` `count` times, or 2019's sums of
    /// squares.
    pub edition: Edition,
    /// The 2024 job's `n`: each item computes `fib(n)`.
    pub fib: u64,
    /// The 2019 job's first number: it sums the squares below `size`, `size + 1`, ...
    pub size: u64,
    /// How many items; `None`: the edition's own (100 in 2024, 20 in 2019).
    pub count: Option<u64>,
    /// How many worker processes compute (at most one per number).
    pub workers: usize,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

/// The tutorial's two editions (`just run parallel --edition 2019`; in a copy of this
/// file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Speed Up Your Python Program With Concurrency", 2019: the sum of the squares
    /// below each of 20 numbers from 5,000,000.
    Y2019,
    /// The same article's 2024 edition: `fib(35)`, 20 times (here 100 times: Rust is
    /// fast).
    Y2024,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            edition: Edition::Y2024,
            fib: 35,
            size: 5_000_000,
            count: None,
            // One per CPU.
            workers: thread::available_parallelism().map_or(1, NonZero::get),
            unit: Duration::from_secs(1),
        }
    }
}

impl Params {
    /// Refuses what cannot run: no worker at all.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.workers >= 1,
            "--workers 0 would start no worker process to do the job"
        );
        Ok(())
    }

    /// The job's items: `fib` `count` times (2024), or `size`, `size + 1`, ... (2019).
    fn items(&self) -> Vec<u64> {
        match self.edition {
            Edition::Y2019 => {
                (0..self.count.unwrap_or(20)).map(|x| self.size + x).collect()
            }
            Edition::Y2024 => vec![self.fib; self.count.unwrap_or(100) as usize],
        }
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

/// The sum of the squares of `0..number`, exact (`black_box` keeps the optimiser from
/// replacing the loop by its closed form).
fn cpu_bound(number: u64) -> u128 {
    (0..number)
        .map(|i| {
            let i = black_box(i);
            u128::from(i * i)
        })
        .sum()
}

// ANCHOR: fib
/// The 2024 edition's job: `fib(n)`, the slow, doubly recursive way, on purpose:
/// `fib(35)` is about 30 million calls.
fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 2) + fib(n - 1) }
}
// ANCHOR_END: fib

/// One item of the edition's job. `black_box` keeps the optimiser from noticing that
/// every 2024 item is the same call, which it could then make once.
fn work(edition: Edition, item: u64) -> u128 {
    match edition {
        Edition::Y2019 => cpu_bound(item),
        Edition::Y2024 => u128::from(fib(black_box(item))),
    }
}

/// The line the program ends with: how it ran, the job, its exact total, how long it
/// took.
fn report(how: &str, params: &Params, items: &[u64], total: u128, duration: f64) {
    match params.edition {
        Edition::Y2019 => {
            println!(
                "{how}: {} sums, total {total}, Duration {duration:.3} seconds",
                items.len()
            )
        }
        Edition::Y2024 => println!(
            "{how}: {} x fib({}), total {total}, Computed in {duration:.3} seconds",
            items.len(),
            params.fib
        ),
    }
}

/// The largest item a worker takes: beyond it, `i * i` (2019) or `fib(n)` (2024) would
/// not fit in a `u64`.
fn largest(edition: Edition) -> u64 {
    match edition {
        Edition::Y2019 => 1 << 32,
        Edition::Y2024 => 93,
    }
}

// ANCHOR: worker
/// The worker process: one item per line on stdin, its result on stdout.
fn serve(edition: Edition) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        let item: u64 =
            line.trim().parse().map_err(|e| invalid(format!("{line:?}: {e}")))?;
        if item > largest(edition) {
            return Err(invalid(format!(
                "{item} is too large (at most {})",
                largest(edition)
            )));
        }
        writeln!(out, "{}", work(edition, item))?;
    }
    out.flush()
}
// ANCHOR_END: worker

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

// ANCHOR: main
/// Deals the items out to `workers` worker processes, then adds up what they print.
fn find_sums(items: &[u64], workers: usize) -> io::Result<u128> {
    let program = std::env::current_exe()?;
    // Start them all before reading any answer, so that they run at the same time.
    let children = (0..workers)
        .map(|first| {
            // This program again, as Python's `spawn` re-runs the main module: the same
            // arguments (so the same edition), and the variable that makes it a worker.
            let mut child = Command::new(&program)
                .args(std::env::args_os().skip(1))
                .env(WORKER, "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let share = items.iter().skip(first).step_by(workers);
            let input: String = share.map(|n| format!("{n}\n")).collect();
            // Dropping the pipe when this statement ends closes it: the worker sees EOF.
            child
                .stdin
                .take()
                .ok_or_else(|| invalid("no stdin pipe".into()))?
                .write_all(input.as_bytes())?;
            Ok(child)
        })
        .collect::<io::Result<Vec<Child>>>()?;

    let mut total = 0;
    for child in children {
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(io::Error::other(format!(
                "a worker process failed: {}",
                output.status
            )));
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            total +=
                line.parse::<u128>().map_err(|e| invalid(format!("{line:?}: {e}")))?;
        }
    }
    Ok(total)
}

pub fn run(params: Params) -> anyhow::Result<()> {
    if std::env::var_os(WORKER).is_some() {
        return Ok(serve(params.edition)?);
    }
    params.check()?;
    let items = params.items();
    let start = Instant::now();
    let workers = params.workers.min(items.len());
    let total = find_sums(&items, workers)?;
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    report(&format!("{workers} worker processes"), &params, &items, total, duration);
    Ok(())
}
// ANCHOR_END: main
