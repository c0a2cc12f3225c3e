//! `streams` on async-std (legacy): the generator as a producer task behind a channel.
//!
//! Pairs with "Other Features: async for and Async Generators + Comprehensions" in Real Python's
//! "Async IO in Python: A Complete Walkthrough". async-std was discontinued in 2025
//! (RUSTSEC-2025-0052); it stays here for comparison. Its stream constructors (`from_fn`,
//! `successors`) take plain closures that cannot await, so the generator is a task that sleeps
//! and sends; the channel's receiver is the stream. Unlike a Python async generator, that task
//! starts working at once, before anyone asks for an item; the channel's room for one item is
//! all it can run ahead.
//!
//! Run with: `cargo run -p streams -- async-std`

use std::time::{Duration, Instant};

use async_std::channel::{Receiver, bounded};
use async_std::prelude::*;
use async_std::task;

use crate::Params;

// ANCHOR: powers
/// 1, 2, 4, ... below 2^up_to, each after one unit's sleep, produced by a task of its own.
fn powers(up_to: u32, unit: Duration) -> Receiver<u64> {
    let (yielded, values) = bounded(1);
    task::spawn(async move {
        for exponent in 0..up_to {
            task::sleep(unit).await;
            if yielded.send(1 << exponent).await.is_err() {
                return; // the consumer stopped listening
            }
        }
    });
    values
}

/// One item on its own: the same sleep, the same value.
async fn power(exponent: u32, unit: Duration) -> u64 {
    task::sleep(unit).await;
    1 << exponent
}
// ANCHOR_END: powers

fn report(name: &str, values: &[u64], start: Instant, unit: Duration) {
    let elapsed = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("{name} = {values:?} in {elapsed:.2} seconds.");
}

// ANCHOR: main
pub fn run(params: Params) {
    let Params { unit, up_to } = params;
    task::block_on(async {
        // [i async for i in powers()]
        let start = Instant::now();
        let g: Vec<u64> = powers(up_to, unit).collect().await;
        report("g", &g, start, unit);

        // [j async for j in powers() if j % 3 == 1]
        let start = Instant::now();
        let f: Vec<u64> = powers(up_to, unit).filter(|j| j % 3 == 1).collect().await;
        report("f", &f, start, unit);

        // gather: a task per item, all sleeping at once, awaited in order.
        let start = Instant::now();
        let tasks: Vec<_> = (0..up_to).map(|exponent| task::spawn(power(exponent, unit))).collect();
        let mut c = Vec::with_capacity(tasks.len());
        for task in tasks {
            c.push(task.await);
        }
        report("c", &c, start, unit);
    });
}
// ANCHOR_END: main
