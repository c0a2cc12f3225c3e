// scraper's `Html` kept alive across an `.await`, in a task that must be `Send`: the bound
// `tokio::spawn` (and async-std's and smol's global `spawn`) put on a task. Compiled by
// tests/pitfalls.rs, which expects it to fail; the chapter shows the error.

use std::future::Future;

/// A stand-in for `tokio::spawn`, with its bounds.
fn spawn<F>(task: F)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    drop(task);
}

async fn fetch(url: &str) -> String {
    format!("<a href=\"{url}\">a link</a>")
}

fn main() {
    spawn(async {
        let page = fetch("/graph/1").await;
        let document = scraper::Html::parse_document(&page);
        let anchors = scraper::Selector::parse("a[href]").expect("a selector");
        let first = document.select(&anchors).count();
        let next = fetch("/graph/2").await; // `document` is still alive here
        first + next.len()
    });
}
