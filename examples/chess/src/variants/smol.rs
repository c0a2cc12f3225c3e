//! `chess` on smol: a task per board, the master behind an async-lock `Mutex`.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". The same shape as tokio's, assembled from smol's parts:
//! an `Executor`, `smol::lock::Mutex` (it wakes waiters oldest first, and one passed over for
//! 0.5 ms forces strict turns) and `smol::Timer`. One master runs the executor on this
//! thread; with `--masters K`, K - 1 more threads run it too, so that K masters can think at
//! once.
//!
//! Run with: `cargo run -p chess -- smol` (add `--masters 2` for two masters in parallel)

use std::io;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use smol::lock::Mutex;
use smol::{Executor, Timer};

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
        Timer::after(params.reply).await;
        if params.each_move {
            println!("board {board}: reply {number} received");
        }
    }
    let at = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("board {board}: game over after {} moves, at {at:.1} tutorial s", params.moves);
}
// ANCHOR_END: game

// ANCHOR: exhibition
async fn exhibition(executor: &Executor<'_>, params: Params) -> Duration {
    let start = Instant::now();
    let masters: Arc<[Mutex<()>]> = (0..params.masters).map(|_| Mutex::new(())).collect();
    // Dropping a smol task cancels it: keep every one and await them all.
    let games: Vec<_> = (1..=params.opponents)
        .map(|board| {
            let masters = Arc::clone(&masters);
            executor.spawn(async move {
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
}
// ANCHOR_END: exhibition

// ANCHOR: main
/// Plays the exhibition and returns how long it took.
pub fn run(params: Params) -> io::Result<Duration> {
    let executor = Executor::new();
    let (stop, stopped) = smol::channel::unbounded::<()>();
    thread::scope(|scope| {
        // Dropped when this closure returns, however it returns: the helpers then stop.
        let _stop = stop;
        // A master thinking keeps a thread busy: K masters need K threads to think at once.
        for n in 1..params.masters {
            thread::Builder::new()
                .name(format!("smol-{n}"))
                .spawn_scoped(scope, || smol::block_on(executor.run(stopped.recv())))?;
        }
        Ok(smol::block_on(executor.run(exhibition(&executor, params))))
    })
}
// ANCHOR_END: main
