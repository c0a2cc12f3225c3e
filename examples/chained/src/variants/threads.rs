//! `chained` with one OS thread per chain.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Inside a thread, part1 and part2 are plain
//! calls: a blocking call already "awaits". The chains overlap because the OS runs another
//! thread while one sleeps; they share the generator through a `Mutex`, borrowed by scoped
//! threads, and which thread locks it first when two wake together is up to the OS.
//!
//! Run with: `cargo run -p chained -- threads 9 6 3`

use std::io;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;

// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

// ANCHOR: parts
fn draw(rng: &Mutex<PyRandom>) -> i64 {
    // The lock is held for the draw only, never across a sleep.
    rng.lock().expect("a chain panicked while drawing").randint(0, 10)
}

fn part1(n: u32, rng: &Mutex<PyRandom>, params: Params) -> String {
    let i = draw(rng);
    println!("part1({n}) sleeping for {i} seconds.");
    thread::sleep(params.unit * i as u32);
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

fn part2(n: u32, arg: &str, rng: &Mutex<PyRandom>, params: Params) -> String {
    let i = draw(rng);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    thread::sleep(params.unit * i as u32);
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

fn chain(n: u32, rng: &Mutex<PyRandom>, params: Params) {
    let start = Instant::now();
    let p1 = part1(n, rng, params);
    let p2 = part2(n, &p1, rng, params);
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

// ANCHOR: main
pub fn run(params: Params, ns: &[u32]) -> io::Result<()> {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let start = Instant::now();
    // Scoped threads may borrow `rng`: the scope joins them all before it returns.
    thread::scope(|scope| {
        for &n in ns {
            let rng = &rng;
            // `Builder::spawn_scoped` reports a failed spawn (too many threads) as an error;
            // `scope.spawn` would panic.
            thread::Builder::new()
                .name(format!("chain-{n}"))
                .spawn_scoped(scope, move || chain(n, rng, params))?;
        }
        Ok::<_, io::Error>(())
    })?;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
    Ok(())
}
// ANCHOR_END: main
