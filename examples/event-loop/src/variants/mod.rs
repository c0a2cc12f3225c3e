//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what
//! `just run event-loop <runtime>` prints (`just copy-check event-loop` proves it).
//! The loom build (`just loom`) has the own loop alone.

#[cfg(not(loom))]
pub mod async_std;
#[cfg(not(loom))]
pub mod futures;
pub mod own;
#[cfg(not(loom))]
pub mod smol;
#[cfg(not(loom))]
pub mod tokio;
