//! `event-loop` on a loop of our own: an event loop built from scratch, in this one file.
//!
//! Pairs with "The Event Loop and asyncio.run()" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018) and the event-loop section of "Python's asyncio: A
//! Hands-On Walkthrough" (2025), and with the asyncio reference's "Event Loop" page,
//! whose three examples it runs: Hello World with `call_soon`, the date with
//! `call_later`, and a socket pair watched with `add_reader`. Then it runs `count` and
//! `gather` as plain `async fn`s. No runtime crate: the loop is a queue of ready
//! callbacks, a heap of timers, and Linux's `epoll` (through rustix's safe calls) with an
//! `eventfd` that other threads use to wake it. It follows asyncio's rules; tokio, smol
//! and the rest keep such a loop inside, out of sight, and expose tasks instead of
//! callbacks. Linux only (epoll).
//!
//! Dependencies: `cargo add jiff && cargo add rustix --features event`
//! Run: `cargo run --release` (in this repository: `just run event-loop own`)

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::{Future, poll_fn};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::atomic::{self, AtomicBool};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use rustix::event::{EventfdFlags, epoll, eventfd};

/// What the program runs with; `just run event-loop` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(100) }
    }
}

pub fn main() -> io::Result<()> {
    run(Params::default())
}

// ANCHOR: types
/// A callback the loop runs once, on its own thread, handing it the loop.
type Callback = Box<dyn FnOnce(&EventLoop)>;
/// A callback sent from another thread: it must be `Send` to get there.
type ThreadsafeCallback = Box<dyn FnOnce(&EventLoop) + Send>;
/// A reader's callback: it runs each time its fd has data, so it is `FnMut`.
type ReaderCallback = Box<dyn FnMut(&EventLoop)>;

/// The event loop. Cloning it gives another handle to the same loop. It holds `Rc`s, so
/// it is neither `Send` nor `Sync`: no other thread can ever hold it, and `call_soon`
/// cannot be called from one. Other threads get a [`Remote`] instead.
#[derive(Clone)]
pub struct EventLoop(Rc<Core>);

struct Core {
    /// Callbacks to run, first in, first out, each with the handle that can cancel it.
    ready: RefCell<VecDeque<(Callback, Option<Handle>)>>,
    /// Timers, soonest first (a `BinaryHeap` pops its greatest: see `Ord for Timer`).
    timers: RefCell<BinaryHeap<Timer>>,
    /// Numbers the timers in the order they were scheduled, to break ties.
    next_timer: Cell<u64>,
    /// The file descriptors watched for reading, and their callbacks.
    readers: RefCell<HashMap<RawFd, Rc<Reader>>>,
    /// The kernel's readiness queue: we sleep in `epoll_wait` until an fd is ready, the
    /// next timer is due, or another thread writes to the eventfd.
    epoll: OwnedFd,
    /// Room for the events one `epoll_wait` returns.
    events: RefCell<Vec<epoll::Event>>,
    /// The part other threads share: the inbox and the eventfd.
    remote: Remote,
    /// Set by `stop()`: `run_forever` returns after the current batch.
    stopping: Cell<bool>,
    running: Cell<bool>,
    /// The spawned futures, by task number (see "Tasks" below).
    tasks: RefCell<HashMap<u64, TaskSlot>>,
    next_task: Cell<u64>,
    /// When the loop was made: timers count their time from it.
    epoch: Instant,
}

/// Cancels what it was returned for: a cancelled callback never runs.
#[derive(Clone, Default)]
pub struct Handle(Rc<Cell<bool>>);

impl Handle {
    pub fn cancel(&self) {
        self.0.set(true);
    }

    pub fn cancelled(&self) -> bool {
        self.0.get()
    }
}
// ANCHOR_END: types

// ANCHOR: timer
/// A callback due at `when`: so many nanoseconds after the loop's `epoch` (one number
/// compares faster than an `Instant`, and the heap compares a lot).
struct Timer {
    when: u64,
    /// Scheduled `seq`-th: of two timers due at the same instant, the first scheduled
    /// runs first.
    seq: u64,
    handle: Handle,
    callback: Callback,
}

impl Ord for Timer {
    /// Reversed, so that the heap's greatest is the soonest (and, at a tie, the oldest).
    fn cmp(&self, other: &Timer) -> Ordering {
        (other.when, other.seq).cmp(&(self.when, self.seq))
    }
}
// ANCHOR_END: timer

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Timer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Timer) -> bool {
        (self.when, self.seq) == (other.when, other.seq)
    }
}

impl Eq for Timer {}

/// A file descriptor's read callback: it runs in each batch while the fd has data.
struct Reader {
    /// A duplicate of the fd, which epoll watches: the loop owns it, so it can always
    /// unregister it, whatever the caller does with its own.
    fd: OwnedFd,
    callback: RefCell<ReaderCallback>,
    /// Cancelled by `remove_reader`: a queued call of a removed reader never runs.
    handle: Handle,
}

/// The `epoll` key of the eventfd; every other key is the fd of a reader.
const WAKEUP: u64 = u64::MAX;

// ANCHOR: schedule
impl EventLoop {
    pub fn new() -> io::Result<EventLoop> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        let wakeup = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        epoll::add(
            &epoll,
            &wakeup,
            epoll::EventData::new_u64(WAKEUP),
            epoll::EventFlags::IN,
        )?;
        let inbox = Mutex::new(Inbox::default());
        Ok(EventLoop(Rc::new(Core {
            ready: RefCell::default(),
            timers: RefCell::default(),
            next_timer: Cell::new(0),
            readers: RefCell::default(),
            epoll,
            events: RefCell::new(Vec::with_capacity(64)),
            remote: Remote(Arc::new(Shared { inbox, wakeup })),
            stopping: Cell::new(false),
            running: Cell::new(false),
            tasks: RefCell::default(),
            next_task: Cell::new(0),
            epoch: Instant::now(),
        })))
    }

    /// The loop's clock (asyncio's `loop.time()` is `time.monotonic()`).
    pub fn time(&self) -> Instant {
        Instant::now()
    }

    /// Runs `callback` in the next batch, after the callbacks already scheduled.
    pub fn call_soon(&self, callback: impl FnOnce(&EventLoop) + 'static) {
        self.0.ready.borrow_mut().push_back((Box::new(callback), None));
    }

    /// Runs `callback` once `delay` has passed.
    pub fn call_later(
        &self,
        delay: Duration,
        callback: impl FnOnce(&EventLoop) + 'static,
    ) -> Handle {
        self.call_at(self.time() + delay, callback)
    }

    /// Runs `callback` once the loop's clock reaches `when`.
    pub fn call_at(
        &self,
        when: Instant,
        callback: impl FnOnce(&EventLoop) + 'static,
    ) -> Handle {
        let handle = Handle::default();
        let seq = self.0.next_timer.get();
        self.0.next_timer.set(seq + 1);
        let when = self.since_epoch(when);
        let timer =
            Timer { when, seq, handle: handle.clone(), callback: Box::new(callback) };
        self.0.timers.borrow_mut().push(timer);
        handle
    }

    /// Makes `run_forever` return once the batch that is running has finished.
    pub fn stop(&self) {
        self.0.stopping.set(true);
    }

    /// The handle other threads use: it can only `call_soon_threadsafe`.
    pub fn remote(&self) -> Remote {
        self.0.remote.clone()
    }
}
// ANCHOR_END: schedule

// ANCHOR: readers
impl EventLoop {
    /// Runs `callback` in every batch while `fd` has data to read (level-triggered, as
    /// asyncio's selectors are): the callback reads, or it runs again. A second
    /// `add_reader` for the same fd replaces the callback.
    pub fn add_reader(
        &self,
        fd: impl AsFd,
        callback: impl FnMut(&EventLoop) + 'static,
    ) -> io::Result<()> {
        self.remove_reader(&fd);
        let raw = fd.as_fd().as_raw_fd();
        let own = fd.as_fd().try_clone_to_owned()?;
        epoll::add(
            &self.0.epoll,
            &own,
            epoll::EventData::new_u64(raw as u64),
            epoll::EventFlags::IN,
        )?;
        let callback = RefCell::new(Box::new(callback) as ReaderCallback);
        let reader = Reader { fd: own, callback, handle: Handle::default() };
        self.0.readers.borrow_mut().insert(raw, Rc::new(reader));
        Ok(())
    }

    /// Stops watching `fd`; false if it was not watched. Call it before closing the fd.
    pub fn remove_reader(&self, fd: impl AsFd) -> bool {
        let raw = fd.as_fd().as_raw_fd();
        let Some(reader) = self.0.readers.borrow_mut().remove(&raw) else { return false };
        reader.handle.cancel(); // even if its callback is queued in this batch
        // Our own fd, and watched: this cannot fail.
        let _ = epoll::delete(&self.0.epoll, &reader.fd);
        true
    }
}
// ANCHOR_END: readers

// ANCHOR: remote
/// The loop's thread-safe side: `Send`, `Sync` and cheap to clone.
#[derive(Clone)]
pub struct Remote(Arc<Shared>);

struct Shared {
    inbox: Mutex<Inbox>,
    /// An eventfd: a counter in the kernel, watched by epoll. A write wakes the loop.
    wakeup: OwnedFd,
}

/// What other threads hand to the loop, and whether it sleeps: both behind one mutex, so
/// that a callback is never left waiting while the loop sleeps (no lost wake-up).
#[derive(Default)]
pub struct Inbox {
    callbacks: Vec<ThreadsafeCallback>,
    /// The loop has found nothing to do and sleeps (or is about to) in `epoll_wait`.
    sleeping: bool,
}

impl Inbox {
    /// Another thread adds a callback; true if it must wake the loop (it is the first to
    /// find it sleeping).
    pub fn push(&mut self, callback: ThreadsafeCallback) -> bool {
        self.callbacks.push(callback);
        std::mem::take(&mut self.sleeping)
    }

    /// The loop, before it blocks: may it sleep? Only if nothing came in; then whoever
    /// pushes next must wake it.
    pub fn may_sleep(&mut self) -> bool {
        self.sleeping = self.callbacks.is_empty();
        self.sleeping
    }

    /// The loop, awake: it takes what came in.
    pub fn wake_up(&mut self) -> std::vec::Drain<'_, ThreadsafeCallback> {
        self.sleeping = false;
        self.callbacks.drain(..)
    }
}

impl Remote {
    /// Runs `callback` on the loop's thread, in a coming batch; callable from any thread.
    pub fn call_soon_threadsafe(
        &self,
        callback: impl FnOnce(&EventLoop) + Send + 'static,
    ) {
        if self.inbox().push(Box::new(callback)) {
            // Add 1 to the eventfd's counter: epoll_wait returns. This write fails only
            // when the counter is full, and then the loop is awake anyway.
            let _ = rustix::io::write(&self.0.wakeup, &1u64.to_ne_bytes());
        }
    }

    fn inbox(&self) -> MutexGuard<'_, Inbox> {
        self.0.inbox.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
// ANCHOR_END: remote

// ANCHOR: run
impl EventLoop {
    /// Runs batches until `stop()` is called.
    pub fn run_forever(&self) -> io::Result<()> {
        if self.0.running.replace(true) {
            return Err(io::Error::other("this event loop is already running"));
        }
        let outcome = loop {
            if let Err(err) = self.run_once() {
                break Err(err);
            }
            if self.0.stopping.get() {
                break Ok(());
            }
        };
        self.0.stopping.set(false);
        self.0.running.set(false);
        outcome
    }

    /// One batch: wait for something to do, queue what became ready, and run exactly what
    /// is queued now. Callbacks that these schedule run in the next batch.
    fn run_once(&self) -> io::Result<()> {
        let core = &self.0;
        // 1. How long may we sleep? Not at all if callbacks wait or another thread has
        //    sent one; else until the next timer, or for ever if there is none.
        let next_timer = self.next_timer();
        let busy = !core.ready.borrow().is_empty() || core.stopping.get();
        let timeout = if busy || !core.remote.inbox().may_sleep() {
            Some(Duration::ZERO)
        } else {
            next_timer.map(|when| when.saturating_duration_since(Instant::now()))
        };

        // 2. Sleep in epoll_wait (millisecond resolution, rounded up, as asyncio's is).
        let timeout = timeout
            .map(rustix::event::Timespec::try_from)
            .transpose()
            .map_err(io::Error::other)?;
        let mut events = core.events.borrow_mut();
        events.clear();
        match epoll::wait(
            &core.epoll,
            rustix::buffer::spare_capacity(&mut events),
            timeout.as_ref(),
        ) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(err) => return Err(err.into()),
        }

        // 3. Queue the callbacks of the fds that have data; reset the eventfd to 0.
        let mut ready = core.ready.borrow_mut();
        for event in events.drain(..) {
            let key = event.data.u64();
            if key == WAKEUP {
                let _ = rustix::io::read(&core.remote.0.wakeup, &mut [0; 8]);
            } else if let Some(reader) = core.readers.borrow().get(&(key as RawFd)) {
                let run = Rc::clone(reader);
                let callback: Callback =
                    Box::new(move |lp| (run.callback.borrow_mut())(lp));
                ready.push_back((callback, Some(reader.handle.clone())));
            }
        }
        drop(events);
        // 4. Queue what other threads sent, then the timers that are due, soonest first.
        for callback in core.remote.inbox().wake_up() {
            ready.push_back((callback, None));
        }
        let now = self.since_epoch(Instant::now());
        let mut timers = core.timers.borrow_mut();
        while timers.peek().is_some_and(|timer| timer.when <= now) {
            let Some(timer) = timers.pop() else { break };
            ready.push_back((timer.callback, Some(timer.handle)));
        }
        drop(timers);

        // 5. Run this batch, and only this batch: each callback may schedule more.
        let batch = ready.len();
        drop(ready);
        for _ in 0..batch {
            let Some((callback, handle)) = core.ready.borrow_mut().pop_front() else {
                break;
            };
            if handle.is_none_or(|handle| !handle.cancelled()) {
                callback(self);
            }
        }
        Ok(())
    }

    /// When the soonest live timer is due; cancelled ones on top are dropped.
    fn next_timer(&self) -> Option<Instant> {
        let mut timers = self.0.timers.borrow_mut();
        while timers.peek().is_some_and(|timer| timer.handle.cancelled()) {
            timers.pop();
        }
        timers.peek().map(|timer| self.0.epoch + Duration::from_nanos(timer.when))
    }

    /// `when` as nanoseconds since the loop's epoch (0 if before it; 584 years at most).
    fn since_epoch(&self, when: Instant) -> u64 {
        let nanos = when.saturating_duration_since(self.0.epoch).as_nanos();
        u64::try_from(nanos).unwrap_or(u64::MAX)
    }
}
// ANCHOR_END: run

// ANCHOR: tasks
/// A spawned future, and the waker its task hands out.
struct TaskSlot {
    /// `None` while the future is being polled (it is taken out, so that it may spawn or
    /// cancel tasks).
    future: Option<Pin<Box<dyn Future<Output = ()>>>>,
    waker: Waker,
    wake: Arc<TaskWaker>,
}

/// Wakes task `id`. Wakers may be called from any thread, so this one goes through the
/// thread-safe inbox, even when called on the loop's own thread.
struct TaskWaker {
    id: u64,
    remote: Remote,
    /// A poll of this task is queued already: more wake-ups add nothing.
    scheduled: AtomicBool,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.scheduled.swap(true, atomic::Ordering::AcqRel) {
            let id = self.id;
            self.remote.call_soon_threadsafe(move |lp| lp.poll_task(id));
        }
    }
}

/// A spawned future's result, as a future. Dropping it leaves the task running (as
/// asyncio's tasks run on); `cancel` drops the task's future.
pub struct Task<T> {
    id: u64,
    output: Rc<RefCell<Output<T>>>,
    lp: EventLoop,
}

struct Output<T> {
    value: Option<T>,
    /// Who awaits the task, to be woken when it is done.
    waiter: Option<Waker>,
}

impl EventLoop {
    /// Wraps `future` in a task and schedules its first step (`asyncio.create_task`).
    pub fn spawn<T: 'static>(
        &self,
        future: impl Future<Output = T> + 'static,
    ) -> Task<T> {
        let id = self.0.next_task.get();
        self.0.next_task.set(id + 1);
        let output = Rc::new(RefCell::new(Output { value: None, waiter: None }));
        let done = Rc::clone(&output);
        let future = Box::pin(async move {
            let value = future.await;
            let waiter = {
                let mut done = done.borrow_mut();
                done.value = Some(value);
                done.waiter.take()
            };
            waiter.into_iter().for_each(Waker::wake);
        });
        let wake = Arc::new(TaskWaker {
            id,
            remote: self.remote(),
            scheduled: AtomicBool::new(true),
        });
        let waker = Waker::from(Arc::clone(&wake));
        self.0
            .tasks
            .borrow_mut()
            .insert(id, TaskSlot { future: Some(future), waker, wake });
        self.call_soon(move |lp| lp.poll_task(id));
        Task { id, output, lp: self.clone() }
    }

    /// One step of task `id`: poll its future until its next `Pending`.
    fn poll_task(&self, id: u64) {
        let (future, waker) = match self.0.tasks.borrow_mut().get_mut(&id) {
            Some(slot) => {
                // Wake-ups from now on must queue another poll.
                slot.wake.scheduled.swap(false, atomic::Ordering::AcqRel);
                (slot.future.take(), slot.waker.clone())
            }
            None => return, // cancelled
        };
        let Some(mut future) = future else { return };
        let pending = future.as_mut().poll(&mut Context::from_waker(&waker)).is_pending();
        let mut tasks = self.0.tasks.borrow_mut();
        match tasks.get_mut(&id) {
            Some(slot) if pending => slot.future = Some(future),
            _ => {
                let finished = tasks.remove(&id);
                drop(tasks);
                // Dropped outside the borrow: dropping may touch the loop.
                drop((finished, future));
            }
        }
    }

    /// Runs the loop until `future` is done, and returns its output.
    pub fn run_until_complete<T: 'static>(
        &self,
        future: impl Future<Output = T> + 'static,
    ) -> io::Result<T> {
        let lp = self.clone();
        let task = self.spawn(async move {
            let output = future.await;
            lp.stop();
            output
        });
        self.run_forever()?;
        let value = task.output.borrow_mut().value.take();
        value.ok_or_else(|| {
            io::Error::other("the event loop stopped before the future completed")
        })
    }

    /// A future that is ready once `delay` has passed: a timer that wakes the task.
    pub fn sleep(&self, delay: Duration) -> Sleep {
        Sleep { lp: self.clone(), when: self.time() + delay, timer: None }
    }

    /// Drops every task, callback, timer and reader (asyncio's `loop.close()`). Tasks
    /// hold handles to the loop: without this, they and the loop keep each other alive.
    pub fn close(&self) {
        let readers = std::mem::take(&mut *self.0.readers.borrow_mut());
        for reader in readers.values() {
            reader.handle.cancel();
            let _ = epoll::delete(&self.0.epoll, &reader.fd);
        }
        loop {
            let tasks = std::mem::take(&mut *self.0.tasks.borrow_mut());
            let ready = std::mem::take(&mut *self.0.ready.borrow_mut());
            let timers = std::mem::take(&mut *self.0.timers.borrow_mut());
            let inbox: Vec<_> = self.0.remote.inbox().wake_up().collect();
            if tasks.is_empty()
                && ready.is_empty()
                && timers.is_empty()
                && inbox.is_empty()
            {
                break;
            }
            // Dropping them may schedule more: go again.
            drop((tasks, ready, timers, inbox));
        }
    }
}

impl<T> Future for Task<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut output = self.output.borrow_mut();
        match output.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                output.waiter = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> Task<T> {
    /// Cancels the task: its future is dropped where it stands, at its last `.await`.
    pub fn cancel(self) {
        let slot = self.lp.0.tasks.borrow_mut().remove(&self.id);
        drop(slot);
    }
}

/// `lp.sleep(delay)`: schedules a timer on its first poll, which wakes the task when due.
pub struct Sleep {
    lp: EventLoop,
    when: Instant,
    /// The timer, and the waker it will wake: the latest poll's, until the timer runs and
    /// takes it.
    timer: Option<(Handle, Rc<RefCell<Option<Waker>>>)>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        match &this.timer {
            // The timer has run and taken the waker: the time has come.
            Some((_, waker)) if waker.borrow().is_none() => return Poll::Ready(()),
            Some((_, waker)) => *waker.borrow_mut() = Some(cx.waker().clone()),
            None if this.lp.time() >= this.when => return Poll::Ready(()),
            None => {
                let waker = Rc::new(RefCell::new(Some(cx.waker().clone())));
                let timer = Rc::clone(&waker);
                let handle = this.lp.call_at(this.when, move |_| {
                    let waker = timer.borrow_mut().take();
                    waker.into_iter().for_each(Waker::wake);
                });
                this.timer = Some((handle, waker));
            }
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    /// A sleep dropped early (its task cancelled, a timeout) cancels its timer.
    fn drop(&mut self) {
        if let Some((handle, _)) = &self.timer {
            handle.cancel();
        }
    }
}
// ANCHOR_END: tasks

// ANCHOR: wait
/// The first of `tasks` to finish: it is taken out, and its output returned
/// (`asyncio.wait(..., return_when=FIRST_COMPLETED)`, and one step of `as_completed`).
pub async fn first_completed<T>(tasks: &mut Vec<Task<T>>) -> T {
    poll_fn(|cx| {
        for i in 0..tasks.len() {
            if let Poll::Ready(output) = Pin::new(&mut tasks[i]).poll(cx) {
                tasks.remove(i);
                return Poll::Ready(output);
            }
        }
        Poll::Pending
    })
    .await
}

/// `future`'s output, or `None` if `limit` passes first; then `future` is dropped, which
/// cancels it (`asyncio.wait_for`).
pub async fn wait_for<T>(
    lp: &EventLoop,
    limit: Duration,
    future: impl Future<Output = T>,
) -> Option<T> {
    let mut future = pin!(future);
    let mut deadline = lp.sleep(limit);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        Pin::new(&mut deadline).poll(cx).map(|()| None)
    })
    .await
}
// ANCHOR_END: wait

// ANCHOR: hello
fn hello_world(lp: &EventLoop) {
    println!("Hello World");
    lp.stop();
}
// ANCHOR_END: hello

// ANCHOR: date
/// Prints the local date and time as Python's `datetime.now()` does, then again one unit
/// later, until `end` is less than a unit away. Each step schedules the next relative to
/// now, so each is a little late, and the lateness adds up (the chapter measures it).
fn display_date(lp: &EventLoop, end: Instant, unit: Duration) {
    println!("{}", jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M:%S.%6f"));
    if lp.time() + unit < end {
        lp.call_later(unit, move |lp| display_date(lp, end, unit));
    } else {
        lp.stop();
    }
}
// ANCHOR_END: date

/// How long the socket program waits for its data before it gives up.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(5);

// ANCHOR: reader
/// Watches the read end of a socket pair; a callback sends "abc" into the other end.
fn watch_socket(lp: &EventLoop) -> io::Result<()> {
    let (rsock, mut wsock) = UnixStream::pair()?;
    rsock.set_nonblocking(true)?;
    let rsock = Rc::new(rsock);
    let timeout = lp.call_later(RECEIVE_TIMEOUT, |lp| {
        println!("Received nothing in {RECEIVE_TIMEOUT:?}");
        lp.stop();
    });
    let reader = Rc::clone(&rsock);
    lp.add_reader(&*rsock, move |lp| {
        let mut data = [0; 100];
        match (&*reader).read(&mut data) {
            Ok(n) => println!("Received: {}", String::from_utf8_lossy(&data[..n])),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return, // not yet
            Err(err) => println!("Received an error: {err}"),
        }
        timeout.cancel();
        lp.remove_reader(&*reader);
        lp.stop();
    })?;
    lp.call_soon(move |_| {
        if let Err(err) = wsock.write_all(b"abc") {
            println!("Sending failed: {err}");
        }
    });
    lp.run_forever()?;
    lp.remove_reader(&*rsock); // if the timeout stopped the loop, it is still watched
    Ok(())
}
// ANCHOR_END: reader

// ANCHOR: count
async fn count(lp: EventLoop, unit: Duration) {
    println!("One");
    lp.sleep(unit).await;
    println!("Two");
}

async fn count_three(lp: EventLoop, unit: Duration) {
    let start = lp.time();
    let tasks = [(); 3].map(|()| lp.spawn(count(lp.clone(), unit)));
    for task in tasks {
        task.await;
    }
    let elapsed = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("count executed in {elapsed:.3} seconds.");
}
// ANCHOR_END: count

// ANCHOR: coro
/// Sleeps `max(seq)` units, then hands `seq` back reversed. An empty `seq` has no
/// maximum: that is this example's failing task.
async fn coro(
    lp: EventLoop,
    seq: &'static [u32],
    unit: Duration,
) -> Result<Vec<u32>, &'static str> {
    let max = seq.iter().max().ok_or("max() arg is an empty sequence")?;
    lp.sleep(unit * *max).await;
    Ok(seq.iter().rev().copied().collect())
}
// ANCHOR_END: coro

const A: &[u32] = &[3, 2, 1];
const B: &[u32] = &[10, 5, 0];
const EMPTY: &[u32] = &[];

// ANCHOR: gather
/// The `gather` example's demo, on this loop: the same lines as tokio's.
async fn gather(lp: EventLoop, unit: Duration) -> Result<(), &'static str> {
    let units = |start: Instant| start.elapsed().as_secs_f64() / unit.as_secs_f64();
    let spawn = |seqs: &[&'static [u32]]| -> Vec<Task<_>> {
        seqs.iter().map(|&seq| lp.spawn(coro(lp.clone(), seq, unit))).collect()
    };

    // asyncio.gather: every result, in the order the coroutines were given.
    let start = lp.time();
    let mut results = Vec::new();
    for task in spawn(&[A, B]) {
        results.push(task.await?);
    }
    println!("gather: {results:?} at {:.2}", units(start));

    // asyncio.as_completed: each result as soon as its task is done.
    let start = lp.time();
    let mut tasks = spawn(&[A, B]);
    while !tasks.is_empty() {
        let result = first_completed(&mut tasks).await?;
        println!("as_completed: {result:?} at {:.2}", units(start));
    }

    // asyncio.wait(return_when=FIRST_COMPLETED), then cancel the rest.
    let start = lp.time();
    let mut tasks = spawn(&[A, B]);
    let first = first_completed(&mut tasks).await?;
    println!(
        "wait FIRST_COMPLETED: {first:?} at {:.2}, {} pending",
        units(start),
        tasks.len()
    );
    tasks.into_iter().for_each(Task::cancel);
    println!("wait FIRST_COMPLETED: pending task cancelled at {:.2}", units(start));

    // asyncio.wait_for: B needs 10 units and gets 5.
    let start = lp.time();
    match wait_for(&lp, unit * 5, coro(lp.clone(), B, unit)).await {
        Some(result) => println!("wait_for: {:?} at {:.2}", result?, units(start)),
        None => println!("wait_for: timed out at {:.2}, task cancelled", units(start)),
    }

    // gather fail-fast: the first error ends the wait, and the others are cancelled.
    let start = lp.time();
    let mut tasks = spawn(&[A, EMPTY, B]);
    let mut done = Vec::new();
    while !tasks.is_empty() {
        match first_completed(&mut tasks).await {
            Ok(result) => done.push(result),
            Err(error) => {
                let others = tasks.len();
                tasks.into_iter().for_each(Task::cancel);
                let why = format!("{error}; {others} others cancelled");
                println!("gather fail-fast: error at {:.2}: {why}", units(start));
                break;
            }
        }
    }
    if done.len() == 3 {
        println!("gather fail-fast: {done:?}");
    }

    // gather(return_exceptions=True): errors come back as values, in order.
    let start = lp.time();
    let mut results = Vec::new();
    for task in spawn(&[A, EMPTY, B]) {
        results.push(task.await);
    }
    println!("gather return_exceptions: {results:?} at {:.2}", units(start));
    Ok(())
}
// ANCHOR_END: gather

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let unit = params.unit;
    let lp = EventLoop::new()?;

    // Hello World: one callback, which stops the loop.
    lp.call_soon(hello_world);
    lp.run_forever()?;

    // The date, once a unit, for five units.
    let end = lp.time() + unit * 5;
    lp.call_soon(move |lp| display_date(lp, end, unit));
    lp.run_forever()?;

    // A socket pair's read end, watched.
    watch_socket(&lp)?;

    // A real executor: count and gather, as tasks on this loop.
    lp.run_until_complete(count_three(lp.clone(), unit))?;
    let gathered = lp.run_until_complete(gather(lp.clone(), unit));
    lp.close();
    gathered?.map_err(io::Error::other)
}
// ANCHOR_END: main
