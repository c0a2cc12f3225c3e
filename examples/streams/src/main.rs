//! `streams`: async generators and async comprehensions.
//!
//! `powers(up_to)` is a stream of 1, 2, 4, ... that sleeps one tutorial second before each
//! item: five of them in the 2025 edition's program (the default), ten in 2018's. Collecting it (`[i async for i in powers()]`) takes `up_to` seconds, and so does the
//! filtered comprehension: consuming a stream waits for one item at a time. The concurrent form
//! (`gather`, `buffered`, or spawned tasks) starts every sleep at once and takes one second.
//! Each variant prints `g`, `f` and `c` with the time each took.
//!
//! ```text
//! just run streams                    # every variant, the 2025 program, then the table
//! just run streams --edition 2018     # the 2018 program: ten powers
//! just run streams tokio --up-to 4    # one variant, in-process, with fewer items
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::{Context, Example, Runtime};

mod variants;

// The example's own flags. (A `///` comment here would become the `--help` about line.)
#[derive(clap::Args, Debug, Clone)]
struct Args {
    /// How many powers of two the stream yields (2^0 .. 2^(N-1)) [default: 10 in 2018, 5 in 2025]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(..=63))]
    up_to: Option<u32>,
    /// Which edition of the tutorial's program to run
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
}

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::sync, variants::threads, variants::tokio, variants::smol, variants::async_std, variants::futures);

fn main() -> ExitCode {
    Example::new(
        "streams",
        "async generators and comprehensions: mygen (2018) or powers.py (2025, --edition)",
    )
    .default_unit(Duration::from_millis(50))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/streams.py"))
    // About three tutorial seconds an item on sync and python, two on the others.
    .length(|args: &Args, _: Runtime| {
        let items = args.up_to.unwrap_or(if args.edition == Edition::Y2018 { 10 } else { 5 });
        3.5 * f64::from(items) + 5.0
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit, up_to: cx.args.up_to, edition: cx.args.edition.into() };
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
                let params = variants::$module::Params { up_to: Some(64), ..Default::default() };
                assert!(params.check().is_ok(), stringify!($module));
                let params = variants::$module::Params { up_to: Some(65), ..Default::default() };
                let err = params.check().expect_err(stringify!($module)).to_string();
                assert!(err.starts_with("--up-to 65 would overflow"), "{}: {err}", stringify!($module));
            )+};
        }
        check!(sync, threads, tokio, smol, async_std, futures);
    }
}
