//! A progress line on stderr for a run that takes a while: which row of how many is running,
//! and for how long. It appears once a row has run for [`SHOW_AFTER`], only on a terminal
//! (indicatif draws nothing when stderr is piped), and the rows' own lines are printed above it.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Runtime;

/// How long a row runs before its progress line appears.
const SHOW_AFTER: Duration = Duration::from_secs(10);

/// The progress line of a run of several rows.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    rows: usize,
    row: Arc<Mutex<usize>>,
}

/// The row that is running; dropping it hides the line again.
#[derive(Debug)]
pub(crate) struct RowGuard {
    bar: ProgressBar,
    done: Arc<Mutex<bool>>,
}

impl Progress {
    pub(crate) fn new(rows: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        Progress { bar, rows, row: Arc::new(Mutex::new(0)) }
    }

    /// A row starts: after [`SHOW_AFTER`] the line appears, naming it.
    pub(crate) fn row(&self, runtime: Runtime) -> RowGuard {
        let number = {
            let mut row = self.row.lock().unwrap_or_else(PoisonError::into_inner);
            *row += 1;
            *row
        };
        self.bar.reset_elapsed();
        self.bar.set_message(format!("row {number} of {}: {} running for", self.rows, runtime.label()));
        let done = Arc::new(Mutex::new(false));
        let (bar, flag) = (self.bar.clone(), Arc::clone(&done));
        let start = Instant::now();
        let _ = std::thread::Builder::new().name("progress".into()).spawn(move || {
            while start.elapsed() < SHOW_AFTER {
                std::thread::sleep(Duration::from_millis(100));
                if *flag.lock().unwrap_or_else(PoisonError::into_inner) {
                    return;
                }
            }
            let done = flag.lock().unwrap_or_else(PoisonError::into_inner);
            if !*done {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(200));
            }
        });
        RowGuard { bar: self.bar.clone(), done }
    }

    /// Runs `print` with the progress line out of the way.
    pub(crate) fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// A writer whose lines go above the progress line.
    pub(crate) fn writer<W: Write>(&self, inner: W) -> ProgressWriter<W> {
        ProgressWriter { bar: self.bar.clone(), inner }
    }
}

impl Drop for RowGuard {
    fn drop(&mut self) {
        *self.done.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.bar.disable_steady_tick();
        self.bar.set_draw_target(ProgressDrawTarget::hidden());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Writes through to `inner`, with the progress line cleared while it does.
#[derive(Debug)]
pub(crate) struct ProgressWriter<W> {
    bar: ProgressBar,
    inner: W,
}

impl<W: Write> Write for ProgressWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let inner = &mut self.inner;
        self.bar.suspend(|| inner.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
