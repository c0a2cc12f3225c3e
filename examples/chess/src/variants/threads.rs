//! `chess` with a thread per board, and the master behind a lock.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". Every board is an OS thread that sleeps through its
//! opponent's reply; the one master is shared, and a board must hold her to move. The OS
//! switches threads while they sleep, so the replies overlap as in the async variants, at
//! the price of a thread (and its stack) per board.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run chess threads`, add `--masters 2` for two masters)

use std::collections::VecDeque;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread, ThreadId};
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
        ensure!(self.masters >= 1, "masters: at least one master plays");
        ensure!(
            self.masters <= self.opponents,
            "masters = {} needs at least as many opponents (got {})",
            self.masters,
            self.opponents
        );
        ensure!(
            self.opponents <= 1_000,
            "this program starts a thread per board: at most 1000 opponents (got {})",
            self.opponents
        );
        let minutes = self.ideal() as f64 * self.unit.as_secs_f64() / 60.0;
        ensure!(
            minutes <= 10.0,
            "this exhibition would take {minutes:.0} minutes at a unit of {:?} (the most is 10)",
            self.unit
        );
        Ok(())
    }

    /// The exhibition's ideal length in tutorial seconds, board to board: each master
    /// plays her share of the boards in rounds, and a round lasts her moves round her
    /// share or one move and its reply, whichever is longer (the chapter works it out).
    pub fn ideal(&self) -> u64 {
        let (her_move, reply) = (u64::from(self.her_move), u64::from(self.reply));
        let share = self.opponents.div_ceil(self.masters) as u64;
        let round = (share * her_move).max(her_move + reply);
        (u64::from(self.moves) - 1) * round + share * her_move + reply
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
    let took = play(params)?;
    let ideal = params.ideal();
    let measured = took.as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "ideal, board to board{masters}: {ideal} tutorial seconds ({:.2} hours); this run {:+.2}%",
        ideal as f64 / 3600.0,
        (measured / ideal as f64 - 1.0) * 100.0
    );
    Ok(())
}

/// Her move is her own work: she thinks until it is made (a busy loop stands in for the
/// thinking, timed by the monotonic clock, so no timer is involved).
fn think(how_long: Duration) {
    let done = Instant::now() + how_long;
    while Instant::now() < done {
        std::hint::spin_loop();
    }
}

// ANCHOR: master
/// The master: while a board holds its [`Seat`], no other board can have her.
///
/// Boards get her in the order they asked for her, as the ideal schedule assumes. std's
/// `Mutex` promises no order (a board whose reply has just come can overtake one that has
/// been waiting), so she keeps the waiting boards in a queue and hands herself over in
/// turn.
#[derive(Default)]
struct Master {
    turns: Mutex<Turns>,
}

#[derive(Default)]
struct Turns {
    /// Whether a board has her.
    taken: bool,
    /// The boards waiting for her, first come first served.
    waiting: VecDeque<Thread>,
    /// The board she was just handed to, until it wakes up and notices.
    handed_to: Option<ThreadId>,
}

/// A board's hold on the master; dropping it hands her to the next board in line.
struct Seat<'a>(&'a Master);

impl Master {
    fn sit_down(&self) -> Seat<'_> {
        let mut turns = self.turns();
        if turns.taken {
            let me = thread::current();
            turns.waiting.push_back(me.clone());
            while turns.handed_to != Some(me.id()) {
                drop(turns);
                thread::park();
                turns = self.turns();
            }
            turns.handed_to = None;
        }
        turns.taken = true;
        Seat(self)
    }

    fn turns(&self) -> MutexGuard<'_, Turns> {
        // The state is consistent at every unlock, so a panicked holder leaves nothing
        // broken.
        self.turns.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        let mut turns = self.0.turns();
        match turns.waiting.pop_front() {
            Some(next) => {
                // She stays taken: she goes straight to the next board.
                turns.handed_to = Some(next.id());
                next.unpark();
            }
            None => turns.taken = false,
        }
    }
}
// ANCHOR_END: master

// ANCHOR: game
fn play_game(board: usize, master: &Master, params: Params, start: Instant) {
    for number in 1..=params.moves {
        {
            let _seat = master.sit_down();
            think(params.unit * params.her_move);
            if params.each_move {
                println!("board {board}: move {number} played");
            }
        }
        // The opponent thinks; this thread sleeps, and she moves on.
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
fn play(params: Params) -> io::Result<Duration> {
    let masters: Vec<Master> = (0..params.masters).map(|_| Master::default()).collect();
    let start = Instant::now();
    // The scope joins every board's thread before it returns.
    thread::scope(|scope| {
        for board in 1..=params.opponents {
            let master = &masters[(board - 1) % masters.len()];
            thread::Builder::new()
                .name(format!("board-{board}"))
                .spawn_scoped(scope, move || play_game(board, master, params, start))?;
        }
        Ok::<_, io::Error>(())
    })?;
    let took = start.elapsed();
    let seconds = took.as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "exhibition over: {} boards in {seconds:.1} tutorial seconds ({:.2} hours)",
        params.opponents,
        seconds / 3600.0
    );
    Ok(took)
}
// ANCHOR_END: main
