//! One file per runtime. Each is self-contained: copy it, swap `Params` for your own values.
//!
//! Every file carries its own copy of `cpu_bound`, so that each can be read (and copied) alone.

pub mod processes;
pub mod rayon;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
