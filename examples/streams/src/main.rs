//! `streams`: async generators and async comprehensions.
//!
//! `powers(up_to)` is a stream of 1, 2, 4, ... that sleeps one tutorial second before each
//! item. Collecting it (`[i async for i in powers()]`) takes `up_to` seconds, and so does the
//! filtered comprehension: consuming a stream waits for one item at a time. The concurrent form
//! (`gather`, `buffered`, or spawned tasks) starts every sleep at once and takes one second.
//! Each variant prints `g`, `f` and `c` with the time each took.
//!
//! ```text
//! just run streams                    # every variant, then the comparison table
//! just run streams tokio --up-to 4    # one variant, in-process, with fewer items
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Example, Runtime};

mod variants;

/// What every variant is given.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// How long one tutorial second lasts: the sleep before each item.
    pub unit: Duration,
    /// How many powers of two: 2^0 up to 2^(up_to - 1).
    pub up_to: u32,
}

/// The example's own flags.
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// How many powers of two the stream yields (2^0 .. 2^(N-1))
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(..=63))]
    up_to: u32,
}

fn main() -> ExitCode {
    Example::new("streams", "async generators and comprehensions: one item at a time, or all at once")
        .default_unit(Duration::from_millis(50))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/streams.py"))
        .run_with(
            [
                Runtime::Sync,
                Runtime::Threads,
                Runtime::Tokio,
                Runtime::Smol,
                Runtime::AsyncStd,
                Runtime::Futures,
            ],
            |cx: walkthrough::Context<Args>| {
                let params = Params { unit: cx.unit, up_to: cx.args.up_to };
                match cx.runtime {
                    Runtime::Sync => variants::sync::run(params),
                    Runtime::Threads => variants::threads::run(params),
                    Runtime::Tokio => variants::tokio::run(params)?,
                    Runtime::Smol => variants::smol::run(params),
                    Runtime::AsyncStd => variants::async_std::run(params),
                    Runtime::Futures => variants::futures::run(params),
                    other => unreachable!("streams has no {other} variant"),
                }
                Ok(())
            },
        )
}
