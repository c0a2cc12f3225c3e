//! What keeps a run tidy whatever happens around it: a closed or full stdout, a parent that
//! dies, an environment variable a runtime would choke on.
//!
//! - A write error on stdout or stderr ends the program with one line (where it can still be
//!   written) and exit status [`WRITE_FAILED`], never with a panic. A closed pipe ends it as it
//!   ends a C program: by `SIGPIPE`, at once, even while it is waiting and has nothing to write.
//! - A process that this program started (a child variant, a worker process) dies with its
//!   parent: Linux's parent-death signal, set through rustix's safe API.
//! - Environment variables that a runtime reads and would panic on are checked first.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rustix::process::Signal;

/// The exit status of a run that could not write its output (`EX_IOERR` in `sysexits.h`).
pub const WRITE_FAILED: u8 = 74;

/// Writes one line to stderr, ignoring a failure: there is nowhere left to report it.
pub fn error_line(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "error: {message}");
}

/// Turns the panic `println!` raises on a write error (a full disk, a closed descriptor) into
/// one line and exit status [`WRITE_FAILED`]. Every other panic goes to the hook that was set
/// before, unchanged.
pub fn quiet_write_errors() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied());
        match message {
            Some(text) if text.starts_with("failed printing to std") => {
                // Several threads may fail at once: one reports and exits, the others wait.
                static EXITING: AtomicBool = AtomicBool::new(false);
                if EXITING.swap(true, Ordering::SeqCst) {
                    loop {
                        std::thread::park();
                    }
                }
                let what = text.trim_start_matches("failed printing to ");
                error_line(what.replacen(": ", ": cannot write: ", 1));
                std::process::exit(WRITE_FAILED.into());
            }
            _ => previous(info),
        }
    }));
}

/// Whether this process was started by a copy of the same program: a child variant of the
/// runner, or a worker process of a variant.
pub fn started_by_this_program() -> bool {
    let exe = |pid: &str| std::fs::read_link(format!("/proc/{pid}/exe")).ok();
    let parent = rustix::process::getppid().map(|p| p.as_raw_nonzero().get().to_string());
    match (exe("self"), parent.as_deref().and_then(exe)) {
        (Some(me), Some(parent)) => me == parent,
        _ => false,
    }
}

/// Dies with the parent when the parent is this same program (or the runner says this is its
/// child): the parent-death signal is SIGKILL, so a runner killed by any signal, even
/// SIGKILL, leaves no child variant or worker process behind.
pub fn die_with_parent(is_child: bool) {
    if !(is_child || started_by_this_program()) {
        return;
    }
    let parent = rustix::process::getppid();
    if rustix::process::set_parent_process_death_signal(Some(Signal::KILL)).is_err() {
        return;
    }
    // The parent may have died before the signal was set: then this process has been handed
    // to another parent, and must go now.
    if rustix::process::getppid() != parent {
        std::process::exit(1);
    }
}

/// Ends this process by SIGPIPE as soon as the reader of its stdout goes away (`| head -1`),
/// rather than at its next write: a thread waits for the pipe's error event. A terminal that
/// hangs up counts too. Regular files and `/dev/null` never signal, and the thread just waits.
pub fn watch_stdout() {
    let _ = std::thread::Builder::new().name("stdout-watch".into()).spawn(|| {
        use rustix::event::{PollFd, PollFlags, poll};
        let stdout = io::stdout();
        let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
        loop {
            match poll(&mut fds, None) {
                Ok(_) if fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP) => break,
                Ok(_) => std::thread::sleep(Duration::from_millis(50)),
                Err(rustix::io::Errno::INTR) => {}
                Err(_) => return,
            }
        }
        // What a write into the closed pipe would do; children die with this process.
        let _ = rustix::process::kill_process(rustix::process::getpid(), Signal::PIPE);
    });
}

/// Environment variables that a runtime reads at start-up and panics on when they are wrong,
/// with what they must be. (`RAYON_NUM_THREADS`, `BLOCKING_MAX_THREADS` and `SMOL_THREADS`
/// are read too, but a bad value is ignored, so they are not checked here.)
const THREAD_COUNTS: [&str; 2] = ["TOKIO_WORKER_THREADS", "ASYNC_STD_THREAD_COUNT"];

/// Refuses a thread-count variable that is not a whole number from 1 to 1024: tokio and
/// async-std would panic on it when the runtime starts.
pub fn check_environment() -> Result<(), String> {
    for name in THREAD_COUNTS {
        let Some(value) = std::env::var_os(name) else { continue };
        let ok = value
            .to_str()
            .and_then(|v| v.trim().parse::<u32>().ok())
            .is_some_and(|n| (1..=1024).contains(&n));
        if !ok {
            let mut message = String::new();
            let _ = write!(
                message,
                "{name}={}: expected a number of threads from 1 to 1024",
                value.to_string_lossy()
            );
            return Err(message);
        }
    }
    Ok(())
}
