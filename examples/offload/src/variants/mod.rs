//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run offload <runtime>` prints (`just copy-check offload` proves it).

pub mod async_std;
pub mod futures;
pub mod processes;
pub mod rayon;
pub mod smol;
pub mod threads;
pub mod tokio;
