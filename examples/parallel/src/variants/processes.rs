//! `parallel` on worker processes: the program re-runs itself.
//!
//! Pairs with the multiprocessing version in "How to Speed Up a CPU-Bound Program" in Real
//! Python's "Speed Up Your Python Program With Concurrency". Like `multiprocessing.Pool` it
//! starts worker processes and sends each its share of the numbers through a pipe: here the
//! workers are this same binary, started as `parallel processes --worker`, reading numbers on
//! stdin and writing sums on stdout. Rust needs processes for isolation, not for speed (see
//! the threads and rayon variants); they cost a process start and text over pipes.
//!
//! Run with: `cargo run --release -p parallel -- processes`

use std::hint::black_box;
use std::io::{self, BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::Params;

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
pub fn worker() -> io::Result<()> {
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
            let mut child = Command::new(&program)
                .args(["processes", "--worker"])
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

pub fn run(params: Params) -> io::Result<()> {
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
