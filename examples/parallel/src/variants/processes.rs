//! `parallel` on worker processes: the program re-runs itself.
//!
//! Pairs with the multiprocessing version in "How to Speed Up a CPU-Bound Program" in Real
//! Python's "Speed Up Your Python Program With Concurrency". Like `multiprocessing.Pool` it
//! starts worker processes and sends each its share of the numbers through a pipe: here the
//! workers are this same program, started again with the same arguments and `PARALLEL_WORKER`
//! in its environment (as Python's `spawn` start method re-runs the main module), reading
//! numbers on stdin and writing sums on stdout. Rust needs processes for isolation, not for
//! speed (see the threads and rayon variants); they cost a process start and text over pipes.
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
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many worker processes compute (at most one per number).
    pub workers: usize,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            size: 5_000_000,
            count: 20,
            // One per CPU.
            workers: thread::available_parallelism().map_or(1, NonZero::get),
            unit: Duration::from_secs(1),
        }
    }
}

impl Params {
    /// Refuses what cannot run: no worker at all.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.workers >= 1, "--workers 0 would start no worker process to do the job");
        Ok(())
    }

    /// The job's numbers: `size`, `size + 1`, ..., `size + count - 1`.
    fn numbers(&self) -> Vec<u64> {
        (0..self.count).map(|x| self.size + x).collect()
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

/// Below this, `i * i` fits in a `u64` for every `i` in `0..number`.
const LARGEST: u64 = 1 << 32;

// ANCHOR: worker
/// The worker process: one number per line on stdin, its sum on stdout.
fn serve() -> io::Result<()> {
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        let number: u64 = line.trim().parse().map_err(|e| invalid(format!("{line:?}: {e}")))?;
        if number > LARGEST {
            return Err(invalid(format!("{number} is too large (at most {LARGEST})")));
        }
        writeln!(out, "{}", cpu_bound(number))?;
    }
    out.flush()
}
// ANCHOR_END: worker

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

// ANCHOR: main
/// Deals the numbers out to `workers` worker processes, then adds up what they print.
fn find_sums(numbers: &[u64], workers: usize) -> io::Result<u128> {
    let program = std::env::current_exe()?;
    // Start them all before reading any answer, so that they run at the same time.
    let children = (0..workers)
        .map(|first| {
            // This program again, as Python's `spawn` re-runs the main module: the same
            // arguments, and the variable that makes it serve as a worker.
            let mut child = Command::new(&program)
                .args(std::env::args_os().skip(1))
                .env(WORKER, "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let share = numbers.iter().skip(first).step_by(workers);
            let input: String = share.map(|n| format!("{n}\n")).collect();
            // Dropping the pipe when this statement ends closes it: the worker sees EOF.
            child.stdin.take().ok_or_else(|| invalid("no stdin pipe".into()))?.write_all(input.as_bytes())?;
            Ok(child)
        })
        .collect::<io::Result<Vec<Child>>>()?;

    let mut total = 0;
    for child in children {
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(io::Error::other(format!("a worker process failed: {}", output.status)));
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            total += line.parse::<u128>().map_err(|e| invalid(format!("{line:?}: {e}")))?;
        }
    }
    Ok(total)
}

pub fn run(params: Params) -> anyhow::Result<()> {
    if std::env::var_os(WORKER).is_some() {
        return Ok(serve()?);
    }
    params.check()?;
    let numbers = params.numbers();
    let start = Instant::now();
    let workers = params.workers.min(numbers.len());
    let total = find_sums(&numbers, workers)?;
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "{workers} worker processes: {} sums, total {total}, Duration {duration:.3} seconds",
        numbers.len()
    );
    Ok(())
}
// ANCHOR_END: main
