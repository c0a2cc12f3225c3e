//! `chess` on async-std (legacy): a task per board, the master behind a `Mutex`.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". async-std was discontinued in 2025 (RUSTSEC-2025-0052);
//! it stays here for comparison. Its API mirrors std's (`task::spawn`, `task::sleep`,
//! `sync::Mutex`, which is async-lock's); spawned tasks run on a global pool of one thread
//! per core, started on first use, which also bounds how many masters can think at once.
//!
//! Run with: `cargo run -p chess -- async-std` (add `--masters 2` for two masters in parallel)

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_std::sync::Mutex;
use async_std::task;

use crate::Params;

/// Her move is her own work: she thinks until it is made (a busy loop stands in for the
/// thinking, timed by the monotonic clock). It holds the thread, as her thinking holds her.
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
            let _her = master.lock().await;
            think(params.her_move);
            if params.each_move {
                println!("board {board}: move {number} played");
            }
        }
        task::sleep(params.reply).await;
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
    task::block_on(async {
        let start = Instant::now();
        let masters: Arc<[Mutex<()>]> = (0..params.masters).map(|_| Mutex::new(())).collect();
        let games: Vec<_> = (1..=params.opponents)
            .map(|board| {
                let masters = Arc::clone(&masters);
                task::spawn(async move {
                    let master = &masters[(board - 1) % masters.len()];
                    play_game(board, master, params, start).await;
                })
            })
            .collect();
        for game in games {
            game.await;
        }
        let took = start.elapsed();
        let seconds = took.as_secs_f64() / params.unit.as_secs_f64();
        println!(
            "exhibition over: {} boards in {seconds:.1} tutorial seconds ({:.2} hours)",
            params.opponents,
            seconds / 3600.0
        );
        took
    })
}
// ANCHOR_END: main
