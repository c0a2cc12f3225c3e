//! `offload` on worker processes: a `ProcessPoolExecutor` made of this program, re-run.
//!
//! Pairs with "Executing code in thread or process pools" (`run_in_executor` with a
//! `ProcessPoolExecutor`) in the asyncio event-loop reference, and with the process-pool part
//! of Real Python's "Speed Up Your Python Program With Concurrency". Python forks or spawns
//! interpreters and pickles the calls; here the binary starts itself again as
//! `offload processes --worker`, which reads one argument per line on stdin and answers one
//! result per line on stdout. In the parent, one thread per worker process feeds it jobs from a
//! shared queue, as the executor's management thread does; `submit` returns a receiver (the
//! future), and `map` collects in order. Dropping the pool closes the workers' stdin, and they
//! exit.
//!
//! Run with: `cargo run -p offload -- processes`

use std::io::{self, BufRead, BufReader, Write};
use std::process::{self, Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::{self, JoinHandle};

use tracing::info;

use crate::Params;

// ANCHOR: worker
fn worker(arg: u32) -> String {
    info!(pid = process::id(), "worker({arg})");
    format!("{arg} Hello World!")
}

/// The worker process's side: one argument per line in, one result per line out, until EOF.
pub fn serve() -> io::Result<()> {
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

/// Worker processes fed from one queue, like `ProcessPoolExecutor`. Dropping it waits for the
/// queued jobs and for the workers to exit, like leaving a `with ProcessPoolExecutor()` block.
pub struct ProcessPool {
    jobs: Option<mpsc::Sender<Job>>,
    feeders: Vec<JoinHandle<io::Result<()>>>,
}

/// `<this program> processes --worker`: the command that starts one worker process.
pub fn worker_command() -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["processes", "--worker"]);
    Ok(command)
}

impl ProcessPool {
    /// Starts `size` worker processes.
    pub fn new(size: usize) -> io::Result<ProcessPool> {
        ProcessPool::with_command(size, &mut worker_command()?)
    }

    /// Starts `size` worker processes with `command`, which must speak the worker's protocol.
    pub fn with_command(size: usize, command: &mut Command) -> io::Result<ProcessPool> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut feeders = Vec::with_capacity(size);
        for i in 0..size {
            let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
            let stdin = child.stdin.take().ok_or_else(|| io::Error::other("no stdin pipe"))?;
            let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout pipe"))?;
            let rx = Arc::clone(&rx);
            let feeder = thread::Builder::new()
                .name(format!("process-feeder-{i}"))
                .spawn(move || feed(child, stdin, BufReader::new(stdout), &rx))?;
            feeders.push(feeder);
        }
        Ok(ProcessPool { jobs: Some(tx), feeders })
    }

    /// Queues `worker(arg)`; the returned receiver is the future.
    pub fn submit(&self, arg: u32) -> mpsc::Receiver<io::Result<String>> {
        let (reply, rx) = mpsc::sync_channel(1);
        if let Some(jobs) = &self.jobs {
            // If every feeder is gone the job is dropped with its sender, and recv() fails.
            let _ = jobs.send(Job { arg, reply });
        }
        rx
    }

    /// Runs `worker` on every argument in the workers; results come back in the arguments' order.
    pub fn map(&self, args: impl IntoIterator<Item = u32>) -> io::Result<Vec<String>> {
        let futures: Vec<_> = args.into_iter().map(|arg| self.submit(arg)).collect();
        futures.into_iter().map(result).collect()
    }
}

/// Waits for one submitted job.
pub fn result(future: mpsc::Receiver<io::Result<String>>) -> io::Result<String> {
    future.recv().map_err(|_| io::Error::other("the worker process is gone"))?
}

/// One feeder thread: takes jobs from the queue, sends each to its worker process, and passes
/// the answer back.
fn feed(
    mut child: Child,
    mut stdin: ChildStdin,
    mut stdout: BufReader<ChildStdout>,
    jobs: &Mutex<mpsc::Receiver<Job>>,
) -> io::Result<()> {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(Job { arg, reply }) = job else { break }; // the pool was dropped
        let mut answer = || -> io::Result<String> {
            writeln!(stdin, "{arg}")?;
            stdin.flush()?;
            let mut line = String::new();
            if stdout.read_line(&mut line)? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the worker process exited"));
            }
            Ok(line.trim_end().to_owned())
        };
        let _ = reply.send(answer());
    }
    drop(stdin); // EOF: the worker's loop ends and it exits
    let status = child.wait()?;
    if status.success() { Ok(()) } else { Err(io::Error::other(format!("a worker process {status}"))) }
}

impl ProcessPool {
    /// Waits for the queued jobs and for the workers to exit, and reports one that failed.
    pub fn shutdown(mut self) -> io::Result<()> {
        drop(self.jobs.take());
        for feeder in self.feeders.drain(..) {
            feeder.join().map_err(|_| io::Error::other("a feeder thread panicked"))??;
        }
        Ok(())
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        drop(self.jobs.take());
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}
// ANCHOR_END: pool

// ANCHOR: main
pub fn run(_params: Params) -> io::Result<()> {
    let pool = ProcessPool::new(2)?;
    println!("submit and map on a pool of 2 worker processes");
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
