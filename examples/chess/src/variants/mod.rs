//! One file per runtime. Each is self-contained: copy it, swap `Params` for your own
//! values.

pub mod async_std;
pub mod futures;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
