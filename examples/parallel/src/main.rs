//! `parallel`: concurrency is not parallelism.
//!
//! A CPU-bound job — for each of 20 numbers, the sum of the squares below it — run on one
//! thread, on several threads, on rayon, on worker processes, and on tokio and smol. Waiting
//! can overlap on one thread; computing cannot: only the variants that put the work on several
//! cores finish sooner.
//!
//! ```text
//! cargo run --release -p parallel              # every variant, then the comparison table
//! cargo run --release -p parallel -- rayon     # one variant, in-process
//! cargo run -p parallel -- --size 100000       # a smaller job, for a debug build
//! ```

use std::num::NonZero;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use walkthrough::{Context, Example, Runtime, UsageError};

mod variants;

/// What every variant is given.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many threads or processes the parallel variants use.
    pub workers: usize,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

impl Params {
    /// The job's numbers: `size`, `size + 1`, ..., `size + count - 1`.
    pub fn numbers(&self) -> Vec<u64> {
        (0..self.count).map(|x| self.size + x).collect()
    }
}

/// The flags of `parallel`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The first number: the job sums the squares below SIZE, SIZE+1, ... (COUNT numbers)
    #[arg(long, value_name = "N", default_value_t = 5_000_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    size: u64,
    /// How many numbers
    #[arg(long, value_name = "N", default_value_t = 20, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    count: u64,
    /// Threads or processes for the parallel variants [default: the number of CPUs]
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// Run as one worker process of the `processes` variant: numbers on stdin, sums on stdout
    #[arg(long, hide = true)]
    worker: bool,
}

fn main() -> ExitCode {
    Example::new("parallel", "concurrency is not parallelism: a CPU-bound job on every runtime")
        .default_unit(Duration::from_secs(1))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/parallel.py"))
        .run_with(
            [
                Runtime::Sync,
                Runtime::Threads,
                Runtime::Rayon,
                Runtime::Processes,
                Runtime::Tokio,
                Runtime::Smol,
            ],
            |cx: Context<Args>| {
                let workers = match cx.args.workers {
                    Some(n) => usize::from(n),
                    None => thread::available_parallelism().map_or(1, NonZero::get),
                };
                let params = Params { size: cx.args.size, count: cx.args.count, workers, unit: cx.unit };
                if cx.args.worker {
                    if cx.runtime != Runtime::Processes {
                        return Err(UsageError("--worker belongs to the processes variant".into()).into());
                    }
                    variants::processes::worker()?;
                    return Ok(());
                }
                match cx.runtime {
                    Runtime::Sync => variants::sync::run(params),
                    Runtime::Threads => variants::threads::run(params),
                    Runtime::Rayon => variants::rayon::run(params)?,
                    Runtime::Processes => variants::processes::run(params)?,
                    Runtime::Tokio => variants::tokio::run(params)?,
                    Runtime::Smol => variants::smol::run(params),
                    other => unreachable!("parallel has no {other} variant"),
                }
                Ok(())
            },
        )
}
