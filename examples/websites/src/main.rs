//! `websites`: check three pages at once and print each one's status.
//!
//! The 2025 walkthrough's `websites.py` asks three websites for their front page, each in an
//! `async with` block that opens and closes its own session, all three at once, and prints
//! `{url}: status -> {status}` as each answers. Here three pages of the local site stand in
//! for them: one that is fine (200), one that is missing (404) and one whose server is down
//! (503). A status is the answer, not an error: every check prints it.
//!
//! ```text
//! just run websites          # every variant, each against a site started for the run
//! just run websites tokio    # one variant, in-process
//! just site   # then, in another terminal: target/release/websites tokio --site http://127.0.0.1:8000
//! ```

use std::process::ExitCode;
use std::time::Duration;

use walkthrough::{Context, Example, NoArgs};

mod variants;

/// How long one check may take, from connecting to the status, before it fails.
const TIMEOUT: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    Example::new(
        "websites",
        "async with: three status checks at once, websites.py (2025) against the local site",
    )
    // Nothing here sleeps: the unit only matters to the table's "tutorial s" column.
    .default_unit(Duration::from_millis(10))
    .python_peer(concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/python/websites.py"))
    .needs_site()
    .run(walkthrough::variants! {
        |cx: Context<NoArgs>| Params { site: cx.site.clone(), timeout: TIMEOUT };
        Sync => variants::sync,
        Threads => variants::threads,
        Tokio => variants::tokio,
        Smol => variants::smol,
        AsyncStd => variants::async_std,
        Futures => variants::futures,
    })
}
