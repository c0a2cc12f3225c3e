//! `chained`: coroutines that await each other, several chains at once.
//!
//! In the 2025 edition (the default), each user's chain awaits `fetch_user(id)`, then
//! `fetch_posts(user)`, each sleeping `uniform(0.5, 2.0)` tutorial seconds. In the 2018 edition
//! each chain `n` awaits `part1(n)`, which sleeps `randint(0, 10)` seconds, then
//! `part2(n, result)`, which sleeps again and derives its result from part1's; `--phases` runs
//! 2018's `phases.py` instead. The chains run concurrently, so the program takes as long as
//! the longest, not the sum of them. The random numbers come from a Python-compatible
//! generator seeded with `--seed` (444, as in the tutorial), so the sleeps are the tutorial's.
//!
//! ```text
//! just run chained                              # every variant, users 1 2 3, then the table
//! just run chained --edition 2018               # part1/part2, chains 1 2 3
//! just run chained tokio 9 6 3 --edition 2018   # one variant, the 2018 tutorial's chains
//! just run chained --phases                     # 2018's phases.py
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod variants;

/// The most chains one run takes. 10,000 work on every variant: at `--unit 20ms` the async
/// ones finish in about 22 tutorial seconds (the longest chain sleeps 20), the threads variant,
/// which starts 10,000 threads, in about 60.
pub const MAX_CHAINS: usize = 10_000;
/// The largest chain number; a chain's number is only its name.
pub const MAX_N: i64 = 1_000_000;

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::sync, variants::threads, variants::tokio, variants::smol, variants::async_std, variants::futures);

// `chained`'s own arguments. (A `///` comment here would become the `--help` about line.)
#[derive(clap::Args, Debug, Clone)]
struct ChainArgs {
    /// The chains to run, by number, or in 2025 the user ids; a number only names its chain
    /// [at most 10000 of them]
    #[arg(
        value_name = "N",
        num_args = 1..=MAX_CHAINS,
        default_values_t = [1u32, 2, 3],
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(0..=MAX_N),
    )]
    ns: Vec<u32>,
    /// Which edition of the tutorial's program to run
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
    /// Run the 2018 edition's phases.py instead: callers A, B and C, each through two phases
    #[arg(long)]
    phases: bool,
}

fn main() -> ExitCode {
    Example::new(
        "chained",
        "chained coroutines: fetch_user then fetch_posts (2025), part1 then part2 (2018), phases.py",
    )
    .default_unit(Duration::from_millis(100))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/chained.py"))
    .timeline_marks(timeline_mark)
    // A chain sleeps at most 10 + 10 tutorial seconds in 2018, 2 + 2 in 2025; phases, 4 a
    // caller: sync sleeps every chain's in turn.
    .length(|args: &ChainArgs, runtime: Runtime| {
        let (chains, longest) = match (args.phases, args.edition) {
            (true, _) => (3.0, 4.0),
            (false, Edition::Y2018) => (args.ns.len() as f64, 20.0),
            (false, Edition::Y2025) => (args.ns.len() as f64, 4.0),
        };
        if runtime == Runtime::Sync { longest * chains + 1.0 } else { longest + 1.0 }
    })
    .run(walkthrough::variants! {
        |cx: Context<ChainArgs>| Params {
            unit: cx.unit,
            seed: cx.seed,
            ns: cx.args.ns.clone(),
            edition: cx.args.edition.into(),
            phases: cx.args.phases,
        };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

/// `--timeline`: one row per chain, `1` where part1 (2025: `fetch_user`, phases: phase 1)
/// starts, `-` while it sleeps, `2` where part2 (`fetch_posts`, phase 2) starts, `=` while it
/// sleeps, `*` where the chain reports its result.
fn timeline_mark(line: &str) -> Option<Mark> {
    let chain = |n: &str, glyph: char, fill: Option<char>| {
        Some(Mark { row: format!("chain {n}"), glyph, fill })
    };
    let user = |n: &str, glyph: char, fill: Option<char>| {
        Some(Mark { row: format!("user {n}"), glyph, fill })
    };
    let caller = |id: &str, glyph: char, fill: Option<char>| {
        Some(Mark { row: format!("caller {id}"), glyph, fill })
    };
    if let Some(rest) = line.strip_prefix("User coro: fetching user by user_id=") {
        user(rest.trim_end_matches('.'), '1', None)
    } else if let Some(rest) = line.strip_prefix("Post coro: retrieving posts for User") {
        user(rest.trim_end_matches('.'), '2', Some('-'))
    } else if let Some(rest) = line.strip_prefix("Post coro: got 2 posts by User") {
        user(rest.split(' ').next()?, '*', Some('='))
    } else if let Some(rest) = line.strip_prefix("phase 1 called from ") {
        caller(rest, '1', None)
    } else if let Some(rest) = line.strip_prefix("phase 2 called from ") {
        caller(rest, '2', Some('-'))
    } else if line.starts_with("==> Total time") {
        Some(Mark { row: "program".into(), glyph: '*', fill: None })
    } else if let Some(rest) = line.strip_prefix("part1(") {
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
        let mark =
            timeline_mark("part2(9, 'result9-1') sleeping for 7 seconds.").unwrap();
        assert_eq!(mark, Mark { row: "chain 9".into(), glyph: '2', fill: Some('-') });
        let mark = timeline_mark(
            "-->Chained result6 => result6-2 derived from result6-1 (took 8.01 seconds).",
        );
        assert_eq!(mark.unwrap().row, "chain 6");
        assert_eq!(timeline_mark("Returning part1(3) == result3-1."), None);
        assert_eq!(
            timeline_mark("Program finished in 11.01 seconds.").unwrap().row,
            "program"
        );
        let mark = timeline_mark("Post coro: retrieving posts for User2...").unwrap();
        assert_eq!(mark, Mark { row: "user 2".into(), glyph: '2', fill: Some('-') });
        assert_eq!(
            timeline_mark("User coro: fetching user by user_id=13...").unwrap().row,
            "user 13"
        );
        assert_eq!(
            timeline_mark("Post coro: got 2 posts by User3 (done in 1.5s):")
                .unwrap()
                .glyph,
            '*'
        );
        assert_eq!(timeline_mark(" - Post 1 by User3"), None);
        assert_eq!(timeline_mark("phase 2 called from B").unwrap().row, "caller B");
    }
}
