//! What the site serves: the pages' text, and the list of what is where.

use std::fmt::Write as _;

/// The size of the larger download page: the article's first site, 10,966 bytes in its run.
pub const JYTHON_BYTES: usize = 10_966;
/// The size of the smaller download page: the article's second site, 276 bytes.
pub const DICE_BYTES: usize = 276;
/// How long the download pages take to answer, in tutorial seconds: the 2019 article's loop
/// took 14.29 s for 160 pages, 0.089 s a page.
pub const PAGE_DELAY: f64 = 0.089;
/// The largest `/bytes/{n}` page: 1 GiB.
pub const MAX_BYTES: u64 = 1 << 30;

/// Every page, with what it is for: the index page and `just site` print this.
pub const PAGES: &[(&str, &str)] = &[
    ("/jython", "download page of 10,966 bytes, answered after the page delay (?delay=0: at once)"),
    ("/dice", "download page of 276 bytes, answered after the page delay (?delay= overrides it)"),
    ("/status/{code}", "answers with that status, e.g. /status/404, /status/500"),
    ("/delay/{units}", "answers after that many tutorial seconds, e.g. /delay/0.5"),
    ("/redirect/{n}", "redirects n times (302), then answers 200"),
    ("/redirect-loop", "redirects to itself, for ever"),
    ("/drip/{bytes}/{units}", "a slow body: that many bytes, spread over that many tutorial seconds"),
    ("/bytes/{n}", "a body of n bytes (up to 1 GiB), streamed"),
    ("/not-utf8", "an HTML page in ISO-8859-1, not UTF-8"),
    ("/reset", "promises 100,000 bytes, sends 1,000, then resets the connection"),
    ("/hang", "never answers"),
    ("/links/{n}/{offset}", "page `offset` of n pages that link to each other"),
    ("/urls.txt", "the crawl example's list: areq's seven pages and its 404, one URL a line"),
    ("/areq/{page}", "areq's pages: as many links as the article found on the site each stands for"),
    ("/graph/{i}", "page i of a million, linking to its 8 children, its parent and page 0"),
];

/// Pads an HTML page to exactly `size` bytes with a comment before `</html>`.
fn sized(title: &str, body: &str, size: usize) -> String {
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         </head>\n<body>\n{body}</body>\n"
    );
    let end = "</html>\n";
    let open = "<!-- ";
    let close = " -->\n";
    let room = size.saturating_sub(page.len() + end.len() + open.len() + close.len());
    page.push_str(open);
    let filler = "padding to the size of the page this one stands in for. ";
    page.extend(filler.chars().cycle().take(room));
    page.push_str(close);
    page.push_str(end);
    debug_assert_eq!(page.len(), size, "{title}");
    page
}

/// The larger download page.
pub fn jython() -> String {
    sized(
        "The larger download page",
        "<h1>The larger download page</h1>\n\
         <p>A page of 10,966 bytes, the size of the first site that \"Speed Up Your Python Program\n\
         With Concurrency\" downloads. It answers after the site's page delay, 0.089 tutorial\n\
         seconds unless the site was started with another.</p>\n\
         <p><a href=\"/dice\">The smaller page</a> · <a href=\"/\">All pages</a></p>\n",
        JYTHON_BYTES,
    )
}

/// The smaller download page.
pub fn dice() -> String {
    sized("The smaller download page", "<p>276 bytes, after the page delay.</p>\n", DICE_BYTES)
}

/// A page in ISO-8859-1: `é` is the single byte 0xE9, which is not UTF-8.
pub fn not_utf8() -> Vec<u8> {
    let mut page = b"<!DOCTYPE html>\n<html>\n<head><title>Caf".to_vec();
    page.push(0xE9);
    page.extend_from_slice(b"</title></head>\n<body>\n<p>Caf");
    page.push(0xE9);
    page.extend_from_slice(b" cr");
    page.push(0xE8);
    page.extend_from_slice(
        b"me: this page is ISO-8859-1.</p>\n<p><a href=\"/dice\">a link</a></p>\n</body>\n</html>\n",
    );
    page
}

/// Page `offset` of `n` pages that each link to all the others (as httpbin's `/links`).
pub fn links(n: u32, offset: u32) -> String {
    let mut page = String::from("<!DOCTYPE html>\n<html>\n<head><title>Links</title></head>\n<body>\n");
    for i in (0..n).filter(|&i| i != offset) {
        let _ = writeln!(page, "<a href=\"/links/{n}/{i}\">{i}</a>");
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// The index: every page, linked where it takes no number.
pub fn index() -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>async-walkthrough's local site</title>\n</head>\n<body>\n\
         <h1>async-walkthrough's local site</h1>\n<ul>\n",
    );
    for (path, what) in PAGES {
        let link = if path.contains('{') {
            format!("<code>{path}</code>")
        } else {
            format!("<a href=\"{path}\">{path}</a>")
        };
        let _ = writeln!(page, "<li>{link}: {what}</li>");
    }
    page.push_str("</ul>\n</body>\n</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_pages_have_the_articles_sizes() {
        assert_eq!(jython().len(), JYTHON_BYTES);
        assert_eq!(dice().len(), DICE_BYTES);
        assert!(jython().ends_with("</html>\n") && dice().starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn not_utf8_is_not_utf8() {
        assert!(std::str::from_utf8(&not_utf8()).is_err());
    }

    #[test]
    fn links_point_at_every_other_page() {
        let page = links(4, 1);
        for i in [0, 2, 3] {
            assert!(page.contains(&format!("href=\"/links/4/{i}\"")), "{page}");
        }
        assert!(!page.contains("href=\"/links/4/1\""));
    }
}
