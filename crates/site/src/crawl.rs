//! The pages of the `crawl` example: the seven pages of the asyncio walkthrough's `areq.py`
//! run and its deliberate 404, their list at `/urls.txt`, and a graph of linked pages for a
//! crawl that goes on from them.
//!
//! - `/urls.txt`: the eight pages, one absolute URL a line, as the article's `urls.txt`.
//! - `/areq/{page}`: stand-ins for the article's sites. Each has as many distinct links, found
//!   with areq's pattern `href="(.*?)"` and joined to the page's URL, as the article's run
//!   found on the site it stands in for: 115, 120, 143, 0 (a plain-text RFC), 36, 3 and 23.
//!   Each answers after a delay of its own, so that the pages arrive in the article's order.
//!   The `regex101` page is written so that a real HTML parser finds other links than the
//!   pattern does: single quotes, `HREF=`, an unquoted value, spaces around `=`, links inside
//!   a comment, a script, a text box and a `data-href`, a stylesheet, and an `&amp;` in a
//!   query.
//! - `/graph/{i}`: page `i` of [`GRAPH_PAGES`], linking to its [`GRAPH_FANOUT`] children
//!   (`8i+1` to `8i+8`), its parent, the first page and itself (`#top`): a bounded out-degree,
//!   so a breadth-first crawl grows by about eight times a level, and reaches 10,000 pages
//!   within three levels of the areq pages, which link into the graph.

use std::fmt::Write as _;

use hyper::StatusCode;
use hyper::body::Incoming;
use hyper::header::HOST;
use hyper::{Request, Response};

use crate::{Body, State, html, pause, text};

/// How many pages the graph has: `/graph/0` to `/graph/999999`.
pub const GRAPH_PAGES: u32 = 1_000_000;
/// How many children each graph page links to.
pub const GRAPH_FANOUT: u32 = 8;
/// The page of the list that answers 404, as the article's `docs.python.org` URL did.
pub const NOT_FOUND_PAGE: &str = "this-url-will-404.html";

/// One of the article's sites, as the local site stands in for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreqPage {
    /// Its name under `/areq/`.
    pub name: &'static str,
    /// The site of the article's `urls.txt` it stands in for.
    pub stands_for: &'static str,
    /// How many distinct links areq's pattern finds on it (the article's run).
    pub links: usize,
    /// How long it takes to answer, in tutorial seconds.
    pub delay: f64,
}

/// The article's list, in its order: seven pages and the 404.
pub const AREQ_PAGES: [AreqPage; 8] = [
    AreqPage { name: "regex101", stands_for: "https://regex101.com/", links: 23, delay: 0.80 },
    AreqPage {
        name: NOT_FOUND_PAGE,
        stands_for: "https://docs.python.org/3/this-url-will-404.html",
        links: 0,
        delay: 0.25,
    },
    AreqPage {
        name: "nytimes-guides",
        stands_for: "https://www.nytimes.com/guides/",
        links: 120,
        delay: 0.10,
    },
    AreqPage { name: "mediamatters", stands_for: "https://www.mediamatters.org/", links: 115, delay: 0.05 },
    AreqPage { name: "one-one-one-one", stands_for: "https://1.1.1.1/", links: 36, delay: 0.40 },
    AreqPage {
        name: "politico-morning-money",
        stands_for: "https://www.politico.com/tipsheets/morning-money",
        links: 143,
        delay: 0.15,
    },
    AreqPage {
        name: "bloomberg-economics",
        stands_for: "https://www.bloomberg.com/markets/economics",
        links: 3,
        delay: 0.50,
    },
    AreqPage {
        name: "rfc2616.txt",
        stands_for: "https://www.ietf.org/rfc/rfc2616.txt",
        links: 0,
        delay: 0.20,
    },
];

/// What `/urls.txt`, `/areq/{page}` and `/graph/{i}` answer; `None` for any other path.
pub(crate) async fn answer(request: &Request<Incoming>, state: &State) -> Option<Response<Body>> {
    let path = request.uri().path();
    if path == "/urls.txt" {
        let host = request.headers().get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
        return Some(text(StatusCode::OK, &urls_txt(&format!("http://{host}"))));
    }
    if let Some(name) = path.strip_prefix("/areq/") {
        let page = AREQ_PAGES.iter().find(|page| page.name == name)?;
        pause(state, page.delay).await;
        return Some(match areq_page(name) {
            Some(body) if name.ends_with(".txt") => text(StatusCode::OK, &body),
            Some(body) => html(StatusCode::OK, body),
            None => text(StatusCode::NOT_FOUND, "Not Found\n"),
        });
    }
    let i = path.strip_prefix("/graph/")?.parse::<u32>().ok()?;
    graph_page(i).map(|body| html(StatusCode::OK, body))
}

/// The list of `/urls.txt`: the eight pages under `base` (`http://127.0.0.1:8000`).
pub fn urls_txt(base: &str) -> String {
    AREQ_PAGES.iter().map(|page| format!("{base}/areq/{}\n", page.name)).collect()
}

/// The body of `/areq/{name}`; `None` for the 404 and for a name not in the list.
pub fn areq_page(name: &str) -> Option<String> {
    let index = AREQ_PAGES.iter().position(|page| page.name == name)?;
    let page = AREQ_PAGES[index];
    match name {
        NOT_FOUND_PAGE => None,
        "rfc2616.txt" => Some(rfc()),
        "regex101" => Some(regex101()),
        _ => Some(news_page(index, page)),
    }
}

/// The links of an ordinary areq page, as written in it: `n` hrefs, distinct once joined to
/// the page's URL. Python's `urljoin` and the `url` crate agree on every one of them.
pub fn areq_hrefs(index: usize, name: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|j| {
            let graph = 1 + (index * 131 + j * 37) % 4000;
            match (j, j % 5) {
                (7, _) => format!("mailto:tips@{name}.example.com"),
                (_, 0) => format!("/graph/{graph}"),
                (_, 1) => format!("https://www.example.com/{name}/story-{j}"),
                (_, 2) => format!("../graph/{graph}"),
                (_, 3) => format!("#section-{j}"),
                _ => format!("https://{name}.example.net/{j}.html"),
            }
        })
        .collect()
}

/// A news-like page: a header, a list of stories and a footer that repeats the header's
/// links (repeated links count once).
fn news_page(index: usize, page: AreqPage) -> String {
    let hrefs = areq_hrefs(index, page.name, page.links);
    let mut body =
        format!("<header>\n<p>A stand-in for {}, served by the local site.</p>\n<nav>\n", page.stands_for);
    let nav = hrefs.len().min(5);
    for (i, href) in hrefs[..nav].iter().enumerate() {
        let _ = writeln!(body, "  <a href=\"{href}\">Section {i}</a>");
    }
    body.push_str("</nav>\n</header>\n<main>\n<ul>\n");
    for (i, href) in hrefs[nav..].iter().enumerate() {
        let _ = writeln!(body, "  <li><a href=\"{href}\" class=\"story\">Story {}</a></li>", i + nav);
    }
    body.push_str("</ul>\n</main>\n<footer>\n");
    for href in &hrefs[..nav] {
        let _ = writeln!(body, "  <a href=\"{href}\">again</a>");
    }
    body.push_str("</footer>\n");
    document(page.name, &body)
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         </head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// The plain-text page: a document about HTTP that links nowhere, as the RFC the article
/// fetched (areq's pattern finds nothing in plain text).
fn rfc() -> String {
    let mut page = String::from(
        "Stand-in for RFC 2616                                    async-walkthrough\n\n\
         A plain-text document, served as text/plain. It names pages, such as\n\
         /graph/0 or http://127.0.0.1/areq/regex101, but has no markup: a pattern\n\
         that looks for an attribute and a quote finds no link in it.\n\n",
    );
    for section in 1..=40 {
        let _ = writeln!(
            page,
            "{section}. Section {section}\n\n   A request names a method, a target and a version; an answer\n   \
             gives a status, headers and a body. Section {section} would say more.\n"
        );
    }
    page
}

/// The page on which the two ways of finding links disagree: what a browser sees as links,
/// and what areq's pattern `href="(.*?)"` sees.
fn regex101() -> String {
    let plain = regex101_plain_hrefs();
    let mut body = String::from(
        "<h1>Links a pattern finds, and links a parser finds</h1>\n\
         <p>The links in the list are ordinary. The ones after it are written so that a\n\
         regular expression and an HTML parser disagree.</p>\n<ul>\n",
    );
    for (i, href) in plain.iter().enumerate() {
        let _ = writeln!(body, "  <li><a href=\"{href}\">Link {i}</a></li>");
    }
    body.push_str(
        "</ul>\n\
         <p>Found by a parser, missed by the pattern:\n\
         <a href='/graph/903'>single quotes</a>,\n\
         <A HREF=\"/graph/904\">upper case</A>,\n\
         <a href=/graph/905>no quotes</a>,\n\
         <a href = \"/graph/906\">spaces around the equals sign</a>.</p>\n\
         <!-- Found by the pattern, not links at all: <a href=\"/graph/900\">a comment</a> -->\n\
         <script>const template = '<a href=\"/graph/901\">inside a script</a>';</script>\n\
         <div data-href=\"/graph/902\">a data attribute</div>\n\
         <textarea><a href=\"/graph/907\">text in a text box</a></textarea>\n\
         <p>And a stylesheet, which the pattern counts too:</p>\n\
         <link rel=\"stylesheet\" href=\"https://cdn.example.com/regex101.css\">\n",
    );
    document("regex101", &body)
}

/// The ordinary links of the `regex101` page, as written: the last has `&amp;` in its query,
/// which a parser decodes and the pattern keeps.
pub fn regex101_plain_hrefs() -> Vec<String> {
    let mut hrefs = vec![
        "/graph/0".to_owned(),
        "../graph/101".to_owned(),
        "/graph/102".to_owned(),
        "#quick-reference".to_owned(),
        "#flavors".to_owned(),
        "https://www.example.com/regex101/library".to_owned(),
        "https://docs.example.org/regex/syntax.html".to_owned(),
    ];
    for j in 0..10 {
        hrefs.push(format!("https://regex101.example.net/r/{j}"));
    }
    hrefs.push("/graph/103?tab=1&amp;flags=gm".to_owned());
    hrefs
}

/// The hrefs of graph page `i` as written: the first page, the parent (relative), each child
/// below [`GRAPH_PAGES`] (relative), and the page's own top.
pub fn graph_hrefs(i: u32) -> Vec<String> {
    let mut hrefs = vec!["/graph/0".to_owned()];
    if i > 0 {
        hrefs.push(format!("{}", (i - 1) / GRAPH_FANOUT));
    }
    let first = u64::from(i) * u64::from(GRAPH_FANOUT) + 1;
    for child in (first..first + u64::from(GRAPH_FANOUT)).filter(|&c| c < u64::from(GRAPH_PAGES)) {
        hrefs.push(child.to_string());
    }
    hrefs.push("#top".to_owned());
    hrefs
}

/// Graph page `i`, or `None` past the last page.
pub fn graph_page(i: u32) -> Option<String> {
    if i >= GRAPH_PAGES {
        return None;
    }
    let hrefs = graph_hrefs(i);
    let mut body = format!("<h1 id=\"top\">Page {i}</h1>\n<p>");
    for href in hrefs {
        let _ = writeln!(body, "<a href=\"{href}\">{href}</a>");
    }
    body.push_str("</p>\n");
    Some(document(&format!("Page {i}"), &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_of_the_list_answers_or_is_the_404() {
        for page in AREQ_PAGES {
            assert_eq!(areq_page(page.name).is_none(), page.name == NOT_FOUND_PAGE, "{}", page.name);
        }
        assert_eq!(AREQ_PAGES.iter().map(|p| p.links).sum::<usize>(), 440);
        assert!(areq_page("nowhere").is_none());
    }

    #[test]
    fn graph_pages_have_a_bounded_out_degree() {
        assert_eq!(graph_hrefs(0).len(), 10);
        assert_eq!(graph_hrefs(5).len(), 11);
        assert_eq!(graph_hrefs(GRAPH_PAGES - 1).len(), 3);
        assert!(graph_page(GRAPH_PAGES).is_none());
    }
}
