//! Runs one variant in a child process and measures it from outside.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use wait4::Wait4;

/// What one child process did, as seen from outside.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// From spawn to reaping.
    pub wall: Duration,
    /// User plus system CPU time, from the child's rusage.
    pub cpu: Duration,
    /// Peak resident set size in bytes, from the child's rusage.
    pub peak_rss: u64,
    /// The most threads seen in `/proc/<pid>/status` while it ran.
    pub peak_threads: u32,
    /// How it exited.
    pub status: ExitStatus,
    /// Each line it printed on stdout, with when it arrived (since spawn).
    pub lines: Vec<(Duration, String)>,
}

/// The echo of a child's output could not be written: this run's own stdout failed.
#[derive(Debug, thiserror::Error)]
#[error("stdout: cannot write: {0}")]
pub struct EchoError(pub std::io::Error);

/// Spawns `command`, echoes its stdout line by line through `echo`, and measures it. While it
/// runs, `current` holds its process id (0 before and after), so that a signal handler can
/// stop it.
///
/// The child's stderr is passed through untouched. If `echo` fails, the child is killed and
/// reaped, and the error is an [`EchoError`].
pub fn run(mut command: Command, mut echo: impl Write, current: &AtomicI32) -> Result<Measurement> {
    command.stdout(Stdio::piped()).stdin(Stdio::null());
    let program = command.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let mut child = command.spawn().with_context(|| format!("cannot start {program}"))?;
    current.store(i32::try_from(child.id()).unwrap_or(0), Ordering::SeqCst);
    let stdout = child.stdout.take().context("child stdout was not captured")?;

    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        let status_path = format!("/proc/{}/status", child.id());
        thread::Builder::new()
            .name("thread-sampler".into())
            .spawn(move || sample_threads(Path::new(&status_path), &done))
            .context("cannot start the thread sampler")?
    };

    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).context("reading the child's output")?;
        if n == 0 {
            break;
        }
        let at = start.elapsed();
        // A closed pipe ends this program by SIGPIPE before the write returns; any other
        // failure (a full disk) ends the run here, and the child with it.
        if let Err(err) = echo.write_all(&buf).and_then(|()| echo.flush()) {
            let _ = child.kill();
            done.store(true, Ordering::Relaxed);
            let _ = sampler.join();
            let _ = child.wait();
            current.store(0, Ordering::SeqCst);
            return Err(EchoError(err).into());
        }
        let text = String::from_utf8_lossy(&buf);
        lines.push((at, text.trim_end_matches(['\n', '\r']).to_owned()));
    }

    // Stdout is closed: the child is exiting. Stop sampling before reaping it, so the
    // sampler never reads the status of a recycled pid.
    done.store(true, Ordering::Relaxed);
    let peak_threads = sampler.join().unwrap_or(0);
    let usage = child.wait4().with_context(|| format!("waiting for {program}"));
    current.store(0, Ordering::SeqCst);
    let usage = usage?;
    let wall = start.elapsed();

    Ok(Measurement {
        wall,
        cpu: usage.rusage.utime + usage.rusage.stime,
        peak_rss: usage.rusage.maxrss,
        peak_threads,
        status: usage.status,
        lines,
    })
}

/// Polls the `Threads:` line of a `/proc/<pid>/status` file until `done`, returning the most
/// seen. Polls every millisecond at first (runtimes start their workers early), then every 5.
fn sample_threads(status_path: &Path, done: &AtomicBool) -> u32 {
    let start = Instant::now();
    let mut peak = 0;
    // Sample at least once, even when the child finished before this thread started.
    loop {
        if let Some(n) = std::fs::read_to_string(status_path).ok().as_deref().and_then(threads_in) {
            peak = peak.max(n);
        }
        if done.load(Ordering::Relaxed) {
            break;
        }
        let pause = if start.elapsed() < Duration::from_millis(100) { 1 } else { 5 };
        thread::sleep(Duration::from_millis(pause));
    }
    peak
}

/// Reads the thread count out of the text of a `/proc/<pid>/status` file.
fn threads_in(status: &str) -> Option<u32> {
    status.lines().find_map(|line| line.strip_prefix("Threads:")).and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_thread_count() {
        let status = "Name:\tcount\nState:\tS (sleeping)\nThreads:\t7\nVmRSS:\t 1 kB\n";
        assert_eq!(threads_in(status), Some(7));
        assert_eq!(threads_in("Name:\tx\n"), None);
    }

    #[test]
    fn measures_a_real_child() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo one; sleep 0.05; echo two"]);
        let mut echoed = Vec::new();
        let m = run(command, &mut echoed, &AtomicI32::new(0)).unwrap();
        assert!(m.status.success());
        assert_eq!(echoed, b"one\ntwo\n");
        let texts: Vec<&str> = m.lines.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
        let gap = m.lines[1].0 - m.lines[0].0;
        assert!(gap >= Duration::from_millis(40), "lines 50ms apart arrived {gap:?} apart");
        assert!(m.wall >= Duration::from_millis(50));
        assert!(m.peak_rss > 0);
        assert!(m.peak_threads >= 1);
    }

    #[test]
    fn reports_a_missing_program() {
        let err = run(Command::new("/nonexistent/program"), std::io::sink(), &AtomicI32::new(0)).unwrap_err();
        assert!(format!("{err:#}").contains("cannot start /nonexistent/program"));
    }
}
