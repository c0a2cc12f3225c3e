//! `just loom`: loom runs the own loop's thread-safe inbox under every interleaving of
//! the threads that use it, and checks that no callback is ever left waiting while the
//! loop sleeps: no lost wake-up.
//!
//! The model uses the loop's real `Inbox` (`push`, `may_sleep`, `wake_up`) behind loom's
//! `Mutex`, with the steps in the order `Remote::call_soon_threadsafe` and
//! `EventLoop::run_once` take them. The eventfd is a counter and a condition variable:
//! like the kernel's, a write made before the loop waits is not lost, and reading it
//! resets it. (`cfg(loom)` is set by `just loom` only: `RUSTFLAGS="--cfg loom"`.)

use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;

use crate::variants::own::{EventLoop, Inbox};

/// The eventfd, as epoll sees it.
#[derive(Default)]
struct EventFd {
    count: Mutex<u64>,
    readable: Condvar,
}

impl EventFd {
    /// Another thread's `write(eventfd, 1)`.
    fn write(&self) {
        *self.count.lock().unwrap() += 1;
        self.readable.notify_all();
    }

    /// The loop's `epoll_wait`, for ever (`sleep`) or not at all, then the read that
    /// resets the counter if it was set.
    fn wait(&self, sleep: bool) {
        let mut count = self.count.lock().unwrap();
        while sleep && *count == 0 {
            count = self.readable.wait(count).unwrap();
        }
        *count = 0;
    }
}

/// `Remote::call_soon_threadsafe`: push under the lock, then wake the loop if told to.
fn call_soon_threadsafe(inbox: &Mutex<Inbox>, eventfd: &EventFd) {
    let must_wake = inbox.lock().unwrap().push(Box::new(|_: &EventLoop| {}));
    if must_wake {
        eventfd.write();
    }
}

/// `EventLoop::run_once` with no timer and no ready callback, until `expected` callbacks
/// came in: sleep only if `may_sleep` says so, then take what came. If a wake-up were
/// lost, the loop would sleep for ever, and loom would report the deadlock.
fn run_loop(inbox: &Mutex<Inbox>, eventfd: &EventFd, expected: usize) {
    let mut received = 0;
    while received < expected {
        let sleep = inbox.lock().unwrap().may_sleep();
        eventfd.wait(sleep);
        received += inbox.lock().unwrap().wake_up().count();
    }
    assert_eq!(received, expected);
}

#[test]
fn loom_one_sender_never_leaves_the_loop_asleep() {
    loom::model(|| {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let eventfd = Arc::new(EventFd::default());
        let sender = {
            let (inbox, eventfd) = (Arc::clone(&inbox), Arc::clone(&eventfd));
            thread::spawn(move || call_soon_threadsafe(&inbox, &eventfd))
        };
        run_loop(&inbox, &eventfd, 1);
        sender.join().unwrap();
    });
}

#[test]
fn loom_two_senders_one_wakes_and_both_arrive() {
    loom::model(|| {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let eventfd = Arc::new(EventFd::default());
        let senders: Vec<_> = (0..2)
            .map(|_| {
                let (inbox, eventfd) = (Arc::clone(&inbox), Arc::clone(&eventfd));
                thread::spawn(move || call_soon_threadsafe(&inbox, &eventfd))
            })
            .collect();
        run_loop(&inbox, &eventfd, 2);
        for sender in senders {
            sender.join().unwrap();
        }
    });
}

#[test]
fn loom_a_second_callback_wakes_the_next_sleep() {
    // Two in a row from one thread: the loop may take the first, and sleep again.
    loom::model(|| {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let eventfd = Arc::new(EventFd::default());
        let sender = {
            let (inbox, eventfd) = (Arc::clone(&inbox), Arc::clone(&eventfd));
            thread::spawn(move || {
                call_soon_threadsafe(&inbox, &eventfd);
                call_soon_threadsafe(&inbox, &eventfd);
            })
        };
        run_loop(&inbox, &eventfd, 2);
        sender.join().unwrap();
    });
}
