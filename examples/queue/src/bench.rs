//! `--bench N`: channel throughput, one producer and one consumer, per capacity.
//!
//! Each runtime's `pump_*(items, capacity)` below moves the numbers `0..items` through that
//! runtime's channel, on the executor its variant file uses, and returns their sum. They live
//! here, not in the variant files: they measure, and a program copied from a variant file has
//! no use for them. Each capacity is run three times and the fastest run is reported (the
//! usual way to read a micro-benchmark on a shared machine); the sum proves that every item
//! arrived exactly once. The time includes building the runtime, which is microseconds.
//! `examples/queue_shapes.rs` measures the other shapes these pumps were chosen from.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use futures::task::{LocalSpawnExt, SpawnError};
use futures::{SinkExt, StreamExt};
use tokio::task::JoinError;
use walkthrough::Runtime;

/// The capacities measured, with their labels: `None` is unbounded.
pub const CAPACITIES: [(&str, Option<usize>); 3] =
    [("unbounded", None), ("100", Some(100)), ("1", Some(1))];

/// Runs one runtime's `pump` for every capacity and prints one line each.
pub fn run(runtime: Runtime, items: u64) -> anyhow::Result<()> {
    for (label, capacity) in CAPACITIES {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let sum = pump(runtime, items, capacity)?;
            best = best.min(start.elapsed());
            ensure!(
                sum == items * (items - 1) / 2,
                "capacity {label}: the items summed to {sum}"
            );
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
        Runtime::Threads => pump_threads(items, capacity),
        Runtime::Tokio => pump_tokio(items, capacity)?,
        Runtime::Smol => pump_smol(items, capacity),
        Runtime::AsyncStd => pump_async_std(items, capacity),
        Runtime::Futures => pump_futures(items, capacity)?,
        other => bail!("queue has no {other} pump"),
    })
}

/// threads: moves the numbers `0..items` from a producer thread to this one and returns their
/// sum. `None` is `unbounded()`; `Some(n)` is `bounded(n)`, whose `send` blocks while the
/// channel is full.
fn pump_threads(items: u64, capacity: Option<usize>) -> u64 {
    let (sender, receiver) = match capacity {
        None => crossbeam_channel::unbounded(),
        Some(capacity) => crossbeam_channel::bounded(capacity),
    };
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for i in 0..items {
                if sender.send(i).is_err() {
                    break;
                }
            }
        });
        receiver.iter().sum()
    })
}

// ANCHOR: pump
/// tokio: moves the numbers `0..items` from one producer task to one consumer task (no Mutex:
/// there is one consumer) and returns their sum. `None` is an unbounded channel.
#[tokio::main(flavor = "current_thread")]
async fn pump_tokio(items: u64, capacity: Option<usize>) -> Result<u64, JoinError> {
    use tokio::sync::mpsc;
    // Both ends are spawned tasks. With the consumer as the `block_on` future itself, capacity 1
    // measured three times slower here (the chapter's table of shapes).
    let consumer = match capacity {
        None => {
            let (sender, mut receiver) = mpsc::unbounded_channel();
            tokio::spawn(async move {
                for i in 0..items {
                    if sender.send(i).is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let mut sum = 0;
                while let Some(i) = receiver.recv().await {
                    sum += i;
                }
                sum
            })
        }
        Some(capacity) => {
            let (sender, mut receiver) = mpsc::channel(capacity);
            tokio::spawn(async move {
                for i in 0..items {
                    // A full channel makes `send` wait until the consumer takes an item.
                    if sender.send(i).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let mut sum = 0;
                while let Some(i) = receiver.recv().await {
                    sum += i;
                }
                sum
            })
        }
    };
    consumer.await
}
// ANCHOR_END: pump

/// smol: moves the numbers `0..items` from one producer task to one consumer on a
/// `LocalExecutor` and returns their sum. `None` is an unbounded channel; both kinds have the
/// same type.
fn pump_smol(items: u64, capacity: Option<usize>) -> u64 {
    let (sender, receiver) = match capacity {
        None => smol::channel::unbounded(),
        Some(capacity) => smol::channel::bounded(capacity),
    };
    let executor = smol::LocalExecutor::new();
    smol::block_on(executor.run(async {
        let producer = executor.spawn(async move {
            for i in 0..items {
                // A full channel makes `send` wait until the consumer takes an item.
                if sender.send(i).await.is_err() {
                    break;
                }
            }
        });
        let mut sum = 0;
        while let Ok(i) = receiver.recv().await {
            sum += i;
        }
        producer.await;
        sum
    }))
}

/// async-std: moves the numbers `0..items` from one producer task to one consumer and returns
/// their sum. `None` is an unbounded channel.
fn pump_async_std(items: u64, capacity: Option<usize>) -> u64 {
    use async_std::{channel, task};
    let (sender, receiver) = match capacity {
        None => channel::unbounded(),
        Some(capacity) => channel::bounded(capacity),
    };
    task::block_on(async {
        // `spawn_local` (behind async-std's `unstable` feature) keeps the producer on this
        // thread, next to the consumer. With `task::spawn` it runs on the pool, and hand-overs
        // wake a task on another thread: ten times slower at capacity 100 (see the chapter).
        let producer = task::spawn_local(async move {
            for i in 0..items {
                if sender.send(i).await.is_err() {
                    break;
                }
            }
        });
        let mut sum = 0;
        while let Ok(i) = receiver.recv().await {
            sum += i;
        }
        producer.await;
        sum
    })
}

/// futures: moves the numbers `0..items` from one producer task to one consumer on a
/// `LocalPool` and returns their sum. `None` is an unbounded channel.
fn pump_futures(items: u64, capacity: Option<usize>) -> Result<u64, SpawnError> {
    use futures::channel::mpsc;
    let mut pool = futures::executor::LocalPool::new();
    let receiver = match capacity {
        None => {
            let (sender, receiver) = mpsc::unbounded();
            pool.spawner().spawn_local(async move {
                for i in 0..items {
                    if sender.unbounded_send(i).is_err() {
                        break;
                    }
                }
            })?;
            receiver.boxed_local()
        }
        Some(capacity) => {
            // `channel(buffer)` holds `buffer` items plus one per sender: ask for one less.
            let (mut sender, receiver) = mpsc::channel(capacity.saturating_sub(1));
            pool.spawner().spawn_local(async move {
                for i in 0..items {
                    // `SinkExt::send` waits while the channel is full.
                    if sender.send(i).await.is_err() {
                        break;
                    }
                }
            })?;
            receiver.boxed_local()
        }
    };
    Ok(pool.run_until(receiver.fold(0, |sum, i| async move { sum + i })))
}

#[cfg(test)]
mod tests {
    //! The channel facts the pumps and the chapter rely on, checked against the crates.

    use std::panic::catch_unwind;

    #[test]
    fn futures_channel_holds_its_buffer_plus_one_per_sender() {
        let (mut sender, _receiver) = futures::channel::mpsc::channel::<u8>(0);
        assert!(
            sender.try_send(1).is_ok(),
            "channel(0) holds one item for its one sender"
        );
        assert!(sender.try_send(2).unwrap_err().is_full());

        let (mut sender, _receiver) = futures::channel::mpsc::channel::<u8>(99);
        let held = (0..200).take_while(|_| sender.try_send(0).is_ok()).count();
        assert_eq!(
            held, 100,
            "channel(99) holds 100 for one sender: the bench's capacity 100"
        );
    }

    #[test]
    fn bounded_channels_of_capacity_zero_panic_or_rendezvous() {
        assert!(catch_unwind(|| tokio::sync::mpsc::channel::<u8>(0)).is_err());
        assert!(catch_unwind(|| smol::channel::bounded::<u8>(0)).is_err());
        assert!(catch_unwind(|| async_std::channel::bounded::<u8>(0)).is_err());
        // crossbeam's and std's are a rendezvous: a send waits for a receiver taking right then.
        let (sender, _receiver) = crossbeam_channel::bounded::<u8>(0);
        assert!(matches!(
            sender.try_send(1),
            Err(crossbeam_channel::TrySendError::Full(1))
        ));
        let (sender, _receiver) = std::sync::mpsc::sync_channel::<u8>(0);
        assert!(matches!(
            sender.try_send(1),
            Err(std::sync::mpsc::TrySendError::Full(1))
        ));
    }

    #[test]
    fn bounded_channels_hold_exactly_their_capacity() {
        let (tokio_sender, _r1) = tokio::sync::mpsc::channel::<u8>(100);
        assert_eq!(
            (0..200).take_while(|_| tokio_sender.try_send(0).is_ok()).count(),
            100
        );
        let (smol_sender, _r2) = smol::channel::bounded::<u8>(100);
        assert_eq!((0..200).take_while(|_| smol_sender.try_send(0).is_ok()).count(), 100);
        let (crossbeam_sender, _r3) = crossbeam_channel::bounded::<u8>(100);
        assert_eq!(
            (0..200).take_while(|_| crossbeam_sender.try_send(0).is_ok()).count(),
            100
        );
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
                let sum = super::pump(runtime, 1000, capacity)
                    .unwrap_or_else(|e| panic!("{runtime}: {e}"));
                assert_eq!(sum, 999 * 1000 / 2, "{runtime}, capacity {label}");
            }
        }
    }
}
