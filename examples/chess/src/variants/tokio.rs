//! `chess` on tokio: a task per board, the master behind a `tokio::sync::Mutex`.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". A board's task awaits the master's lock, which tokio hands
//! out first come first served, then awaits its opponent's reply, which frees the thread for
//! the other boards. One master needs one thread (the `current_thread` flavour); with
//! `--masters K` the multi-thread flavour runs K workers so that K masters can think at once.
//!
//! Run with: `cargo run -p chess -- tokio` (add `--masters 2` for two masters in parallel)

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::sleep;

use crate::Params;

/// Her move is her own work: she thinks until it is made (a busy loop stands in for the
/// thinking, timed by the monotonic clock, so tokio's millisecond timer is not involved).
/// It holds the thread, as her thinking holds her: nothing else runs on it meanwhile.
fn think(how_long: Duration) {
    let done = Instant::now() + how_long;
    while Instant::now() < done {
        std::hint::spin_loop();
    }
}

// ANCHOR: game
async fn play_game(board: usize, master: &Mutex<()>, params: Params, start: Instant) {
    for number in 1..=params.moves {
        {
            // Wait in line for her; tokio's Mutex serves the waiters in order.
            let _her = master.lock().await;
            think(params.her_move);
            if params.each_move {
                println!("board {board}: move {number} played");
            }
        }
        // The opponent thinks: this task sleeps, and she moves on to another board.
        sleep(params.reply).await;
        if params.each_move {
            println!("board {board}: reply {number} received");
        }
    }
    let at = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("board {board}: game over after {} moves, at {at:.1} tutorial s", params.moves);
}
// ANCHOR_END: game

// ANCHOR: exhibition
async fn exhibition(params: Params) -> Duration {
    let start = Instant::now();
    let masters: Arc<[Mutex<()>]> = (0..params.masters).map(|_| Mutex::new(())).collect();
    let mut games = JoinSet::new();
    for board in 1..=params.opponents {
        let masters = Arc::clone(&masters);
        games.spawn(async move {
            let master = &masters[(board - 1) % masters.len()];
            play_game(board, master, params, start).await;
        });
    }
    while let Some(game) = games.join_next().await {
        game.expect("a game's task panicked");
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
// ANCHOR_END: exhibition

// ANCHOR: main
/// Plays the exhibition and returns how long it took.
pub fn run(params: Params) -> io::Result<Duration> {
    // A master thinking keeps a thread busy: K masters need K threads to think at once.
    let runtime = if params.masters == 1 {
        tokio::runtime::Builder::new_current_thread().enable_time().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(params.masters).enable_time().build()?
    };
    Ok(runtime.block_on(exhibition(params)))
}
// ANCHOR_END: main
