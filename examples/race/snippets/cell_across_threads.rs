// Does not compile (on purpose): the async variants' counter, a `Cell`, shared by threads
// through an `Arc` (an `Rc` is refused sooner: it is not even `Send`).
// `cargo test -p race compile_errors` compiles it and captures the error for the docs.
use std::cell::Cell;
use std::sync::Arc;
use std::thread;

fn main() {
    let x = Arc::new(Cell::new(0u64));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let x = Arc::clone(&x);
            thread::spawn(move || {
                for _ in 0..50_000 {
                    x.set(x.get() + 1);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    println!("x = {}", x.get());
}
