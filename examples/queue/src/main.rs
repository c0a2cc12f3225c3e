//! `queue`: the tutorial's producer/consumer programs, and a channel bench.
//!
//! The 2025 edition's `queued.py` (the default): one producer fetches three users, each after
//! `uniform(0.5, 2.0)` tutorial seconds, and puts them on a queue; three consumers take them
//! and fetch each one's posts; a `None` per consumer, the sentinel, tells them to stop.
//!
//! The 2018 edition's `asyncq.py` (`--edition 2018`): producers put random items on a queue,
//! napping 1 to 5 tutorial seconds before each; consumers nap, then take the next item and say
//! how long it waited. When every producer is done and every item has been taken, the
//! consumers stop and the program reports its time.
//!
//! `--bench N` moves N numbers from one producer to one consumer through an unbounded queue
//! and through queues of capacity 100 and 1, and prints items per second.
//!
//! ```text
//! just run queue                   # every variant, then the comparison table
//! just run queue --edition 2018    # asyncq.py: five producers, ten consumers
//! just run queue tokio -p 2 -c 3 --edition 2018   # one variant, in-process
//! just run queue --bench 1000000   # throughput, per runtime and capacity
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::edition::Walkthrough as Edition;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

mod bench;
mod variants;

// Each variant file declares its own `Edition`, with the same two values.
walkthrough::editions!(Walkthrough: [Y2018, Y2025] => variants::threads, variants::tokio, variants::smol, variants::async_std, variants::futures);

/// The flags of this example.
#[derive(clap::Args, Debug, Clone)]
struct QueueArgs {
    /// Number of producers, in the 2018 program (1 to 1000) [default: 5]
    #[arg(short = 'p', long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    nprod: Option<u16>,
    /// Number of consumers, in the 2018 program (1 to 1000) [default: 10]
    #[arg(short = 'c', long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    ncon: Option<u16>,
    /// Which edition of the tutorial's program to run
    #[arg(long, value_name = "YEAR", default_value = "2025")]
    edition: Edition,
    /// Throughput mode: move N items from one producer to one consumer, through an unbounded
    /// queue and queues of capacity 100 and 1, and print items per second
    #[arg(long, value_name = "N", conflicts_with_all = ["nprod", "ncon"], allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=20_000_000))]
    bench: Option<u64>,
}

fn main() -> ExitCode {
    Example::new(
        "queue",
        "producers and consumers around one queue: queued.py (2025), asyncq.py (2018), a channel bench",
    )
    .default_unit(Duration::from_millis(50))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/queue_peer.py"))
    .timeline_marks(mark)
    // 2018: the producers' naps and the consumers' work, 15 to 26 tutorial seconds a row;
    // 2025: at most 2 + 2.
    .length(|args: &QueueArgs, _: Runtime| match (args.bench, args.edition) {
        (Some(_), _) => 0.0,
        (None, Edition::Y2018) => 40.0,
        (None, Edition::Y2025) => 5.0,
    })
    .limits(|args: &QueueArgs| match (args.edition, args.nprod.or(args.ncon)) {
        (Edition::Y2025, Some(_)) => Err("-p and -c set the 2018 program's producers and consumers: the \
                 2025 one has one producer and a consumer per user (add --edition 2018)"
            .to_owned()),
        _ => Ok(()),
    })
    .instead(|cx: &Context<QueueArgs>| cx.args.bench.map(|items| bench::run(cx.runtime, items)))
    .run(walkthrough::variants! {
        |cx: Context<QueueArgs>| Params {
            unit: cx.unit,
            seed: cx.seed,
            nprod: usize::from(cx.args.nprod.unwrap_or(5)),
            ncon: usize::from(cx.args.ncon.unwrap_or(10)),
            edition: cx.args.edition.into(),
        };
        Threads => variants::threads,
        Tokio => variants::tokio.check(),
        Smol => variants::smol,
        AsyncStd => variants::async_std.check(),
        Futures => variants::futures,
    })
}

/// `--timeline`: one row per producer and consumer, `+` where it put an item, `o` where it took
/// one, `-` while it napped (and, for a consumer, waited) before that. The "sleeping" lines get
/// no mark of their own: they come at the same instant as the item before them and would hide it.
fn mark(line: &str) -> Option<Mark> {
    let glyph = if line.contains(" added ") {
        '+'
    } else if line.contains(" got ") {
        'o'
    } else {
        return None;
    };
    let who = line.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    Some(Mark { row: who, glyph, fill: Some('-') })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_the_worker_and_the_verb() {
        assert_eq!(mark("Producer 3 sleeping for 2 seconds."), None);
        let put = mark("Producer 3 added <0123456789> to queue.").unwrap();
        assert_eq!(
            (put.row.as_str(), put.glyph, put.fill),
            ("Producer 3", '+', Some('-'))
        );
        let got =
            mark("Consumer 12 got element <0123456789> in 0.00021 seconds.").unwrap();
        assert_eq!((got.row.as_str(), got.glyph), ("Consumer 12", 'o'));
        assert_eq!(mark("Program completed in 15.3 seconds."), None);
    }

    #[test]
    fn variants_that_wait_for_every_item_refuse_to_run_without_a_consumer() {
        let none = variants::tokio::Params { ncon: 0, ..Default::default() };
        assert!(format!("{:#}", none.check().unwrap_err()).contains("--ncon 0"));
        let none = variants::async_std::Params { ncon: 0, ..Default::default() };
        assert!(format!("{:#}", none.check().unwrap_err()).contains("--ncon 0"));
        assert!(variants::tokio::Params::default().check().is_ok());
        assert!(variants::async_std::Params::default().check().is_ok());
    }
}
