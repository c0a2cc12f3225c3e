//! Python's `urllib.parse.urljoin` and the `url` crate's `Url::join`, side by side: every
//! link on the site's crawl pages joins alike in both (so areq's Python and Rust write the same
//! lines), and a list of hrefs shows where they part: the `url` crate follows the WHATWG URL
//! standard (what browsers do), `urljoin` follows RFC 3986 loosely and leaves the rest as it
//! was written. The table goes to `docs/src/outputs/crawl-urljoin.md` for the chapter.

use std::fmt::Write as _;
use std::process::Command;

use site::crawl::{AREQ_PAGES, areq_hrefs, graph_hrefs, regex101_plain_hrefs};
use testing::{check_docs_output, workspace_root};
use url::Url;

const BASE: &str = "http://127.0.0.1:8000/areq/regex101";

/// hrefs as a page might hold them, and where the two ways may part.
const CASES: [&str; 24] = [
    "/graph/1",
    "../graph/1",
    "#top",
    "?page=2",
    "mailto:tips@example.com",
    "https://www.example.com/a/./b/../c",
    "/graph/1?tab=1&amp;flags=gm",
    "HTTP://Example.COM/A",
    "http://example.com",
    "//example.com",
    "http://example.com:80/x",
    "http://127.0.0.1:08000/x",
    "http://exämple.com/",
    "/café",
    "/a b",
    " /graph/1",
    "/graph/1 ",
    "\\graph\\1",
    "a/%2e%2e/b",
    "/gra\tph/1",
    "?",
    "#",
    "",
    "http://a/b/../c",
];

/// A JSON string, for handing hrefs to Python whatever characters they hold.
fn json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `urljoin(base, href)` for each pair, by python3; `None` where there is no python3.
fn urljoin(pairs: &[(String, String)]) -> Option<Vec<String>> {
    let python = testing::python3()?;
    let list: Vec<String> =
        pairs.iter().map(|(b, h)| format!("[{}, {}]", json(b), json(h))).collect();
    let script = "import json, sys, urllib.parse\n\
                  pairs = json.loads(sys.argv[1])\n\
                  sys.stdout.write('\\0'.join(urllib.parse.urljoin(b, h) for b, h in pairs))";
    let output = Command::new(python)
        .args(["-c", script, &format!("[{}]", list.join(", "))])
        .output()
        .ok()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    Some(text.split('\0').map(str::to_owned).collect())
}

fn rust_join(base: &str, href: &str) -> String {
    match Url::parse(base).expect("a base").join(href) {
        Ok(url) => url.to_string(),
        Err(err) => format!("error: {err}"),
    }
}

#[test]
fn every_link_on_the_site_joins_alike_in_python_and_rust() {
    let site = "http://127.0.0.1:8000";
    let mut pairs = Vec::new();
    for (index, page) in AREQ_PAGES.iter().enumerate() {
        let base = format!("{site}/areq/{}", page.name);
        for href in areq_hrefs(index, page.name, page.links) {
            pairs.push((base.clone(), href));
        }
    }
    let regex101 = format!("{site}/areq/regex101");
    pairs.extend(regex101_plain_hrefs().into_iter().map(|href| (regex101.clone(), href)));
    for i in [0, 1, 7, 8, 12_345, 999_999] {
        pairs.extend(
            graph_hrefs(i).into_iter().map(|href| (format!("{site}/graph/{i}"), href)),
        );
    }
    let Some(python) = urljoin(&pairs) else {
        eprintln!("skipped: python3 not found");
        return;
    };
    for ((base, href), python) in pairs.iter().zip(python) {
        assert_eq!(rust_join(base, href), python, "{base} + {href:?}");
    }
}

#[test]
fn docs_output_where_urljoin_and_the_url_crate_part() {
    let pairs: Vec<(String, String)> =
        CASES.iter().map(|h| (BASE.to_owned(), (*h).to_owned())).collect();
    let Some(python) = urljoin(&pairs) else {
        eprintln!("skipped: python3 not found");
        return;
    };
    // Shown relative to the page's site where they stay on it, quoted as Rust quotes strings.
    let short = |url: &str| match url.strip_prefix("http://127.0.0.1:8000") {
        Some(path) if path.starts_with('/') => format!("{path:?}"),
        _ => format!("{url:?}"),
    };
    let mut same = Vec::new();
    let mut table = String::from(
        "| href | `urljoin` (Python) | `Url::join` (Rust) |\n|---|---|---|\n",
    );
    for (href, python) in CASES.iter().zip(&python) {
        let rust = rust_join(BASE, href);
        if rust == *python {
            same.push(format!("`{href:?}`"));
        } else {
            let _ = writeln!(
                table,
                "| `{href:?}` | `{}` | `{}` |",
                short(python),
                short(&rust)
            );
        }
    }
    let text =
        format!("Joined to `{BASE}`. Alike in both: {}.\n\n{table}", same.join(", "));
    // The parts the chapter names: a standard's normalising on one side, the text as written
    // on the other.
    for expected in [
        "`\"HTTP://Example.COM/A\"`",
        "`\"http://example.com\"`",
        "`\"/a b\"`",
        "`\"\\\\graph\\\\1\"`",
    ] {
        assert!(table.contains(expected), "{expected} no longer differs:\n{text}");
    }
    assert!(
        text.contains("`\"../graph/1\"`") && !table.contains("`\"../graph/1\"`"),
        "{text}"
    );
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/crawl-urljoin.md");
    check_docs_output(&path, &text);
}
