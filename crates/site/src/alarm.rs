//! The site's clock for delayed answers: precise to about a tenth of a millisecond.
//!
//! tokio's timer counts whole milliseconds, rounds each deadline up to the next one, and its
//! driver's poll rounds the wait up again, so an answer delayed on it comes about 1 ms late on
//! average. That would add 5% to every download page at the download example's default unit
//! (22 ms a page), and more at shorter units. Here one thread keeps the deadlines in a heap,
//! sleeps until the earliest (a condition variable's timed wait: a futex, woken within tens of
//! microseconds) and sends on each due answer's oneshot channel, which wakes its task.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// A deadline and whom to wake at it.
#[derive(Debug)]
struct Due {
    at: Instant,
    /// Ties broken in the order the deadlines were set.
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Due) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Due) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest deadline first.
    fn cmp(&self, other: &Due) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Default, Debug)]
struct Queue {
    heap: BinaryHeap<Due>,
    seq: u64,
    stopped: bool,
}

#[derive(Default, Debug)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// Sets deadlines; cheap to clone.
#[derive(Clone)]
pub(crate) struct Handle(Arc<Shared>);

impl Handle {
    /// Waits until `duration` from now.
    pub(crate) async fn sleep(&self, duration: Duration) {
        let (wake, woken) = oneshot::channel();
        {
            let mut queue = self.0.queue.lock().unwrap_or_else(PoisonError::into_inner);
            if queue.stopped {
                return;
            }
            queue.seq += 1;
            let seq = queue.seq;
            queue.heap.push(Due { at: Instant::now() + duration, seq, wake });
        }
        self.0.changed.notify_one();
        let _ = woken.await;
    }
}

/// The alarm's thread; dropping this stops it (a sleeper not yet woken then waits forever,
/// which is fine: it belongs to a site that is stopping).
#[derive(Debug)]
pub(crate) struct Alarm {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Alarm {
    pub(crate) fn start() -> io::Result<(Alarm, Handle)> {
        let shared = Arc::new(Shared::default());
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new().name("site-alarm".into()).spawn(move || ring(&shared))?
        };
        let handle = Handle(Arc::clone(&shared));
        Ok((Alarm { shared, thread: Some(thread) }, handle))
    }
}

/// The thread: wakes each sleeper at its deadline, then sleeps until the next one.
fn ring(shared: &Shared) {
    let mut queue = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if queue.stopped {
            return;
        }
        let now = Instant::now();
        while queue.heap.peek().is_some_and(|due| due.at <= now) {
            if let Some(due) = queue.heap.pop() {
                let _ = due.wake.send(()); // its request may be gone: nothing to do then
            }
        }
        queue = match queue.heap.peek().map(|due| due.at - now) {
            Some(wait) => shared.changed.wait_timeout(queue, wait).unwrap_or_else(PoisonError::into_inner).0,
            None => shared.changed.wait(queue).unwrap_or_else(PoisonError::into_inner),
        };
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner).stopped = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleepers_wake_in_deadline_order_and_on_time() {
        let (alarm, handle) = Alarm::start().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let order = runtime.block_on(async {
            let start = Instant::now();
            let woken = Arc::new(Mutex::new(Vec::new()));
            let sleepers = [30, 10, 20, 10].map(|ms| {
                let (handle, woken) = (handle.clone(), Arc::clone(&woken));
                tokio::spawn(async move {
                    handle.sleep(Duration::from_millis(ms)).await;
                    woken.lock().unwrap().push((ms, start.elapsed()));
                })
            });
            for sleeper in sleepers {
                sleeper.await.unwrap();
            }
            Arc::try_unwrap(woken).unwrap().into_inner().unwrap()
        });
        let deadlines: Vec<u64> = order.iter().map(|(ms, _)| *ms).collect();
        assert_eq!(deadlines, [10, 10, 20, 30]);
        for (ms, at) in order {
            assert!(at >= Duration::from_millis(ms), "woke at {at:?} for {ms} ms");
        }
        drop(alarm);
    }
}
