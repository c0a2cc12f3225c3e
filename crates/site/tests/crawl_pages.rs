//! The crawl example's pages, fetched over a real loopback connection: the list at
//! `/urls.txt`, areq's seven pages and its 404, and the link graph. The links are counted as
//! the example counts them: areq's pattern `href="(.*?)"` (or an HTML parser's `a[href]`),
//! each joined to the page's URL with the `url` crate, distinct.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use site::crawl::{self, AREQ_PAGES, GRAPH_FANOUT, GRAPH_PAGES, NOT_FOUND_PAGE};
use site::{Config, Site};
use url::Url;

const UNIT: Duration = Duration::from_millis(20);

fn site() -> Site {
    Site::start(Config { unit: UNIT, ..Config::default() }).expect("the site starts")
}

/// One answer: the status, the content type, the body, and how long it took.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
    took: Duration,
}

/// `GET path` on a new connection, with `Host: host`.
fn get(addr: SocketAddr, host: &str, path: &str) -> Answer {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).expect("a connection");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("a timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("sent");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("a status line");
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut content_type = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("a header");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("content-type: ") {
            content_type = value.to_owned();
        }
    }
    let mut body = String::new();
    reader.read_to_string(&mut body).expect("a UTF-8 body");
    Answer { status, content_type, body, took: start.elapsed() }
}

/// areq's way: every `href="..."`, joined to the page's URL; distinct.
fn regex_links(base: &Url, page: &str) -> BTreeSet<String> {
    static HREF: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"href="(.*?)""#).expect("areq's pattern"));
    HREF.captures_iter(page).filter_map(|c| base.join(&c[1]).ok()).map(String::from).collect()
}

/// A parser's way: every `<a>` with an `href`, joined to the page's URL; distinct.
fn parser_links(base: &Url, page: &str) -> BTreeSet<String> {
    let document = scraper::Html::parse_document(page);
    let anchors = scraper::Selector::parse("a[href]").expect("a selector");
    document
        .select(&anchors)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| base.join(href).ok())
        .map(String::from)
        .collect()
}

#[test]
fn urls_txt_lists_the_eight_pages_under_the_host_asked_for() {
    let site = site();
    let answer = get(site.addr(), "127.0.0.1:8123", "/urls.txt");
    assert_eq!(answer.status, 200);
    assert!(answer.content_type.starts_with("text/plain"), "{}", answer.content_type);
    let lines: Vec<&str> = answer.body.lines().collect();
    let expected: Vec<String> =
        AREQ_PAGES.iter().map(|page| format!("http://127.0.0.1:8123/areq/{}", page.name)).collect();
    assert_eq!(lines, expected);
    assert!(lines[1].ends_with("/areq/this-url-will-404.html"), "{lines:?}");
}

#[test]
fn the_areq_pages_have_the_articles_link_counts_and_the_404_is_one() {
    let site = site();
    let host = site.addr().to_string();
    let mut total = 0;
    for page in AREQ_PAGES {
        let path = format!("/areq/{}", page.name);
        let answer = get(site.addr(), &host, &path);
        // Each page answers after its own delay, in tutorial seconds.
        assert!(answer.took >= UNIT.mul_f64(page.delay), "{path} took {:?}", answer.took);
        if page.name == NOT_FOUND_PAGE {
            assert_eq!(answer.status, 404, "{path}");
            continue;
        }
        assert_eq!(answer.status, 200, "{path}");
        let kind = if page.name.ends_with(".txt") { "text/plain" } else { "text/html" };
        assert!(answer.content_type.starts_with(kind), "{path}: {}", answer.content_type);
        let base = Url::parse(&format!("http://{host}{path}")).expect("a URL");
        let found = regex_links(&base, &answer.body);
        assert_eq!(found.len(), page.links, "{path}: {found:?}");
        total += found.len();
    }
    assert_eq!(total, 440, "the article's log adds up to 440 links");
}

#[test]
fn only_the_regex101_page_has_links_the_two_ways_disagree_on() {
    let site = site();
    let host = site.addr().to_string();
    for page in AREQ_PAGES.iter().filter(|p| p.name != NOT_FOUND_PAGE) {
        let path = format!("/areq/{}", page.name);
        let body = get(site.addr(), &host, &path).body;
        let base = Url::parse(&format!("http://{host}{path}")).expect("a URL");
        let (pattern, parser) = (regex_links(&base, &body), parser_links(&base, &body));
        if page.name != "regex101" {
            assert_eq!(pattern, parser, "{path}");
            continue;
        }
        assert_eq!((pattern.len(), parser.len()), (23, 22));
        let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| -> Vec<String> {
            a.difference(b).map(|u| u.trim_start_matches(&format!("http://{host}")).to_owned()).collect()
        };
        // The pattern: a comment, a script, a data attribute, a text box, a stylesheet, and
        // the `&amp;` kept as written.
        assert_eq!(
            only(&pattern, &parser),
            [
                "/graph/103?tab=1&amp;flags=gm",
                "/graph/900",
                "/graph/901",
                "/graph/902",
                "/graph/907",
                "https://cdn.example.com/regex101.css"
            ]
        );
        // The parser: single quotes, upper case, no quotes, spaces around `=`; `&amp;` decoded.
        assert_eq!(
            only(&parser, &pattern),
            ["/graph/103?tab=1&flags=gm", "/graph/903", "/graph/904", "/graph/905", "/graph/906"]
        );
    }
}

#[test]
fn graph_pages_link_to_their_children_parent_and_the_first_page() {
    let site = site();
    let host = site.addr().to_string();
    let answer = get(site.addr(), &host, "/graph/5");
    assert_eq!(answer.status, 200);
    let base = Url::parse(&format!("http://{host}/graph/5")).expect("a URL");
    let found = regex_links(&base, &answer.body);
    let mut expected: BTreeSet<String> =
        (41..=48).chain([0]).map(|i| format!("http://{host}/graph/{i}")).collect();
    expected.insert(format!("http://{host}/graph/5#top"));
    assert_eq!(found, expected);
    assert_eq!(parser_links(&base, &answer.body), found);
    // The last page links to no child; past it, and for what is not a number, 404.
    let last = get(site.addr(), &host, &format!("/graph/{}", GRAPH_PAGES - 1));
    assert_eq!(last.status, 200);
    assert_eq!(last.body.matches("<a href=").count(), 3);
    for path in [format!("/graph/{GRAPH_PAGES}"), "/graph/x".to_owned(), "/graph/-1".to_owned()] {
        assert_eq!(get(site.addr(), &host, &path).status, 404, "{path}");
    }
    // The query is no part of the page: the regex101 page's `?tab=1&flags=gm` link works.
    assert_eq!(get(site.addr(), &host, "/graph/103?tab=1&flags=gm").status, 200);
    assert_eq!(get(site.addr(), &host, "/areq/nowhere").status, 404);
}

#[test]
fn ten_thousand_pages_lie_within_three_levels_of_the_list() {
    // Breadth-first from the list, following links on the same site, as `crawl --depth 3`
    // does, with the pages made by the site's own functions (no HTTP: this is arithmetic).
    let base = Url::parse("http://127.0.0.1:8000/").expect("a URL");
    let page_of = |url: &Url| -> Option<String> {
        let path = url.path();
        if let Some(name) = path.strip_prefix("/areq/") {
            return crawl::areq_page(name);
        }
        crawl::graph_page(path.strip_prefix("/graph/")?.parse().ok()?)
    };
    let mut seen = HashSet::new();
    let mut level: Vec<Url> =
        AREQ_PAGES.iter().filter_map(|p| base.join(&format!("areq/{}", p.name)).ok()).collect();
    seen.extend(level.iter().cloned());
    let mut sizes = Vec::new();
    for _ in 0..=3 {
        sizes.push(level.len());
        let mut next = VecDeque::new();
        for url in &level {
            let Some(page) = page_of(url) else { continue };
            for mut link in regex_links(url, &page).into_iter().filter_map(|l| Url::parse(&l).ok()) {
                link.set_fragment(None);
                if link.origin() == base.origin() && seen.insert(link.clone()) {
                    next.push_back(link);
                }
            }
        }
        level = next.into();
    }
    let total: usize = sizes.iter().sum();
    assert!(total >= 10_000, "levels {sizes:?}: {total} pages");
    // The out-degree is bounded: a level is at most 11 times the one before.
    for pair in sizes.windows(2).skip(1) {
        assert!(pair[1] <= pair[0] * (GRAPH_FANOUT as usize + 3), "{sizes:?}");
    }
}
