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

use walkthrough::{Context, Example, Runtime};

mod variants;

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
        // About three tutorial seconds an item on sync and python, two on the others.
        .length(|args: &Args, _: Runtime| 3.5 * f64::from(args.up_to) + 5.0)
        .run(walkthrough::variants! {
            |cx: Context<Args>| Params { unit: cx.unit, up_to: cx.args.up_to };
            Sync => variants::sync.check(),
            Threads => variants::threads.check(),
            Tokio => variants::tokio.check(),
            Smol => variants::smol.check(),
            AsyncStd => variants::async_std.check(),
            Futures => variants::futures.check(),
        })
}

#[cfg(test)]
mod tests {
    use super::variants;

    /// The runner's `--up-to` stops at 63; a copied variant's own check stops where `u64` does.
    #[test]
    fn each_variant_checks_that_its_powers_fit_in_a_u64() {
        macro_rules! check {
            ($($module:ident),+) => {$(
                let params = variants::$module::Params { up_to: 64, ..Default::default() };
                assert!(params.check().is_ok(), stringify!($module));
                let params = variants::$module::Params { up_to: 65, ..Default::default() };
                let err = params.check().expect_err(stringify!($module)).to_string();
                assert!(err.starts_with("--up-to 65 would overflow"), "{}: {err}", stringify!($module));
            )+};
        }
        check!(sync, threads, tokio, smol, async_std, futures);
    }
}
