//! `subprocess` on smol: `smol::process` (the async-process crate) on `smol::block_on`.
//!
//! Pairs with "Subprocesses" in the asyncio reference (its `run()` and `get_date()`
//! examples: `create_subprocess_shell`, `create_subprocess_exec`, `communicate()`,
//! `wait()`). async-process wraps std's `Command`: the pipes are async, and `status()`
//! waits for the child through a pidfd (SIGCHLD on older kernels), driven by async-io. A
//! `Child` dropped before it exits is reaped by a background thread named
//! "async-process", so it never stays a zombie, and `kill_on_drop(true)` kills it first.
//! `Command` has no `process_group`; a std `Command` with one converts into it.
//!
//! Dependencies: `cargo add anyhow jiff smol && cargo add rustix --features process`
//! Run: `cargo run --release` (in this repository: `just run subprocess smol`)

use std::io::{self, ErrorKind::TimedOut};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use rustix::process::{Pid, Signal, kill_process_group};
use smol::Timer;
use smol::future::{self, FutureExt};
use smol::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use smol::lock::Semaphore;
use smol::process::{Child, Command};

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
    smol::block_on(async {
        if let Some(n) = params.count {
            return many(n, params.max_running, params.unit).await;
        }
        if params.pitfalls {
            return pitfalls(params.unit).await;
        }
        let sleep = format!("sleep {}; echo \"hello\"", seconds(params.unit));
        future::try_zip(run_shell("ls /zzz"), run_shell(&sleep)).await?;
        println!("Current date: {}", get_date().await?);
        Ok(())
    })
}
// ANCHOR_END: main

/// Runs `cmd` in the shell with both pipes captured, and prints what it did.
async fn run_shell(cmd: &str) -> anyhow::Result<()> {
    let output = Command::new("sh").args(["-c", cmd]).output().await.context("sh")?;
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
async fn get_date() -> anyhow::Result<String> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(std::env::args_os().skip(1))
        .env(DATE_CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting this program again")?;
    let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
    let mut line = String::new();
    stdout.read_line(&mut line).await?;
    let status = child.status().await?; // the pipe stays open until then
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

/// Starts `n` children of `true`, then `n` of `sleep` for one unit: a task for each, and
/// a semaphore that lets `max_running` of them have a child at once.
async fn many(n: u32, max_running: usize, unit: Duration) -> anyhow::Result<()> {
    let sleep = seconds(unit);
    for (program, args) in [("true", vec![]), ("sleep", vec![sleep.as_str()])] {
        let start = Instant::now();
        // ANCHOR: many
        let limit = Arc::new(Semaphore::new(max_running));
        let mut tasks = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let mut command = Command::new(program);
            command.args(&args);
            let limit = Arc::clone(&limit);
            tasks.push(smol::spawn(async move {
                let _turn = limit.acquire_arc().await; // held until this task ends
                command.status().await
            }));
        }
        for task in tasks {
            let status = task.await.context(program)?;
            ensure!(status.success(), "{program}: {status}");
        }
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

async fn pitfalls(unit: Duration) -> anyhow::Result<()> {
    full_pipes(unit).await?;
    timed_out(unit).await?;
    grandchild(unit).await
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

async fn full_pipes(unit: Duration) -> anyhow::Result<()> {
    let start = Instant::now();
    // The mistake: stdout read to its end before stderr. The child fills stderr's pipe
    // (64 KiB) and waits for room that never comes, so stdout never ends.
    let mut child = noisy()?;
    drop(child.stdin.take()); // closed: the child's `cat` sees the end of its input
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut read = Vec::new();
    let reading = async { stdout.read_to_end(&mut read).await.map(|_| false) };
    let timer = async {
        Timer::after(unit).await;
        Ok(true)
    };
    let stuck = reading.or(timer).await?;
    if stuck {
        child.kill()?;
    }
    child.status().await?;
    let took = units(start.elapsed(), unit);
    let stuck = if stuck { "stuck, killed" } else { "not stuck" };
    println!(
        "pipes: stdout read to its end first: {stuck} after {took:.2} units, {} bytes read",
        read.len()
    );

    let start = Instant::now();
    // The fix: `output()` closes stdin, then reads both pipes while it waits.
    let output = noisy()?.output().await?;
    let (out, err) = (output.stdout.len(), output.stderr.len());
    let took = units(start.elapsed(), unit);
    let code = returncode(output.status);
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
/// been a zombie for 0.2 s (nobody is reaping it), or 1 s has passed. It sleeps on the
/// runtime's timer, so that the runtime can reap in the meantime.
async fn settled(pid: u32) -> Option<char> {
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
        Timer::after(Duration::from_millis(1)).await;
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

async fn timed_out(unit: Duration) -> anyhow::Result<()> {
    let sleep = seconds(unit * 10);
    let mut child = Command::new("sleep").arg(&sleep).spawn().context("sleep")?;
    let pid = child.id();
    let timer = async {
        Timer::after(unit).await;
        Err(TimedOut.into())
    };
    let _ = child.status().or(timer).await; // times out: the child runs on
    let running = describe(state(pid));
    child.kill()?; // SIGKILL only: nothing waits for it yet
    let killed = describe(settled(pid).await);
    let status = child.status().await?; // reaps it
    println!("timeout: `sleep {sleep}` timed out after 1 unit: {running}");
    println!("timeout: killed, not waited for: {killed}");
    println!(
        "timeout: waited for: exited with {}, {}",
        returncode(status),
        describe(state(pid))
    );

    // Dropping a `Child` made with kill_on_drop kills it; the "async-process" thread
    // reaps every dropped child, killed or not.
    let mut command = Command::new("sleep");
    let child = command.arg(&sleep).kill_on_drop(true).spawn().context("sleep")?;
    let pid = child.id();
    drop(child);
    println!("timeout: kill_on_drop(true), dropped: {}", describe(settled(pid).await));
    Ok(())
}

async fn grandchild(unit: Duration) -> anyhow::Result<()> {
    let script = format!("sleep {} & echo started", seconds(unit * 2));
    let start = Instant::now();
    // The mistake: `output()` reads until both pipes close, and the background `sleep`,
    // which inherited them, keeps them open after `sh` has exited.
    let output = Command::new("sh").args(["-c", &script]).output().await.context("sh")?;
    let took = units(start.elapsed(), unit);
    let code = returncode(output.status);
    println!(
        "grandchild: `sh -c '{script}'` exited with {code}, output() returned after {took:.2} units"
    );

    let start = Instant::now();
    // ANCHOR: grandchild_fix
    // The fix: the child leads a process group of its own; its output is read while it
    // runs, and once it has exited the rest of the group is stopped, closing the pipe.
    // async-process's `Command` has no `process_group`: a std one converts into it.
    let mut command = std::process::Command::new("sh");
    command.args(["-c", &script]).process_group(0);
    let mut child =
        Command::from(command).stdout(Stdio::piped()).spawn().context("sh")?;
    let group = Pid::from_raw(child.id() as i32).context("no pid")?;
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut text = String::new();
    let exited = async {
        let status = child.status().await?;
        let _ = kill_process_group(group, Signal::TERM); // ESRCH: already gone
        Ok::<_, io::Error>(status)
    };
    let (status, _) = future::try_zip(exited, stdout.read_to_string(&mut text)).await?;
    // ANCHOR_END: grandchild_fix
    let took = units(start.elapsed(), unit);
    let code = returncode(status);
    println!(
        "grandchild: own process group, the rest stopped when sh exited with {code}: {took:.2} units"
    );
    Ok(())
}
