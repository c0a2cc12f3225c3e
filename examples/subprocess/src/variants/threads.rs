//! `subprocess` on std threads: `std::process::Command`, a thread per child that is
//! waited for.
//!
//! Pairs with "Subprocesses" in the asyncio reference (its `run()` and `get_date()`
//! examples: `create_subprocess_shell`, `create_subprocess_exec`, `communicate()`,
//! `wait()`). Every call here blocks its thread, so concurrency means threads: one per
//! command, K of them taking turns at `--count`, and one per pipe where both must be
//! drained at once (what `output()` does for you on one thread, by polling). An OS thread
//! costs more than a task, but a child process costs far more than either.
//!
//! Dependencies: `cargo add anyhow jiff && cargo add rustix --features process`
//! Run: `cargo run --release` (in this repository: `just run subprocess threads`)

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use rustix::process::{Pid, Signal, kill_process_group};

/// What the program runs with; `just run subprocess` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Instead of the docs' programs, start this many children of `true`, then of
    /// `sleep`.
    pub count: Option<u32>,
    /// With `count`: how many children may run at once.
    pub max_running: usize,
    /// Instead of the docs' programs, show the pitfalls.
    pub pitfalls: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            unit: Duration::from_secs(1),
            count: None,
            max_running: 32,
            pitfalls: false,
        }
    }
}

/// Set in the environment of the child that `get_date` starts: it prints the date
/// instead.
const DATE_CHILD: &str = "SUBPROCESS_PRINT_DATE";

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    if std::env::var_os(DATE_CHILD).is_some() {
        return print_date(); // this process is get_date's child
    }
    if let Some(n) = params.count {
        return many(n, params.max_running, params.unit);
    }
    if params.pitfalls {
        return pitfalls(params.unit);
    }
    let sleep = format!("sleep {}; echo \"hello\"", seconds(params.unit));
    thread::scope(|scope| -> anyhow::Result<()> {
        let commands = ["ls /zzz", sleep.as_str()];
        let started = commands.map(|cmd| scope.spawn(move || run_shell(cmd)));
        for thread in started {
            thread.join().map_err(|_| anyhow!("a thread panicked"))??;
        }
        Ok(())
    })?;
    println!("Current date: {}", get_date()?);
    Ok(())
}
// ANCHOR_END: main

/// Runs `cmd` in the shell with both pipes captured, and prints what it did.
fn run_shell(cmd: &str) -> anyhow::Result<()> {
    let output = Command::new("sh").args(["-c", cmd]).output().context("sh")?;
    // One `print!` holds stdout's lock for the whole block: the threads' lines don't mix.
    print!("{}", report(cmd, output.status, &output.stdout, &output.stderr));
    Ok(())
}

/// What the docs' `run()` prints: the command and its exit code, then each pipe's bytes.
fn report(cmd: &str, status: ExitStatus, stdout: &[u8], stderr: &[u8]) -> String {
    let mut text = format!("['{cmd}' exited with {}]\n", returncode(status));
    for (name, bytes) in [("stdout", stdout), ("stderr", stderr)] {
        if !bytes.is_empty() {
            text += &format!("[{name}]\n{}\n", String::from_utf8_lossy(bytes));
        }
    }
    text
}

/// Python's `returncode`: the exit code, or minus the signal that ended the child.
fn returncode(status: ExitStatus) -> i32 {
    status.code().unwrap_or_else(|| -status.signal().unwrap_or(0))
}

/// Starts this program again (the docs start `sys.executable`), reads the one line it
/// prints, then waits for it to exit.
fn get_date() -> anyhow::Result<String> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(std::env::args_os().skip(1))
        .env(DATE_CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting this program again")?;
    let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    let status = child.wait()?; // the pipe stays open until then
    ensure!(status.success(), "the date child: {status}");
    Ok(line.trim_end().to_owned())
}

/// The child's side: the local date and time, as Python's `datetime.now()` prints it.
fn print_date() -> anyhow::Result<()> {
    println!("{}", jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M:%S%.6f"));
    Ok(())
}

/// A duration in seconds, as `sleep` takes it: `1`, `0.25`, `0.000001`.
fn seconds(d: Duration) -> String {
    let text = format!("{:.6}", d.as_secs_f64());
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A duration in tutorial seconds.
fn units(d: Duration, unit: Duration) -> f64 {
    d.as_secs_f64() / unit.as_secs_f64()
}

/// Starts `n` children of `true`, then `n` of `sleep` for one unit, on `max_running`
/// threads that each start the next child until all have run.
fn many(n: u32, max_running: usize, unit: Duration) -> anyhow::Result<()> {
    let sleep = seconds(unit);
    for (program, args) in [("true", vec![]), ("sleep", vec![sleep.as_str()])] {
        // ANCHOR: many
        let next = AtomicU32::new(0);
        let one_by_one = || -> anyhow::Result<()> {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let status =
                    Command::new(program).args(&args).status().context(program)?;
                ensure!(status.success(), "{program}: {status}");
            }
            Ok(())
        };
        let start = Instant::now();
        thread::scope(|scope| -> anyhow::Result<()> {
            let mut threads = Vec::new();
            for _ in 0..max_running.min(n as usize) {
                threads.push(thread::Builder::new().spawn_scoped(scope, one_by_one)?);
            }
            for thread in threads {
                thread.join().map_err(|_| anyhow!("a thread panicked"))??;
            }
            Ok(())
        })?;
        // ANCHOR_END: many
        let ideal = (program == "sleep").then(|| n.div_ceil(max_running as u32));
        let command = [program].into_iter().chain(args).collect::<Vec<_>>().join(" ");
        let at_once = format!("at most {max_running} at a time");
        println!("{}", rate(&command, n, &at_once, start.elapsed(), unit, ideal));
    }
    Ok(())
}

/// One line of figures: how long `n` children took, and how many ended per second.
fn rate(
    command: &str,
    n: u32,
    at_once: &str,
    took: Duration,
    unit: Duration,
    ideal: Option<u32>,
) -> String {
    let per_second = f64::from(n) / took.as_secs_f64();
    match ideal {
        None => {
            format!(
                "{n} x `{command}`, {at_once}: {:.3} s, {per_second:.0} children/s",
                took.as_secs_f64()
            )
        }
        Some(ideal) => format!(
            "{n} x `{command}`, {at_once}: {:.2} units (ideal {ideal}), {per_second:.1} children/s",
            units(took, unit)
        ),
    }
}

fn pitfalls(unit: Duration) -> anyhow::Result<()> {
    full_pipes(unit)?;
    timed_out(unit)?;
    grandchild(unit)
}

/// A child that reads its stdin to the end, then writes 1 MB to stderr and 1 MB to
/// stdout, with the shell's own `printf`: no other process holds the pipes, so killing
/// `sh` ends it.
const NOISY: &str = "cat >/dev/null; printf '%1000000s' '' >&2; printf '%1000000s' ''";

fn noisy() -> anyhow::Result<Child> {
    let mut command = Command::new("sh");
    command
        .args(["-c", NOISY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().context("starting sh")
}

/// Everything a pipe brings until it closes.
fn read_all(mut pipe: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    pipe.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn full_pipes(unit: Duration) -> anyhow::Result<()> {
    let start = Instant::now();
    // The mistake: stdout read to its end before stderr. The child fills stderr's pipe
    // (64 KiB) and waits for room that never comes, so stdout never ends. A read has no
    // timeout in std: a watchdog thread kills the child after a unit, ending the read.
    let mut child = noisy()?;
    drop(child.stdin.take()); // closed: the child's `cat` sees the end of its input
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut read = Vec::new();
    let (done, finished) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let child = &mut child;
        scope.spawn(move || {
            if finished.recv_timeout(unit) == Err(mpsc::RecvTimeoutError::Timeout) {
                let _ = child.kill();
            }
        });
        let _ = stdout.read_to_end(&mut read);
        let _ = done.send(());
    });
    let stuck = child.wait()?.signal() == Some(9);
    let took = units(start.elapsed(), unit);
    let stuck = if stuck { "stuck, killed" } else { "not stuck" };
    println!(
        "pipes: stdout read to its end first: {stuck} after {took:.2} units, {} bytes read",
        read.len()
    );

    let start = Instant::now();
    // ANCHOR: pipes_fix
    // The fix: stdin closed, and a thread per pipe, so that neither ever fills up
    // (`wait_with_output()` does the same on one thread, by polling both pipes).
    let mut child = noisy()?;
    drop(child.stdin.take());
    let stdout = child.stdout.take().context("no stdout")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let (out, err) = thread::scope(|scope| {
        let out = scope.spawn(|| read_all(stdout));
        let err = read_all(stderr); // on this thread, while the other one reads stdout
        (out.join(), err)
    });
    let out = out.map_err(|_| anyhow!("a thread panicked"))??.len();
    let (err, status) = (err?.len(), child.wait()?);
    // ANCHOR_END: pipes_fix
    let took = units(start.elapsed(), unit);
    let code = returncode(status);
    println!(
        "pipes: both read together, stdin closed: {out} + {err} bytes in {took:.2} units, exited with {code}"
    );
    Ok(())
}

/// The state letter of a process in `/proc/<pid>/stat` (R, S, Z, ...); `None` once
/// reaped.
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// The state once a kill has had time to act: polled until the process is gone, or has
/// been a zombie for 0.2 s (nobody is reaping it), or 1 s has passed.
fn settled(pid: u32) -> Option<char> {
    let start = Instant::now();
    let mut zombie_since = None;
    loop {
        let now = state(pid);
        if now == Some('Z') {
            zombie_since.get_or_insert_with(Instant::now);
        }
        let given_up =
            zombie_since.is_some_and(|t| t.elapsed() > Duration::from_millis(200));
        if now.is_none() || given_up || start.elapsed() > Duration::from_secs(1) {
            return now;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// What a state means, in the words the output uses.
fn describe(state: Option<char>) -> String {
    match state {
        None => "/proc/<pid> gone".to_owned(),
        Some('Z') => "a zombie (state Z)".to_owned(),
        Some(other) => format!("still running (state {other})"),
    }
}

fn timed_out(unit: Duration) -> anyhow::Result<()> {
    let sleep = seconds(unit * 10);
    let mut child = Command::new("sleep").arg(&sleep).spawn().context("sleep")?;
    let pid = child.id();
    // std has no wait with a timeout: ask with `try_wait` until the time is up.
    let start = Instant::now();
    while child.try_wait()?.is_none() && start.elapsed() < unit {
        thread::sleep(Duration::from_millis(1));
    }
    let running = describe(state(pid));
    child.kill()?; // SIGKILL: it dies, but its exit status waits to be collected
    let killed = describe(settled(pid));
    let status = child.wait()?; // collects it: the zombie is gone
    println!("timeout: `sleep {sleep}` timed out after 1 unit: {running}");
    println!("timeout: killed, not waited for: {killed}");
    println!(
        "timeout: waited for: exited with {}, {}",
        returncode(status),
        describe(state(pid))
    );
    Ok(())
}

fn grandchild(unit: Duration) -> anyhow::Result<()> {
    let script = format!("sleep {} & echo started", seconds(unit * 2));
    let start = Instant::now();
    // The mistake: `output()` reads until both pipes close, and the background `sleep`,
    // which inherited them, keeps them open after `sh` has exited.
    let output = Command::new("sh").args(["-c", &script]).output().context("sh")?;
    let took = units(start.elapsed(), unit);
    let code = returncode(output.status);
    println!(
        "grandchild: `sh -c '{script}'` exited with {code}, output() returned after {took:.2} units"
    );

    let start = Instant::now();
    // The fix: the child leads a process group of its own; once it has exited, the rest
    // of the group is stopped, which closes the pipe. (Its one line waits in the pipe; a
    // child that writes more needs a thread reading beside the wait, as in pipes_fix.)
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .process_group(0)
        .stdout(Stdio::piped())
        .spawn()
        .context("sh")?;
    let status = child.wait()?;
    let _ = kill_process_group(Pid::from_child(&child), Signal::TERM); // ESRCH: all gone
    let mut text = String::new();
    child.stdout.take().context("no stdout")?.read_to_string(&mut text)?;
    let took = units(start.elapsed(), unit);
    let code = returncode(status);
    println!(
        "grandchild: own process group, the rest stopped when sh exited with {code}: {took:.2} units"
    );
    Ok(())
}
