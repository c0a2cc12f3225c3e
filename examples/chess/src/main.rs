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

use clap::Args;
use walkthrough::timeline::Mark;
use walkthrough::{Context, Example, Runtime};

#[cfg(test)]
mod schedule;
mod variants;

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
    Example::new(
        "chess",
        "the chess exhibition: one master, many boards, one at a time or board to board",
    )
    .default_unit(Duration::from_micros(200))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/chess.py"))
    .timeline_marks(mark)
    // Each row takes about its ideal, which the variants work out (python's is board to board).
    .length(|flags: &Flags, runtime: Runtime| {
        let (opponents, masters) = (flags.opponents as usize, flags.masters as usize);
        let (moves, her_move, reply) = (flags.moves, flags.master, flags.reply);
        let ideal = match runtime {
            Runtime::Sync => variants::sync::Params {
                opponents,
                moves,
                her_move,
                reply,
                ..Default::default()
            }
            .ideal(),
            _ => variants::tokio::Params {
                opponents,
                moves,
                her_move,
                reply,
                masters,
                ..Default::default()
            }
            .ideal(),
        };
        ideal as f64 * 1.1
    })
    .run(walkthrough::variants! {
        |cx: Context<Flags>| Params {
            unit: cx.unit,
            opponents: cx.args.opponents as usize,
            moves: cx.args.moves,
            her_move: cx.args.master,
            reply: cx.args.reply,
            masters: cx.args.masters as usize,
            each_move: cx.args.each_move || cx.timeline,
        };
        Sync => variants::sync.check(),
        Threads => variants::threads.check(),
        Tokio => variants::tokio.check(),
        Smol => variants::smol.check(),
        AsyncStd => variants::async_std.check(),
        Futures => variants::futures.check(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_chart_lines_become_marks() {
        let played = mark("board 3: move 2 played").unwrap();
        assert_eq!(
            (played.row.as_str(), played.glyph, played.fill),
            ("board 3", '#', None)
        );
        let reply = mark("board 3: reply 2 received").unwrap();
        assert_eq!(
            (reply.row.as_str(), reply.glyph, reply.fill),
            ("board 3", '.', Some('.'))
        );
        let over =
            mark("board 12: game over after 30 moves, at 3600.2 tutorial s").unwrap();
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

    /// Each variant works out its ideal with the chapter's formula; the virtual clock in
    /// `schedule.rs` plays the exhibition move by move. They agree on every shape.
    #[test]
    fn every_variants_ideal_is_the_virtual_clocks() {
        use schedule::{Policy, Shape, simulate};
        macro_rules! ideal {
            ($module:ident, $shape:expr) => {
                variants::$module::Params {
                    opponents: $shape.opponents as usize,
                    moves: $shape.moves,
                    her_move: $shape.master as u32,
                    reply: $shape.reply as u32,
                    masters: $shape.masters as usize,
                    ..Default::default()
                }
                .ideal()
            };
        }
        let mut shapes = 0;
        for opponents in [1, 2, 3, 4, 7, 12, 13, 24, 25] {
            for moves in [1, 2, 3, 30] {
                for (master, reply) in [(5, 55), (1, 1), (3, 10), (10, 3), (60, 1)] {
                    for masters in (1..=4).filter(|&k| k <= opponents) {
                        let shape = Shape { opponents, moves, master, reply, masters };
                        let board_to_board = simulate(shape, Policy::BoardToBoard).length;
                        assert_eq!(ideal!(tokio, shape), board_to_board, "{shape:?}");
                        assert_eq!(ideal!(threads, shape), board_to_board, "{shape:?}");
                        assert_eq!(ideal!(smol, shape), board_to_board, "{shape:?}");
                        assert_eq!(ideal!(async_std, shape), board_to_board, "{shape:?}");
                        assert_eq!(ideal!(futures, shape), board_to_board, "{shape:?}");
                        if masters == 1 {
                            let one_at_a_time =
                                simulate(shape, Policy::OneBoardAtATime).length;
                            assert_eq!(ideal!(sync, shape), one_at_a_time, "{shape:?}");
                        }
                        shapes += 1;
                    }
                }
            }
        }
        assert!(shapes > 400, "{shapes}");
    }

    #[test]
    fn each_variant_refuses_what_it_cannot_play() {
        let defaults = variants::tokio::Params::default();
        assert!(defaults.check().is_ok());
        let too_many = variants::tokio::Params { masters: 5, opponents: 4, ..defaults };
        assert!(format!("{:#}", too_many.check().unwrap_err()).contains("masters = 5"));
        let sync =
            variants::sync::Params { masters: 2, ..variants::sync::Params::default() };
        assert!(
            format!("{:#}", sync.check().unwrap_err()).contains("one board at a time")
        );
        let threads = variants::threads::Params {
            opponents: 1_001,
            moves: 3,
            ..Default::default()
        };
        assert!(
            format!("{:#}", threads.check().unwrap_err())
                .contains("at most 1000 opponents")
        );
        let tokio =
            variants::tokio::Params { opponents: 1_001, moves: 3, ..Default::default() };
        assert!(tokio.check().is_ok());
        let zero = variants::futures::Params { masters: 0, ..Default::default() };
        assert!(zero.check().is_err(), "no master would divide by zero");
    }
}
