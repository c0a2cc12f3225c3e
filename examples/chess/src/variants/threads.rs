//! `chess` with a thread per board, and the master behind a lock.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". Every board is an OS thread that sleeps through its
//! opponent's reply; the one master is shared, and a board must hold her to move. The OS
//! switches threads while they sleep, so the replies overlap as in the async variants, at the
//! price of a thread (and its stack) per board.
//!
//! Run with: `cargo run -p chess -- threads` (add `--masters 2` for two masters in parallel)

use std::collections::VecDeque;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread, ThreadId};
use std::time::{Duration, Instant};

use crate::Params;

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
/// `Mutex` promises no order (a board whose reply has just come can overtake one that has been
/// waiting), so she keeps the waiting boards in a queue and hands herself over in turn.
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
        // The state is consistent at every unlock, so a panicked holder leaves nothing broken.
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
            think(params.her_move);
            if params.each_move {
                println!("board {board}: move {number} played");
            }
        }
        // The opponent thinks; this thread sleeps, and she moves on.
        thread::sleep(params.reply);
        if params.each_move {
            println!("board {board}: reply {number} received");
        }
    }
    let at = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("board {board}: game over after {} moves, at {at:.1} tutorial s", params.moves);
}
// ANCHOR_END: game

// ANCHOR: main
/// Plays the exhibition and returns how long it took.
pub fn run(params: Params) -> io::Result<Duration> {
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
