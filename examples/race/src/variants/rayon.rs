//! `race` on rayon: count by reduction, with nothing shared.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version" in
//! Real Python's "Speed Up Your Python Program With Concurrency". The race needs a counter
//! that several threads write. rayon's way is to have none: each thread counts its own part
//! and `sum` adds the parts, so there is nothing to lock. (A closure that did `x += 1` on a
//! captured variable would not compile: rayon's closures must be `Fn + Sync`.)
//!
//! Run with: `cargo run -p race -- rayon`

use rayon::prelude::*;

use crate::Params;

// ANCHOR: main
pub fn run(params: Params) {
    println!(
        "{} workers, {} increments each, expected {}, on {} threads",
        params.workers,
        params.increments,
        params.expected(),
        rayon::current_num_threads()
    );
    let x: u64 =
        (0..params.workers).into_par_iter().map(|_| (0..params.increments).map(|_| 1).sum::<u64>()).sum();
    report("sum of the parts", x, params);
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
