//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run race <runtime>` prints (`just copy-check race` proves it).

pub mod rayon;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
