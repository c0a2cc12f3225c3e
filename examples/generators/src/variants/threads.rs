//! `generators` with the generator on its own thread, talking over two channels.
//!
//! Pairs with "Async IO's Roots in Generators" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018; its `endless()` too; the 2025 edition has no such
//! section). A thread has what a generator needs and a plain function lacks: a stack that
//! survives a pause. The body below reads like the Python generator; `yield` becomes
//! "send the index, then block until the caller resumes us". Both channels have no
//! buffer, so the two threads take turns, as a generator and its caller do. The price: an
//! OS thread per generator.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run generators threads`)

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{self, Scope};

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

// ANCHOR: generator
/// The generator's body, run on its own thread. It waits for the first resumption before
/// it starts, as a Python generator runs nothing until the first `next`.
fn jumping_range(up_to: i64, resume: Receiver<Option<i64>>, values: SyncSender<i64>) {
    if resume.recv().is_err() {
        return; // dropped before it was ever started
    }
    let mut index = 0;
    while index < up_to {
        // `yield index`: hand the index over, then wait to be resumed with a jump or
        // nothing.
        if values.send(index).is_err() {
            return;
        }
        let Ok(jump) = resume.recv() else { return };
        index += jump.unwrap_or(1);
    }
    // Returning drops `values`: the caller's `recv` fails, which is its `StopIteration`.
}

/// The caller's end: resume the generator thread and wait for what it yields.
pub struct Generator {
    resume: SyncSender<Option<i64>>,
    values: Receiver<i64>,
}

impl Generator {
    /// Starts `jumping_range` on a thread of `scope`; it runs nothing until the first
    /// resumption.
    pub fn spawn<'scope>(scope: &'scope Scope<'scope, '_>, up_to: i64) -> Generator {
        let (resume, resumed) = sync_channel(0);
        let (yielded, values) = sync_channel(0);
        scope.spawn(move || jumping_range(up_to, resumed, yielded));
        Generator { resume, values }
    }

    /// `gen.send(jump)`: `None` once the generator has returned.
    pub fn send(&mut self, jump: Option<i64>) -> Option<i64> {
        self.resume.send(jump).ok()?;
        self.values.recv().ok()
    }
}

impl Iterator for Generator {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        self.send(None)
    }
}
// ANCHOR_END: generator

// ANCHOR: endless
/// `endless()` on a thread: it hands over one value, then blocks in `send` until the
/// caller asks for the next (a channel without a buffer is a rendezvous). Once the caller
/// drops the receiver, `send` fails and the thread returns.
fn endless<'scope>(scope: &'scope Scope<'scope, '_>) -> Receiver<u32> {
    let (values, received) = sync_channel(0);
    scope.spawn(move || {
        for i in [9, 8, 7, 6].into_iter().cycle() {
            if values.send(i).is_err() {
                return;
            }
        }
    });
    received
}

fn pause_and_resume() {
    thread::scope(|scope| {
        let mut e = endless(scope).into_iter();
        let (mut total, mut taken) = (0, Vec::new());
        for i in e.by_ref() {
            if total >= 100 {
                break; // a pause: the thread waits in `send`
            }
            taken.push(i);
            total += i;
        }
        let resumed: Vec<u32> = e.take(3).collect();
        report(&taken, &resumed);
    });
}
// ANCHOR_END: endless

/// Prints what the tutorial's loop prints: values until their total reaches 100, then a
/// pause, then three more from the same generator.
fn report(taken: &[u32], resumed: &[u32]) {
    let words = |values: &[u32]| values.iter().map(u32::to_string).collect::<Vec<_>>();
    println!("for i in endless() -> {}", words(taken).join(" "));
    println!("next(e), next(e), next(e) -> ({})", words(resumed).join(", "));
}

// ANCHOR: main
pub fn run(params: Params) {
    // The scope joins the generator's thread: dropping `generator` closes its channels,
    // which ends it.
    thread::scope(|scope| {
        let mut generator = Generator::spawn(scope, params.up_to);
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
    });
    pause_and_resume();
}
// ANCHOR_END: main
