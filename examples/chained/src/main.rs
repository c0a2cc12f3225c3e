//! `chained`: coroutines that await each other, several chains at once.
//!
//! Each chain `n` awaits `part1(n)`, which sleeps a random number of tutorial seconds, then
//! `part2(n, result)`, which sleeps again and derives its result from part1's. The chains run
//! concurrently, so the program takes as long as the longest chain, not the sum of them.
//! The random numbers come from a Python-compatible generator seeded with `--seed` (444, as
//! in the tutorial), so `chained 9 6 3` sleeps as long as the tutorial's run did.
//!
//! ```text
//! just run chained              # every variant, chains 1 2 3, then the comparison table
//! just run chained tokio 9 6 3  # one variant, in-process, the tutorial's chains
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod variants;

/// The most chains one run takes. 10,000 work on every variant: at `--unit 20ms` the async
/// ones finish in about 22 tutorial seconds (the longest chain sleeps 20), the threads variant,
/// which starts 10,000 threads, in about 60.
pub const MAX_CHAINS: usize = 10_000;
/// The largest chain number; a chain's number is only its name.
pub const MAX_N: i64 = 1_000_000;

// `chained`'s own arguments. (A `///` comment here would become the `--help` about line.)
#[derive(clap::Args, Debug, Clone)]
struct ChainArgs {
    /// The chains to run, by number; a number only names its chain [at most 10000 of them]
    #[arg(
        value_name = "N",
        num_args = 1..=MAX_CHAINS,
        default_values_t = [1u32, 2, 3],
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(0..=MAX_N),
    )]
    ns: Vec<u32>,
}

fn main() -> ExitCode {
    Example::new("chained", "chained coroutines: part1 then part2 per chain, the chains concurrently")
        .default_unit(Duration::from_millis(100))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/chained.py"))
        .timeline_marks(timeline_mark)
        // A chain sleeps at most 10 + 10 tutorial seconds: sync sleeps every chain's in turn.
        .length(|args: &ChainArgs, runtime: Runtime| match runtime {
            Runtime::Sync => 20.0 * args.ns.len() as f64 + 1.0,
            _ => 21.0,
        })
        .run(walkthrough::variants! {
            |cx: Context<ChainArgs>| Params { unit: cx.unit, seed: cx.seed, ns: cx.args.ns.clone() };
            Sync => variants::sync,
            Threads => variants::threads,
            Tokio => variants::tokio,
            Smol => variants::smol,
            AsyncStd => variants::async_std,
            Futures => variants::futures,
        })
}

/// `--timeline`: one row per chain, `1` where part1 starts, `-` while it sleeps, `2` where
/// part2 starts, `=` while it sleeps, `*` where the chain reports its result.
fn timeline_mark(line: &str) -> Option<Mark> {
    let chain =
        |n: &str, glyph: char, fill: Option<char>| Some(Mark { row: format!("chain {n}"), glyph, fill });
    if let Some(rest) = line.strip_prefix("part1(") {
        chain(rest.split(')').next()?, '1', None)
    } else if let Some(rest) = line.strip_prefix("part2(") {
        chain(rest.split(',').next()?, '2', Some('-'))
    } else if let Some(rest) = line.strip_prefix("-->Chained result") {
        chain(rest.split(' ').next()?, '*', Some('='))
    } else if line.starts_with("Program finished") {
        Some(Mark { row: "program".into(), glyph: '*', fill: None })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_rows_are_chains() {
        let mark = timeline_mark("part2(9, 'result9-1') sleeping for 7 seconds.").unwrap();
        assert_eq!(mark, Mark { row: "chain 9".into(), glyph: '2', fill: Some('-') });
        let mark =
            timeline_mark("-->Chained result6 => result6-2 derived from result6-1 (took 8.01 seconds).");
        assert_eq!(mark.unwrap().row, "chain 6");
        assert_eq!(timeline_mark("Returning part1(3) == result3-1."), None);
        assert_eq!(timeline_mark("Program finished in 11.01 seconds.").unwrap().row, "program");
    }
}
