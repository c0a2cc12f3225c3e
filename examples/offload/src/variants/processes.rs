//! `offload` on worker processes: a `ProcessPoolExecutor` made of this program, re-run.
//!
//! Pairs with "Executing code in thread or process pools" (`run_in_executor` with a
//! `ProcessPoolExecutor`) in the asyncio event-loop reference, and with the process-pool
//! part of Real Python's "Speed Up Your Python Program With Concurrency". Python forks or
//! spawns interpreters and pickles the calls; here the program starts itself again, with
//! the same arguments and `OFFLOAD_POOL_WORKER` set (as Python's `spawn` start method
//! re-runs the main module), and the copy reads one argument per line on stdin and
//! answers one result per line on stdout. In the parent, one thread per worker process
//! feeds it jobs from a shared queue (a `Mutex` and a `Condvar`), as the executor's
//! management thread does; `submit` returns a receiver (the future), and `map` collects
//! in order. Dropping the pool closes the workers' stdin, and they exit.
//!
//! Dependencies: `cargo add tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run offload processes`)

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::process::{self, Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::thread::{self, JoinHandle};

use tracing::info;

/// What the program runs with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How many worker processes the pool starts.
    pub workers: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params { workers: 2 }
    }
}

/// Set in a worker process's environment: it serves jobs instead of running the demo.
const WORKER: &str = "OFFLOAD_POOL_WORKER";

pub fn main() -> io::Result<()> {
    // Log lines go to stderr, each with the name of the thread that wrote it.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default())
}

// ANCHOR: worker
fn worker(arg: u32) -> String {
    info!(pid = process::id(), "worker({arg})");
    format!("{arg} Hello World!")
}

/// The worker process's side: one argument per line in, one result per line out, until
/// EOF.
fn serve() -> io::Result<()> {
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        let reply = match line.trim().parse() {
            Ok(arg) => worker(arg),
            Err(_) => format!("error: not a number: {line:?}"),
        };
        writeln!(out, "{reply}")?;
        out.flush()?;
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: pool
/// A job: the argument, and where its result goes.
struct Job {
    arg: u32,
    reply: mpsc::SyncSender<io::Result<String>>,
}

/// The queue the feeder threads share: jobs in order, and whether the pool is shutting
/// down.
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled once per submitted job (and for everyone at shutdown).
    ready: Condvar,
}

/// Worker processes fed from one queue, like `ProcessPoolExecutor`. Dropping it waits for
/// the queued jobs and for the workers to exit, like leaving a `with
/// ProcessPoolExecutor()` block.
pub struct ProcessPool {
    shared: Arc<Shared>,
    feeders: Vec<JoinHandle<io::Result<()>>>,
}

/// This same program, with the same arguments, started as a worker process.
fn worker_command() -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(std::env::args_os().skip(1)).env(WORKER, "1");
    Ok(command)
}

impl ProcessPool {
    /// Starts `size` worker processes.
    pub fn new(size: usize) -> io::Result<ProcessPool> {
        let mut command = worker_command()?;
        let queue = Queue { jobs: VecDeque::new(), closed: false };
        let shared = Arc::new(Shared { queue: Mutex::new(queue), ready: Condvar::new() });
        // Built before the first spawn, so that an error below still shuts the others
        // down.
        let mut pool = ProcessPool { shared, feeders: Vec::with_capacity(size) };
        for i in 0..size {
            let mut child =
                command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
            let stdin =
                child.stdin.take().ok_or_else(|| io::Error::other("no stdin pipe"))?;
            let stdout =
                child.stdout.take().ok_or_else(|| io::Error::other("no stdout pipe"))?;
            let shared = Arc::clone(&pool.shared);
            let feeder = thread::Builder::new()
                .name(format!("process-feeder-{i}"))
                .spawn(move || feed(child, stdin, BufReader::new(stdout), &shared))?;
            pool.feeders.push(feeder);
        }
        Ok(pool)
    }

    /// Queues `worker(arg)`; the returned receiver is the future.
    pub fn submit(&self, arg: u32) -> mpsc::Receiver<io::Result<String>> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .jobs
            .push_back(Job { arg, reply });
        self.shared.ready.notify_one(); // wake one idle feeder, not all of them
        rx
    }

    /// Runs `worker` on every argument in the workers; results come back in the
    /// arguments' order.
    pub fn map(&self, args: impl IntoIterator<Item = u32>) -> io::Result<Vec<String>> {
        let futures: Vec<_> = args.into_iter().map(|arg| self.submit(arg)).collect();
        futures.into_iter().map(result).collect()
    }

    /// Waits for the queued jobs and for the workers to exit, and reports one that
    /// failed.
    pub fn shutdown(mut self) -> io::Result<()> {
        self.close();
        for feeder in self.feeders.drain(..) {
            feeder.join().map_err(|_| io::Error::other("a feeder thread panicked"))??;
        }
        Ok(())
    }

    fn close(&self) {
        self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.shared.ready.notify_all();
    }
}

/// Waits for one submitted job.
pub fn result(future: mpsc::Receiver<io::Result<String>>) -> io::Result<String> {
    future.recv().map_err(|_| io::Error::other("the worker process is gone"))?
}

/// One feeder thread: takes jobs from the queue, sends each to its worker process, and
/// passes the answer back. When the queue is closed and empty, it closes the worker's
/// stdin, and the worker exits.
fn feed(
    mut child: Child,
    mut stdin: ChildStdin,
    mut stdout: BufReader<ChildStdout>,
    shared: &Shared,
) -> io::Result<()> {
    let mut line = String::new();
    loop {
        let Job { arg, reply } = {
            let mut queue = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                if queue.closed {
                    drop(stdin); // EOF: the worker's loop ends
                    let status = child.wait()?;
                    return match status.success() {
                        true => Ok(()),
                        false => {
                            Err(io::Error::other(format!("a worker process {status}")))
                        }
                    };
                }
                queue = shared.ready.wait(queue).unwrap_or_else(PoisonError::into_inner);
            }
        };
        let mut answer = || -> io::Result<String> {
            stdin.write_all(format!("{arg}\n").as_bytes())?; // one write: one wake-up
            line.clear();
            if stdout.read_line(&mut line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the worker process exited",
                ));
            }
            Ok(line.trim_end().to_owned())
        };
        let _ = reply.send(answer());
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        self.close();
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}
// ANCHOR_END: pool

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    if std::env::var_os(WORKER).is_some() {
        return serve(); // this process is one of the pool's workers
    }
    let pool = ProcessPool::new(params.workers)?;
    println!("submit and map on a pool of {} worker processes", params.workers);
    let futures: Vec<_> = (1..=3).map(|arg| pool.submit(arg)).collect();
    for future in futures {
        println!("  submit: {}", result(future)?);
    }
    for answer in pool.map(1..=3)? {
        println!("  map: {answer}");
    }
    pool.shutdown()
}
// ANCHOR_END: main
