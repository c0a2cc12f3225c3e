//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run queue <runtime>` prints (`just copy-check queue` proves it). The `--bench`
//! pumps are not part of them: they live in `src/bench.rs`.

pub mod async_std;
pub mod futures;
pub mod smol;
pub mod threads;
pub mod tokio;
