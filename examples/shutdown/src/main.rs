//! `shutdown`: the asyncio reference's "Set signal handlers for SIGINT and SIGTERM" example,
//! on every runtime, with work in flight.
//!
//! The program installs handlers for SIGINT and SIGTERM, then says it is ready, starts three
//! tasks that each work in steps of one unit, and waits for an hour (3,600 units). On the
//! first signal it stops taking new steps, lets every task finish the step it is in, and exits
//! with status 0; a second signal during that drain exits at once with status 130.
//!
//! A run of one runtime waits for you: press Ctrl+C, or `kill -TERM <pid>` from another
//! terminal. A run of several cannot wait for a person: the runner sends the signal itself,
//! `--signal-after` units after the readiness line.
//!
//! ```text
//! just run shutdown                          # every variant, the runner sends SIGINT
//! just run shutdown --signal TERM            # ... or SIGTERM
//! just run shutdown tokio --unit 1s          # one variant: an hour, or until Ctrl+C
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use walkthrough::child::Watch;
use walkthrough::{Context, Example, Runtime};

mod variants;

/// A signal the runner can send.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum SignalName {
    /// SIGINT, what Ctrl+C sends
    #[value(name = "INT")]
    Int,
    /// SIGTERM, what `kill` and service managers send
    #[value(name = "TERM")]
    Term,
}

/// The flags of `shutdown`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// In a run of several runtimes, send the signal this many units after the program says it
    /// is ready (a run of one waits for your Ctrl+C)
    #[arg(long, value_name = "UNITS", default_value = "2", value_parser = parse_units,
          allow_negative_numbers = true)]
    signal_after: f64,
    /// The signal to send in a run of several runtimes
    #[arg(
        long,
        value_name = "NAME",
        value_enum,
        ignore_case = true,
        default_value = "INT"
    )]
    signal: SignalName,
}

/// A number of units from 0 to 60.
fn parse_units(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(units) if (0.0..=60.0).contains(&units) => Ok(units),
        Ok(_) => Err("expected a number of units from 0 to 60".to_owned()),
        Err(_) => {
            Err(format!("expected a number of units, such as 2 or 0.5, not {text:?}"))
        }
    }
}

fn main() -> ExitCode {
    Example::new(
        "shutdown",
        "signal handlers for SIGINT and SIGTERM: finish the work in flight, then exit",
    )
    .default_unit(Duration::from_millis(10))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/shutdown.py"))
    // The row of a run of several: the signal, then at most one step of drain. (A run of one
    // waits for a person, up to the hour.)
    .length(|args: &Args, _: Runtime| args.signal_after + 3.0)
    .beside(|_: &Args, single: bool| !single, send_signal)
    .run(walkthrough::variants! {
        |cx: Context<Args>| Params { unit: cx.unit };
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}

/// How long the program has to say it is ready.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// The runner's stand-in for a person pressing Ctrl+C: waits for the readiness line, sends
/// the signal `--signal-after` units later, and waits for the program to end.
fn send_signal(cx: &Context<Args>, watch: &Watch) -> anyhow::Result<Vec<String>> {
    let ready =
        watch.wait_for(READY_WITHIN, |line| line.starts_with("pid ").then_some(()));
    if ready.is_none() {
        return Ok(vec![format!(
            "runner: no readiness line within {} s",
            READY_WITHIN.as_secs()
        )]);
    }
    let ready_at = Instant::now();
    std::thread::sleep(cx.unit.mul_f64(cx.args.signal_after));
    let (signal, name) = match cx.args.signal {
        SignalName::Int => (rustix::process::Signal::INT, "SIGINT"),
        SignalName::Term => (rustix::process::Signal::TERM, "SIGTERM"),
    };
    watch.signal(signal);
    let sent = Instant::now();
    let units = |d: Duration| d.as_secs_f64() / cx.unit.as_secs_f64();
    let after = units(sent - ready_at);
    // The program has ended when its stdout closes; it has two units and a grace to do so.
    let deadline = sent + cx.unit * 2 + Duration::from_secs(5);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if watch.next_line(left).is_none() {
            break;
        }
    }
    let ended = if Instant::now() < deadline {
        format!("the program ended {:.2} units later", units(sent.elapsed()))
    } else {
        "the program was still running 5 s later".to_owned()
    };
    Ok(vec![format!(
        "runner: sent {name} {after:.2} units after the readiness line; {ended}"
    )])
}
