//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run websites <runtime>` prints (`just copy-check websites` proves it).

pub mod async_std;
pub mod futures;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
