//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run parallel <runtime>` prints (`just copy-check parallel` proves it).
//!
//! Every file carries its own copy of `cpu_bound`, so that each can be read (and copied)
//! alone.

pub mod processes;
pub mod rayon;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
