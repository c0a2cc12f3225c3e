//! `parallel` on tokio: one task per item, on one thread.
//!
//! Pairs with the asyncio version in "How to Speed Up a CPU-Bound Program" (2019) and the
//! asynchronous one in "Speeding Up a CPU-Bound Program" (2024) in Real Python's "Speed
//! Up Your Python Program With Concurrency". Tasks on a current-thread runtime take turns
//! on one thread, like asyncio's, and a task that never awaits runs to its end before the
//! next one starts: the job takes as long as on one plain thread, no less. (asyncio's
//! version is slower than its sequential one, because its `fib` awaits itself at every
//! call; here `fib` is a plain function, so tokio costs next to nothing.) For CPU work,
//! tokio's answers are `spawn_blocking` or rayon: see the `offload` example.
//!
//! Dependencies: `cargo add tokio --features rt && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run parallel tokio`)

use std::hint::black_box;
use std::time::{Duration, Instant};

use tokio::runtime::Builder;
use tokio::task::{self, JoinError};

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Which edition's job runs: 2024's `fib(fib)` `count` times, or 2019's sums of
    /// squares.
    pub edition: Edition,
    /// The 2024 job's `n`: each item computes `fib(n)`.
    pub fib: u64,
    /// The 2019 job's first number: it sums the squares below `size`, `size + 1`, ...
    pub size: u64,
    /// How many items; `None`: the edition's own (100 in 2024, 20 in 2019).
    pub count: Option<u64>,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

/// The tutorial's two editions (`just run parallel --edition 2019`; in a copy of this
/// file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Speed Up Your Python Program With Concurrency", 2019: the sum of the squares
    /// below each of 20 numbers from 5,000,000.
    Y2019,
    /// The same article's 2024 edition: `fib(35)`, 20 times (here 100 times: Rust is
    /// fast).
    Y2024,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            edition: Edition::Y2024,
            fib: 35,
            size: 5_000_000,
            count: None,
            unit: Duration::from_secs(1),
        }
    }
}

impl Params {
    /// The job's items: `fib` `count` times (2024), or `size`, `size + 1`, ... (2019).
    fn items(&self) -> Vec<u64> {
        match self.edition {
            Edition::Y2019 => {
                (0..self.count.unwrap_or(20)).map(|x| self.size + x).collect()
            }
            Edition::Y2024 => vec![self.fib; self.count.unwrap_or(100) as usize],
        }
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

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

/// The 2024 edition's job: `fib(n)`, the slow, doubly recursive way, on purpose.
fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 2) + fib(n - 1) }
}

/// One item of the edition's job. `black_box` keeps the optimiser from noticing that
/// every 2024 item is the same call, which it could then make once.
fn work(edition: Edition, item: u64) -> u128 {
    match edition {
        Edition::Y2019 => cpu_bound(item),
        Edition::Y2024 => u128::from(fib(black_box(item))),
    }
}

/// The line the program ends with: how it ran, the job, its exact total, how long it
/// took.
fn report(how: &str, params: &Params, items: &[u64], total: u128, duration: f64) {
    match params.edition {
        Edition::Y2019 => {
            println!(
                "{how}: {} sums, total {total}, Duration {duration:.3} seconds",
                items.len()
            )
        }
        Edition::Y2024 => println!(
            "{how}: {} x fib({}), total {total}, Computed in {duration:.3} seconds",
            items.len(),
            params.fib
        ),
    }
}

// ANCHOR: tasks
/// One task per item. Nothing in `work` awaits, so each task holds the thread until it is
/// done: the tasks run one after another, as `asyncio.gather` runs the tutorial's.
async fn find_sums_on_tasks(edition: Edition, items: &[u64]) -> Result<u128, JoinError> {
    let tasks: Vec<_> = items
        .iter()
        .map(|&item| task::spawn(async move { work(edition, item) }))
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await?;
    }
    Ok(total)
}
// ANCHOR_END: tasks

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    let items = params.items();
    let start = Instant::now();
    let runtime = Builder::new_current_thread().build()?;
    let total = runtime.block_on(find_sums_on_tasks(params.edition, &items))?;
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    let how = format!("{} tasks on a current_thread runtime", items.len());
    report(&how, &params, &items, total, duration);
    Ok(())
}
// ANCHOR_END: main
