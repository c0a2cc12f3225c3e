//! `race` on one thread, one increment after another: the baseline.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version" in
//! Real Python's "Speed Up Your Python Program With Concurrency". With nothing running beside
//! it, `x = x + 1` cannot lose an update: this is the total every other variant should reach.
//!
//! Run with: `cargo run -p race -- sync`

use crate::Params;

// ANCHOR: main
#[expect(clippy::assign_op_pattern, reason = "the statement every variant races on, as written")]
pub fn run(params: Params) {
    println!(
        "1 thread, {} x {} increments, expected {}",
        params.workers,
        params.increments,
        params.expected()
    );
    let mut x = 0;
    for _ in 0..params.workers {
        for _ in 0..params.increments {
            x = x + 1;
        }
    }
    report("x = x + 1", x, params);
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
