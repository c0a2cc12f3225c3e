//! Runs one variant in a child process and measures it from outside.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, mpsc};
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

/// What a companion running beside a child (a load generator, a signal sender) sees of it:
/// the lines it prints, as they come, and its process, to signal.
#[derive(Debug)]
pub struct Watch {
    lines: mpsc::Receiver<String>,
    pid: u32,
}

impl Watch {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The next line the child prints, waiting at most `timeout`; `None` when it has ended or
    /// the time is up.
    pub fn next_line(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Waits at most `timeout` for a line that `wanted` accepts, and returns what it makes of
    /// it; the lines before it are passed over (they are echoed all the same).
    pub fn wait_for<T>(&self, timeout: Duration, mut wanted: impl FnMut(&str) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            if let Some(found) = wanted(&self.next_line(left)?) {
                return Some(found);
            }
        }
    }

    /// Sends the child a signal.
    pub fn signal(&self, signal: rustix::process::Signal) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.pid as i32) {
            let _ = rustix::process::kill_process(pid, signal);
        }
    }
}

/// What runs beside a child on the runner's thread; the lines it returns are printed after
/// the child's own.
pub type Companion<'a> = &'a mut dyn FnMut(&Watch) -> Result<Vec<String>>;

/// How long a child has to end after the companion is done and it is sent SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Spawns `command`, echoes its stdout line by line through `echo`, and measures it. While it
/// runs, `current` holds its process id (0 before and after), so that a signal handler can
/// stop it.
///
/// With a `companion`, that runs on this thread while the child runs, watching its lines;
/// when it returns, a child still running is sent SIGTERM (and SIGKILL after a grace
/// period), and the companion's lines are echoed after the child's.
///
/// The child's stderr is passed through untouched. If `echo` fails, the child is killed and
/// reaped, and the error is an [`EchoError`].
pub fn run(
    mut command: Command,
    echo: impl Write + Send,
    current: &AtomicI32,
    companion: Option<Companion<'_>>,
) -> Result<Measurement> {
    command.stdout(Stdio::piped()).stdin(Stdio::null());
    let program = command.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let mut child = command.spawn().with_context(|| format!("cannot start {program}"))?;
    let pid = child.id();
    current.store(i32::try_from(pid).unwrap_or(0), Ordering::SeqCst);
    let stdout = child.stdout.take().context("child stdout was not captured")?;

    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        let status_path = format!("/proc/{pid}/status");
        thread::Builder::new()
            .name("thread-sampler".into())
            .spawn(move || sample_threads(Path::new(&status_path), &done))
            .context("cannot start the thread sampler")?
    };

    let (sender, receiver) = mpsc::channel();
    let watch = Watch { lines: receiver, pid };
    let (read, extra) = thread::scope(|scope| {
        let reader = scope.spawn(move || read_lines(stdout, echo, start, &sender));
        let extra = match companion {
            Some(companion) => {
                let extra = companion(&watch);
                stop(&watch, &reader);
                Some(extra)
            }
            None => None,
        };
        let read = reader.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the reader thread panicked")));
        (read, extra)
    });
    let read = match read {
        Ok(read) => Ok(read),
        Err(err) => {
            let _ = child.kill();
            Err(err)
        }
    };

    // Stdout is closed: the child is exiting. Stop sampling before reaping it, so the
    // sampler never reads the status of a recycled pid.
    done.store(true, Ordering::Relaxed);
    let peak_threads = sampler.join().unwrap_or(0);
    let usage = child.wait4().with_context(|| format!("waiting for {program}"));
    current.store(0, Ordering::SeqCst);
    let (mut lines, mut echo) = read?;
    let usage = usage?;
    let wall = start.elapsed();
    if let Some(extra) = extra {
        for line in extra? {
            writeln!(echo, "{line}").and_then(|()| echo.flush()).map_err(EchoError)?;
            lines.push((wall, line));
        }
    }

    Ok(Measurement {
        wall,
        cpu: usage.rusage.utime + usage.rusage.stime,
        peak_rss: usage.rusage.maxrss,
        peak_threads,
        status: usage.status,
        lines,
    })
}

/// Reads the child's lines until it closes stdout, echoing each and passing it on.
fn read_lines<W: Write>(
    stdout: ChildStdout,
    mut echo: W,
    start: Instant,
    sender: &mpsc::Sender<String>,
) -> Result<(Vec<(Duration, String)>, W)> {
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).context("reading the child's output")?;
        if n == 0 {
            return Ok((lines, echo));
        }
        let at = start.elapsed();
        // A closed pipe ends this program by SIGPIPE before the write returns; any other
        // failure (a full disk) ends the run here, and the child with it.
        echo.write_all(&buf).and_then(|()| echo.flush()).map_err(EchoError)?;
        let text = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_owned();
        let _ = sender.send(text.clone());
        lines.push((at, text));
    }
}

/// After the companion: SIGTERM to a child still running, SIGKILL if it outlives the grace.
fn stop<T>(watch: &Watch, reader: &thread::ScopedJoinHandle<'_, T>) {
    if reader.is_finished() {
        return;
    }
    watch.signal(rustix::process::Signal::TERM);
    let deadline = Instant::now() + STOP_GRACE;
    while !reader.is_finished() {
        if Instant::now() > deadline {
            watch.signal(rustix::process::Signal::KILL);
            return;
        }
        thread::sleep(Duration::from_millis(5));
    }
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
        let m = run(command, &mut echoed, &AtomicI32::new(0), None).unwrap();
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
    fn a_companion_watches_the_lines_and_the_child_is_stopped_after_it() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo starting; echo 'Serving on 127.0.0.1:9'; exec sleep 30"]);
        let mut echoed = Vec::new();
        let mut companion = |watch: &Watch| -> Result<Vec<String>> {
            let addr = watch
                .wait_for(Duration::from_secs(5), |line| line.strip_prefix("Serving on ").map(str::to_owned));
            Ok(vec![format!("companion saw {}", addr.unwrap_or_default())])
        };
        let start = Instant::now();
        let m = run(command, &mut echoed, &AtomicI32::new(0), Some(&mut companion)).unwrap();
        assert!(start.elapsed() < Duration::from_secs(5), "the child was not stopped: {:?}", start.elapsed());
        assert_eq!(
            String::from_utf8_lossy(&echoed),
            "starting\nServing on 127.0.0.1:9\ncompanion saw 127.0.0.1:9\n"
        );
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(m.status.signal(), Some(15), "SIGTERM ended it");
        assert_eq!(m.lines.last().map(|(_, l)| l.as_str()), Some("companion saw 127.0.0.1:9"));
    }

    #[test]
    fn a_failing_echo_stops_the_child_at_once() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut command = Command::new("sh");
        command.args(["-c", "echo one; exec sleep 30"]);
        let start = Instant::now();
        let err = run(command, Full, &AtomicI32::new(0), None).unwrap_err();
        assert!(err.downcast_ref::<EchoError>().is_some(), "{err:#}");
        assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
    }

    #[test]
    fn reports_a_missing_program() {
        let err =
            run(Command::new("/nonexistent/program"), std::io::sink(), &AtomicI32::new(0), None).unwrap_err();
        assert!(format!("{err:#}").contains("cannot start /nonexistent/program"));
    }
}
