//! `chess`: the simultaneous exhibition, one board at a time vs board to board.
//!
//! A chess master plays many opponents at once. Her move takes `--master` tutorial seconds of
//! her own thinking; each opponent then takes `--reply` seconds, while she is free to go
//! elsewhere. A game is `--moves` such pairs. Playing one board at a time she spends most of
//! the exhibition standing still; going from board to board while the opponents think, she is
//! busy nearly all of it.
//!
//! ```text
//! just run chess                                  # every variant, then the comparison table
//! just run chess tokio --opponents 4 --moves 3 --timeline
//! just run chess threads tokio --masters 2        # two masters in parallel
//! ```

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{ArgMatches, Args, FromArgMatches};
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime, UsageError};

use crate::schedule::{Policy, Shape};

mod schedule;
mod variants;

/// What every variant is given.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// How long one tutorial second lasts: to report times in tutorial seconds.
    pub unit: Duration,
    /// Boards, one opponent each; numbered from 1.
    pub opponents: usize,
    /// Moves in a game, in pairs: hers, then the reply.
    pub moves: u32,
    /// How long her move takes: her own work.
    pub her_move: Duration,
    /// How long an opponent takes to reply: waiting, as far as she is concerned.
    pub reply: Duration,
    /// Masters playing at once; board `b` is played by master `(b - 1) % masters`.
    pub masters: usize,
    /// Print a line for every move and every reply, not only when a game ends.
    pub each_move: bool,
}

/// The most threads the `threads` variant starts (one per board).
const MAX_THREADS: u32 = 1_000;
/// The most moves an exhibition may have in all.
const MAX_TOTAL_MOVES: u64 = 1_000_000;
/// The longest run allowed, in wall time: the ideal length times `--unit`.
const MAX_WALL: Duration = Duration::from_secs(24 * 3600);
/// Up to this many moves in all, every move and reply is printed (and drawn by `--timeline`).
const EACH_MOVE_UP_TO: u64 = 100;

// The exhibition's own flags. (A plain comment: a doc comment here would become `--help`'s
// description of the whole program.)
#[derive(Args, Debug, Clone)]
struct Flags {
    /// How many opponents she plays at once, one board each
    #[arg(long, value_name = "N", default_value_t = 24, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    opponents: u32,
    /// How long her move takes, in tutorial seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 5, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=3_600))]
    master: u32,
    /// How long an opponent takes to reply, in tutorial seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 55, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=86_400))]
    reply: u32,
    /// Moves in a game, counted in pairs: hers and the reply
    #[arg(long, value_name = "N", default_value_t = 30, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    moves: u32,
    /// Masters playing at once, each her own share of the boards, in parallel
    /// (threads, tokio, smol, async-std, futures)
    #[arg(long, value_name = "K", default_value_t = 1, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    masters: u32,
    /// Print a line for every move and reply, not only when a game ends
    /// [default: on with --timeline, or when the exhibition has at most 100 moves in all]
    #[arg(long)]
    each_move: bool,
}

impl Flags {
    fn shape(&self) -> Shape {
        Shape {
            opponents: self.opponents,
            moves: self.moves,
            master: self.master.into(),
            reply: self.reply.into(),
            masters: self.masters,
        }
    }

    /// The limits that involve more than one flag, whatever the runtime.
    fn check(&self) -> Result<(), String> {
        if self.masters > self.opponents {
            return Err(format!(
                "--masters {} needs at least as many --opponents (got {})",
                self.masters, self.opponents
            ));
        }
        let total = self.shape().total_moves();
        if total > MAX_TOTAL_MOVES {
            return Err(format!(
                "--opponents {} x --moves {} is {total} moves; the most is {MAX_TOTAL_MOVES}",
                self.opponents, self.moves
            ));
        }
        Ok(())
    }
}

/// [`Flags`], checked as a whole while the command line is parsed, so that a bad combination
/// is refused once, as a clap error, before any variant starts.
#[derive(Debug, Clone)]
struct Checked(Flags);

impl FromArgMatches for Checked {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let flags = Flags::from_arg_matches(matches)?;
        flags.check().map_err(|why| clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, why))?;
        Ok(Checked(flags))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Checked::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for Checked {
    fn augment_args(command: clap::Command) -> clap::Command {
        Flags::augment_args(command)
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Flags::augment_args_for_update(command)
    }
}

/// The limits that depend on the runtime.
fn check_runtime(runtime: Runtime, flags: &Flags) -> Result<(), UsageError> {
    let refuse = |why: String| Err(UsageError(why));
    match runtime {
        Runtime::Sync if flags.masters > 1 => refuse(format!(
            "sync plays one board at a time on one thread: --masters {} needs threads, tokio, \
             smol, async-std or futures",
            flags.masters
        )),
        Runtime::Threads if flags.opponents > MAX_THREADS => refuse(format!(
            "threads starts a thread per board: at most {MAX_THREADS} --opponents (got {})",
            flags.opponents
        )),
        Runtime::AsyncStd if flags.masters as usize > async_std_threads() => refuse(format!(
            "async-std runs its tasks on {} threads here (ASYNC_STD_THREAD_COUNT, default one \
             per core): --masters {} would leave masters waiting for a thread",
            async_std_threads(),
            flags.masters
        )),
        _ => Ok(()),
    }
}

/// The size of async-std's executor pool, worked out as async-std does.
fn async_std_threads() -> usize {
    std::env::var("ASYNC_STD_THREAD_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

/// `--timeline`: a row per board; `#` where her move ended, `.` while the opponent thought,
/// `]` where the game ended. Only those lines are drawn.
fn mark(line: &str) -> Option<Mark> {
    let (board, event) = line.strip_prefix("board ")?.split_once(": ")?;
    board.parse::<u32>().ok()?;
    let (glyph, fill) = if event.starts_with("move ") && event.ends_with(" played") {
        ('#', None)
    } else if event.starts_with("reply ") && event.ends_with(" received") {
        ('.', Some('.'))
    } else if event.starts_with("game over") {
        (']', None)
    } else {
        return None;
    };
    Some(Mark { row: format!("board {board}"), glyph, fill })
}

fn main() -> ExitCode {
    Example::new("chess", "the chess exhibition: one master, many boards, one at a time or board to board")
        .default_unit(Duration::from_micros(200))
        .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/chess.py"))
        .timeline_marks(mark)
        .run_with(
            [
                Runtime::Sync,
                Runtime::Threads,
                Runtime::Tokio,
                Runtime::Smol,
                Runtime::AsyncStd,
                Runtime::Futures,
            ],
            |cx: Context<Checked>| exhibition(cx.runtime, cx.unit, cx.timeline, &cx.args.0),
        )
}

fn exhibition(runtime: Runtime, unit: Duration, timeline: bool, flags: &Flags) -> anyhow::Result<()> {
    check_runtime(runtime, flags)?;
    let shape = flags.shape();
    let policy = if runtime == Runtime::Sync { Policy::OneBoardAtATime } else { Policy::BoardToBoard };
    let ideal = schedule::simulate(shape, policy).length;
    let wall = unit.as_secs_f64() * ideal as f64;
    if wall > MAX_WALL.as_secs_f64() {
        return Err(UsageError(format!(
            "this exhibition would take {:.1} hours at --unit {} (the most is 24): use a smaller --unit",
            wall / 3600.0,
            walkthrough::unit::human(unit)
        ))
        .into());
    }

    let params = Params {
        unit,
        opponents: flags.opponents as usize,
        moves: flags.moves,
        her_move: unit * flags.master,
        reply: unit * flags.reply,
        masters: flags.masters as usize,
        each_move: flags.each_move || timeline || shape.total_moves() <= EACH_MOVE_UP_TO,
    };
    let masters = if flags.masters > 1 { format!(", {} masters", flags.masters) } else { String::new() };
    println!(
        "simultaneous exhibition: {} boards, {} moves each{masters}; her move {} s, a reply {} s \
         (1 s = {})",
        flags.opponents,
        flags.moves,
        flags.master,
        flags.reply,
        walkthrough::unit::human(unit)
    );

    let took = match runtime {
        Runtime::Sync => variants::sync::run(params),
        Runtime::Threads => variants::threads::run(params).context("starting the board threads")?,
        Runtime::Tokio => variants::tokio::run(params).context("starting the tokio runtime")?,
        Runtime::Smol => variants::smol::run(params).context("starting the executor threads")?,
        Runtime::AsyncStd => variants::async_std::run(params),
        Runtime::Futures => variants::futures::run(params).context("starting the thread pool")?,
        other => unreachable!("chess has no {other} variant"),
    };

    let how = match policy {
        Policy::OneBoardAtATime => "one board at a time".to_owned(),
        Policy::BoardToBoard => format!("board to board{masters}"),
    };
    let measured = took.as_secs_f64() / unit.as_secs_f64();
    println!(
        "ideal, {how}: {ideal} tutorial seconds ({:.2} hours); this run {:+.2}%",
        ideal as f64 / 3600.0,
        (measured / ideal as f64 - 1.0) * 100.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_chart_lines_become_marks() {
        let played = mark("board 3: move 2 played").unwrap();
        assert_eq!((played.row.as_str(), played.glyph, played.fill), ("board 3", '#', None));
        let reply = mark("board 3: reply 2 received").unwrap();
        assert_eq!((reply.row.as_str(), reply.glyph, reply.fill), ("board 3", '.', Some('.')));
        let over = mark("board 12: game over after 30 moves, at 3600.2 tutorial s").unwrap();
        assert_eq!((over.row.as_str(), over.glyph), ("board 12", ']'));
        for line in [
            "simultaneous exhibition: 4 boards, 3 moves each; her move 5 s, a reply 55 s (1 s = 200us)",
            "exhibition over: 4 boards in 195.3 tutorial seconds (0.05 hours)",
            "ideal, board to board: 195 tutorial seconds (0.05 hours); this run +0.15%",
            "board x: move 1 played",
            "board 3: something else",
            "",
        ] {
            assert_eq!(mark(line), None, "{line}");
        }
    }

    #[test]
    fn combinations_are_checked() {
        let flags = |opponents, moves, masters| Flags {
            opponents,
            master: 5,
            reply: 55,
            moves,
            masters,
            each_move: false,
        };
        assert!(flags(24, 30, 1).check().is_ok());
        assert!(flags(24, 30, 24).check().is_ok());
        assert!(flags(4, 30, 5).check().unwrap_err().contains("--masters 5"));
        assert!(flags(100_000, 10, 1).check().is_ok());
        assert!(flags(100_000, 11, 1).check().unwrap_err().contains("1100000 moves"));
        assert!(check_runtime(Runtime::Sync, &flags(24, 30, 2)).is_err());
        assert!(check_runtime(Runtime::Tokio, &flags(24, 30, 2)).is_ok());
        assert!(check_runtime(Runtime::Threads, &flags(1_001, 3, 1)).is_err());
        assert!(check_runtime(Runtime::Tokio, &flags(1_001, 3, 1)).is_ok());
    }
}
