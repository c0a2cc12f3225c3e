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

use walkthrough::{Context, Example};

mod variants;

/// The flags of `parallel`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The first number: the job sums the squares below SIZE, SIZE+1, ... (COUNT numbers)
    #[arg(long, value_name = "N", default_value_t = 5_000_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
    size: u64,
    /// How many numbers
    #[arg(long, value_name = "N", default_value_t = 20, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=100))]
    count: u64,
    /// Threads or processes for the parallel variants [default: the number of CPUs]
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
}

fn main() -> ExitCode {
    Example::new("parallel", "concurrency is not parallelism: a CPU-bound job on every runtime")
        .default_unit(Duration::from_secs(1))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/parallel.py"))
        .run(walkthrough::variants! {
            |cx: Context<Args>| Params {
                size: cx.args.size,
                count: cx.args.count,
                workers: match cx.args.workers {
                    Some(n) => usize::from(n),
                    None => thread::available_parallelism().map_or(1, NonZero::get),
                },
                unit: cx.unit,
            };
            Sync => variants::sync,
            Threads => variants::threads.check(),
            Rayon => variants::rayon,
            Processes => variants::processes.check(),
            Tokio => variants::tokio.check(),
            Smol => variants::smol.check(),
        })
}
