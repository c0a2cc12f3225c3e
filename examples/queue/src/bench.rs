//! `--bench N`: channel throughput, one producer and one consumer, per capacity.
//!
//! Each variant file has a `pump(items, capacity)` that moves the numbers `0..items` through
//! its runtime's channel and returns their sum; the timing lives here, so the variant code
//! stays free of it. Each capacity is run three times and the fastest run is reported (the
//! usual way to read a micro-benchmark on a shared machine); the sum proves that every item
//! arrived exactly once. The time includes building the runtime, which is microseconds.

use std::time::{Duration, Instant};

use anyhow::ensure;
use walkthrough::Runtime;

use crate::variants;

/// The capacities measured, with their labels: `None` is unbounded.
pub const CAPACITIES: [(&str, Option<usize>); 3] = [("unbounded", None), ("100", Some(100)), ("1", Some(1))];

/// Runs one runtime's `pump` for every capacity and prints one line each.
pub fn run(runtime: Runtime, items: u64) -> anyhow::Result<()> {
    for (label, capacity) in CAPACITIES {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let sum = pump(runtime, items, capacity)?;
            best = best.min(start.elapsed());
            ensure!(sum == items * (items - 1) / 2, "capacity {label}: the items summed to {sum}");
        }
        let rate = items as f64 / best.as_secs_f64();
        println!(
            "capacity {label}: {items} items in {:.6} s, {:.2} M items/s (best of 3)",
            best.as_secs_f64(),
            rate / 1e6
        );
    }
    Ok(())
}

fn pump(runtime: Runtime, items: u64, capacity: Option<usize>) -> anyhow::Result<u64> {
    Ok(match runtime {
        Runtime::Threads => variants::threads::pump(items, capacity),
        Runtime::Tokio => variants::tokio::pump(items, capacity)?,
        Runtime::Smol => variants::smol::pump(items, capacity),
        Runtime::AsyncStd => variants::async_std::pump(items, capacity),
        Runtime::Futures => variants::futures::pump(items, capacity)?,
        other => unreachable!("queue has no {other} variant"),
    })
}

#[cfg(test)]
mod tests {
    //! The channel facts the pumps and the chapter rely on, checked against the crates.

    use std::panic::catch_unwind;

    #[test]
    fn futures_channel_holds_its_buffer_plus_one_per_sender() {
        let (mut sender, _receiver) = futures::channel::mpsc::channel::<u8>(0);
        assert!(sender.try_send(1).is_ok(), "channel(0) holds one item for its one sender");
        assert!(sender.try_send(2).unwrap_err().is_full());

        let (mut sender, _receiver) = futures::channel::mpsc::channel::<u8>(99);
        let held = (0..200).take_while(|_| sender.try_send(0).is_ok()).count();
        assert_eq!(held, 100, "channel(99) holds 100 for one sender: the bench's capacity 100");
    }

    #[test]
    fn bounded_channels_of_capacity_zero_panic_or_rendezvous() {
        assert!(catch_unwind(|| tokio::sync::mpsc::channel::<u8>(0)).is_err());
        assert!(catch_unwind(|| smol::channel::bounded::<u8>(0)).is_err());
        assert!(catch_unwind(|| async_std::channel::bounded::<u8>(0)).is_err());
        // crossbeam's and std's are a rendezvous: a send waits for a receiver taking right then.
        let (sender, _receiver) = crossbeam_channel::bounded::<u8>(0);
        assert!(matches!(sender.try_send(1), Err(crossbeam_channel::TrySendError::Full(1))));
        let (sender, _receiver) = std::sync::mpsc::sync_channel::<u8>(0);
        assert!(matches!(sender.try_send(1), Err(std::sync::mpsc::TrySendError::Full(1))));
    }

    #[test]
    fn bounded_channels_hold_exactly_their_capacity() {
        let (tokio_sender, _r1) = tokio::sync::mpsc::channel::<u8>(100);
        assert_eq!((0..200).take_while(|_| tokio_sender.try_send(0).is_ok()).count(), 100);
        let (smol_sender, _r2) = smol::channel::bounded::<u8>(100);
        assert_eq!((0..200).take_while(|_| smol_sender.try_send(0).is_ok()).count(), 100);
        let (crossbeam_sender, _r3) = crossbeam_channel::bounded::<u8>(100);
        assert_eq!((0..200).take_while(|_| crossbeam_sender.try_send(0).is_ok()).count(), 100);
        let (std_sender, _r4) = std::sync::mpsc::sync_channel::<u8>(100);
        assert_eq!((0..200).take_while(|_| std_sender.try_send(0).is_ok()).count(), 100);
    }

    #[test]
    fn the_pumps_deliver_every_item_once() {
        for runtime in [
            walkthrough::Runtime::Threads,
            walkthrough::Runtime::Tokio,
            walkthrough::Runtime::Smol,
            walkthrough::Runtime::AsyncStd,
            walkthrough::Runtime::Futures,
        ] {
            for (label, capacity) in super::CAPACITIES {
                let sum = super::pump(runtime, 1000, capacity).unwrap_or_else(|e| panic!("{runtime}: {e}"));
                assert_eq!(sum, 999 * 1000 / 2, "{runtime}, capacity {label}");
            }
        }
    }
}
