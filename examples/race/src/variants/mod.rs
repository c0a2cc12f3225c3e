//! One file per runtime. Each is self-contained: copy it, swap `Params` for your own values.

pub mod rayon;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
