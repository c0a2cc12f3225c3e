//! `chess` one board at a time: the baseline.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". She plays a whole game before she sits down at the next
//! board, so every reply is time she spends standing still: 24 games of 30 minutes, 12 hours.
//!
//! Run with: `cargo run -p chess -- sync`

use std::thread;
use std::time::{Duration, Instant};

use crate::Params;

// ANCHOR: think
/// Her move is her own work: she thinks until it is made. A busy loop stands in for the
/// thinking (a real program would compute the move here); it ends at a deadline read from the
/// monotonic clock, so it takes `how_long` to the microsecond, with no timer involved.
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
        think(params.her_move);
        if params.each_move {
            println!("board {board}: move {number} played");
        }
        // She stands at this board while the opponent thinks.
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
pub fn run(params: Params) -> Duration {
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
