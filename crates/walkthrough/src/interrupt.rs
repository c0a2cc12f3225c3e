//! Ctrl+C during a run of several runtimes: the first stops the row that is running and lets
//! the runner print the table of the rows so far; the second ends everything at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

/// How long a child has to end after SIGINT before it is killed: a program that finishes its
/// work in flight on SIGINT (the `shutdown` example) gets time to.
const GRACE: Duration = Duration::from_secs(5);

/// What the SIGINT thread and the runner share.
#[derive(Debug, Default)]
struct Shared {
    /// The running child's process id, 0 between rows.
    current: AtomicI32,
    /// How many SIGINTs have come.
    signals: AtomicU32,
}

/// The runner's side: whether to stop, and where to say which child is running.
#[derive(Debug)]
pub(crate) struct Stop {
    shared: Arc<Shared>,
}

impl Stop {
    /// Starts the thread that takes SIGINT for this process.
    pub(crate) fn install() -> std::io::Result<Stop> {
        let shared = Arc::new(Shared::default());
        let mut signals = Signals::new([SIGINT])?;
        let handler = Arc::clone(&shared);
        std::thread::Builder::new().name("sigint".into()).spawn(move || {
            for _ in signals.forever() {
                on_sigint(&handler);
            }
        })?;
        Ok(Stop { shared })
    }

    /// Where `child::run` keeps the running child's process id.
    pub(crate) fn current(&self) -> &AtomicI32 {
        &self.shared.current
    }

    /// Whether Ctrl+C has been pressed.
    pub(crate) fn interrupted(&self) -> bool {
        self.shared.signals.load(Ordering::SeqCst) > 0
    }
}

fn signal(pid: i32, signal: Signal) {
    if let Some(pid) = Pid::from_raw(pid) {
        let _ = kill_process(pid, signal);
    }
}

fn on_sigint(shared: &Arc<Shared>) {
    let count = shared.signals.fetch_add(1, Ordering::SeqCst) + 1;
    let pid = shared.current.load(Ordering::SeqCst);
    if count > 1 {
        // The second Ctrl+C: no table, no waiting.
        signal(pid, Signal::KILL);
        std::process::exit(130);
    }
    // The child has a process group of its own: only this SIGINT reaches it.
    signal(pid, Signal::INT);
    let shared = Arc::clone(shared);
    let _ = std::thread::Builder::new().name("sigint-grace".into()).spawn(move || {
        std::thread::sleep(GRACE);
        if pid != 0 && shared.current.load(Ordering::SeqCst) == pid {
            signal(pid, Signal::KILL);
        }
    });
}
