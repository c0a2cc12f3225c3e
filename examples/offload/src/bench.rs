//! `offload --bench N`: N sequential, awaited round trips to each runtime's pool.
//!
//! Each round trip hands a trivial closure (`move || i`) to the pool and waits for its answer
//! before sending the next, so the figure is the cost of the hand-off itself: waking a pool
//! thread and waking the caller again. Kept out of the variant files, which stay free of
//! measurement code; it uses the same calls they do, the `threads` variant's pool, and a
//! one-worker copy of the `processes` variant's pool (a feeder thread behind a `Mutex` and a
//! `Condvar`, a worker process behind two pipes), whose worker is this program again, run
//! with `--bench-worker`.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use futures::task::SpawnExt as _;
use walkthrough::Runtime;

use crate::variants;

/// Runs the benchmark of `runtime` with `n` round trips and prints one line per API.
pub fn run(runtime: Runtime, n: u32) -> Result<()> {
    match runtime {
        Runtime::Threads => threads(n),
        Runtime::Processes => processes(n),
        Runtime::Tokio => tokio(n),
        Runtime::Smol => smol(n),
        Runtime::AsyncStd => async_std(n),
        Runtime::Futures => futures(n),
        Runtime::Rayon => rayon(n),
        other => anyhow::bail!("offload has no {other} variant"),
    }
}

/// Prints `api: N round trips in X ms, R k/s` after checking that every answer came back.
fn report(api: &str, n: u32, elapsed: Duration, sum: u64) -> Result<()> {
    let expected = u64::from(n) * (u64::from(n) - 1) / 2;
    ensure!(sum == expected, "{api}: the answers add up to {sum}, not {expected}");
    let rate = f64::from(n) / elapsed.as_secs_f64() / 1000.0;
    println!(
        "{api}: {n} round trips in {:.1} ms, {rate:.1} k/s",
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}

fn threads(n: u32) -> Result<()> {
    let pool = variants::threads::ThreadPool::new(4)?;
    let start = Instant::now();
    let mut sum = 0;
    for i in 0..n {
        sum += u64::from(pool.submit(move || i).recv().context("a pool job panicked")?);
    }
    report(
        "ThreadPool::submit (std threads, crossbeam channels)",
        n,
        start.elapsed(),
        sum,
    )?;
    park_ping_pong(n)
}

/// The yardstick: two threads passing a number back and forth, each going to sleep
/// (`thread::park`) until the other wakes it (`unpark`). That is the least a hand-off costs
/// when both sides sleep while they wait, as the runtimes' blocking pools and their callers
/// do: two wake-ups per trip, and nothing else.
fn park_ping_pong(n: u32) -> Result<()> {
    use std::sync::atomic::{AtomicU32, Ordering};

    // Odd: a request for the other thread; even: its answer. Trip i goes 2i+1, then 2i+2.
    let turn = AtomicU32::new(0);
    let wait_for = |value: u32| {
        while turn.load(Ordering::Acquire) != value {
            std::thread::park(); // may wake spuriously: check again
        }
    };
    let caller = std::thread::current();
    let start = Instant::now();
    std::thread::scope(|scope| {
        let echo = scope.spawn(|| {
            for i in 0..n {
                wait_for(2 * i + 1);
                turn.store(2 * i + 2, Ordering::Release);
                caller.unpark();
            }
        });
        for i in 0..n {
            turn.store(2 * i + 1, Ordering::Release);
            echo.thread().unpark();
            wait_for(2 * i + 2);
        }
    });
    let elapsed = start.elapsed();
    let sum = (0..n).map(u64::from).sum();
    report("park/unpark ping-pong (yardstick, 2 std threads that sleep)", n, elapsed, sum)
}

fn processes(n: u32) -> Result<()> {
    use std::collections::VecDeque;
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::process::{Command, Stdio};
    use std::sync::{Condvar, Mutex, PoisonError, mpsc};

    /// A number for the worker, and where its answer goes.
    type Job = (u32, mpsc::SyncSender<u64>);
    /// The queue the feeder thread takes jobs from, as in the `processes` variant's pool: the
    /// jobs, and whether the pool is closed.
    struct Queue {
        jobs: Mutex<(VecDeque<Job>, bool)>,
        ready: Condvar,
    }

    let exe = std::env::current_exe().context("cannot find this program")?;
    let mut worker = Command::new(exe)
        .args(["processes", "--bench-worker"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start the worker process")?;
    let mut to_worker = worker.stdin.take().context("no stdin pipe")?;
    let mut from_worker = BufReader::new(worker.stdout.take().context("no stdout pipe")?);
    let queue =
        Queue { jobs: Mutex::new((VecDeque::new(), false)), ready: Condvar::new() };
    let lock = || queue.jobs.lock().unwrap_or_else(PoisonError::into_inner);

    let (elapsed, sum) = std::thread::scope(|scope| -> Result<(Duration, u64)> {
        let feeder = scope.spawn(|| -> Result<()> {
            let mut line = String::new();
            loop {
                let (arg, reply) = {
                    let mut jobs = lock();
                    loop {
                        if let Some(job) = jobs.0.pop_front() {
                            break job;
                        }
                        if jobs.1 {
                            return Ok(());
                        }
                        jobs = queue
                            .ready
                            .wait(jobs)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                };
                to_worker.write_all(format!("{arg}\n").as_bytes())?;
                line.clear();
                from_worker.read_line(&mut line)?;
                let _ = reply.send(
                    line.trim_end()
                        .parse()
                        .with_context(|| format!("worker said {line:?}"))?,
                );
            }
        });
        let start = Instant::now();
        let mut sum = 0;
        for i in 0..n {
            let (reply, answer) = mpsc::sync_channel(1);
            lock().0.push_back((i, reply));
            queue.ready.notify_one();
            sum += answer.recv().context("the feeder thread stopped")?;
        }
        let elapsed = start.elapsed();
        lock().1 = true;
        queue.ready.notify_all();
        feeder.join().map_err(|_| anyhow::anyhow!("the feeder thread panicked"))??;
        Ok((elapsed, sum))
    })?;
    drop((to_worker, from_worker)); // EOF: the worker's loop ends
    worker.wait()?;
    report("process pool submit (feeder thread, worker process)", n, elapsed, sum)?;
    pipe_ping_pong(n)
}

/// The bench's worker process: echoes each number it reads, one per line, until EOF.
pub fn serve() -> Result<()> {
    use std::io::{BufRead as _, Write as _};

    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        writeln!(out, "{}", line?.trim())?;
        out.flush()?;
    }
    Ok(())
}

/// The processes' yardstick: a line to `cat` and back through two pipes, from this thread,
/// with no pool and no feeder thread: what any process pool's round trip costs at least.
fn pipe_ping_pong(n: u32) -> Result<()> {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::process::{Command, Stdio};

    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start cat for the pipe yardstick")?;
    let mut to_cat = cat.stdin.take().context("no stdin pipe")?;
    let mut from_cat = BufReader::new(cat.stdout.take().context("no stdout pipe")?);
    let mut line = String::new();
    let start = Instant::now();
    let mut sum = 0;
    for i in 0..n {
        to_cat.write_all(format!("{i}\n").as_bytes())?; // one write: one wake-up
        line.clear();
        from_cat.read_line(&mut line)?;
        sum += line
            .trim_end()
            .parse::<u64>()
            .with_context(|| format!("cat echoed {line:?}"))?;
    }
    let elapsed = start.elapsed();
    drop(to_cat);
    cat.wait()?;
    report("pipe ping-pong with cat (yardstick, no pool)", n, elapsed, sum)
}

fn tokio(n: u32) -> Result<()> {
    async fn round_trips(n: u32) -> Result<u64> {
        let mut sum = 0;
        for i in 0..n {
            sum += u64::from(tokio::task::spawn_blocking(move || i).await?);
        }
        Ok(sum)
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    let sum = runtime.block_on(round_trips(n))?;
    report("spawn_blocking (current-thread runtime)", n, start.elapsed(), sum)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let start = Instant::now();
    // From a task on a worker thread, where a multi-thread runtime runs async code.
    let sum = runtime.block_on(async { tokio::spawn(round_trips(n)).await })??;
    report("spawn_blocking (multi-thread runtime)", n, start.elapsed(), sum)
}

fn smol(n: u32) -> Result<()> {
    let start = Instant::now();
    let sum = smol::block_on(async {
        let mut sum = 0;
        for i in 0..n {
            sum += u64::from(smol::unblock(move || i).await);
        }
        sum
    });
    report("smol::unblock", n, start.elapsed(), sum)
}

fn async_std(n: u32) -> Result<()> {
    let start = Instant::now();
    let sum = async_std::task::block_on(async {
        let mut sum = 0;
        for i in 0..n {
            sum += u64::from(async_std::task::spawn_blocking(move || i).await);
        }
        sum
    });
    report("task::spawn_blocking (async-std)", n, start.elapsed(), sum)
}

fn futures(n: u32) -> Result<()> {
    // The variant's pool has two threads. Its threads share one channel receiver behind a
    // mutex, so with two, each job also wakes the other thread: the one-thread line shows the
    // difference.
    for size in [2, 1] {
        let pool = futures::executor::ThreadPool::builder().pool_size(size).create()?;
        let start = Instant::now();
        let sum = futures::executor::block_on(async {
            let mut sum = 0;
            for i in 0..n {
                sum += u64::from(pool.spawn_with_handle(async move { i })?.await);
            }
            Ok::<_, futures::task::SpawnError>(sum)
        })?;
        let threads = if size == 1 { "1 thread" } else { "2 threads" };
        let api = format!("ThreadPool::spawn_with_handle (futures, {threads})");
        report(&api, n, start.elapsed(), sum)?;
    }
    Ok(())
}

fn rayon(n: u32) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new().build()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    let sum = runtime.block_on(async {
        let mut sum = 0;
        for i in 0..n {
            let (tx, rx) = tokio::sync::oneshot::channel();
            pool.spawn(move || {
                let _ = tx.send(i);
            });
            sum += u64::from(rx.await?);
        }
        Ok::<_, tokio::sync::oneshot::error::RecvError>(sum)
    })?;
    report("rayon spawn + oneshot (from tokio)", n, start.elapsed(), sum)
}
