//! `parallel`: concurrency is not parallelism.
//!
//! A CPU-bound job run on one thread, on several threads, on rayon, on worker processes, and
//! on tokio and smol. In the 2024 edition (the default) the job is `fib(35)` a hundred times
//! (the article runs it twenty times; Rust needs more to take long enough to measure); in the
//! 2019 edition, for each of 20 numbers, the sum of the squares below it. Waiting can overlap
//! on one thread; computing cannot: only the variants that put the work on several cores
//! finish sooner.
//!
//! ```text
//! cargo run --release -p parallel                     # every variant, then the table
//! cargo run --release -p parallel -- rayon            # one variant, in-process
//! cargo run --release -p parallel -- --edition 2019   # the 2019 job
//! cargo run -p parallel -- --fib 25                   # a smaller job, for a debug build
//! ```

use std::num::NonZero;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use walkthrough::edition::Concurrency as Edition;
use walkthrough::{Context, Example};

mod variants;

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Concurrency: [Y2019, Y2024] => variants::sync, variants::threads, variants::rayon, variants::processes, variants::tokio, variants::smol);

/// The flags of `parallel`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Which edition of the article's job to run
    #[arg(long, value_name = "YEAR", default_value = "2024")]
    edition: Edition,
    /// The 2024 job: each item computes fib(N) [default: 35; the Python peer's: 25]
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=40))]
    fib: Option<u64>,
    /// The 2019 job's first number: it sums the squares below SIZE, SIZE+1, ... (COUNT numbers)
    #[arg(long, value_name = "N", default_value_t = 5_000_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
    size: u64,
    /// How many items [default: 100 in 2024, 20 in 2019]
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=100))]
    count: Option<u64>,
    /// Threads or processes for the parallel variants [default: the number of CPUs]
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
}

/// What CPython's `fib(35)` takes on the 2-core development machine, in seconds; the peer's
/// four versions take about five times its sequential run.
const PYTHON_FIB_35: f64 = 1.3;

/// Refuses a 2024 job whose Python row (which runs whatever `--fib` says) would take more than
/// ten minutes.
fn limits(args: &Args) -> Result<(), String> {
    if let (Edition::Y2024, Some(n)) = (args.edition, args.fib) {
        let count = args.count.unwrap_or(100);
        let exponent = i32::try_from(n).unwrap_or(i32::MAX).saturating_sub(35);
        let seconds = 5.0 * count as f64 * PYTHON_FIB_35 * 1.618_f64.powi(exponent);
        if seconds > 600.0 {
            return Err(format!(
                "--fib {n} --count {count}: the python row would take about {:.0} minutes (the most is \
                 10): use a smaller --count or --fib",
                (seconds / 60.0).ceil()
            ));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    Example::new(
        "parallel",
        "concurrency is not parallelism: fib(35) (2024) or sums of squares (2019, --edition)",
    )
    .default_unit(Duration::from_secs(1))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/parallel.py"))
    .limits(limits)
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params {
            edition: cx.args.edition.into(),
            fib: cx.args.fib.unwrap_or(35),
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
        Tokio => variants::tokio = Params {
            edition: cx.args.edition.into(),
            fib: cx.args.fib.unwrap_or(35),
            size: cx.args.size,
            count: cx.args.count,
            unit: cx.unit,
        },
        Smol => variants::smol.check(),
    })
}
