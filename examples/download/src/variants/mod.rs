//! One file per runtime, each a whole program: copied alone as the `src/main.rs` of a new
//! package, with the dependencies its header names, it builds and prints what `just run
//! download <runtime>` prints (`just copy-check download` proves it; it needs the site
//! that `just site` serves, which copy-check starts itself).

pub mod async_std;
pub mod futures;
pub mod processes;
pub mod smol;
pub mod sync;
pub mod threads;
pub mod tokio;
