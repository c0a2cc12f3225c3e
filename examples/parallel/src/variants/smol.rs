//! `parallel` on smol: one executor, run by several threads.
//!
//! Pairs with the asyncio version in "How to Speed Up a CPU-Bound Program" in Real Python's
//! "Speed Up Your Python Program With Concurrency". An executor run by one thread (asyncio's
//! model) would compute the sums one after another. A smol `Executor` is shared: every thread
//! that calls `executor.run(..)` takes tasks from it, so N threads run N tasks at once. (For a
//! few blocking calls inside async code, `smol::unblock` is the simpler tool.)
//!
//! Run with: `cargo run --release -p parallel -- smol`

use std::hint::black_box;
use std::thread;
use std::time::Instant;

use smol::Executor;

use crate::Params;

/// The sum of the squares of `0..number`, exact (`black_box` keeps the optimiser from
/// replacing the loop by its closed form).
fn cpu_bound(number: u64) -> u128 {
    (0..number)
        .map(|i| {
            let i = black_box(i);
            u128::from(i * i)
        })
        .sum()
}

// ANCHOR: main
/// Spawns one task per number on `executor` and adds up their results.
async fn find_sums(executor: &Executor<'_>, numbers: &[u64]) -> u128 {
    let tasks: Vec<_> =
        numbers.iter().map(|&number| executor.spawn(async move { cpu_bound(number) })).collect();
    let mut total = 0;
    for task in tasks {
        total += task.await;
    }
    total
}

pub fn run(params: Params) {
    let numbers = params.numbers();
    let start = Instant::now();
    let executor = Executor::new();
    // Closing this channel (dropping `stop`) tells the executor threads to return.
    let (stop, stopped) = smol::channel::unbounded::<()>();
    let total = thread::scope(|scope| {
        for _ in 0..params.workers {
            scope.spawn(|| smol::block_on(executor.run(stopped.recv())));
        }
        let total = smol::block_on(find_sums(&executor, &numbers));
        drop(stop);
        total
    });
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "Executor on {} threads: {} sums, total {total}, Duration {duration:.3} seconds",
        params.workers,
        numbers.len()
    );
}
// ANCHOR_END: main
