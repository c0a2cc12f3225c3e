//! `chess` on the `futures` crate: each master a thread of her own, the boards tasks.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". `futures::lock::Mutex` promises no order among its
//! waiters, so instead of a lock the master is a loop of her own that serves requests from a
//! channel, first come first served: a loop can only make one move at a time. Her thinking
//! runs on her own thread (`block_on`), the boards' waiting on a `LocalPool` on this one: the
//! usual split of work from waiting. The sleeps come from `futures-timer`.
//!
//! Run with: `cargo run -p chess -- futures` (add `--masters 2` for two masters in parallel)

use std::io;
use std::thread;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use futures::executor::{LocalPool, block_on};
use futures::task::LocalSpawnExt;
use futures_timer::Delay;

use crate::Params;

/// Her move is her own work: she thinks until it is made (a busy loop stands in for the
/// thinking, timed by the monotonic clock). It holds the thread, as her thinking holds her.
fn think(how_long: Duration) {
    let done = Instant::now() + how_long;
    while Instant::now() < done {
        std::hint::spin_loop();
    }
}

// ANCHOR: master
/// A board asking for her next move; she answers on `done` once it is made.
struct Request {
    board: usize,
    number: u32,
    done: oneshot::Sender<()>,
}

/// The master: one move at a time, for whichever board asked first. She leaves when every
/// board has hung up (every sender is dropped).
async fn master(mut requests: mpsc::UnboundedReceiver<Request>, params: Params) {
    while let Some(Request { board, number, done }) = requests.next().await {
        think(params.her_move);
        if params.each_move {
            println!("board {board}: move {number} played");
        }
        // The board only goes away once its game is over, which needs this answer.
        let _ = done.send(());
    }
}
// ANCHOR_END: master

// ANCHOR: game
async fn play_game(board: usize, master: mpsc::UnboundedSender<Request>, params: Params, start: Instant) {
    for number in 1..=params.moves {
        let (done, made) = oneshot::channel();
        master.unbounded_send(Request { board, number, done }).expect("she stays until the last game ends");
        made.await.expect("she answers every request");
        Delay::new(params.reply).await;
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
    let start = Instant::now();
    thread::scope(|scope| {
        // Each master thinks on a thread of her own, so that the boards' tasks never wait
        // for her to finish a move before their opponents can start thinking.
        let mut doors = Vec::new();
        for n in 1..=params.masters {
            let (door, requests) = mpsc::unbounded();
            thread::Builder::new()
                .name(format!("master-{n}"))
                .spawn_scoped(scope, move || block_on(master(requests, params)))?;
            doors.push(door);
        }
        // The boards only wait: one thread runs them all.
        let mut boards = LocalPool::new();
        for board in 1..=params.opponents {
            let door = doors[(board - 1) % doors.len()].clone();
            boards.spawner().spawn_local(play_game(board, door, params, start)).map_err(io::Error::other)?;
        }
        // Only the boards hold doors now: when the last game ends, the masters leave.
        drop(doors);
        boards.run();
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
