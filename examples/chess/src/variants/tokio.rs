//! `chess` on tokio: a task per board, the master behind a `tokio::sync::Mutex`.
//!
//! Pairs with the chess exhibition in "Async IO Explained", in Real Python's "Async IO in
//! Python: A Complete Walkthrough". A board's task awaits the master's lock, which tokio
//! hands out first come first served, then awaits its opponent's reply, which frees the
//! thread for the other boards. One master needs one thread (the `current_thread`
//! flavour); with `--masters K` the multi-thread flavour runs K workers so that K masters
//! can think at once.
//!
//! Dependencies: `cargo add anyhow && cargo add tokio --features rt,rt-multi-thread,sync,time`
//! Run: `cargo run --release` (in this repository: `just run chess tokio`, add `--masters 2` for two masters)

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::ensure;
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::sleep;

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
            think(params.unit * params.her_move);
            if params.each_move {
                println!("board {board}: move {number} played");
            }
        }
        // The opponent thinks: this task sleeps, and she moves on to another board.
        sleep(params.unit * params.reply).await;
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
fn play(params: Params) -> io::Result<Duration> {
    // A master thinking keeps a thread busy: K masters need K threads to think at once.
    let runtime = if params.masters == 1 {
        tokio::runtime::Builder::new_current_thread().enable_time().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(params.masters)
            .enable_time()
            .build()?
    };
    Ok(runtime.block_on(exhibition(params)))
}
// ANCHOR_END: main
