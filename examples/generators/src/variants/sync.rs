//! `generators` in plain Rust: a generator written out as the state machine it compiles
//! into.
//!
//! Pairs with "Async IO's Roots in Generators" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018; its `endless()` too; the 2025 edition has no such
//! section). Stable Rust has no `yield` with a resume value, so `JumpingRange` keeps by
//! hand what a generator keeps for you: where it paused (`State`) and the locals alive
//! there (`index`). The compiler turns every `async fn` into the same kind of enum, and
//! the second half of this file polls one by hand, with a waker that does nothing, to
//! show it.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run generators sync`)

use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

/// What the program runs with; `just run generators` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Where `jumping_range` stops: it yields indexes below this.
    pub up_to: i64,
}

impl Default for Params {
    fn default() -> Params {
        Params { up_to: 5 }
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: machine
/// Where a `jumping_range` generator stands between two resumptions.
#[derive(Debug, Clone, Copy)]
enum State {
    /// Created, and nothing has run yet.
    Start,
    /// Paused at its `yield`, having handed out `index`.
    Yielded { index: i64 },
    /// Returned: every later resumption gets nothing (Python: `StopIteration` again).
    Done,
}

/// `jumping_range(up_to)`: yields 0, 1, 2, ... below `up_to`; a jump sent in moves the
/// index by that much instead of one.
#[derive(Debug)]
pub struct JumpingRange {
    up_to: i64,
    state: State,
}

impl JumpingRange {
    pub fn new(up_to: i64) -> JumpingRange {
        JumpingRange { up_to, state: State::Start }
    }

    /// Resumes the generator with `jump` (`None` is a plain `next`) and runs it to its
    /// next `yield`: `Some(index)`, or `None` once it has returned.
    pub fn send(&mut self, jump: Option<i64>) -> Option<i64> {
        let index = match self.state {
            // The body starts at `index = 0`. Python refuses a value sent before the
            // first `next` (TypeError); this machine ignores it.
            State::Start => 0,
            State::Yielded { index } => index + jump.unwrap_or(1),
            State::Done => return None,
        };
        if index < self.up_to {
            self.state = State::Yielded { index };
            Some(index)
        } else {
            self.state = State::Done;
            None
        }
    }
}

/// A `for` loop resumes with nothing sent, as Python's does.
impl Iterator for JumpingRange {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        self.send(None)
    }
}
// ANCHOR_END: machine

// ANCHOR: drive
fn drive(params: Params) {
    let mut generator = JumpingRange::new(params.up_to);
    let mut seen = Vec::new();
    let mut show = |label: &str, value: Option<i64>| match value {
        Some(index) => {
            seen.push(index);
            println!("{label} -> {index}");
        }
        None => println!("{label} -> StopIteration"),
    };
    show("next(gen)", generator.next());
    show("gen.send(2)", generator.send(Some(2)));
    show("next(gen)", generator.next());
    show("gen.send(-1)", generator.send(Some(-1)));
    for index in generator {
        seen.push(index);
        println!("for i in gen -> {index}");
    }
    println!("jumping_range({}) yielded {seen:?}", params.up_to);
}
// ANCHOR_END: drive

// ANCHOR: endless
/// `endless()`: 9, 8, 7, 6, 9, 8, ... forever. An iterator is a paused generator: it
/// computes its next value only when asked, so an endless one costs nothing until then.
fn endless() -> impl Iterator<Item = u32> {
    [9, 8, 7, 6].into_iter().cycle()
}

fn pause_and_resume() {
    let mut e = endless();
    let (mut total, mut taken) = (0, Vec::new());
    for i in e.by_ref() {
        if total >= 100 {
            break; // a pause: `e` stays where it stopped
        }
        taken.push(i);
        total += i;
    }
    let resumed: Vec<u32> = e.take(3).collect();
    report(&taken, &resumed);
}
// ANCHOR_END: endless

/// Prints what the tutorial's loop prints: values until their total reaches 100, then a
/// pause, then three more from the same generator.
fn report(taken: &[u32], resumed: &[u32]) {
    let words = |values: &[u32]| values.iter().map(u32::to_string).collect::<Vec<_>>();
    println!("for i in endless() -> {}", words(taken).join(" "));
    println!("next(e), next(e), next(e) -> ({})", words(resumed).join(", "));
}

// ANCHOR: by_hand
/// One suspension point: `Pending` the first time it is polled, `Ready` the next. Before
/// it returns `Pending` it wakes its waker, asking to be polled again (a bare `yield` in
/// a generator-based coroutine asks the event loop for the same).
#[derive(Debug, Default)]
struct Pause {
    paused: bool,
}

impl Future for Pause {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.paused {
            return Poll::Ready(());
        }
        self.paused = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

async fn step(name: &str, value: i64) -> i64 {
    println!("  {name}: started");
    Pause::default().await;
    println!("  {name}: resumed, returning {value}");
    value
}

async fn both() -> i64 {
    // Each `.await` passes the inner future's `Pending` straight up to whoever polls
    // `both`, as `yield from` passes an inner generator's yields up to whoever drives the
    // outer one.
    let first = step("first", 1).await;
    let second = step("second", 2).await;
    first + second
}

/// What an executor does, minus the waiting: poll until `Ready`. A real executor would
/// sleep until the waker is called; `Waker::noop()` is never listened to, so this loop
/// just polls again.
fn drive_by_hand() {
    println!("driving both() by hand:");
    let mut future = pin!(both());
    println!("both() created: nothing has run yet");
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        match future.as_mut().poll(&mut cx) {
            Poll::Pending => println!("poll {polls}: Pending"),
            Poll::Ready(sum) => {
                println!("poll {polls}: Ready({sum})");
                break;
            }
        }
    }
}
// ANCHOR_END: by_hand

// ANCHOR: main
pub fn run(params: Params) {
    drive(params);
    pause_and_resume();
    println!();
    drive_by_hand();
}
// ANCHOR_END: main
