//! `chess` one board at a time: the baseline.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". She plays a whole game before she sits down at the
//! next board, so every reply is time she spends standing still: 24 games of 30 minutes,
//! 12 hours.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run chess sync`)

use std::thread;
use std::time::{Duration, Instant};

use anyhow::ensure;

/// What the program runs with; `just run chess` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Boards, one opponent each; numbered from 1.
    pub opponents: usize,
    /// Moves in a game, in pairs: hers, then the reply.
    pub moves: u32,
    /// How long her move takes, in tutorial seconds: her own work.
    pub her_move: u32,
    /// How long an opponent takes to reply, in tutorial seconds: waiting, as far as she
    /// is concerned.
    pub reply: u32,
    /// Masters playing at once; board `b` is played by master `(b - 1) % masters`.
    pub masters: usize,
    /// Print a line for every move and every reply, not only when a game ends (always on
    /// when the exhibition has at most 100 moves in all).
    pub each_move: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            unit: Duration::from_micros(200),
            opponents: 24,
            moves: 30,
            her_move: 5,
            reply: 55,
            masters: 1,
            each_move: false,
        }
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

impl Params {
    /// Refuses an exhibition this program cannot play as asked.
    pub fn check(&self) -> anyhow::Result<()> {
        let total = self.opponents as u64 * u64::from(self.moves);
        ensure!(
            self.opponents >= 1 && self.moves >= 1,
            "an exhibition needs at least one board and one move"
        );
        ensure!(
            total <= 1_000_000,
            "{} opponents x {} moves is {total} moves; the most is 1000000",
            self.opponents,
            self.moves
        );
        ensure!(
            self.masters <= self.opponents,
            "masters = {} needs at least as many opponents (got {})",
            self.masters,
            self.opponents
        );
        ensure!(
            self.masters == 1,
            "this program plays one board at a time, on one thread: masters = {} needs threads, tokio, smol, \
             async-std or futures",
            self.masters
        );
        let minutes = self.ideal() as f64 * self.unit.as_secs_f64() / 60.0;
        ensure!(
            minutes <= 10.0,
            "this exhibition would take {minutes:.0} minutes at a unit of {:?} (the most is 10)",
            self.unit
        );
        Ok(())
    }

    /// The exhibition's ideal length in tutorial seconds, one board at a time: every
    /// game, move and reply, one after another.
    pub fn ideal(&self) -> u64 {
        self.opponents as u64
            * u64::from(self.moves)
            * u64::from(self.her_move + self.reply)
    }
}

/// Plays the exhibition: says what it is, plays it, and compares its length with the
/// ideal.
pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let total_moves = params.opponents as u64 * u64::from(params.moves);
    let params = Params { each_move: params.each_move || total_moves <= 100, ..params };
    let masters = if params.masters > 1 {
        format!(", {} masters", params.masters)
    } else {
        String::new()
    };
    println!(
        "simultaneous exhibition: {} boards, {} moves each{masters}; her move {} s, a reply {} s \
         (1 s = {:?})",
        params.opponents, params.moves, params.her_move, params.reply, params.unit
    );
    let took = play(params);
    let ideal = params.ideal();
    let measured = took.as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "ideal, one board at a time: {ideal} tutorial seconds ({:.2} hours); this run {:+.2}%",
        ideal as f64 / 3600.0,
        (measured / ideal as f64 - 1.0) * 100.0
    );
    Ok(())
}

// ANCHOR: think
/// Her move is her own work: she thinks until it is made. A busy loop stands in for the
/// thinking (a real program would compute the move here); it ends at a deadline read from
/// the monotonic clock, so it takes `how_long` to the microsecond, with no timer
/// involved.
fn think(how_long: Duration) {
    let done = Instant::now() + how_long;
    while Instant::now() < done {
        std::hint::spin_loop();
    }
}
// ANCHOR_END: think

// ANCHOR: game
fn play_game(board: usize, params: Params, start: Instant) {
    for number in 1..=params.moves {
        think(params.unit * params.her_move);
        if params.each_move {
            println!("board {board}: move {number} played");
        }
        // She stands at this board while the opponent thinks.
        thread::sleep(params.unit * params.reply);
        if params.each_move {
            println!("board {board}: reply {number} received");
        }
    }
    let at = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "board {board}: game over after {} moves, at {at:.1} tutorial s",
        params.moves
    );
}
// ANCHOR_END: game

// ANCHOR: main
/// Plays the exhibition and returns how long it took.
fn play(params: Params) -> Duration {
    let start = Instant::now();
    for board in 1..=params.opponents {
        play_game(board, params, start);
    }
    let took = start.elapsed();
    let seconds = took.as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "exhibition over: {} boards in {seconds:.1} tutorial seconds ({:.2} hours)",
        params.opponents,
        seconds / 3600.0
    );
    took
}
// ANCHOR_END: main
