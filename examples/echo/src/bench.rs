//! `echo --bench`: one load generator for every server.
//!
//! The runner starts each row's server as a child process (the variant's own server, on a free
//! port, quiet) and runs [`companion`] beside it, here, in the runner's process: the load never
//! shares a process with the server it measures. It opens C connections, at most
//! [`RAMP`] connecting at a time so that no burst overflows a listen backlog of 128, each
//! with `TCP_NODELAY`; each connection then sends an S-byte message, reads the S bytes that
//! come back and checks every one, and sends the next (a closed loop), for T seconds after a
//! half-second warm-up. It counts the messages, keeps every round trip's time, and reads the
//! CPU time of the server and of this process from `/proc/<pid>/stat` (utime + stime) at the
//! start and the end of the measured window.
//!
//! The python row also measures the peer's server on uvloop's event loop, and the first row
//! measures the yardstick: [`yardstick_server`], the least a thread-per-connection echo can
//! be, in a process of its own. Each measured server gets one line, ending in `messages/s`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use walkthrough::child::Watch;
use walkthrough::{Context, Runtime};

use crate::{ANY_PORT, Args};

/// The most connections that may be connecting at once: half a backlog of 128.
pub const RAMP: usize = 64;
/// How long the load runs before the measured window opens.
const WARM_UP: Duration = Duration::from_millis(500);
/// How long one round trip may take before the connection counts as failed.
const STALL: Duration = Duration::from_secs(10);
/// The load generator's threads, each running a current-thread tokio runtime.
const THREADS: usize = 2;

/// What one bench run loads a server with.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub connections: u32,
    pub size: usize,
    pub seconds: u32,
}

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Round trips completed in the window.
    pub messages: u64,
    /// The measured window.
    pub window: Duration,
    /// Every round trip of the window, sorted, in nanoseconds.
    pub round_trips: Vec<u32>,
    /// CPU time the server used in the window.
    pub server_cpu: Duration,
    /// CPU time this process (the load generator) used in the window.
    pub load_cpu: Duration,
    /// Bytes that came back different from what was sent, or did not come back.
    pub wrong_bytes: u64,
    /// Connections that failed: refused, reset, closed early, or stalled.
    pub failed: u32,
    /// Whether the server ended before the window did (stopped by Ctrl+C, or crashed).
    pub ended: bool,
}

impl Figures {
    /// Messages per second.
    pub fn rate(&self) -> f64 {
        self.messages as f64 / self.window.as_secs_f64()
    }

    /// The `q` quantile of the round trips (0.5 for the median).
    pub fn quantile(&self, q: f64) -> Duration {
        if self.round_trips.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.round_trips.len() - 1) as f64 * q).round() as usize;
        Duration::from_nanos(u64::from(self.round_trips[i]))
    }

    /// CPU per message.
    fn per_message(&self, cpu: Duration) -> f64 {
        cpu.as_secs_f64() * 1e6 / self.messages.max(1) as f64
    }

    /// The line the bench prints, in the columns of [`header`], ending in `messages/s`.
    pub fn line(&self, what: &str) -> String {
        format!(
            "{what:<18} {:>6.3} {:>7.3} {:>6.1} {:>7.1} {:>5} {:>6} {:>8.0} messages/s",
            self.quantile(0.5).as_secs_f64() * 1e3,
            self.quantile(0.99).as_secs_f64() * 1e3,
            self.per_message(self.server_cpu),
            self.per_message(self.load_cpu),
            self.wrong_bytes,
            self.failed,
            self.rate(),
        )
    }
}

/// The columns of the measured lines: round trips' median and 99th percentile; the server's
/// and the load generator's CPU time per message; bytes that came back wrong or not at all;
/// connections that failed; messages per second. Split from the right, a line's last words
/// are these figures and `messages/s`, and the words before them name the server.
pub fn header() -> String {
    let words =
        ["server", "p50 ms", "p99 ms", "CPU µs", "load µs", "lost", "failed", "rate"];
    format!(
        "{:<18} {:>6} {:>7} {:>6} {:>7} {:>5} {:>6} {:>8}",
        words[0], words[1], words[2], words[3], words[4], words[5], words[6], words[7]
    )
}

/// The yardstick is measured once per run, beside the first row.
static YARDSTICK_MEASURED: AtomicBool = AtomicBool::new(false);

/// Runs beside each row's server: loads it and returns the lines to print under the row.
pub fn companion(cx: &Context<Args>, watch: &Watch) -> Result<Vec<String>> {
    let load = Load {
        connections: cx.args.connections,
        size: cx.args.size as usize,
        seconds: cx.args.seconds,
    };
    let Some(addr) = watch.wait_for(Duration::from_secs(30), serving_on) else {
        bail!("the {} server never said where it serves", cx.runtime.label());
    };
    let mut lines = vec![
        format!(
            "load: {} connections x {} B messages, ping-pong for {} s after a {:.1} s warm-up",
            load.connections,
            load.size,
            load.seconds,
            WARM_UP.as_secs_f64()
        ),
        header(),
    ];
    let name = match cx.runtime {
        Runtime::Python => "python asyncio",
        other => other.label(),
    };
    let figures = measure(addr, watch.pid(), load)?;
    lines.push(figures.line(name));
    if figures.ended {
        lines.push(format!(
            "the {} server ended before the measurement did",
            cx.runtime.label()
        ));
        return Ok(lines);
    }
    // Measured: the server stops now (its connections are closed), and ends before the others
    // below are measured; `next_line` says `None` once its output has ended.
    watch.signal(rustix::process::Signal::TERM);
    let stopping = Instant::now();
    while stopping.elapsed() < Duration::from_secs(5)
        && watch.next_line(Duration::from_secs(1)).is_some()
    {}

    if cx.runtime == Runtime::Python {
        lines.push(uvloop(load)?);
    }
    if !YARDSTICK_MEASURED.swap(true, Ordering::SeqCst) {
        let exe = std::env::current_exe().context("cannot find this program")?;
        let mut command = Command::new(exe);
        command.args(["threads", "--helper", "yardstick"]);
        let server = Server::start(command)?;
        let figures = measure(server.addr, server.pid(), load)?;
        server.stop();
        lines.push(figures.line("yardstick"));
    }
    Ok(lines)
}

/// Python's asyncio server on uvloop's event loop, in a process of its own: its line, or why
/// it was skipped.
fn uvloop(load: Load) -> Result<String> {
    let what = "python uvloop";
    let Some(python) = walkthrough::find_on_path("python3") else {
        return Ok(format!("{what:<18} skipped: python3 not found"));
    };
    let peer = concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/echo.py");
    let mut command = Command::new(python);
    command.args(["-u", peer, "--serve", "127.0.0.1:0", "--quiet", "--uvloop"]);
    let server = match Server::start(command) {
        Ok(server) => server,
        Err(err) if format!("{err:#}").contains("skipped: ") => {
            let why = format!("{err:#}");
            return Ok(format!(
                "{what:<18} {}",
                &why[why.find("skipped: ").unwrap_or(0)..]
            ));
        }
        Err(err) => return Err(err),
    };
    let figures = measure(server.addr, server.pid(), load)?;
    server.stop();
    Ok(figures.line(what))
}

/// The address in a server's `Serving on 127.0.0.1:PORT` line, or in Python's
/// `Serving on ('127.0.0.1', PORT)`.
pub fn serving_on(line: &str) -> Option<SocketAddr> {
    let rest = line.strip_prefix("Serving on ")?;
    if let Ok(addr) = rest.trim().parse() {
        return Some(addr);
    }
    let inner = rest.trim().strip_prefix('(')?.split(')').next()?;
    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('\''));
    let (ip, port) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    Some(SocketAddr::new(ip, port))
}

/// A server the bench starts itself (the yardstick, uvloop's), stopped with SIGTERM.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `command` and waits for its `Serving on` line; its other lines, and its stderr
    /// (a reset connection, say), are dropped. A first line that says `skipped: ...` is an
    /// error with that text.
    pub fn start(mut command: Command) -> Result<Server> {
        command
            .env(walkthrough::CHILD_ENV, "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child =
            command.spawn().with_context(|| format!("cannot start {command:?}"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (lines, received) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match received.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!("{command:?} never said where it serves");
                }
            };
            if line.starts_with("skipped: ") {
                let _ = child.wait();
                bail!("{line}");
            }
            if let Some(addr) = serving_on(&line) {
                return Ok(Server { child, addr });
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then SIGKILL if it is still there after five seconds; reaped either way.
    pub fn stop(mut self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// User plus system CPU time of process `pid` so far, from `/proc/<pid>/stat` (in clock ticks
/// of 10 ms: Linux reports them in USER_HZ, which is 100).
pub fn cpu_time(pid: &str) -> Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    // The command name is in parentheses and may hold spaces: count the fields after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are the 14th and 15th fields; the state (3rd) is the first after ')'.
    Ok(Duration::from_millis((ticks(11) + ticks(12)) * 10))
}

/// The phases of a run, as the connections see them.
const RAMPING: u8 = 0;
const MEASURING: u8 = 1;
const STOPPING: u8 = 2;

/// What the connections of a run share.
struct Shared {
    addr: SocketAddr,
    size: usize,
    phase: AtomicU8,
    connected: AtomicU32,
    ramp: tokio::sync::Semaphore,
    /// Random bytes, 256 more than a message: message `k` of a connection starts at an offset
    /// that changes with `k`, so a server that sent back an old message would be caught.
    pattern: Vec<u8>,
}

/// What one connection measured.
#[derive(Default)]
struct Tally {
    messages: u64,
    round_trips: Vec<u32>,
    wrong_bytes: u64,
    failed: u32,
}

/// Loads the server at `addr` (process `pid`) and measures it.
pub fn measure(addr: SocketAddr, pid: u32, load: Load) -> Result<Figures> {
    let shared = Arc::new(Shared {
        addr,
        size: load.size,
        phase: AtomicU8::new(RAMPING),
        connected: AtomicU32::new(0),
        ramp: tokio::sync::Semaphore::new(RAMP),
        pattern: pattern(load.size + 256),
    });
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            // Connections t, t + THREADS, t + 2 * THREADS, ... run on thread t.
            let ids: Vec<u32> =
                (0..load.connections).filter(|c| *c as usize % THREADS == t).collect();
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name(format!("load-{t}"))
                .spawn(move || generate(&shared, &ids))
                .context("cannot start a load thread")
        })
        .collect::<Result<_>>()?;

    // Every connection up, or failed, then the warm-up, then the window.
    let ramp_deadline = Instant::now() + Duration::from_secs(60);
    while shared.connected.load(Ordering::SeqCst) < load.connections
        && !threads.iter().all(thread::JoinHandle::is_finished)
        && Instant::now() < ramp_deadline
    {
        thread::sleep(Duration::from_millis(5));
    }
    // Waits for `span`, or until the server has ended (Ctrl+C, say).
    let wait = |span: Duration| {
        let since = Instant::now();
        while since.elapsed() < span && running(pid) {
            thread::sleep(
                Duration::from_millis(20).min(span.saturating_sub(since.elapsed())),
            );
        }
    };
    wait(WARM_UP);
    let server = pid.to_string();
    let (server_before, load_before) = (cpu_time(&server)?, cpu_time("self")?);
    let start = Instant::now();
    shared.phase.store(MEASURING, Ordering::SeqCst);
    wait(Duration::from_secs(load.seconds.into()));
    shared.phase.store(STOPPING, Ordering::SeqCst);
    let window = start.elapsed();
    let ended = !running(pid);
    let (server_after, load_after) =
        (cpu_time(&server).unwrap_or(server_before), cpu_time("self")?);

    let mut total = Tally::default();
    for thread in threads {
        let tally =
            thread.join().map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        total.messages += tally.messages;
        total.round_trips.extend(tally.round_trips);
        total.wrong_bytes += tally.wrong_bytes;
        total.failed += tally.failed;
    }
    total.round_trips.sort_unstable();
    Ok(Figures {
        messages: total.messages,
        window,
        round_trips: total.round_trips,
        server_cpu: server_after.saturating_sub(server_before),
        load_cpu: load_after.saturating_sub(load_before),
        wrong_bytes: total.wrong_bytes,
        failed: total.failed,
        ended,
    })
}

/// Whether process `pid` is still running: not gone, and not a zombie waiting to be reaped.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
    })
}

/// `n` bytes of a xorshift sequence.
fn pattern(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// One load thread: its connections, on a current-thread runtime.
fn generate(shared: &Arc<Shared>, ids: &[u32]) -> Result<Tally> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let local = tokio::task::LocalSet::new();
    let tallies = local.block_on(&runtime, async {
        let tasks: Vec<_> = ids
            .iter()
            .map(|&id| tokio::task::spawn_local(connection(Arc::clone(shared), id)))
            .collect();
        let mut tallies = Vec::with_capacity(tasks.len());
        for task in tasks {
            tallies.push(task.await);
        }
        tallies
    });
    let mut total = Tally::default();
    for tally in tallies {
        let tally = tally.context("a connection task panicked")?;
        total.messages += tally.messages;
        total.round_trips.extend(tally.round_trips);
        total.wrong_bytes += tally.wrong_bytes;
        total.failed += tally.failed;
    }
    Ok(total)
}

/// One connection: connect (at most [`RAMP`] at once), then ping-pong until told to stop.
async fn connection(shared: Arc<Shared>, id: u32) -> Tally {
    let mut tally = Tally::default();
    let size = shared.size;
    let mut back = vec![0; size];
    let mut k = id as usize;
    let mut permit = shared.ramp.acquire().await.ok();
    let connected =
        tokio::time::timeout(STALL, tokio::net::TcpStream::connect(shared.addr)).await;
    let Ok(Ok(mut stream)) = connected else {
        tally.failed = 1;
        shared.connected.fetch_add(1, Ordering::SeqCst);
        return tally;
    };
    let _ = stream.set_nodelay(true);
    let mut first = true;
    loop {
        let phase = shared.phase.load(Ordering::Relaxed);
        if phase == STOPPING {
            break;
        }
        let offset = k % 256;
        k += 1;
        let message = &shared.pattern[offset..offset + size];
        let sent = Instant::now();
        let (mut reader, mut writer) = stream.split();
        // Written and read at once: a message larger than the socket buffers would otherwise
        // block both sides (see `--pitfall deadlock`).
        let exchange = async {
            tokio::try_join!(
                writer.write_all(message),
                read_up_to(&mut reader, &mut back)
            )
        };
        let got = match tokio::time::timeout(STALL, exchange).await {
            Ok(Ok(((), got))) => got,
            _ => {
                tally.failed = 1;
                tally.wrong_bytes += size as u64;
                break;
            }
        };
        let elapsed = sent.elapsed();
        if got < size || back[..] != message[..] {
            let differ = back[..got].iter().zip(message).filter(|(a, b)| a != b).count();
            tally.wrong_bytes += (differ + size - got) as u64;
        }
        if got < size {
            tally.failed = 1;
            break;
        }
        if first {
            first = false;
            permit = None; // the next connection may start
            shared.connected.fetch_add(1, Ordering::SeqCst);
        }
        if phase == MEASURING && shared.phase.load(Ordering::Relaxed) == MEASURING {
            tally.messages += 1;
            tally.round_trips.push(u32::try_from(elapsed.as_nanos()).unwrap_or(u32::MAX));
        }
    }
    drop(permit);
    if first {
        shared.connected.fetch_add(1, Ordering::SeqCst);
    }
    // Our EOF; the server's comes back once it has seen it.
    let _ = stream.shutdown().await;
    let mut rest = [0; 1];
    match tokio::time::timeout(STALL, stream.read(&mut rest)).await {
        Ok(Ok(0)) => {}
        _ => tally.failed = 1,
    }
    tally
}

/// Reads until `buf` is full or the stream ends; returns how many bytes came.
async fn read_up_to(
    reader: &mut (impl AsyncReadExt + Unpin),
    buf: &mut [u8],
) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]).await? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// The yardstick: a minimal blocking echo, a thread per connection, on a free port of
/// 127.0.0.1; it serves until it is killed.
pub fn yardstick_server() -> Result<()> {
    let listener = TcpListener::bind(ANY_PORT).context("binding the yardstick")?;
    println!("Serving on {}", listener.local_addr()?);
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut data = [0; 8192];
            while let Ok(n @ 1..) = stream.read(&mut data) {
                if stream.write_all(&data[..n]).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_serving_lines() {
        let addr: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert_eq!(serving_on("Serving on 127.0.0.1:4000"), Some(addr));
        assert_eq!(serving_on("Serving on ('127.0.0.1', 4000)"), Some(addr));
        assert_eq!(serving_on("Send: 'x'"), None);
    }

    #[test]
    fn reads_its_own_cpu_time() {
        let before = cpu_time("self").unwrap();
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(120) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let used = cpu_time("self").unwrap() - before;
        assert!(used >= Duration::from_millis(50), "{used:?}");
    }

    /// A server on its own threads that echoes what `answer` makes of each read, and closes
    /// the connection after a reply when `answer` returns false.
    fn faulty_server(answer: fn(&mut Vec<u8>) -> bool) -> SocketAddr {
        let listener = TcpListener::bind(ANY_PORT).unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                thread::spawn(move || {
                    let mut data = vec![0; 8192];
                    while let Ok(n @ 1..) = stream.read(&mut data) {
                        let mut reply = data[..n].to_vec();
                        let go_on = answer(&mut reply);
                        if stream.write_all(&reply).is_err() || !go_on {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    const SMALL: Load = Load { connections: 3, size: 1000, seconds: 1 };

    #[test]
    fn an_exact_echo_has_no_wrong_bytes() {
        let figures =
            measure(faulty_server(|_| true), std::process::id(), SMALL).unwrap();
        assert!(figures.messages > 100, "{figures:?}");
        assert_eq!((figures.wrong_bytes, figures.failed), (0, 0));
    }

    #[test]
    fn every_changed_byte_is_counted() {
        // One byte changed in every read: at least one per message.
        let flip = |reply: &mut Vec<u8>| {
            reply[0] ^= 1;
            true
        };
        let figures = measure(faulty_server(flip), std::process::id(), SMALL).unwrap();
        assert!(figures.messages > 100, "{figures:?}");
        assert!(
            figures.wrong_bytes >= figures.messages,
            "{} wrong in {} messages",
            figures.wrong_bytes,
            figures.messages
        );
        assert_eq!(figures.failed, 0);
    }

    #[test]
    fn a_server_that_hangs_up_mid_message_fails_its_connections() {
        // Ten bytes back, then the connection closes.
        let hang_up = |reply: &mut Vec<u8>| {
            reply.truncate(10);
            false
        };
        let figures = measure(faulty_server(hang_up), std::process::id(), SMALL).unwrap();
        assert_eq!(figures.failed, SMALL.connections, "{figures:?}");
        assert!(figures.wrong_bytes >= 3 * 990, "{figures:?}");
        assert_eq!(figures.messages, 0);
    }

    #[test]
    fn quantiles_of_sorted_round_trips() {
        let figures = Figures {
            messages: 100,
            window: Duration::from_secs(1),
            round_trips: (1..=100).collect(),
            server_cpu: Duration::from_millis(1),
            load_cpu: Duration::ZERO,
            wrong_bytes: 0,
            failed: 0,
            ended: false,
        };
        assert_eq!(figures.quantile(0.5), Duration::from_nanos(51));
        assert_eq!(figures.quantile(0.99), Duration::from_nanos(99));
        let line = figures.line("async-std (legacy)");
        let words: Vec<&str> = line.split_whitespace().rev().collect();
        assert_eq!(
            words[..8],
            ["messages/s", "100", "0", "0", "0.0", "10.0", "0.000", "0.000"],
            "{line}"
        );
        assert_eq!(
            line.chars().count(),
            header().chars().count() + " messages/s".len(),
            "{line}"
        );
    }
}
