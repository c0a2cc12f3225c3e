//! `chess` on the `futures` crate: the master is a task, and the boards queue for her.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". `futures::lock::Mutex` promises no order among its
//! waiters, so instead of a lock the master is a task of her own that serves requests
//! from a channel, first come first served: a loop can only make one move at a time. She
//! and her boards share a `LocalPool`, one thread, like asyncio's loop; with `--masters
//! K` each master runs her own pool with her share of the boards, on a thread of its own.
//! The sleeps come from `futures-timer`.
//!
//! Dependencies: `cargo add anyhow futures futures-timer`
//! Run: `cargo run --release` (in this repository: `just run chess futures`, add `--masters 2` for two masters)

use std::io;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::ensure;
use futures::channel::{mpsc, oneshot};
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use futures::{StreamExt, future};
use futures_timer::Delay;

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
/// thinking, timed by the monotonic clock). It holds the thread, as her thinking holds
/// her.
fn think(how_long: Duration) {
    let done = Instant::now() + how_long;
    while Instant::now() < done {
        std::hint::spin_loop();
    }
}

// ANCHOR: master
/// Lets every other task that is ready run once before this one goes on. (`futures` has
/// no `yield_now`; this is all there is to one: wake yourself, and say "not yet" once.)
async fn yield_now() {
    let mut yielded = false;
    future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

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
        think(params.unit * params.her_move);
        if params.each_move {
            println!("board {board}: move {number} played");
        }
        // The board only goes away once its game is over, which needs this answer.
        let _ = done.send(());
        // Before the next move, let the board she has just answered start its opponent's
        // clock (and let boards whose opponents have replied get in line): without this,
        // they would wait until she ran out of requests, and she would then wait for
        // them.
        yield_now().await;
    }
}
// ANCHOR_END: master

// ANCHOR: game
async fn play_game(
    board: usize,
    master: mpsc::UnboundedSender<Request>,
    params: Params,
    start: Instant,
) {
    for number in 1..=params.moves {
        let (done, made) = oneshot::channel();
        master
            .unbounded_send(Request { board, number, done })
            .expect("she stays until the last game ends");
        made.await.expect("she answers every request");
        Delay::new(params.unit * params.reply).await;
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
/// One master and her share of the boards (every `masters`-th, from `first`), on this
/// thread.
fn play_share(first: usize, params: Params, start: Instant) -> io::Result<()> {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let (door, requests) = mpsc::unbounded();
    spawner.spawn_local(master(requests, params)).map_err(io::Error::other)?;
    for board in (first..=params.opponents).step_by(params.masters) {
        spawner
            .spawn_local(play_game(board, door.clone(), params, start))
            .map_err(io::Error::other)?;
    }
    // Only the boards hold the door now: when the last game ends, she leaves.
    drop(door);
    pool.run();
    Ok(())
}

/// Plays the exhibition and returns how long it took.
fn play(params: Params) -> io::Result<Duration> {
    let start = Instant::now();
    thread::scope(|scope| {
        // A master thinking keeps a thread busy: K masters need K threads to think at
        // once.
        let others = (2..=params.masters)
            .map(|first| {
                thread::Builder::new()
                    .name(format!("master-{first}"))
                    .spawn_scoped(scope, move || play_share(first, params, start))
            })
            .collect::<io::Result<Vec<_>>>()?;
        play_share(1, params, start)?;
        for other in others {
            other.join().expect("a master's thread panicked")?;
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
