//! `subprocess` in plain sequential std code: `std::process::Command`, one child at a
//! time.
//!
//! Pairs with "Subprocesses" in the asyncio reference (its `run()` and `get_date()`
//! examples: `create_subprocess_shell`, `create_subprocess_exec`, `communicate()`,
//! `wait()`). std's `Command` is the blocking original the async ones copy: `output()`
//! captures both pipes, reading them together (it polls both on this thread), as
//! `communicate()` does, and `wait()` blocks until the child exits. One child at a time,
//! the docs' two commands still take about one unit, since `ls` returns at once;
//! `--count` shows what one at a time costs.
//!
//! Dependencies: `cargo add anyhow jiff && cargo add rustix --features process`
//! Run: `cargo run --release` (in this repository: `just run subprocess sync`)

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use rustix::process::{Pid, Signal, kill_process_group};

/// What the program runs with; `just run subprocess` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Instead of the docs' programs, start this many children of `true`, then of
    /// `sleep`.
    pub count: Option<u32>,
    /// Instead of the docs' programs, show the pitfalls.
    pub pitfalls: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_secs(1), count: None, pitfalls: false }
    }
}

/// Set in the environment of the child that `get_date` starts: it prints the date
/// instead.
const DATE_CHILD: &str = "SUBPROCESS_PRINT_DATE";

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

pub fn run(params: Params) -> anyhow::Result<()> {
    if std::env::var_os(DATE_CHILD).is_some() {
        return print_date(); // this process is get_date's child
    }
    if let Some(n) = params.count {
        return many(n, params.unit);
    }
    if params.pitfalls {
        return pitfalls(params.unit);
    }
    run_shell("ls /zzz")?;
    run_shell(&format!("sleep {}; echo \"hello\"", seconds(params.unit)))?;
    println!("Current date: {}", get_date()?);
    Ok(())
}

// ANCHOR: run
/// Runs `cmd` in the shell with both pipes captured, and prints what it did.
fn run_shell(cmd: &str) -> anyhow::Result<()> {
    let output = Command::new("sh").args(["-c", cmd]).output().context("sh")?;
    print!("{}", report(cmd, output.status, &output.stdout, &output.stderr));
    Ok(())
}
// ANCHOR_END: run

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

/// Starts `n` children of `true`, then `n` of `sleep` for one unit, one after another.
fn many(n: u32, unit: Duration) -> anyhow::Result<()> {
    let sleep = seconds(unit);
    for (program, args) in [("true", vec![]), ("sleep", vec![sleep.as_str()])] {
        let start = Instant::now();
        // ANCHOR: many
        for _ in 0..n {
            let status = Command::new(program).args(&args).status().context(program)?;
            ensure!(status.success(), "{program}: {status}");
        }
        // ANCHOR_END: many
        let ideal = (program == "sleep").then_some(n); // one unit each, one at a time
        let command = [program].into_iter().chain(args).collect::<Vec<_>>().join(" ");
        println!("{}", rate(&command, n, "one at a time", start.elapsed(), unit, ideal));
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

fn full_pipes(unit: Duration) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: pipes_mistake
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
    // ANCHOR_END: pipes_mistake
    let took = units(start.elapsed(), unit);
    let stuck = if stuck { "stuck, killed" } else { "not stuck" };
    println!(
        "pipes: stdout read to its end first: {stuck} after {took:.2} units, {} bytes read",
        read.len()
    );

    let start = Instant::now();
    // The fix: `wait_with_output()` closes stdin, then reads both pipes as they fill
    // (polling them, on this thread), and waits.
    let output = noisy()?.wait_with_output()?;
    let (out, err, status) = (output.stdout.len(), output.stderr.len(), output.status);
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
    // ANCHOR: timeout
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
    // ANCHOR_END: timeout
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
