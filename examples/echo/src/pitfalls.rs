//! `echo --pitfall NAME`: four mistakes people make with TCP streams, each measured, then
//! its fix, on the runtime named.
//!
//! Every pitfall runs against a server in a process of its own, started from this program and
//! stopped after: the runtime's own server (`echo <runtime> --serve 127.0.0.1:0 --quiet`), or
//! for the spin and burst pitfalls a server of this file (`--helper spinning`, `--helper
//! backlog`), so that its CPU time is its own and a server that cannot be stopped from
//! inside can still be killed.
//!
//! - `deadlock`: a client that writes 16 MB before it reads. The echo server writes back as it
//!   reads; the client does not read, so its receive buffer fills, the server's write waits,
//!   the server stops reading, its receive buffer fills, and the client's write waits too.
//!   The fix writes and reads at once, with the runtime's way of splitting a stream.
//! - `spin`: a handler that does not stop when `read` returns 0 (EOF) calls `read` again at
//!   once, forever: a core at 100 %, and on a one-thread executor whose reads never say
//!   `Pending`, every other connection starved.
//! - `half-close`: a client that reads the reply until EOF must first send its own EOF
//!   (`shutdown(Write)`), or both sides wait for each other.
//! - `burst`: 1,000 connections at once against a listen backlog of 128 (what `bind` asks
//!   for on every Rust runtime): the kernel drops the SYNs that find the queue full, and
//!   those clients send theirs again a second later.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use walkthrough::Runtime;

use crate::bench::{Server, cpu_time};
use crate::{ANY_PORT, Helper, Pitfall};

/// How much the deadlocking client writes.
const BIG: usize = 16 << 20;
/// How long without progress counts as stuck.
const STUCK: Duration = Duration::from_secs(2);
/// How long a fixed client may take, at most.
const LIMIT: Duration = Duration::from_secs(20);
/// How long the spin pitfall watches the server's CPU, and waits for an echo.
const WATCH: Duration = Duration::from_secs(1);
/// The burst's connections.
const BURST: usize = 1000;
/// The backlog of the burst's fix.
const BIG_BACKLOG: i32 = 1024;

/// Runs one pitfall on `runtime`: the mistake, then the fix, with the figures.
pub fn run(runtime: Runtime, pitfall: Pitfall) -> Result<()> {
    if runtime == Runtime::Python {
        bail!("the python pitfalls are the peer's own: run `echo python --pitfall ...`");
    }
    match pitfall {
        Pitfall::Deadlock => deadlock(runtime),
        Pitfall::Spin => spin(runtime),
        Pitfall::HalfClose => half_close(runtime),
        Pitfall::Burst => burst(runtime),
    }
}

/// Starts `echo <runtime> <args>` and waits for its `Serving on` line.
fn start(runtime: Runtime, args: &[&str]) -> Result<Server> {
    let exe = std::env::current_exe().context("cannot find this program")?;
    let mut command = Command::new(exe);
    command.arg(runtime.name()).args(args);
    Server::start(command)
}

/// This runtime's own echo server, quiet.
fn own_server(runtime: Runtime) -> Result<Server> {
    start(runtime, &["--serve", "127.0.0.1:0", "--quiet"])
}

fn megabytes(n: usize) -> f64 {
    n as f64 / (1 << 20) as f64
}

/// The bytes the deadlock pitfall sends: a pattern that repeats every 251 bytes.
fn big_message() -> Vec<u8> {
    (0..BIG).map(|i| (i % 251) as u8).collect()
}

// ----------------------------------------------------------------------------------------
// deadlock

/// How the mistake ended: stuck after writing so many bytes, or (it should not) done.
enum Wrote {
    Stuck(usize),
    All,
}

fn deadlock(runtime: Runtime) -> Result<()> {
    let server = own_server(runtime)?;
    let data = big_message();
    println!("the mistake: write 16 MB, then read the echo");
    let wrote = match runtime {
        Runtime::Threads => threads::deadlock(server.addr, &data)?,
        Runtime::Tokio => tokio_rt::deadlock(server.addr, &data)?,
        Runtime::Smol => smol_rt::deadlock(server.addr, &data)?,
        Runtime::AsyncStd => async_std_rt::deadlock(server.addr, &data)?,
        _ => futures_rt::deadlock(server.addr, &data)?,
    };
    match wrote {
        Wrote::Stuck(n) => println!(
            "  stuck after writing {:.1} MB: nothing moved for {:.1} s, each side waiting for the other",
            megabytes(n),
            STUCK.as_secs_f64()
        ),
        Wrote::All => println!("  all 16 MB written: the socket buffers took it all"),
    }
    println!("the fix: split the stream, and read while writing");
    let start = Instant::now();
    let back = match runtime {
        Runtime::Threads => threads::split(server.addr, &data)?,
        Runtime::Tokio => tokio_rt::split(server.addr, &data)?,
        Runtime::Smol => smol_rt::split(server.addr, &data)?,
        Runtime::AsyncStd => async_std_rt::split(server.addr, &data)?,
        _ => futures_rt::split(server.addr, &data)?,
    };
    let took = start.elapsed();
    let same = if back == data { "every byte the same" } else { "BUT THE BYTES DIFFER" };
    println!(
        "  {:.0} MB written and {:.0} MB read back in {:.2} s, {same}",
        megabytes(data.len()),
        megabytes(back.len()),
        took.as_secs_f64()
    );
    server.stop();
    Ok(())
}

// ----------------------------------------------------------------------------------------
// spin

/// What the spin pitfall measures of a server after its first client has gone.
fn watch_after_eof(server: &Server) -> Result<()> {
    let mut first = TcpStream::connect_timeout(&server.addr, LIMIT)?;
    first.set_read_timeout(Some(LIMIT))?;
    first.write_all(b"Hello World!")?;
    let mut back = [0; 12];
    first.read_exact(&mut back)?;
    drop(first); // EOF for the handler
    let pid = server.pid().to_string();
    let before = cpu_time(&pid)?;
    std::thread::sleep(WATCH);
    let used = cpu_time(&pid)? - before;
    println!(
        "  after its client left, the server used {:.2} s of CPU in {:.2} s",
        used.as_secs_f64(),
        WATCH.as_secs_f64()
    );
    let mut other = TcpStream::connect_timeout(&server.addr, LIMIT)?;
    other.set_read_timeout(Some(WATCH))?;
    let start = Instant::now();
    other.write_all(b"Hello World!")?;
    match other.read_exact(&mut back) {
        Ok(()) => {
            println!(
                "  another client's echo: back after {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            )
        }
        Err(_) => println!(
            "  another client's echo: none in {:.1} s (the spinning task never lets go of its thread)",
            WATCH.as_secs_f64()
        ),
    }
    Ok(())
}

fn spin(runtime: Runtime) -> Result<()> {
    println!("the mistake: a handler that does not stop at EOF");
    let server = start(runtime, &["--helper", "spinning"])?;
    watch_after_eof(&server)?;
    server.stop(); // SIGTERM's default action: the process ends, whatever its threads do
    println!("the fix: stop when read returns 0, as this runtime's server does");
    let server = own_server(runtime)?;
    watch_after_eof(&server)?;
    server.stop();
    Ok(())
}

// ----------------------------------------------------------------------------------------
// half-close

/// How the half-close client ended: the reply, and whether EOF came and when.
struct Reply {
    data: Vec<u8>,
    eof: Option<Duration>,
}

fn half_close(runtime: Runtime) -> Result<()> {
    let server = own_server(runtime)?;
    let show = |reply: Reply| {
        let text = String::from_utf8_lossy(&reply.data);
        match reply.eof {
            Some(after) => {
                println!(
                    "  '{text}' came back, then EOF after {:.1} ms",
                    after.as_secs_f64() * 1e3
                )
            }
            None => println!(
                "  '{text}' came back, then no EOF in {:.1} s: each side waits for the other",
                WATCH.as_secs_f64()
            ),
        }
    };
    println!("the mistake: read the reply until EOF, without sending EOF first");
    show(match runtime {
        Runtime::Threads => threads::half_close(server.addr, false)?,
        Runtime::Tokio => tokio_rt::half_close(server.addr, false)?,
        Runtime::Smol => smol_rt::half_close(server.addr, false)?,
        Runtime::AsyncStd => async_std_rt::half_close(server.addr, false)?,
        _ => futures_rt::half_close(server.addr, false)?,
    });
    println!("the fix: shutdown(Write) after the last write");
    show(match runtime {
        Runtime::Threads => threads::half_close(server.addr, true)?,
        Runtime::Tokio => tokio_rt::half_close(server.addr, true)?,
        Runtime::Smol => smol_rt::half_close(server.addr, true)?,
        Runtime::AsyncStd => async_std_rt::half_close(server.addr, true)?,
        _ => futures_rt::half_close(server.addr, true)?,
    });
    server.stop();
    Ok(())
}

// ----------------------------------------------------------------------------------------
// burst

/// What a burst of connections saw.
struct Burst {
    echoed: usize,
    /// Connected after a second or more: their SYN was dropped, and sent again a second later
    /// (on loopback the handshake is otherwise done within `connect`).
    waited: usize,
    /// The last echo, from the start of the burst.
    slowest: Duration,
}

/// `BURST` connections at once, each sending `Hello World!` and reading it back, on one
/// thread (a current-thread tokio runtime), each timed from the start of the burst: when it
/// was connected, and when its echo came back.
fn burst_against(addr: SocketAddr) -> Result<Burst> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let times = runtime.block_on(async {
        let start = Instant::now();
        let tasks: Vec<_> = (0..BURST)
            .map(|_| {
                tokio::spawn(async move {
                    let exchange = async {
                        let mut stream = tokio::net::TcpStream::connect(addr).await?;
                        let connected = start.elapsed();
                        stream.write_all(b"Hello World!").await?;
                        let mut back = [0; 12];
                        stream.read_exact(&mut back).await?;
                        Ok::<_, std::io::Error>((connected, start.elapsed()))
                    };
                    tokio::time::timeout(LIMIT, exchange).await.ok().and_then(Result::ok)
                })
            })
            .collect();
        let mut times = Vec::with_capacity(BURST);
        for task in tasks {
            times.push(task.await.ok().flatten());
        }
        times
    });
    let echoed: Vec<(Duration, Duration)> = times.into_iter().flatten().collect();
    Ok(Burst {
        echoed: echoed.len(),
        waited: echoed
            .iter()
            .filter(|(connected, _)| *connected >= Duration::from_millis(900))
            .count(),
        slowest: echoed.iter().map(|(_, echoed)| *echoed).max().unwrap_or_default(),
    })
}

fn burst(runtime: Runtime) -> Result<()> {
    let show = |burst: Burst| {
        println!(
            "  {} echoed; {} waited for a SYN to be sent again; the slowest after {:.2} s",
            burst.echoed,
            burst.waited,
            burst.slowest.as_secs_f64()
        );
    };
    println!(
        "the mistake: {BURST} connections at once, listen backlog 128 (what bind asks for)"
    );
    let server = own_server(runtime)?;
    show(burst_against(server.addr)?);
    server.stop();
    println!("the fix: a listen backlog of {BIG_BACKLOG}");
    let server = start(runtime, &["--helper", "backlog"])?;
    show(burst_against(server.addr)?);
    server.stop();
    Ok(())
}

// ----------------------------------------------------------------------------------------
// the helper servers

/// A listener on a free port of 127.0.0.1 with the backlog asked for (socket2: std's
/// `TcpListener::bind` always asks for 128).
// ANCHOR: backlog_socket2
fn listener(backlog: i32) -> Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&ANY_PORT.into())?;
    socket.listen(backlog)?; // std's TcpListener::bind asks for 128
    Ok(socket.into()) // then smol: TcpListener::try_from(it), async-std: from(it), ...
}
// ANCHOR_END: backlog_socket2

/// Runs a helper server until the process is killed: `spinning` (std's default backlog, the
/// handler that forgets EOF) or `backlog` (the right handler, a backlog of 1024).
pub fn helper_server(runtime: Runtime, helper: Helper) -> Result<()> {
    let spinning = helper == Helper::Spinning;
    if runtime == Runtime::Tokio && !spinning {
        return tokio_rt::backlog_server();
    }
    let listener = if spinning {
        std::net::TcpListener::bind(ANY_PORT)?
    } else {
        listener(BIG_BACKLOG)?
    };
    println!("Serving on {}", listener.local_addr()?);
    match runtime {
        Runtime::Threads => threads::serve(listener, spinning),
        Runtime::Tokio => tokio_rt::serve(listener, spinning),
        Runtime::Smol => smol_rt::serve(listener, spinning),
        Runtime::AsyncStd => async_std_rt::serve(listener, spinning),
        Runtime::Futures => futures_rt::serve(listener, spinning),
        other => bail!("echo has no {other} variant"),
    }
}

// ----------------------------------------------------------------------------------------
// each runtime's code

mod threads {
    use std::io::ErrorKind::WouldBlock;
    use std::io::{self, Read, Write};
    use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
    use std::thread;
    use std::time::{Duration, Instant};

    use super::{LIMIT, Reply, STUCK, WATCH, Wrote};

    pub fn deadlock(addr: SocketAddr, data: &[u8]) -> io::Result<Wrote> {
        // ANCHOR: deadlock_threads
        let mut stream = TcpStream::connect_timeout(&addr, LIMIT)?;
        stream.set_write_timeout(Some(STUCK))?; // a write that waits this long fails
        let mut written = 0;
        for chunk in data.chunks(64 * 1024) {
            match stream.write_all(chunk) {
                Ok(()) => written += chunk.len(),
                Err(e) if e.kind() == WouldBlock => return Ok(Wrote::Stuck(written)),
                Err(e) => return Err(e),
            }
        }
        let mut back = vec![0; data.len()]; // never reached: stuck above
        stream.read_exact(&mut back)?;
        // ANCHOR_END: deadlock_threads
        Ok(Wrote::All)
    }

    pub fn split(addr: SocketAddr, data: &[u8]) -> io::Result<Vec<u8>> {
        // ANCHOR: split_threads
        let mut writer = TcpStream::connect_timeout(&addr, LIMIT)?;
        let mut reader = writer.try_clone()?; // a second handle on the same socket
        reader.set_read_timeout(Some(LIMIT))?;
        let mut back = vec![0; data.len()];
        thread::scope(|scope| {
            let writing = scope.spawn(move || writer.write_all(data));
            reader.read_exact(&mut back)?;
            writing.join().expect("the writing thread panicked")
        })?;
        // ANCHOR_END: split_threads
        Ok(back)
    }

    pub fn half_close(addr: SocketAddr, fixed: bool) -> io::Result<Reply> {
        let mut stream = TcpStream::connect_timeout(&addr, LIMIT)?;
        stream.set_read_timeout(Some(WATCH))?;
        // ANCHOR: half_close_threads
        stream.write_all(b"Hello World!")?;
        if fixed {
            stream.shutdown(Shutdown::Write)?; // EOF for the server; we can still read
        }
        let start = Instant::now();
        let mut data = Vec::new();
        let eof = match stream.read_to_end(&mut data) {
            Ok(_) => Some(start.elapsed()),
            Err(e) if e.kind() == WouldBlock => None, // the timeout
            Err(e) => return Err(e),
        };
        // ANCHOR_END: half_close_threads
        Ok(Reply { data, eof })
    }

    // ANCHOR: spinning_threads
    fn spinning_handler(mut stream: TcpStream) -> io::Result<()> {
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data)?; // 0 at EOF, at once, every time
            stream.write_all(&data[..n])?; // nothing to write: no error either
        }
    }
    // ANCHOR_END: spinning_threads

    fn handler(mut stream: TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data)?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&data[..n])?;
        }
    }

    pub fn serve(listener: TcpListener, spinning: bool) -> anyhow::Result<()> {
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = thread::spawn(move || {
                        if spinning { spinning_handler(stream) } else { handler(stream) }
                    });
                }
                Err(_) => thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

mod tokio_rt {
    use std::io;
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpSocket, TcpStream};
    use tokio::time::timeout;

    use super::{LIMIT, Reply, STUCK, WATCH, Wrote};

    fn runtime() -> io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_multi_thread().enable_all().build()
    }

    pub fn deadlock(addr: SocketAddr, data: &[u8]) -> io::Result<Wrote> {
        runtime()?.block_on(async {
            // ANCHOR: deadlock_tokio
            let mut stream = TcpStream::connect(addr).await?;
            let mut written = 0;
            let writing = async {
                for chunk in data.chunks(64 * 1024) {
                    stream.write_all(chunk).await?;
                    written += chunk.len();
                }
                Ok::<_, io::Error>(())
            };
            if timeout(STUCK, writing).await.is_err() {
                return Ok(Wrote::Stuck(written)); // no progress for STUCK: give up
            }
            let mut back = vec![0; data.len()]; // never reached: stuck above
            stream.read_exact(&mut back).await?;
            // ANCHOR_END: deadlock_tokio
            Ok(Wrote::All)
        })
    }

    pub fn split(addr: SocketAddr, data: &[u8]) -> io::Result<Vec<u8>> {
        runtime()?.block_on(async {
            // ANCHOR: split_tokio
            let mut stream = TcpStream::connect(addr).await?;
            let (mut reader, mut writer) = stream.split(); // borrowed halves, one task
            let mut back = vec![0; data.len()];
            let writing = writer.write_all(data);
            let reading = reader.read_exact(&mut back);
            timeout(LIMIT, async { tokio::try_join!(writing, reading) }).await??;
            // ANCHOR_END: split_tokio
            Ok(back)
        })
    }

    pub fn half_close(addr: SocketAddr, fixed: bool) -> io::Result<Reply> {
        runtime()?.block_on(async {
            let mut stream = timeout(LIMIT, TcpStream::connect(addr)).await??;
            // ANCHOR: half_close_tokio
            stream.write_all(b"Hello World!").await?;
            if fixed {
                stream.shutdown().await?; // our EOF; we can still read
            }
            let start = Instant::now();
            let mut data = Vec::new();
            let eof = match timeout(WATCH, stream.read_to_end(&mut data)).await {
                Ok(read) => read.map(|_| Some(start.elapsed()))?,
                Err(_) => None, // the timeout
            };
            // ANCHOR_END: half_close_tokio
            Ok(Reply { data, eof })
        })
    }

    // ANCHOR: spinning_tokio
    async fn spinning_handler(mut stream: TcpStream) -> io::Result<()> {
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?; // 0 at EOF, at once, every time
            stream.write_all(&data[..n]).await?; // nothing to write: no error either
        }
    }
    // ANCHOR_END: spinning_tokio

    async fn handler(mut stream: TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&data[..n]).await?;
        }
    }

    async fn accept_loop(listener: TcpListener, spinning: bool) {
        loop {
            match listener.accept().await {
                Ok((stream, _)) if spinning => {
                    drop(tokio::spawn(spinning_handler(stream)))
                }
                Ok((stream, _)) => drop(tokio::spawn(handler(stream))),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub fn serve(listener: std::net::TcpListener, spinning: bool) -> anyhow::Result<()> {
        listener.set_nonblocking(true)?;
        runtime()?.block_on(async {
            accept_loop(TcpListener::from_std(listener)?, spinning).await;
            Ok(())
        })
    }

    pub fn backlog_server() -> anyhow::Result<()> {
        runtime()?.block_on(async {
            // ANCHOR: backlog_tokio
            let socket = TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            socket.bind(crate::ANY_PORT)?;
            let listener = socket.listen(1024)?; // TcpListener::bind asks for 128
            // ANCHOR_END: backlog_tokio
            println!("Serving on {}", listener.local_addr()?);
            accept_loop(listener, false).await;
            Ok(())
        })
    }
}

mod smol_rt {
    use std::io::{self, ErrorKind::TimedOut};
    use std::net::{Shutdown, SocketAddr};
    use std::time::{Duration, Instant};

    use smol::future::{self, FutureExt};
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use smol::net::{TcpListener, TcpStream};
    use smol::{Executor, Timer};

    use super::{LIMIT, Reply, STUCK, WATCH, Wrote};

    /// `future`, or `None` after `after`.
    async fn within<T>(after: Duration, future: impl Future<Output = T>) -> Option<T> {
        async { Some(future.await) }
            .or(async {
                Timer::after(after).await;
                None
            })
            .await
    }

    pub fn deadlock(addr: SocketAddr, data: &[u8]) -> io::Result<Wrote> {
        smol::block_on(async {
            // ANCHOR: deadlock_smol
            let mut stream = TcpStream::connect(addr).await?;
            let mut written = 0;
            let writing = async {
                for chunk in data.chunks(64 * 1024) {
                    stream.write_all(chunk).await?;
                    written += chunk.len();
                }
                Ok::<_, io::Error>(())
            };
            if within(STUCK, writing).await.is_none() {
                return Ok(Wrote::Stuck(written)); // no progress for STUCK: give up
            }
            let mut back = vec![0; data.len()]; // never reached: stuck above
            stream.read_exact(&mut back).await?;
            // ANCHOR_END: deadlock_smol
            Ok(Wrote::All)
        })
    }

    pub fn split(addr: SocketAddr, data: &[u8]) -> io::Result<Vec<u8>> {
        smol::block_on(async {
            // ANCHOR: split_smol
            let mut writer = TcpStream::connect(addr).await?;
            let mut reader = writer.clone(); // one socket, two handles
            let mut back = vec![0; data.len()];
            let writing = writer.write_all(data);
            let reading = reader.read_exact(&mut back);
            within(LIMIT, future::try_zip(writing, reading)).await.ok_or(TimedOut)??;
            // ANCHOR_END: split_smol
            Ok(back)
        })
    }

    pub fn half_close(addr: SocketAddr, fixed: bool) -> io::Result<Reply> {
        smol::block_on(async {
            let mut stream =
                within(LIMIT, TcpStream::connect(addr)).await.ok_or(TimedOut)??;
            // ANCHOR: half_close_smol
            stream.write_all(b"Hello World!").await?;
            if fixed {
                stream.shutdown(Shutdown::Write)?; // our EOF; we can still read
            }
            let start = Instant::now();
            let mut data = Vec::new();
            let eof = match within(WATCH, stream.read_to_end(&mut data)).await {
                Some(read) => read.map(|_| Some(start.elapsed()))?,
                None => None, // the timeout
            };
            // ANCHOR_END: half_close_smol
            Ok(Reply { data, eof })
        })
    }

    // ANCHOR: spinning_smol
    async fn spinning_handler(mut stream: TcpStream) -> io::Result<()> {
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?; // 0 at EOF, at once, every time
            stream.write_all(&data[..n]).await?; // nothing to write: no error either
        }
    }
    // ANCHOR_END: spinning_smol

    async fn handler(mut stream: TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&data[..n]).await?;
        }
    }

    /// As in the smol variant: an executor run by a thread per core.
    static EX: Executor<'_> = Executor::new();

    pub fn serve(listener: std::net::TcpListener, spinning: bool) -> anyhow::Result<()> {
        let cores =
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        for _ in 1..cores {
            std::thread::spawn(|| smol::block_on(EX.run(future::pending::<()>())));
        }
        smol::block_on(EX.run(async {
            let listener = TcpListener::try_from(listener)?;
            loop {
                match listener.accept().await {
                    Ok((stream, _)) if spinning => {
                        EX.spawn(spinning_handler(stream)).detach()
                    }
                    Ok((stream, _)) => EX.spawn(handler(stream)).detach(),
                    Err(_) => {
                        Timer::after(Duration::from_millis(100)).await;
                    }
                }
            }
        }))
    }
}

mod async_std_rt {
    use std::net::{Shutdown, SocketAddr};
    use std::time::{Duration, Instant};

    use async_std::future::timeout;
    use async_std::io::{self, ReadExt, WriteExt};
    use async_std::net::{TcpListener, TcpStream};
    use async_std::prelude::FutureExt;
    use async_std::task;

    use super::{LIMIT, Reply, STUCK, WATCH, Wrote};

    pub fn deadlock(addr: SocketAddr, data: &[u8]) -> io::Result<Wrote> {
        task::block_on(async {
            // ANCHOR: deadlock_async_std
            let mut stream = TcpStream::connect(addr).await?;
            let mut written = 0;
            let writing = async {
                for chunk in data.chunks(64 * 1024) {
                    stream.write_all(chunk).await?;
                    written += chunk.len();
                }
                Ok::<_, io::Error>(())
            };
            if timeout(STUCK, writing).await.is_err() {
                return Ok(Wrote::Stuck(written)); // no progress for STUCK: give up
            }
            let mut back = vec![0; data.len()]; // never reached: stuck above
            stream.read_exact(&mut back).await?;
            // ANCHOR_END: deadlock_async_std
            Ok(Wrote::All)
        })
    }

    pub fn split(addr: SocketAddr, data: &[u8]) -> io::Result<Vec<u8>> {
        task::block_on(async {
            // ANCHOR: split_async_std
            let mut writer = TcpStream::connect(addr).await?;
            let mut reader = writer.clone(); // one socket, two handles
            let mut back = vec![0; data.len()];
            let writing = writer.write_all(data);
            let reading = reader.read_exact(&mut back);
            io::timeout(LIMIT, writing.try_join(reading)).await?;
            // ANCHOR_END: split_async_std
            Ok(back)
        })
    }

    pub fn half_close(addr: SocketAddr, fixed: bool) -> io::Result<Reply> {
        task::block_on(async {
            let mut stream = io::timeout(LIMIT, TcpStream::connect(addr)).await?;
            // ANCHOR: half_close_async_std
            stream.write_all(b"Hello World!").await?;
            if fixed {
                stream.shutdown(Shutdown::Write)?; // our EOF; we can still read
            }
            let start = Instant::now();
            let mut data = Vec::new();
            let eof = match timeout(WATCH, stream.read_to_end(&mut data)).await {
                Ok(read) => read.map(|_| Some(start.elapsed()))?,
                Err(_) => None, // the timeout
            };
            // ANCHOR_END: half_close_async_std
            Ok(Reply { data, eof })
        })
    }

    // ANCHOR: spinning_async_std
    async fn spinning_handler(mut stream: TcpStream) -> io::Result<()> {
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?; // 0 at EOF, at once, every time
            stream.write_all(&data[..n]).await?; // nothing to write: no error either
        }
    }
    // ANCHOR_END: spinning_async_std

    async fn handler(mut stream: TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)?;
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&data[..n]).await?;
        }
    }

    pub fn serve(listener: std::net::TcpListener, spinning: bool) -> anyhow::Result<()> {
        task::block_on(async {
            let listener = TcpListener::from(listener);
            loop {
                match listener.accept().await {
                    Ok((stream, _)) if spinning => {
                        drop(task::spawn(spinning_handler(stream)))
                    }
                    Ok((stream, _)) => drop(task::spawn(handler(stream))),
                    Err(_) => task::sleep(Duration::from_millis(100)).await,
                }
            }
        })
    }
}

mod futures_rt {
    use std::io::{self, ErrorKind::TimedOut};
    use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
    use std::pin::pin;
    use std::time::{Duration, Instant};

    use async_io::{Async, Timer};
    use futures::executor::{LocalPool, block_on};
    use futures::future::{self, Either};
    use futures::task::LocalSpawnExt;
    use futures::{AsyncReadExt, AsyncWriteExt};

    use super::{LIMIT, Reply, STUCK, WATCH, Wrote};

    /// `future`, or `None` after `after`.
    async fn within<T>(after: Duration, future: impl Future<Output = T>) -> Option<T> {
        match future::select(pin!(future), Timer::after(after)).await {
            Either::Left((done, _)) => Some(done),
            Either::Right(_) => None,
        }
    }

    pub fn deadlock(addr: SocketAddr, data: &[u8]) -> io::Result<Wrote> {
        block_on(async {
            // ANCHOR: deadlock_futures
            let mut stream = Async::<TcpStream>::connect(addr).await?;
            let mut written = 0;
            let writing = async {
                for chunk in data.chunks(64 * 1024) {
                    stream.write_all(chunk).await?;
                    written += chunk.len();
                }
                Ok::<_, io::Error>(())
            };
            if within(STUCK, writing).await.is_none() {
                return Ok(Wrote::Stuck(written)); // no progress for STUCK: give up
            }
            let mut back = vec![0; data.len()]; // never reached: stuck above
            stream.read_exact(&mut back).await?;
            // ANCHOR_END: deadlock_futures
            Ok(Wrote::All)
        })
    }

    pub fn split(addr: SocketAddr, data: &[u8]) -> io::Result<Vec<u8>> {
        block_on(async {
            // ANCHOR: split_futures
            let stream = Async::<TcpStream>::connect(addr).await?;
            let (mut reader, mut writer) = stream.split(); // two halves behind a lock
            let mut back = vec![0; data.len()];
            let writing = writer.write_all(data);
            let reading = reader.read_exact(&mut back);
            within(LIMIT, future::try_join(writing, reading)).await.ok_or(TimedOut)??;
            // ANCHOR_END: split_futures
            Ok(back)
        })
    }

    pub fn half_close(addr: SocketAddr, fixed: bool) -> io::Result<Reply> {
        block_on(async {
            let connecting = Async::<TcpStream>::connect(addr);
            let mut stream = within(LIMIT, connecting).await.ok_or(TimedOut)??;
            // ANCHOR: half_close_futures
            stream.write_all(b"Hello World!").await?;
            if fixed {
                // EOF for the server; we can still read. (`close()` would only flush: on
                // async-io's `Async<TcpStream>` it sends no EOF.)
                stream.get_ref().shutdown(Shutdown::Write)?;
            }
            let start = Instant::now();
            let mut data = Vec::new();
            let eof = match within(WATCH, stream.read_to_end(&mut data)).await {
                Some(read) => read.map(|_| Some(start.elapsed()))?,
                None => None, // the timeout
            };
            // ANCHOR_END: half_close_futures
            Ok(Reply { data, eof })
        })
    }

    // ANCHOR: spinning_futures
    async fn spinning_handler(mut stream: Async<TcpStream>) -> io::Result<()> {
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?; // 0 at EOF, at once, every time
            stream.write_all(&data[..n]).await?; // nothing to write: no error either
        }
    }
    // ANCHOR_END: spinning_futures

    async fn handler(mut stream: Async<TcpStream>) -> io::Result<()> {
        stream.get_ref().set_nodelay(true)?;
        let mut data = vec![0; 8192];
        loop {
            let n = stream.read(&mut data).await?;
            if n == 0 {
                return Ok(());
            }
            stream.write_all(&data[..n]).await?;
        }
    }

    pub fn serve(listener: TcpListener, spinning: bool) -> anyhow::Result<()> {
        let mut pool = LocalPool::new();
        let spawner = pool.spawner();
        pool.run_until(async {
            let listener = Async::new(listener)?;
            loop {
                let spawned = match listener.accept().await {
                    Ok((stream, _)) if spinning => spawner.spawn_local(async {
                        let _ = spinning_handler(stream).await;
                    }),
                    Ok((stream, _)) => spawner.spawn_local(async {
                        let _ = handler(stream).await;
                    }),
                    Err(_) => {
                        Timer::after(Duration::from_millis(100)).await;
                        Ok(())
                    }
                };
                spawned?;
            }
        })
    }
}
