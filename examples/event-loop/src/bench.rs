//! `event-loop --bench N` and `--drift N`: the own loop measured beside the real ones.
//!
//! `--bench N` measures three things on each runtime, with its nearest API, and prints
//! one line each, ending in the rate:
//! - N callbacks scheduled, then run (`call_soon`; a task each where there are no
//!   callbacks);
//! - N/10 timers spread over the next millisecond, scheduled, then fired (`call_later`; a
//!   task that sleeps, elsewhere);
//! - N/10 wake-ups of the sleeping loop from another thread, one at a time: the thread
//!   hands the loop a callback (`call_soon_threadsafe`; a spawn from outside, or a
//!   channel) and waits until it has run. Each is a real wake-up: the loop was asleep in
//!   `epoll_wait` (or parked). The own loop's row ends with the yardstick: two threads
//!   that wake each other, no loop.
//!
//! `--drift N` runs N ticks of one unit twice: each tick scheduled one unit after the
//! last one ran (`call_later` from the callback, or `sleep` in a loop), and each on a
//! fixed grid (`call_at(start + k * unit)`, or an interval). It prints how late the last
//! tick was: relative scheduling adds every tick's lateness up; a grid does not.
//!
//! Kept out of the variant files, which stay free of measurement code; the own loop's
//! part uses the loop's own API.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use walkthrough::Runtime;

use crate::variants::own::EventLoop;

/// Runs the benchmark of `runtime` with `n` callbacks (and `n / 10` timers and wake-ups).
pub fn run(runtime: Runtime, n: u32) -> Result<()> {
    let small = (n / 10).max(1);
    match runtime {
        Runtime::Own => own(n, small),
        Runtime::Tokio => tokio(n, small),
        Runtime::Smol => smol(n, small),
        Runtime::AsyncStd => async_std(n, small),
        Runtime::Futures => futures(n, small),
        other => anyhow::bail!("event-loop has no {other} variant"),
    }
}

/// Prints `what: N in X ms, R k unit/s` (R thousand a second) once `done` is `count`.
fn report(
    what: &str,
    count: u32,
    done: u32,
    elapsed: Duration,
    unit: &str,
) -> Result<()> {
    ensure!(done == count, "{what}: {done} of {count} ran");
    let rate = f64::from(count) / elapsed.as_secs_f64().max(1e-9);
    let ms = elapsed.as_secs_f64() * 1000.0;
    println!("{what}: {count} in {ms:.1} ms, {:.1} k {unit}/s", rate / 1000.0);
    Ok(())
}

/// The delay of timer `i`: the timers are spread over the next millisecond.
fn spread(i: u32) -> Duration {
    Duration::from_micros(u64::from(i % 1000))
}

/// The thread side of a wake-up ping-pong: `send(i)` hands the loop the `i`-th callback,
/// which must end with `answer(i)`; the thread sleeps until it has. Returns the time
/// taken.
struct PingPong {
    turn: AtomicU32,
    thread: thread::Thread,
}

impl PingPong {
    /// For the loop's callbacks: trip `i` is done.
    fn answer(&self, i: u32) {
        self.turn.store(i + 1, Ordering::Release);
        self.thread.unpark();
    }

    /// On a new thread: `count` trips, each `send(i)`, then sleep until answered.
    fn start(
        count: u32,
        send: impl Fn(u32, &Arc<PingPong>) + Send + 'static,
    ) -> thread::JoinHandle<Duration> {
        thread::spawn(move || {
            let me =
                Arc::new(PingPong { turn: AtomicU32::new(0), thread: thread::current() });
            // Let the loop fall asleep before the first trip.
            thread::sleep(Duration::from_millis(20));
            let start = Instant::now();
            for i in 0..count {
                send(i, &me);
                while me.turn.load(Ordering::Acquire) != i + 1 {
                    thread::park(); // may wake spuriously: check again
                }
            }
            start.elapsed()
        })
    }
}

fn joined(handle: thread::JoinHandle<Duration>) -> Result<Duration> {
    handle.join().map_err(|_| anyhow::anyhow!("the ping-pong thread panicked"))
}

fn own(n: u32, small: u32) -> Result<()> {
    let lp = EventLoop::new()?;
    let done = Rc::new(Cell::new(0));

    let start = Instant::now();
    for _ in 0..n {
        let done = Rc::clone(&done);
        lp.call_soon(move |_| done.set(done.get() + 1));
    }
    lp.call_soon(EventLoop::stop);
    lp.run_forever()?;
    report("call_soon (own loop)", n, done.replace(0), start.elapsed(), "callbacks")?;

    let start = Instant::now();
    for i in 0..small {
        let done = Rc::clone(&done);
        lp.call_later(spread(i), move |lp| {
            done.set(done.get() + 1);
            if done.get() == small {
                lp.stop();
            }
        });
    }
    lp.run_forever()?;
    report("call_later (own loop)", small, done.replace(0), start.elapsed(), "timers")?;

    let remote = lp.remote();
    let pinger = PingPong::start(small, move |i, pong| {
        let pong = Arc::clone(pong);
        remote.call_soon_threadsafe(move |lp| {
            pong.answer(i);
            if i + 1 == small {
                lp.stop();
            }
        });
    });
    lp.run_forever()?;
    let elapsed = joined(pinger)?;
    report("call_soon_threadsafe (own loop)", small, small, elapsed, "wake-ups")?;
    lp.close();
    park_ping_pong(small)
}

/// The yardstick: two threads that wake each other (`park`/`unpark`), with no loop
/// between.
fn park_ping_pong(count: u32) -> Result<()> {
    let (to_echo, from_echo) = std::sync::mpsc::channel::<Arc<PingPong>>();
    let echo = thread::spawn(move || {
        let Ok(pong) = from_echo.recv() else { return };
        for i in 0..count {
            while pong.turn.load(Ordering::Acquire) != 2 * i + 1 {
                thread::park();
            }
            pong.turn.store(2 * i + 2, Ordering::Release);
            pong.thread.unpark();
        }
    });
    let me = Arc::new(PingPong { turn: AtomicU32::new(0), thread: thread::current() });
    to_echo.send(Arc::clone(&me)).context("the echo thread is gone")?;
    let start = Instant::now();
    for i in 0..count {
        me.turn.store(2 * i + 1, Ordering::Release);
        echo.thread().unpark();
        while me.turn.load(Ordering::Acquire) != 2 * i + 2 {
            thread::park();
        }
    }
    let elapsed = start.elapsed();
    echo.join().map_err(|_| anyhow::anyhow!("the echo thread panicked"))?;
    report("park/unpark, two threads (yardstick)", count, count, elapsed, "wake-ups")
}

fn tokio(n: u32, small: u32) -> Result<()> {
    use tokio::task::LocalSet;

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let done = Rc::new(Cell::new(0));

    let start = Instant::now();
    let local = LocalSet::new();
    for _ in 0..n {
        let done = Rc::clone(&done);
        local.spawn_local(async move { done.set(done.get() + 1) });
    }
    runtime.block_on(local);
    report(
        "spawn_local (tokio current-thread)",
        n,
        done.replace(0),
        start.elapsed(),
        "callbacks",
    )?;

    let start = Instant::now();
    let local = LocalSet::new();
    for i in 0..small {
        let done = Rc::clone(&done);
        local.spawn_local(async move {
            tokio::time::sleep(spread(i)).await;
            done.set(done.get() + 1);
        });
    }
    runtime.block_on(local);
    report(
        "spawn_local + sleep (tokio current-thread)",
        small,
        done.replace(0),
        start.elapsed(),
        "timers",
    )?;

    let (finished, all_done) = tokio::sync::oneshot::channel();
    let finished = std::sync::Mutex::new(Some(finished));
    let handle = runtime.handle().clone();
    let pinger = PingPong::start(small, move |i, pong| {
        let pong = Arc::clone(pong);
        let last = if i + 1 == small {
            finished.lock().ok().and_then(|mut f| f.take())
        } else {
            None
        };
        handle.spawn(async move {
            pong.answer(i);
            if let Some(finished) = last {
                let _ = finished.send(());
            }
        });
    });
    runtime.block_on(all_done).context("the ping-pong thread stopped")?;
    let elapsed = joined(pinger)?;
    report("Handle::spawn (tokio current-thread)", small, small, elapsed, "wake-ups")
}

fn smol(n: u32, small: u32) -> Result<()> {
    use smol::LocalExecutor;

    let executor = LocalExecutor::new();
    let done = Rc::new(Cell::new(0));

    let start = Instant::now();
    for _ in 0..n {
        let done = Rc::clone(&done);
        executor.spawn(async move { done.set(done.get() + 1) }).detach();
    }
    while executor.try_tick() {}
    report(
        "LocalExecutor::spawn (smol)",
        n,
        done.replace(0),
        start.elapsed(),
        "callbacks",
    )?;

    let start = Instant::now();
    let (finished, all_done) = smol::channel::bounded(1);
    for i in 0..small {
        let (done, finished) = (Rc::clone(&done), finished.clone());
        executor
            .spawn(async move {
                smol::Timer::after(spread(i)).await;
                done.set(done.get() + 1);
                if done.get() == small {
                    let _ = finished.try_send(());
                }
            })
            .detach();
    }
    smol::block_on(executor.run(all_done.recv())).context("the timers stopped")?;
    report(
        "LocalExecutor::spawn + Timer (smol)",
        small,
        done.replace(0),
        start.elapsed(),
        "timers",
    )?;

    // A LocalExecutor cannot be reached from another thread: a channel into a task can.
    let (to_loop, inbox) = smol::channel::unbounded::<(u32, Arc<PingPong>)>();
    let pinger = PingPong::start(small, move |i, pong| {
        let _ = to_loop.send_blocking((i, Arc::clone(pong)));
    });
    smol::block_on(executor.run(async {
        while let Ok((i, pong)) = inbox.recv().await {
            pong.answer(i);
        }
    }));
    let elapsed = joined(pinger)?;
    report("channel into a task (smol LocalExecutor)", small, small, elapsed, "wake-ups")
}

fn async_std(n: u32, small: u32) -> Result<()> {
    use async_std::task;

    // async-std's executor is a global pool of threads: its tasks need `Send`.
    let done = Arc::new(AtomicU32::new(0));
    let start = Instant::now();
    task::block_on(async {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let done = Arc::clone(&done);
                task::spawn(async move { done.fetch_add(1, Ordering::Relaxed) })
            })
            .collect();
        for t in tasks {
            t.await;
        }
    });
    let ran = done.swap(0, Ordering::Relaxed);
    report("task::spawn (async-std, legacy)", n, ran, start.elapsed(), "callbacks")?;

    let start = Instant::now();
    task::block_on(async {
        let tasks: Vec<_> = (0..small)
            .map(|i| {
                let done = Arc::clone(&done);
                task::spawn(async move {
                    task::sleep(spread(i)).await;
                    done.fetch_add(1, Ordering::Relaxed)
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
    });
    let ran = done.swap(0, Ordering::Relaxed);
    report(
        "task::spawn + sleep (async-std, legacy)",
        small,
        ran,
        start.elapsed(),
        "timers",
    )?;

    let (to_loop, inbox) = async_std::channel::unbounded::<(u32, Arc<PingPong>)>();
    let pinger = PingPong::start(small, move |i, pong| {
        let _ = to_loop.send_blocking((i, Arc::clone(pong)));
    });
    task::block_on(async {
        while let Ok((i, pong)) = inbox.recv().await {
            pong.answer(i);
        }
    });
    let elapsed = joined(pinger)?;
    report("channel into block_on (async-std, legacy)", small, small, elapsed, "wake-ups")
}

fn futures(n: u32, small: u32) -> Result<()> {
    use futures::StreamExt as _;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt as _;

    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let done = Rc::new(Cell::new(0));

    let start = Instant::now();
    for _ in 0..n {
        let done = Rc::clone(&done);
        spawner.spawn_local(async move { done.set(done.get() + 1) })?;
    }
    pool.run();
    report(
        "LocalPool::spawn_local (futures)",
        n,
        done.replace(0),
        start.elapsed(),
        "callbacks",
    )?;

    let start = Instant::now();
    for i in 0..small {
        let done = Rc::clone(&done);
        spawner.spawn_local(async move {
            futures_timer::Delay::new(spread(i)).await;
            done.set(done.get() + 1);
        })?;
    }
    pool.run();
    report(
        "spawn_local + futures-timer Delay (futures)",
        small,
        done.replace(0),
        start.elapsed(),
        "timers",
    )?;

    let (to_loop, mut inbox) =
        futures::channel::mpsc::unbounded::<(u32, Arc<PingPong>)>();
    let pinger = PingPong::start(small, move |i, pong| {
        let _ = to_loop.unbounded_send((i, Arc::clone(pong)));
    });
    pool.run_until(async {
        while let Some((i, pong)) = inbox.next().await {
            pong.answer(i);
        }
    });
    let elapsed = joined(pinger)?;
    report("mpsc into a LocalPool task (futures)", small, small, elapsed, "wake-ups")
}

/// Runs `ticks` ticks of `unit` both ways on `runtime` and prints how late the last one
/// was.
pub fn drift(runtime: Runtime, ticks: u32, unit: Duration) -> Result<()> {
    let lines: Vec<(&str, Duration)> = match runtime {
        Runtime::Own => own_drift(ticks, unit)?,
        Runtime::Tokio => {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let chain = runtime.block_on(ticking(ticks, unit, |d| tokio::time::sleep(d)));
            let grid = runtime.block_on(async {
                let start = Instant::now();
                let mut interval = tokio::time::interval(unit);
                interval.tick().await; // the first tick is at once
                for _ in 0..ticks {
                    interval.tick().await;
                }
                start.elapsed()
            });
            vec![
                ("sleep(unit) in a loop (tokio)", chain),
                ("interval(unit) (tokio)", grid),
            ]
        }
        Runtime::Smol => {
            let chain = smol::block_on(ticking(ticks, unit, smol::Timer::after));
            let grid = smol::block_on(async {
                use smol::stream::StreamExt as _;
                let start = Instant::now();
                let mut interval = smol::Timer::interval(unit);
                for _ in 0..ticks {
                    interval.next().await;
                }
                start.elapsed()
            });
            vec![
                ("Timer::after(unit) in a loop (smol)", chain),
                ("Timer::interval(unit) (smol)", grid),
            ]
        }
        Runtime::AsyncStd => {
            let chain =
                async_std::task::block_on(ticking(ticks, unit, async_std::task::sleep));
            // Its `stream::interval` makes a new timer after each tick: relative, like
            // the sleep loop. Measured too, then the grid by hand.
            let interval = async_std::task::block_on(async {
                use async_std::stream::StreamExt as _;
                let start = Instant::now();
                let mut interval = async_std::stream::interval(unit);
                for _ in 0..ticks {
                    interval.next().await;
                }
                start.elapsed()
            });
            let grid = async_std::task::block_on(async {
                let start = Instant::now();
                for k in 1..=ticks {
                    async_std::task::sleep(
                        (start + unit * k).saturating_duration_since(Instant::now()),
                    )
                    .await;
                }
                start.elapsed()
            });
            vec![
                ("task::sleep(unit) in a loop (async-std)", chain),
                ("stream::interval(unit) (async-std)", interval),
                ("task::sleep until start + k * unit (async-std)", grid),
            ]
        }
        Runtime::Futures => {
            let chain = futures::executor::block_on(ticking(
                ticks,
                unit,
                futures_timer::Delay::new,
            ));
            // futures-timer has no interval: sleep until the next point of the grid.
            let grid = futures::executor::block_on(async {
                let start = Instant::now();
                for k in 1..=ticks {
                    let due = start + unit * k;
                    futures_timer::Delay::new(
                        due.saturating_duration_since(Instant::now()),
                    )
                    .await;
                }
                start.elapsed()
            });
            vec![
                ("Delay::new(unit) in a loop (futures)", chain),
                ("Delay until start + k * unit (futures)", grid),
            ]
        }
        other => anyhow::bail!("event-loop has no {other} variant"),
    };
    for (what, took) in lines {
        report_drift(what, ticks, unit, took);
    }
    Ok(())
}

/// `ticks` sleeps of `unit`, one after another; how long they took.
async fn ticking<F: Future>(
    ticks: u32,
    unit: Duration,
    sleep: impl Fn(Duration) -> F,
) -> Duration {
    let start = Instant::now();
    for _ in 0..ticks {
        sleep(unit).await;
    }
    start.elapsed()
}

fn own_drift(ticks: u32, unit: Duration) -> Result<Vec<(&'static str, Duration)>> {
    fn chain(lp: &EventLoop, left: u32, unit: Duration, end: Rc<Cell<Instant>>) {
        if left == 0 {
            end.set(lp.time());
            lp.stop();
        } else {
            lp.call_later(unit, move |lp| chain(lp, left - 1, unit, end));
        }
    }
    let lp = EventLoop::new()?;
    let end = Rc::new(Cell::new(Instant::now()));
    let start = lp.time();
    chain(&lp, ticks, unit, Rc::clone(&end));
    lp.run_forever()?;
    let relative = end.get() - start;

    let start = lp.time();
    for k in 1..=ticks {
        let end = Rc::clone(&end);
        lp.call_at(start + unit * k, move |lp| {
            if k == ticks {
                end.set(lp.time());
                lp.stop();
            }
        });
    }
    lp.run_forever()?;
    let grid = end.get() - start;
    lp.close();
    Ok(vec![
        ("call_later from each tick (own loop)", relative),
        ("call_at(start + k * unit) (own loop)", grid),
    ])
}

/// Prints how late the last of `ticks` ticks came, in all and per tick.
fn report_drift(what: &str, ticks: u32, unit: Duration, took: Duration) {
    let late = took.as_secs_f64() - (unit * ticks).as_secs_f64();
    println!(
        "{what}: last of {ticks} ticks {:.2} ms late ({:.3} ms/tick)",
        late * 1000.0,
        late * 1000.0 / f64::from(ticks)
    );
}
