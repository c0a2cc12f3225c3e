//! Which shape of "gather N sleeping tasks" scales, runtime by runtime: the measurements
//! behind the `gather --tasks` variants and the chapter's pitfall table.
//!
//! Run with: `cargo run --release -p gather --example gather_scale -- <SHAPE> <N> [UNIT_MS]`
//! (no arguments lists the shapes). It prints the wall time, the overhead over one unit, the
//! CPU time and the peak RSS, read from `/proc/self`. `sizes` prints each task future's size.
//! `blocks aligned N` and `blocks plain N` allocate N blocks of 384 bytes (a tokio task cell's
//! size), aligned to 128 bytes as tokio's are, or not, and print the time and the peak RSS:
//! what the allocator costs, without a runtime.
//! Some shapes take minutes at N = 1,000,000: run those under `timeout`. Like the `gather`
//! binary it allocates with mimalloc; `--features system-alloc` measures with glibc's malloc.

use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use futures::task::{LocalSpawnExt, SpawnExt};

#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHAPES: &[(&str, &str)] = &[
    ("tokio-mt-spawn", "tokio multi-thread: spawn N tasks, await the handles in order"),
    (
        "tokio-mt1-spawn",
        "tokio multi-thread with one worker: spawn N tasks from main, await in order",
    ),
    (
        "tokio-mt-spawn-halves",
        "tokio multi-thread: two tasks each spawn N/2 tasks; await all in order",
    ),
    (
        "tokio-mt-deadline",
        "tokio multi-thread: spawn N tasks that sleep_until one shared deadline, await in order",
    ),
    (
        "tokio-mt-countdown",
        "tokio multi-thread: spawn N detached tasks; the last to finish notifies (AtomicUsize + Notify)",
    ),
    (
        "tokio-mt-deadline-countdown",
        "tokio multi-thread: shared deadline, detached tasks, the last notifies",
    ),
    (
        "tokio-mt-collector",
        "tokio multi-thread: spawn N tasks from main, await the handles inside a spawned task",
    ),
    (
        "tokio-ct-deadline",
        "tokio current-thread: spawn N tasks that sleep_until one shared deadline, await in order",
    ),
    (
        "tokio-mt-time-only",
        "tokio multi-thread, enable_time only (no IO driver): spawn N tasks, await in order",
    ),
    (
        "tokio-mt-spawn-halves-budget",
        "as tokio-mt-spawn-halves, the spawners calling consume_budget() after each spawn",
    ),
    (
        "tokio-per-core",
        "a current-thread runtime on each core's thread, each spawns and awaits its share",
    ),
    (
        "tokio-per-core-budget",
        "as tokio-per-core, calling consume_budget() after each spawn so the new tasks start early",
    ),
    (
        "tokio-ct-spawn-budget",
        "tokio current-thread: spawn N tasks, consume_budget() after each, await in order",
    ),
    (
        "tokio-per-core-deadline",
        "as tokio-per-core, every task sleep_until one shared deadline",
    ),
    ("tokio-ct-spawn", "tokio current-thread: spawn N tasks, await the handles in order"),
    ("tokio-mt-joinset", "tokio multi-thread: N tasks in a JoinSet, join_all"),
    ("tokio-ct-joinset", "tokio current-thread: N tasks in a JoinSet, join_all"),
    (
        "tokio-ct-join-all",
        "tokio current-thread: futures::future::join_all over N sleeps, one task",
    ),
    (
        "tokio-ct-unordered",
        "tokio current-thread: FuturesUnordered over N sleeps, one task",
    ),
    (
        "tokio-ct-join-all-unconstrained",
        "as tokio-ct-join-all, inside tokio::task::unconstrained",
    ),
    (
        "tokio-mt-spawn-in-task",
        "tokio multi-thread: spawn N tasks from a worker, await the handles in order",
    ),
    (
        "tokio-ct-unordered-unconstrained",
        "as tokio-ct-unordered, inside tokio::task::unconstrained",
    ),
    (
        "futures-unordered-async-io",
        "futures block_on(FuturesUnordered over N async-io Timers)",
    ),
    (
        "futures-localpool-spawn-async-io",
        "as futures-localpool-spawn, sleeping on async-io Timers",
    ),
    ("smol-local-spawn", "smol LocalExecutor: spawn N tasks, await the Tasks in order"),
    ("smol-spawn", "smol::spawn on the global executor, await the Tasks in order"),
    ("smol-join-all", "smol::block_on(join_all over N Timers), one task"),
    ("async-std-spawn", "async-std task::spawn N tasks, await the handles in order"),
    (
        "async-std-spawn-local",
        "async-std task::spawn_local N tasks (this thread), await the handles in order",
    ),
    ("async-std-join-all", "async-std block_on(join_all over N sleeps), one task"),
    ("futures-join-all", "futures block_on(join_all over N futures-timer Delays)"),
    ("futures-unordered", "futures block_on(FuturesUnordered over N Delays)"),
    ("futures-join-all-async-io", "futures block_on(join_all over N async-io Timers)"),
    (
        "futures-localpool-spawn",
        "futures LocalPool: spawn N tasks with handles, await them in order",
    ),
    (
        "threads",
        "one OS thread per task, joined in order (stops at the first thread the OS refuses)",
    ),
    (
        "futures-threadpool-spawn",
        "futures ThreadPool: spawn N tasks with handles, await them in order",
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("sizes") {
        let unit = Duration::from_secs(1);
        println!(
            "tokio sleep task future: {} bytes",
            size_of_val(&async move {
                tokio::time::sleep(unit).await;
                1usize
            })
        );
        println!(
            "smol Timer task future: {} bytes",
            size_of_val(&async move {
                smol::Timer::after(unit).await;
                1usize
            })
        );
        println!(
            "async-std sleep task future: {} bytes",
            size_of_val(&async move {
                async_std::task::sleep(unit).await;
                1usize
            })
        );
        println!(
            "futures-timer Delay task future: {} bytes",
            size_of_val(&async move {
                futures_timer::Delay::new(unit).await;
                1usize
            })
        );
        return;
    }
    if args.first().map(String::as_str) == Some("blocks") {
        let n = args.get(2).and_then(|n| n.parse::<usize>().ok()).unwrap_or(1_000_000);
        return blocks(args.get(1).map(String::as_str) == Some("aligned"), n);
    }
    let (Some(shape), Some(n)) =
        (args.first(), args.get(1).and_then(|n| n.parse::<usize>().ok()))
    else {
        eprintln!("usage: gather_scale <SHAPE> <N> [UNIT_MS]; shapes:");
        for (name, what) in SHAPES {
            eprintln!("  {name:<32} {what}");
        }
        std::process::exit(2);
    };
    let unit =
        Duration::from_millis(args.get(2).and_then(|u| u.parse().ok()).unwrap_or(1000));
    let start = Instant::now();
    let gathered = match shape.as_str() {
        "tokio-mt-spawn" => {
            tokio_spawn(tokio::runtime::Builder::new_multi_thread(), n, unit)
        }
        "tokio-mt1-spawn" => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(1);
            tokio_spawn(builder, n, unit)
        }
        "tokio-mt-spawn-halves" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let spawner = |range: std::ops::Range<usize>| {
                    tokio::spawn(async move {
                        range
                            .map(|i| {
                                tokio::spawn(async move {
                                    tokio::time::sleep(unit).await;
                                    i
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                };
                let (a, b) = (spawner(0..n / 2), spawner(n / 2..n));
                let mut out = Vec::with_capacity(n);
                for handle in a
                    .await
                    .expect("no panic")
                    .into_iter()
                    .chain(b.await.expect("no panic"))
                {
                    out.push(handle.await.expect("no panic"));
                }
                out
            })
        }
        "tokio-mt-deadline" => {
            tokio_deadline(tokio::runtime::Builder::new_multi_thread(), n, unit)
        }
        "tokio-ct-deadline" => {
            tokio_deadline(tokio::runtime::Builder::new_current_thread(), n, unit)
        }
        "tokio-mt-countdown" => tokio_countdown(n, unit, false),
        "tokio-mt-deadline-countdown" => tokio_countdown(n, unit, true),
        "tokio-mt-collector" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let handles: Vec<_> = (0..n)
                    .map(|i| {
                        tokio::spawn(async move {
                            tokio::time::sleep(unit).await;
                            i
                        })
                    })
                    .collect();
                tokio::spawn(async move {
                    let mut out = Vec::with_capacity(n);
                    for handle in handles {
                        out.push(handle.await.expect("no panic"));
                    }
                    out
                })
                .await
                .expect("no panic")
            })
        }
        "tokio-mt-time-only" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_time()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let handles: Vec<_> = (0..n)
                    .map(|i| {
                        tokio::spawn(async move {
                            tokio::time::sleep(unit).await;
                            i
                        })
                    })
                    .collect();
                let mut out = Vec::with_capacity(n);
                for handle in handles {
                    out.push(handle.await.expect("no panic"));
                }
                out
            })
        }
        "tokio-mt-spawn-halves-budget" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let spawner = |range: std::ops::Range<usize>| {
                    tokio::spawn(async move {
                        let mut handles = Vec::with_capacity(range.len());
                        for i in range {
                            handles.push(tokio::spawn(async move {
                                tokio::time::sleep(unit).await;
                                i
                            }));
                            // Yields every 128 spawns, so that this worker starts the new tasks.
                            tokio::task::consume_budget().await;
                        }
                        handles
                    })
                };
                let (a, b) = (spawner(0..n / 2), spawner(n / 2..n));
                let mut out = Vec::with_capacity(n);
                for handle in a
                    .await
                    .expect("no panic")
                    .into_iter()
                    .chain(b.await.expect("no panic"))
                {
                    out.push(handle.await.expect("no panic"));
                }
                out
            })
        }
        "tokio-per-core" => tokio_per_core(n, unit, false),
        "tokio-per-core-budget" => {
            let cores =
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            let share = n.div_ceil(cores).max(1);
            std::thread::scope(|scope| {
                let threads: Vec<_> = (0..n)
                    .step_by(share)
                    .map(|first| {
                        scope.spawn(move || {
                            tokio_ct().block_on(spawn_budgeted(
                                first..(first + share).min(n),
                                unit,
                            ))
                        })
                    })
                    .collect();
                threads
                    .into_iter()
                    .flat_map(|thread| thread.join().expect("no panic"))
                    .collect()
            })
        }
        "tokio-ct-spawn-budget" => tokio_ct().block_on(spawn_budgeted(0..n, unit)),
        "tokio-per-core-deadline" => tokio_per_core(n, unit, true),
        "tokio-ct-spawn" => {
            tokio_spawn(tokio::runtime::Builder::new_current_thread(), n, unit)
        }
        "tokio-mt-joinset" => {
            tokio_joinset(tokio::runtime::Builder::new_multi_thread(), n, unit)
        }
        "tokio-ct-joinset" => {
            tokio_joinset(tokio::runtime::Builder::new_current_thread(), n, unit)
        }
        "tokio-ct-join-all" => {
            // Counts the polls of the one task that join_all runs in.
            let polls = std::cell::Cell::new(0u64);
            let mut all =
                std::pin::pin!(futures::future::join_all((0..n).map(|i| async move {
                    tokio::time::sleep(unit).await;
                    i
                })));
            let out = tokio_ct().block_on(std::future::poll_fn(|cx| {
                polls.set(polls.get() + 1);
                all.as_mut().poll(cx)
            }));
            eprintln!("tokio-ct-join-all: the task was polled {} times", polls.get());
            out
        }
        "tokio-ct-unordered" => tokio_ct().block_on(
            (0..n)
                .map(|i| async move {
                    tokio::time::sleep(unit).await;
                    i
                })
                .collect::<FuturesUnordered<_>>()
                .collect::<Vec<_>>(),
        ),
        "tokio-mt-spawn-in-task" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                tokio::spawn(async move {
                    let handles: Vec<_> = (0..n)
                        .map(|i| {
                            tokio::spawn(async move {
                                tokio::time::sleep(unit).await;
                                i
                            })
                        })
                        .collect();
                    let mut out = Vec::with_capacity(n);
                    for handle in handles {
                        out.push(handle.await.expect("no panic"));
                    }
                    out
                })
                .await
                .expect("no panic")
            })
        }
        "tokio-ct-unordered-unconstrained" => {
            tokio_ct().block_on(tokio::task::unconstrained(
                (0..n)
                    .map(|i| async move {
                        tokio::time::sleep(unit).await;
                        i
                    })
                    .collect::<FuturesUnordered<_>>()
                    .collect::<Vec<_>>(),
            ))
        }
        "futures-unordered-async-io" => futures::executor::block_on(
            (0..n)
                .map(|i| async move {
                    async_io::Timer::after(unit).await;
                    i
                })
                .collect::<FuturesUnordered<_>>()
                .collect::<Vec<_>>(),
        ),
        "futures-localpool-spawn-async-io" => {
            let mut pool = futures::executor::LocalPool::new();
            let spawner = pool.spawner();
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    spawner
                        .spawn_local_with_handle(async move {
                            smol::Timer::after(unit).await;
                            i
                        })
                        .expect("the pool is alive")
                })
                .collect();
            pool.run_until(async {
                let mut out = Vec::with_capacity(n);
                for handle in handles {
                    out.push(handle.await);
                }
                out
            })
        }
        "tokio-ct-join-all-unconstrained" => {
            tokio_ct().block_on(tokio::task::unconstrained(futures::future::join_all(
                (0..n).map(|i| async move {
                    tokio::time::sleep(unit).await;
                    i
                }),
            )))
        }
        "smol-local-spawn" => {
            let ex = smol::LocalExecutor::new();
            smol::block_on(ex.run(async {
                let tasks: Vec<_> = (0..n)
                    .map(|i| {
                        ex.spawn(async move {
                            smol::Timer::after(unit).await;
                            i
                        })
                    })
                    .collect();
                let mut out = Vec::with_capacity(n);
                for task in tasks {
                    out.push(task.await);
                }
                out
            }))
        }
        "smol-spawn" => smol::block_on(async {
            let tasks: Vec<_> = (0..n)
                .map(|i| {
                    smol::spawn(async move {
                        smol::Timer::after(unit).await;
                        i
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(n);
            for task in tasks {
                out.push(task.await);
            }
            out
        }),
        "smol-join-all" => {
            smol::block_on(futures::future::join_all((0..n).map(|i| async move {
                smol::Timer::after(unit).await;
                i
            })))
        }
        "async-std-spawn" => async_std::task::block_on(async {
            let tasks: Vec<_> = (0..n)
                .map(|i| {
                    async_std::task::spawn(async move {
                        async_std::task::sleep(unit).await;
                        i
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(n);
            for task in tasks {
                out.push(task.await);
            }
            out
        }),
        "async-std-spawn-local" => async_std::task::block_on(async {
            let tasks: Vec<_> = (0..n)
                .map(|i| {
                    async_std::task::spawn_local(async move {
                        async_std::task::sleep(unit).await;
                        i
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(n);
            for task in tasks {
                out.push(task.await);
            }
            out
        }),
        "async-std-join-all" => async_std::task::block_on(futures::future::join_all(
            (0..n).map(|i| async move {
                async_std::task::sleep(unit).await;
                i
            }),
        )),
        "futures-join-all" => futures::executor::block_on(futures::future::join_all(
            (0..n).map(|i| async move {
                futures_timer::Delay::new(unit).await;
                i
            }),
        )),
        "futures-unordered" => futures::executor::block_on(
            (0..n)
                .map(|i| async move {
                    futures_timer::Delay::new(unit).await;
                    i
                })
                .collect::<FuturesUnordered<_>>()
                .collect::<Vec<_>>(),
        ),
        "futures-join-all-async-io" => futures::executor::block_on(
            futures::future::join_all((0..n).map(|i| async move {
                async_io::Timer::after(unit).await;
                i
            })),
        ),
        "futures-localpool-spawn" => {
            let mut pool = futures::executor::LocalPool::new();
            let spawner = pool.spawner();
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    spawner
                        .spawn_local_with_handle(async move {
                            futures_timer::Delay::new(unit).await;
                            i
                        })
                        .expect("the pool is alive")
                })
                .collect();
            pool.run_until(async {
                let mut out = Vec::with_capacity(n);
                for handle in handles {
                    out.push(handle.await);
                }
                out
            })
        }
        "futures-threadpool-spawn" => {
            let pool = futures::executor::ThreadPool::new().expect("a thread pool");
            futures::executor::block_on(async {
                let handles: Vec<_> = (0..n)
                    .map(|i| {
                        pool.spawn_with_handle(async move {
                            futures_timer::Delay::new(unit).await;
                            i
                        })
                        .expect("the pool is alive")
                    })
                    .collect();
                let mut out = Vec::with_capacity(n);
                for handle in handles {
                    out.push(handle.await);
                }
                out
            })
        }
        "threads" => {
            let mut handles = Vec::with_capacity(n);
            for i in 0..n {
                match std::thread::Builder::new().spawn(move || {
                    std::thread::sleep(unit);
                    i
                }) {
                    Ok(handle) => handles.push(handle),
                    Err(err) => {
                        eprintln!("threads: the OS refused thread {i}: {err}");
                        std::process::exit(1);
                    }
                }
            }
            handles.into_iter().map(|h| h.join().expect("no panic")).collect()
        }
        other => {
            eprintln!("unknown shape {other}; run with no arguments for the list");
            std::process::exit(2);
        }
    };
    let wall = start.elapsed();
    assert_eq!(gathered.len(), n);
    println!(
        "{shape:<32} N={n:<8} wall {:>7.3} s  overhead {:>7.3} s  CPU {:>6.2} s  peak RSS {:>6.1} MiB",
        wall.as_secs_f64(),
        wall.saturating_sub(unit).as_secs_f64(),
        cpu_seconds(),
        peak_rss_kib() as f64 / 1024.0
    );
}

fn tokio_ct() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

fn tokio_spawn(
    mut builder: tokio::runtime::Builder,
    n: usize,
    unit: Duration,
) -> Vec<usize> {
    let rt = builder.enable_all().build().expect("a runtime");
    rt.block_on(async {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                tokio::spawn(async move {
                    tokio::time::sleep(unit).await;
                    i
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for handle in handles {
            out.push(handle.await.expect("no panic"));
        }
        out
    })
}

fn tokio_deadline(
    mut builder: tokio::runtime::Builder,
    n: usize,
    unit: Duration,
) -> Vec<usize> {
    let rt = builder.enable_all().build().expect("a runtime");
    rt.block_on(async {
        let deadline = tokio::time::Instant::now() + unit;
        let handles: Vec<_> = (0..n)
            .map(|i| {
                tokio::spawn(async move {
                    tokio::time::sleep_until(deadline).await;
                    i
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for handle in handles {
            out.push(handle.await.expect("no panic"));
        }
        out
    })
}

/// Detached tasks: each stores its result in its own slot and counts down; the last one to
/// finish wakes the gatherer once, instead of a million `JoinHandle` wake-ups.
fn tokio_countdown(n: usize, unit: Duration, shared_deadline: bool) -> Vec<usize> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let slots: Arc<[AtomicUsize]> =
            (0..n).map(|_| AtomicUsize::new(usize::MAX)).collect();
        let left = Arc::new(AtomicUsize::new(n));
        let done = Arc::new(tokio::sync::Notify::new());
        let deadline = tokio::time::Instant::now() + unit;
        for i in 0..n {
            let (slots, left, done) = (slots.clone(), left.clone(), done.clone());
            tokio::spawn(async move {
                if shared_deadline {
                    tokio::time::sleep_until(deadline).await;
                } else {
                    tokio::time::sleep(unit).await;
                }
                slots[i].store(i, Ordering::Relaxed);
                if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                    done.notify_one();
                }
            });
        }
        done.notified().await;
        slots.iter().map(|slot| slot.load(Ordering::Relaxed)).collect()
    })
}

/// One current-thread runtime per core, each on its own thread with its own queue and timer
/// wheel, each gathering a contiguous share; the shares are joined in order.
fn tokio_per_core(n: usize, unit: Duration, shared_deadline: bool) -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let share = n.div_ceil(cores).max(1);
    let deadline = tokio::time::Instant::now() + unit;
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..n)
            .step_by(share)
            .map(|first| {
                scope.spawn(move || {
                    tokio_ct().block_on(async move {
                        let range = first..(first + share).min(n);
                        let handles: Vec<_> = if shared_deadline {
                            range
                                .map(|i| {
                                    tokio::spawn(async move {
                                        tokio::time::sleep_until(deadline).await;
                                        i
                                    })
                                })
                                .collect()
                        } else {
                            range
                                .map(|i| {
                                    tokio::spawn(async move {
                                        tokio::time::sleep(unit).await;
                                        i
                                    })
                                })
                                .collect()
                        };
                        let mut out = Vec::with_capacity(handles.len());
                        for handle in handles {
                            out.push(handle.await.expect("no panic"));
                        }
                        out
                    })
                })
            })
            .collect();
        threads.into_iter().flat_map(|thread| thread.join().expect("no panic")).collect()
    })
}

/// Spawns a task per index, handing control back to the scheduler every 128 spawns (the
/// cooperative budget) so that the tasks start sleeping while the rest are being spawned.
async fn spawn_budgeted(range: std::ops::Range<usize>, unit: Duration) -> Vec<usize> {
    let mut handles = Vec::with_capacity(range.len());
    for i in range {
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(unit).await;
            i
        }));
        tokio::task::consume_budget().await;
    }
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("no panic"));
    }
    out
}

fn tokio_joinset(
    mut builder: tokio::runtime::Builder,
    n: usize,
    unit: Duration,
) -> Vec<usize> {
    builder.enable_all().build().expect("a runtime").block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            set.spawn(async move {
                tokio::time::sleep(unit).await;
                i
            });
        }
        set.join_all().await
    })
}

/// User plus system CPU time of this process so far, from `/proc/self/stat` (clock ticks,
/// 100 a second on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks =
        |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// `VmHWM` (peak resident set) of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// 384 bytes aligned to 128, as tokio aligns a task's cell.
#[repr(align(128))]
struct Aligned([u8; 384]);

/// Allocates `n` blocks of 384 bytes, each written once, and prints how long that took and
/// the peak RSS.
fn blocks(aligned: bool, n: usize) {
    let start = Instant::now();
    let (sum, took) = if aligned {
        let boxes: Vec<Box<Aligned>> =
            (0..n).map(|i| Box::new(Aligned([i as u8; 384]))).collect();
        (boxes.iter().map(|b| u64::from(b.0[7])).sum::<u64>(), start.elapsed())
    } else {
        let boxes: Vec<Box<[u8; 384]>> =
            (0..n).map(|i| Box::new([i as u8; 384])).collect();
        (boxes.iter().map(|b| u64::from(b[7])).sum::<u64>(), start.elapsed())
    };
    std::hint::black_box(sum);
    report_blocks(
        if aligned { "aligned to 128 bytes" } else { "default alignment" },
        n,
        took,
    );
}

fn report_blocks(how: &str, n: usize, took: Duration) {
    println!(
        "{n} blocks of 384 bytes, {how}: {:.0} ms, peak RSS {:.1} MiB",
        took.as_secs_f64() * 1000.0,
        peak_rss_kib() as f64 / 1024.0
    );
}
