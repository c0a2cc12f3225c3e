//! The ideal length of an exhibition, worked out on a virtual clock.
//!
//! No threads, no sleeping: a clock that jumps from event to event, with the same policy the
//! variants follow. Each variant works out its ideal with a formula (`Params::ideal`), and
//! measures its run against it; the tests check every variant's formula against this clock.
//!
//! The policy, board to board: after each move she goes to the next board round the table
//! whose opponent has replied; when no opponent has, she waits for the first reply. With every
//! move and every reply taking the same time, replies come back in the order she moved, so
//! "the next board that has replied" and "the board that has waited longest" are the same
//! board: a first-come-first-served lock or queue in the variants follows this policy.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// An exhibition's shape; times in tutorial seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Boards, one opponent each.
    pub opponents: u32,
    /// Moves in a game, in pairs: hers, then the opponent's reply.
    pub moves: u32,
    /// How long her move takes.
    pub master: u64,
    /// How long an opponent takes to reply.
    pub reply: u64,
    /// How many masters play; master `k` (from 0) plays boards `k`, `k + masters`, ...
    pub masters: u32,
}

/// How she plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// A whole game from first move to last, then the next board.
    OneBoardAtATime,
    /// One move, then on to the next board round the table whose opponent has replied.
    BoardToBoard,
}

/// What the virtual clock saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// When each board's game ended (the reply to her last move came), by board from 0.
    pub game_over: Vec<u64>,
    /// When the last game ended: the exhibition's length.
    pub length: u64,
    /// How long the masters stood waiting for a reply, summed over the masters.
    pub waiting: u64,
}

/// Plays the exhibition on a virtual clock. Each master plays her own share of the boards on
/// her own; the exhibition lasts as long as the longest share.
pub fn simulate(shape: Shape, policy: Policy) -> Schedule {
    let opponents = shape.opponents as usize;
    let masters = (shape.masters as usize).clamp(1, opponents.max(1));
    let mut game_over = vec![0; opponents];
    let mut waiting = 0;
    for master in 0..masters {
        let share: Vec<usize> = (master..opponents).step_by(masters).collect();
        let played = match policy {
            Policy::OneBoardAtATime => one_board_at_a_time(share.len(), shape),
            Policy::BoardToBoard => board_to_board(share.len(), shape),
        };
        waiting += played.waiting;
        for (&board, &over) in share.iter().zip(&played.game_over) {
            game_over[board] = over;
        }
    }
    let length = game_over.iter().copied().max().unwrap_or(0);
    Schedule { game_over, length, waiting }
}

/// One master and `boards` boards, one game after another.
fn one_board_at_a_time(boards: usize, shape: Shape) -> Schedule {
    let game = u64::from(shape.moves) * (shape.master + shape.reply);
    let game_over: Vec<u64> = (1..=boards as u64).map(|n| n * game).collect();
    let waiting = boards as u64 * u64::from(shape.moves) * shape.reply;
    Schedule { length: game_over.last().copied().unwrap_or(0), game_over, waiting }
}

// ANCHOR: board_to_board
/// One master and `boards` boards, board to board.
fn board_to_board(boards: usize, shape: Shape) -> Schedule {
    let mut moves_left = vec![shape.moves; boards];
    let mut game_over = vec![0; boards];
    // Boards whose opponent has replied, and replies still to come, by when they come.
    let mut ready: BTreeSet<usize> = (0..boards).collect();
    let mut replies: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let mut playing = if shape.moves == 0 { 0 } else { boards };
    let (mut now, mut waiting, mut at) = (0, 0, None);

    while playing > 0 {
        while let Some(&Reverse((when, board))) = replies.peek() {
            if when > now {
                break;
            }
            replies.pop();
            ready.insert(board);
        }
        let board = match (next_ready(&ready, at), replies.peek()) {
            (Some(board), _) => board,
            (None, Some(&Reverse((when, _)))) => {
                waiting += when - now;
                now = when;
                continue;
            }
            (None, None) => break,
        };
        ready.remove(&board);
        now += shape.master;
        moves_left[board] -= 1;
        if moves_left[board] == 0 {
            game_over[board] = now + shape.reply;
            playing -= 1;
        } else {
            replies.push(Reverse((now + shape.reply, board)));
        }
        at = Some(board);
    }
    let length = game_over.iter().copied().max().unwrap_or(0);
    Schedule { game_over, length, waiting }
}

/// The first ready board after `at`, going round the table; the first one at all if she has
/// not sat down yet.
fn next_ready(ready: &BTreeSet<usize>, at: Option<usize>) -> Option<usize> {
    let from = at.map_or(0, |at| at + 1);
    ready.range(from..).next().or_else(|| ready.iter().next()).copied()
}
// ANCHOR_END: board_to_board

#[cfg(test)]
mod tests {
    use super::*;

    /// The tutorial's exhibition: 24 opponents, 30 moves, 5 s for her move, 55 s for a reply.
    const TUTORIAL: Shape =
        Shape { opponents: 24, moves: 30, master: 5, reply: 55, masters: 1 };

    fn shape(opponents: u32, moves: u32, master: u64, reply: u64, masters: u32) -> Shape {
        Shape { opponents, moves, master, reply, masters }
    }

    /// The same length, by reasoning instead of simulation: with `n` boards a round takes
    /// `n * master`, or `master + reply` when she has to wait for the first board's reply;
    /// the last round ends with her last move and its reply.
    fn closed_form(shape: Shape) -> u64 {
        let n = u64::from(shape.opponents.div_ceil(shape.masters));
        let round = (n * shape.master).max(shape.master + shape.reply);
        u64::from(shape.moves - 1) * round + n * shape.master + shape.reply
    }

    #[test]
    fn the_tutorials_numbers() {
        let sync = simulate(TUTORIAL, Policy::OneBoardAtATime);
        assert_eq!(sync.length, 43_200, "12 hours");
        assert_eq!(sync.waiting, 24 * 30 * 55);
        let async_ = simulate(TUTORIAL, Policy::BoardToBoard);
        // 30 rounds of 24 moves of 5 s is one hour; the last reply comes 55 s later.
        assert_eq!(async_.length, 3_655);
        assert_eq!(async_.waiting, 0, "24 boards keep her busy: she never waits");
        // Board 1's game ends first (her last round starts at 29 x 120 s), board 24's last.
        assert_eq!(async_.game_over[0], 29 * 120 + 5 + 55);
        assert_eq!(async_.game_over[23], 3_655);
    }

    #[test]
    fn she_waits_when_the_opponents_are_slow() {
        // 4 boards: a round of her moves (20 s) is shorter than a reply (55 s).
        let schedule = simulate(shape(4, 3, 5, 55, 1), Policy::BoardToBoard);
        // Moves end at 5, 10, 15, 20; board 1 replies at 60; rounds start at 60 and 120.
        assert_eq!(schedule.game_over, [180, 185, 190, 195]);
        assert_eq!(schedule.length, 195);
        // She waits 40 s after each of the first two rounds.
        assert_eq!(schedule.waiting, 2 * 40);
        // One board: nothing to do while its opponent thinks.
        let alone = simulate(shape(1, 30, 5, 55, 1), Policy::BoardToBoard);
        assert_eq!(alone.length, 30 * 60);
        assert_eq!(
            alone.length,
            simulate(shape(1, 30, 5, 55, 1), Policy::OneBoardAtATime).length
        );
    }

    #[test]
    fn the_break_even_point_is_a_reply_as_long_as_the_other_boards() {
        // 12 boards of 5 s: she comes back to board 1 after 60 s, just as it replies.
        assert_eq!(simulate(shape(12, 30, 5, 55, 1), Policy::BoardToBoard).waiting, 0);
        assert_eq!(simulate(shape(12, 30, 5, 56, 1), Policy::BoardToBoard).waiting, 29);
        assert_eq!(
            simulate(shape(11, 30, 5, 55, 1), Policy::BoardToBoard).waiting,
            29 * 5
        );
    }

    #[test]
    fn masters_share_the_boards() {
        // 4 masters, 6 boards each: a round of 30 s, so each waits for a reply (60 s).
        let four = simulate(shape(24, 30, 5, 55, 4), Policy::BoardToBoard);
        assert_eq!(four.length, 29 * 60 + 30 + 55);
        // 5 masters: shares of 5, 5, 5, 5, 4; the longest share decides.
        let five = simulate(shape(24, 30, 5, 55, 5), Policy::BoardToBoard);
        assert_eq!(five.length, 29 * 60 + 25 + 55);
        // Board 20 (index 19) is in the short share (4, 9, 14, 19): its game ends 5 s sooner.
        assert_eq!(five.game_over[19], 29 * 60 + 20 + 55);
        // Two masters on the tutorial's boards: 12 each, just enough to keep each busy.
        let two = simulate(shape(24, 30, 5, 55, 2), Policy::BoardToBoard);
        assert_eq!((two.length, two.waiting), (29 * 60 + 60 + 55, 0));
        // As many masters as boards: every game is a game alone.
        let all = simulate(shape(24, 30, 5, 55, 24), Policy::BoardToBoard);
        assert_eq!(all.length, 30 * 60);
        // Two masters playing one board at a time: half the boards each.
        let sync = simulate(shape(24, 30, 5, 55, 2), Policy::OneBoardAtATime);
        assert_eq!(sync.length, 12 * 30 * 60);
    }

    #[test]
    fn the_simulation_agrees_with_the_closed_form() {
        for opponents in 1..=9 {
            for moves in 1..=4 {
                for master in 1..=3 {
                    for reply in [1, 2, 5, 9, 30] {
                        for masters in 1..=opponents.min(3) {
                            let shape = shape(opponents, moves, master, reply, masters);
                            let schedule = simulate(shape, Policy::BoardToBoard);
                            assert_eq!(schedule.length, closed_form(shape), "{shape:?}");
                            let sync = simulate(shape, Policy::OneBoardAtATime);
                            assert!(sync.length >= schedule.length, "{shape:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_game_ends_after_its_last_reply() {
        let shape = shape(7, 5, 3, 17, 2);
        for policy in [Policy::OneBoardAtATime, Policy::BoardToBoard] {
            let schedule = simulate(shape, policy);
            assert_eq!(schedule.game_over.len(), 7);
            for &over in &schedule.game_over {
                assert!(
                    over >= u64::from(shape.moves) * (shape.master + shape.reply),
                    "{policy:?}"
                );
                assert!(over <= schedule.length);
            }
        }
    }

    #[test]
    fn she_goes_round_the_table() {
        let ready: BTreeSet<usize> = [1, 4, 6].into();
        assert_eq!(next_ready(&ready, None), Some(1));
        assert_eq!(next_ready(&ready, Some(1)), Some(4));
        assert_eq!(next_ready(&ready, Some(4)), Some(6));
        assert_eq!(next_ready(&ready, Some(6)), Some(1), "wraps round");
        assert_eq!(next_ready(&BTreeSet::new(), Some(3)), None);
    }

    #[test]
    fn large_exhibitions_are_quick_to_work_out() {
        let big = shape(100_000, 3, 5, 55, 1);
        assert_eq!(simulate(big, Policy::BoardToBoard).length, closed_form(big));
        assert_eq!(closed_form(big), 3 * 500_000 + 55);
    }
}
