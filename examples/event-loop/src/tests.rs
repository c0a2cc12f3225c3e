//! The own loop's rules, one test each: asyncio's semantics, which the loop promises.
//! (`just valgrind` runs these under valgrind; `just loom` model-checks the inbox.)

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use crate::variants::own::{EventLoop, Handle, Remote, first_completed, wait_for};

/// A log the callbacks write to, shared with the test.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn push(&self, entry: impl Into<String>) {
        self.0.borrow_mut().push(entry.into());
    }

    /// A callback that logs `entry`.
    fn note(&self, entry: &'static str) -> impl FnOnce(&EventLoop) + 'static {
        let log = self.clone();
        move |_| log.push(entry)
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// A loop that stops by itself after `limit`, so that a broken rule fails the test rather
/// than hanging it.
fn new_loop(limit: Duration) -> EventLoop {
    let lp = EventLoop::new().expect("a new loop");
    lp.call_later(limit, |lp| {
        lp.stop();
        panic!("the test's loop was still running after its limit");
    });
    lp
}

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn call_soon_runs_callbacks_in_the_order_they_were_scheduled() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    for entry in ["a", "b", "c", "d"] {
        lp.call_soon(log.note(entry));
    }
    lp.call_soon(EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["a", "b", "c", "d"]);
    lp.close();
}

#[test]
fn a_callback_scheduled_during_a_batch_runs_in_the_next_batch() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let inner = log.clone();
    lp.call_soon(move |lp| {
        inner.push("first");
        let later = inner.clone();
        lp.call_soon(move |_| later.push("scheduled by first"));
        lp.stop(); // the batch ends: "second" runs, "scheduled by first" does not
    });
    lp.call_soon(log.note("second"));
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["first", "second"]);
    // The next run starts with the next batch.
    lp.call_soon(EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["scheduled by first"]);
    lp.close();
}

#[test]
fn stop_lets_the_current_batch_finish() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    lp.call_soon(log.note("before"));
    lp.call_soon(EventLoop::stop);
    lp.call_soon(log.note("after stop, same batch"));
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["before", "after stop, same batch"]);
    lp.close();
}

#[test]
fn stop_before_run_forever_runs_one_batch() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    lp.stop();
    lp.call_soon(log.note("queued"));
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["queued"]);
    lp.close();
}

#[test]
fn a_callback_that_reschedules_itself_does_not_starve_timers() {
    // Each batch runs only what was queued when it began, then looks at the timers again:
    // a due timer runs in the very first batch, beside the first turn of an endless
    // chain.
    fn spin(lp: &EventLoop, turns: Rc<Cell<u32>>) {
        turns.set(turns.get() + 1);
        if turns.get() < 1000 {
            lp.call_soon(move |lp| spin(lp, turns));
        } else {
            lp.stop(); // starved: the timer never came
        }
    }
    let lp = new_loop(LIMIT);
    let turns = Rc::new(Cell::new(0));
    let timer_saw = Rc::new(Cell::new(None));
    let (seen, count) = (Rc::clone(&timer_saw), Rc::clone(&turns));
    lp.call_at(lp.time(), move |lp| {
        seen.set(Some(count.get()));
        lp.stop();
    });
    let chain = Rc::clone(&turns);
    lp.call_soon(move |lp| spin(lp, chain));
    lp.run_forever().unwrap();
    assert_eq!(timer_saw.get(), Some(1), "the timer ran after {} turns", turns.get());
    lp.close();
}

#[test]
fn timers_run_in_time_order_and_ties_in_scheduling_order() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let at = lp.time() + Duration::from_millis(30);
    lp.call_at(at, log.note("tie 1"));
    lp.call_at(at, log.note("tie 2"));
    lp.call_at(at + Duration::from_millis(10), log.note("last"));
    lp.call_at(at, log.note("tie 3"));
    lp.call_later(Duration::from_millis(5), log.note("first"));
    lp.call_at(at + Duration::from_millis(20), EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["first", "tie 1", "tie 2", "tie 3", "last"]);
    lp.close();
}

#[test]
fn a_timer_never_runs_before_its_time() {
    let lp = new_loop(LIMIT);
    let start = Instant::now();
    let ran_at = Rc::new(Cell::new(None));
    let record = Rc::clone(&ran_at);
    lp.call_later(Duration::from_millis(30), move |lp| {
        record.set(Some(start.elapsed()));
        lp.stop();
    });
    lp.run_forever().unwrap();
    let elapsed = ran_at.get().expect("the timer ran");
    assert!(elapsed >= Duration::from_millis(30), "{elapsed:?}");
    lp.close();
}

#[test]
fn a_cancelled_timer_never_runs() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let cancelled = lp.call_later(Duration::from_millis(5), log.note("cancelled early"));
    cancelled.cancel();
    assert!(cancelled.cancelled());
    // Two timers due at the same instant: the first cancels the second, which is already
    // queued in the same batch, and must not run.
    let at = lp.time() + Duration::from_millis(10);
    let victim = Rc::new(RefCell::new(None::<Handle>));
    let target = Rc::clone(&victim);
    let inner = log.clone();
    lp.call_at(at, move |_| {
        inner.push("canceller");
        if let Some(handle) = target.borrow_mut().take() {
            handle.cancel();
        }
    });
    *victim.borrow_mut() = Some(lp.call_at(at, log.note("cancelled in the same batch")));
    lp.call_later(Duration::from_millis(30), EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["canceller"]);
    lp.close();
}

#[test]
fn callbacks_queued_before_a_batch_run_before_its_io_and_its_timers() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let (rsock, mut wsock) = UnixStream::pair().unwrap();
    rsock.set_nonblocking(true).unwrap();
    wsock.write_all(b"x").unwrap();
    let rsock = Rc::new(rsock);
    let (reader_log, reader) = (log.clone(), Rc::clone(&rsock));
    lp.add_reader(&*rsock, move |lp| {
        reader_log.push("reader");
        lp.remove_reader(&*reader);
    })
    .unwrap();
    lp.call_at(lp.time(), log.note("timer"));
    lp.call_soon(log.note("soon"));
    lp.call_later(Duration::from_millis(20), EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["soon", "reader", "timer"]);
    lp.close();
}

#[test]
fn a_reader_runs_while_its_fd_has_data_and_stops_when_removed() {
    let lp = new_loop(LIMIT);
    let (rsock, mut wsock) = UnixStream::pair().unwrap();
    rsock.set_nonblocking(true).unwrap();
    let rsock = Rc::new(rsock);
    let calls = Rc::new(Cell::new(0));
    let (reader, counter) = (Rc::clone(&rsock), Rc::clone(&calls));
    lp.add_reader(&*rsock, move |lp| {
        // Reads nothing: level-triggered, the callback comes back every batch.
        counter.set(counter.get() + 1);
        if counter.get() == 3 {
            assert!(lp.remove_reader(&*reader));
            lp.call_later(Duration::from_millis(20), EventLoop::stop);
        }
    })
    .unwrap();
    wsock.write_all(b"unread").unwrap();
    lp.run_forever().unwrap();
    assert_eq!(calls.get(), 3);
    assert!(!lp.remove_reader(&*rsock), "removed twice");
    lp.close();
}

#[test]
fn add_reader_again_replaces_the_callback() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let (rsock, mut wsock) = UnixStream::pair().unwrap();
    let rsock = Rc::new(rsock);
    let old = log.clone();
    lp.add_reader(&*rsock, move |_| old.push("old")).unwrap();
    let (new, reader) = (log.clone(), Rc::clone(&rsock));
    lp.add_reader(&*rsock, move |lp| {
        new.push("new");
        lp.remove_reader(&*reader);
        lp.stop();
    })
    .unwrap();
    wsock.write_all(b"x").unwrap();
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["new"]);
    lp.close();
}

#[test]
fn remove_reader_cancels_a_call_already_queued_in_the_batch() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let (a, mut a_writer) = UnixStream::pair().unwrap();
    let (b, mut b_writer) = UnixStream::pair().unwrap();
    let (a, b) = (Rc::new(a), Rc::new(b));
    // Both become readable in the same batch; whichever runs first removes both readers,
    // though the other's call is already queued behind it.
    for (me, other, name) in [(&a, &b, "a"), (&b, &a, "b")] {
        let (me, other, log) = (Rc::clone(me), Rc::clone(other), log.clone());
        lp.add_reader(&*Rc::clone(&me), move |lp| {
            log.push(name);
            lp.remove_reader(&*me);
            lp.remove_reader(&*other);
        })
        .unwrap();
    }
    a_writer.write_all(b"x").unwrap();
    b_writer.write_all(b"x").unwrap();
    lp.call_later(Duration::from_millis(20), EventLoop::stop);
    lp.run_forever().unwrap();
    let ran = log.take();
    assert!(ran == ["a"] || ran == ["b"], "{ran:?}");
    lp.close();
}

#[test]
fn call_soon_threadsafe_wakes_a_sleeping_loop() {
    let lp = new_loop(LIMIT);
    let remote: Remote = lp.remote();
    let start = Instant::now();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50)); // the loop is asleep by now
        remote.call_soon_threadsafe(EventLoop::stop);
    });
    lp.run_forever().unwrap();
    let elapsed = start.elapsed();
    sender.join().unwrap();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(10),
        "woken by the limit, not the thread: {elapsed:?}"
    );
    lp.close();
}

#[test]
fn call_soon_threadsafe_from_many_threads_loses_nothing() {
    let lp = new_loop(LIMIT);
    let received = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (remote, received) = (lp.remote(), Arc::clone(&received));
            std::thread::spawn(move || {
                for i in 0..250 {
                    let received = Arc::clone(&received);
                    remote.call_soon_threadsafe(move |lp| {
                        let mut received = received.lock().unwrap();
                        received.push((t, i));
                        if received.len() == 1000 {
                            lp.stop();
                        }
                    });
                }
            })
        })
        .collect();
    lp.run_forever().unwrap();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1000);
    for t in 0..4 {
        let mine: Vec<_> =
            received.iter().filter(|(from, _)| *from == t).map(|(_, i)| *i).collect();
        assert_eq!(
            mine,
            (0..250).collect::<Vec<_>>(),
            "thread {t}'s callbacks out of order"
        );
    }
    drop(received);
    lp.close();
}

#[test]
fn the_types_keep_the_loop_on_its_thread() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Remote>();
    // `EventLoop` is not `Send`: if it were, both impls would apply and `<_>` be
    // ambiguous.
    trait NotSend<A> {
        fn check() {}
    }
    impl<T: ?Sized> NotSend<()> for T {}
    impl<T: ?Sized + Send> NotSend<u8> for T {}
    <EventLoop as NotSend<_>>::check();
    <Handle as NotSend<_>>::check();
}

#[test]
fn run_until_complete_returns_the_output_and_sleep_waits() {
    let lp = new_loop(LIMIT);
    let sleeper = lp.clone();
    let start = Instant::now();
    let output = lp
        .run_until_complete(async move {
            sleeper.sleep(Duration::from_millis(30)).await;
            42
        })
        .unwrap();
    assert_eq!(output, 42);
    assert!(start.elapsed() >= Duration::from_millis(30));
    lp.close();
}

#[test]
fn tasks_start_in_the_next_batch_and_interleave_at_each_await() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let (task_log, spawner) = (log.clone(), lp.clone());
    lp.run_until_complete(async move {
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let (log, lp) = (task_log.clone(), spawner.clone());
                spawner.spawn(async move {
                    log.push(format!("{name} starts"));
                    lp.sleep(Duration::from_millis(10)).await;
                    log.push(format!("{name} ends"));
                })
            })
            .collect();
        task_log.push("spawned");
        for task in tasks {
            task.await;
        }
    })
    .unwrap();
    assert_eq!(log.take(), ["spawned", "a starts", "b starts", "a ends", "b ends"]);
    lp.close();
}

/// A future that counts its polls and is pending until `ready` is set by someone else.
struct Gate {
    ready: Arc<Mutex<(bool, Option<Waker>)>>,
    polls: Rc<Cell<u32>>,
}

impl Future for Gate {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        let mut ready = self.ready.lock().unwrap();
        if ready.0 {
            return Poll::Ready(());
        }
        ready.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn a_waker_called_from_another_thread_wakes_the_task_once() {
    let lp = new_loop(LIMIT);
    let ready = Arc::new(Mutex::new((false, None::<Waker>)));
    let polls = Rc::new(Cell::new(0));
    let opener = {
        let ready = Arc::clone(&ready);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            let mut ready = ready.lock().unwrap();
            ready.0 = true;
            let waker = ready.1.take().expect("the task was polled and left its waker");
            // Three wake-ups before the loop gets to the task: one poll is enough.
            waker.wake_by_ref();
            waker.wake_by_ref();
            waker.wake();
        })
    };
    lp.run_until_complete(Gate { ready, polls: Rc::clone(&polls) }).unwrap();
    opener.join().unwrap();
    assert_eq!(polls.get(), 2, "one poll to start, one after the wake-ups");
    lp.close();
}

/// Sets its flag when dropped.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn a_cancelled_task_is_dropped_at_its_await_and_never_resumes() {
    let lp = new_loop(LIMIT);
    let log = Log::default();
    let dropped = Rc::new(Cell::new(false));
    let (task_log, sleeper, flag) =
        (log.clone(), lp.clone(), DropFlag(Rc::clone(&dropped)));
    let task = lp.spawn(async move {
        let _flag = flag;
        task_log.push("started");
        sleeper.sleep(Duration::from_millis(20)).await;
        task_log.push("resumed");
    });
    lp.call_later(Duration::from_millis(5), move |_| task.cancel());
    lp.call_later(Duration::from_millis(50), EventLoop::stop);
    lp.run_forever().unwrap();
    assert_eq!(log.take(), ["started"]);
    assert!(dropped.get(), "the cancelled task's future was not dropped");
    lp.close();
}

#[test]
fn first_completed_and_wait_for_pick_the_earliest() {
    let lp = new_loop(LIMIT);
    let outer = lp.clone();
    let (first, timed_out, in_time) = lp
        .run_until_complete(async move {
            let lp = outer;
            let after = |ms: u64, value: u32| {
                let lp2 = lp.clone();
                lp.spawn(async move {
                    lp2.sleep(Duration::from_millis(ms)).await;
                    value
                })
            };
            let mut tasks = vec![after(40, 1), after(10, 2), after(25, 3)];
            let first = first_completed(&mut tasks).await;
            assert_eq!(tasks.len(), 2);
            let slow = lp.sleep(Duration::from_millis(100));
            let timed_out = wait_for(&lp, Duration::from_millis(10), slow).await;
            let quick = poll_fn(|_| Poll::Ready(7));
            let in_time = wait_for(&lp, Duration::from_millis(10), quick).await;
            (first, timed_out, in_time)
        })
        .unwrap();
    assert_eq!((first, timed_out, in_time), (2, None, Some(7)));
    lp.close();
}

#[test]
fn run_forever_refuses_to_run_twice_at_once_and_run_until_complete_reports_an_early_stop()
{
    let lp = new_loop(LIMIT);
    let nested = Rc::new(RefCell::new(None));
    let result = Rc::clone(&nested);
    lp.call_soon(move |lp| {
        *result.borrow_mut() = Some(lp.run_forever().is_err());
        lp.stop();
    });
    lp.run_forever().unwrap();
    assert_eq!(*nested.borrow(), Some(true));

    let stopper = lp.clone();
    let early = lp.run_until_complete(async move {
        stopper.stop();
        stopper.sleep(Duration::from_secs(60)).await;
    });
    assert!(early.is_err());
    lp.close();
}

#[test]
fn close_drops_what_is_left_and_breaks_the_cycles() {
    let lp = new_loop(LIMIT);
    let dropped = Rc::new(Cell::new(0));
    for _ in 0..3 {
        let flag = DropFlag(Rc::new(Cell::new(false)));
        let count = Rc::clone(&dropped);
        let lp2 = lp.clone(); // a task holding the loop: a cycle until close()
        lp.spawn(async move {
            let _flag = flag;
            lp2.sleep(Duration::from_secs(60)).await;
            count.set(99);
        });
    }
    let keep = Rc::new(());
    let held = Rc::clone(&keep);
    lp.call_later(Duration::from_secs(60), move |_| drop(held));
    lp.call_soon(EventLoop::stop);
    lp.run_forever().unwrap();
    lp.close();
    assert_eq!(Rc::strong_count(&keep), 1, "a timer's callback survived close()");
    assert_eq!(dropped.get(), 0, "a task ran on after close()");
}
