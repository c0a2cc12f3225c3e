//! `echo`: asyncio's streams (`start_server`, `open_connection`) on every runtime.
//!
//! Each variant runs the asyncio reference's TCP echo server on a free port of 127.0.0.1 and
//! its client, which sends `Hello World!` and prints what comes back; both print the docs'
//! lines. `--serve ADDR` runs a variant's server alone until Ctrl+C, for any client (`nc`, a
//! script). `--pitfall NAME` shows a mistake and its fix, measured. `--bench` loads every
//! server with one load generator (running here, in the runner, not in the measured server),
//! beside Python's asyncio server, uvloop's, and a yardstick, and prints messages per second.
//!
//! ```text
//! just run echo                                  # every variant, then the comparison table
//! just run echo tokio --serve 127.0.0.1:8888     # tokio's server alone, until Ctrl+C
//! just run echo --pitfall deadlock               # a mistake and its fix, on every runtime
//! just run echo --bench                          # messages per second, every server
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;

use walkthrough::{Context, Example};

mod bench;
mod pitfalls;
mod variants;

/// The flags of `echo`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Run the server alone on ADDR (a loopback address; port 0 picks a free one) until Ctrl+C
    #[arg(long, value_name = "ADDR", value_parser = parse_loopback)]
    serve: Option<SocketAddr>,
    /// With --serve: print nothing per connection
    #[arg(long, requires = "serve")]
    quiet: bool,
    /// Show a mistake people make with TCP streams, and its fix, measured
    #[arg(long, value_name = "NAME", value_enum, conflicts_with = "serve")]
    pitfall: Option<Pitfall>,
    /// Instead of the demo, load each server with ping-pong messages and print messages/s, beside
    /// Python's asyncio server, uvloop's, and a yardstick (a blocking echo, a thread per connection)
    #[arg(long, conflicts_with_all = ["serve", "pitfall"])]
    bench: bool,
    /// --bench: how many connections at once
    #[arg(long, value_name = "C", default_value_t = 100, requires = "bench",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    connections: u32,
    /// --bench: the size of each message, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 1024, requires = "bench",
          value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
    size: u32,
    /// --bench: how long each server is measured, in seconds (after a half-second warm-up)
    #[arg(long, value_name = "SECONDS", default_value_t = 3, requires = "bench",
          value_parser = clap::value_parser!(u32).range(1..=60))]
    seconds: u32,
    /// A server the bench or a pitfall starts as a process of its own
    #[arg(long, value_enum, hide = true, conflicts_with_all = ["serve", "pitfall", "bench"])]
    helper: Option<Helper>,
}

/// The mistakes `--pitfall` shows.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pitfall {
    /// A client writes 16 MB before it reads: it and the echo server wait for each other
    Deadlock,
    /// A handler that does not stop at EOF spins at 100% CPU
    Spin,
    /// Reading a reply until EOF needs the client to send its own EOF: shutdown(Write)
    HalfClose,
    /// A burst of 1,000 connections against the listen backlog
    Burst,
}

/// The servers other than the variants' own, run as processes of their own.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    /// The bench's yardstick: a minimal blocking echo, a thread per connection
    Yardstick,
    /// The spin pitfall's server: its handler does not stop at EOF
    Spinning,
    /// The burst pitfall's fix: the runtime's server with a listen backlog of 1024
    Backlog,
}

/// Parses `--serve`: an IP address and a port, on loopback only.
fn parse_loopback(text: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = text.parse().map_err(|_| {
        format!("expected an address and a port, e.g. 127.0.0.1:8888, not {text:?}")
    })?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{} is not a loopback address: use 127.0.0.1 or [::1]",
            addr.ip()
        ));
    }
    Ok(addr)
}

/// Where the bench's servers listen: a free port on 127.0.0.1.
pub const ANY_PORT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

fn main() -> ExitCode {
    Example::new(
        "echo",
        "asyncio streams: a TCP echo server and client, their pitfalls, messages/s under load",
    )
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/echo.py"))
    .limits(|args: &Args| {
        let buffered = u64::from(args.connections) * u64::from(args.size);
        if buffered > 64 << 20 {
            return Err(format!(
                "--connections {} x --size {} is {} MiB in flight: the most is 64 MiB",
                args.connections,
                args.size,
                buffered >> 20
            ));
        }
        Ok(())
    })
    .beside(|args: &Args, _single| args.bench, bench::companion)
    .instead(|cx: &Context<Args>| match (cx.args.pitfall, cx.args.helper) {
        (Some(pitfall), _) => Some(pitfalls::run(cx.runtime, pitfall)),
        (None, Some(Helper::Yardstick)) => Some(bench::yardstick_server()),
        (None, Some(helper)) => Some(pitfalls::helper_server(cx.runtime, helper)),
        (None, None) => None,
    })
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params {
            // The bench's servers: on a free port, quiet, until the runner stops them.
            serve: if cx.args.bench { Some(ANY_PORT) } else { cx.args.serve },
            quiet: cx.args.quiet || cx.args.bench,
        };
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
