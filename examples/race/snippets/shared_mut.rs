// Does not compile (on purpose): `x = x + 1` on a variable that eight threads share.
// `cargo test -p race compile_errors` compiles it and captures the error for the docs.
use std::thread;

fn main() {
    let mut x = 0u64;
    thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..50_000 {
                    x = x + 1;
                }
            });
        }
    });
    println!("x = {x}");
}
