//! Runs the built `crawl` binary for every runtime, and the Python peer, against a site the
//! test starts, and checks what each writes: the output file against a reference computed
//! here from the site's own pages (areq's pattern or an HTML parser, the `url` crate to join,
//! the same breadth-first order), line for line, with no line torn, lost or doubled; the log
//! lines on stderr in areq's format; the summary on stdout; the faults each logged once.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use site::crawl::{AREQ_PAGES, areq_page, graph_page};
use site::{Config, Site};
use testing::{Run, check_docs_output_unordered, workspace_root};
use url::Url;

const BIN: &str = env!("CARGO_BIN_EXE_crawl");
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];
const ASYNC: [&str; 4] = ["tokio", "smol", "async-std", "futures"];
/// The broken pages `--faults` adds, as the variants name them.
const FAULTS: [&str; 7] = [
    "/status/404",
    "/status/500",
    "/reset",
    "/hang",
    "/redirect-loop",
    "/bytes/104857600",
    "/not-utf8",
];

fn site(unit: Duration) -> Site {
    Site::start(Config { unit, ..Config::default() }).expect("the site starts")
}

/// A folder of its own for one test's output files, emptied first.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("crawl-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Runs `crawl <runtime> --site <site> --out <dir>/<runtime>.txt <args>`; returns the run and
/// the output file's path.
fn crawl(runtime: &str, site: &Site, dir: &Path, args: &[&str]) -> (Run, PathBuf) {
    let out = dir.join(format!("{runtime}.txt"));
    let mut all =
        vec![runtime, "--site", site.url(), "--out", out.to_str().expect("a UTF-8 path")];
    all.extend(args);
    (Run::new(BIN, all), out)
}

#[derive(Clone, Copy, PartialEq)]
enum Parser {
    Regex,
    Html,
}

/// The page's links as a variant finds them: joined, distinct, in order.
fn links(url: &Url, page: &str, parser: Parser) -> Vec<Url> {
    static HREF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"href="(.*?)""#).expect("a pattern"));
    let hrefs: Vec<String> = match parser {
        Parser::Regex => HREF.captures_iter(page).map(|c| c[1].to_owned()).collect(),
        Parser::Html => {
            let document = scraper::Html::parse_document(page);
            let anchors = scraper::Selector::parse("a[href]").expect("a selector");
            document
                .select(&anchors)
                .filter_map(|a| a.value().attr("href"))
                .map(str::to_owned)
                .collect()
        }
    };
    let mut seen = HashSet::new();
    hrefs
        .iter()
        .filter_map(|h| url.join(h).ok())
        .filter(|l| seen.insert(l.clone()))
        .collect()
}

/// What the site serves at `url`, when it answers 200 with a page (a lossy read of the one
/// not in UTF-8); `None` for the pages that fail.
fn page_of(url: &Url) -> Option<String> {
    let path = url.path();
    if let Some(name) = path.strip_prefix("/areq/") {
        return areq_page(name);
    }
    if path == "/not-utf8" {
        return Some(String::from_utf8_lossy(&site::pages::not_utf8()).into_owned());
    }
    graph_page(path.strip_prefix("/graph/")?.parse().ok()?)
}

/// The lines a crawl must write (without the header), computed from the site's pages: the
/// list (and the broken pages), breadth first to `depth`, at most `max_pages` pages.
fn expected(
    base: &str,
    depth: u32,
    max_pages: usize,
    parser: Parser,
    faults: bool,
) -> BTreeSet<String> {
    let mut level: Vec<Url> = AREQ_PAGES
        .iter()
        .map(|page| format!("{base}/areq/{}", page.name))
        .chain(FAULTS.iter().filter(|_| faults).map(|path| format!("{base}{path}")))
        .map(|u| Url::parse(&u).expect("a URL"))
        .collect();
    level.truncate(max_pages);
    let mut seen: HashSet<Url> = level.iter().cloned().collect();
    let (mut lines, mut fetched) = (BTreeSet::new(), 0);
    for d in 0..=depth {
        fetched += level.len();
        let mut next = Vec::new();
        for page in &level {
            let Some(text) = page_of(page) else { continue };
            for link in links(page, &text, parser) {
                lines.insert(format!("{page}\t{link}"));
                let mut link = link;
                link.set_fragment(None);
                if d < depth
                    && link.origin() == page.origin()
                    && fetched + next.len() < max_pages
                    && seen.insert(link.clone())
                {
                    next.push(link);
                }
            }
        }
        level = next;
    }
    lines
}

/// The output file's lines after its header, checked: the header first, each line a source
/// URL, a tab and a link, both whole URLs (no line torn), none twice (none doubled).
fn written(path: &Path, who: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{who}: {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("source_url\tparsed_url"),
        "{who}: the header is not first"
    );
    let mut set = BTreeSet::new();
    for line in lines {
        let (source, link) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{who}: a torn line {line:?}"));
        assert!(!link.contains('\t'), "{who}: two lines in one: {line:?}");
        assert!(
            Url::parse(source).is_ok() && Url::parse(link).is_ok(),
            "{who}: a torn line {line:?}"
        );
        assert!(set.insert(line.to_owned()), "{who}: written twice: {line:?}");
    }
    assert!(text.ends_with('\n'), "{who}: the last line is cut short");
    set
}

/// The stderr lines in areq's format, `HH:MM:SS LEVEL:areq: message`, as (level, message);
/// asserts that every line has that format.
fn log(run: &Run, who: &str) -> Vec<(String, String)> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARN|WARNING|ERROR):areq: (.*)$")
            .expect("a pattern")
    });
    run.stderr()
        .lines()
        .map(|line| {
            let caps = LINE
                .captures(line)
                .unwrap_or_else(|| panic!("{who}: not areq's format: {line:?}"));
            (caps[1].to_owned(), caps[2].to_owned())
        })
        .collect()
}

fn python_skipped(run: &Run) -> bool {
    if run.python_skipped() {
        let first = run.lines().remove(0);
        assert!(
            first == "skipped: python3 not found"
                || first.starts_with("skipped: aiohttp not installed")
                || first.starts_with("skipped: aiofiles not installed"),
            "{first}"
        );
        return true;
    }
    false
}

/// The number between `before` and `after` in `line`.
fn number_between(line: &str, before: &str, after: &str) -> usize {
    let rest =
        line.split_once(before).unwrap_or_else(|| panic!("no {before:?} in {line:?}")).1;
    let number =
        rest.split_once(after).unwrap_or_else(|| panic!("no {after:?} in {line:?}")).0;
    number.parse().unwrap_or_else(|_| panic!("not a number: {number:?} in {line:?}"))
}

/// Every runtime, the Python peer last.
fn everyone() -> Vec<&'static str> {
    RUST.iter().copied().chain(["python"]).collect()
}

#[test]
fn every_runtime_writes_areqs_440_links_and_logs_like_areq() {
    let site = site(Duration::from_millis(10));
    let dir = scratch("areq");
    let expected = expected(site.url(), 0, 10_000, Parser::Regex, false);
    assert_eq!(expected.len(), 440);
    for runtime in everyone() {
        let (run, out) = crawl(runtime, &site, &dir, &["--timeout", "10s"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if runtime == "python" && python_skipped(&run) {
            continue;
        }
        assert_eq!(written(&out, runtime), expected, "{runtime}");
        let lines = run.lines();
        let list = format!("{}/urls.txt", site.url());
        assert_eq!(
            lines[0],
            format!("Fetching 8 URLs from {list} (parser: regex, depth: 0)"),
            "{runtime}"
        );
        assert!(
            lines[1].starts_with("Fetched 7 of 8 pages in "),
            "{runtime}: {}",
            lines[1]
        );
        // How many overlap depends on the machine's load: at most the 8 of the list, and
        // (the_async_runtimes_overlap_the_pages_delays checks) all 8 on a quiet one.
        let in_flight =
            number_between(&lines[1], ", 1 failed, at most ", " requests in flight");
        let most = if runtime == "sync" { 1 } else { 8 };
        assert!((1..=most).contains(&in_flight), "{runtime}: {}", lines[1]);
        assert_eq!(
            lines[2],
            format!("Wrote 440 links from 6 pages to {}", out.display()),
            "{runtime}"
        );
        assert_eq!(lines.len(), 3, "{runtime}: {lines:?}");

        // The log: three lines a page with links, two for the text page, one for the 404.
        let log = log(&run, runtime);
        for page in AREQ_PAGES {
            let url = format!("{}/areq/{}", site.url(), page.name);
            let count = |line: &str| log.iter().filter(|(_, m)| *m == line).count();
            if page.links == 0 && page.name.ends_with(".html") {
                let errors: Vec<&String> = log
                    .iter()
                    .filter(|(l, m)| l == "ERROR" && m.contains(&url))
                    .map(|(_, m)| m)
                    .collect();
                assert_eq!(errors.len(), 1, "{runtime}: {errors:?}");
                assert!(
                    errors[0].ends_with(&format!("error for {url} [404]: Not Found"))
                        || errors[0]
                            .ends_with(&format!("exception for {url} [404]: Not Found")),
                    "{runtime}: {}",
                    errors[0]
                );
                continue;
            }
            assert_eq!(
                count(&format!("Got response [200] for URL: {url}")),
                1,
                "{runtime}: {url}"
            );
            assert_eq!(
                count(&format!("Found {} links for {url}", page.links)),
                1,
                "{runtime}: {url}"
            );
            let wrote = usize::from(page.links > 0);
            assert_eq!(
                count(&format!("Wrote results for source URL: {url}")),
                wrote,
                "{runtime}: {url}"
            );
        }
        assert_eq!(log.len(), 6 * 3 + 2 + 1, "{runtime}: {log:?}");
    }
}

#[test]
fn the_async_runtimes_overlap_the_pages_delays() {
    // The pages' delays add up to 2.45 units; the slowest is 0.8. One after another (sync)
    // the run takes them all; concurrently, about the slowest, with all 8 pages in flight.
    // A busy machine can only slow the concurrent runs down: one clean run in three is proof.
    let _turn = testing::one_at_a_time();
    let site = site(Duration::from_millis(100));
    let dir = scratch("timing");
    let attempt = || -> Result<(), String> {
        let (sync, _) = crawl("sync", &site, &dir, &["--timeout", "10s"]);
        assert!(sync.success(), "{}", sync.stderr());
        assert!(sync.wall >= Duration::from_millis(245), "sync took {:?}", sync.wall);
        for runtime in ["threads", "tokio", "smol", "async-std", "futures"] {
            let (run, _) = crawl(runtime, &site, &dir, &["--timeout", "10s"]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            let in_flight =
                number_between(&run.lines()[1], "at most ", " requests in flight");
            if in_flight != 8 || run.wall.as_secs_f64() >= 0.6 * sync.wall.as_secs_f64() {
                return Err(format!(
                    "{runtime}: {:?} (sync {:?}): {}",
                    run.wall,
                    sync.wall,
                    run.lines()[1]
                ));
            }
        }
        Ok(())
    };
    let failures: Vec<String> = (0..3).map_while(|_| attempt().err()).collect();
    assert!(failures.len() < 3, "three attempts failed:\n{}", failures.join("\n"));
}

#[test]
fn the_two_parsers_differ_on_the_regex101_page_only() {
    let site = site(Duration::from_millis(5));
    let dir = scratch("parsers");
    let regex = expected(site.url(), 0, 10_000, Parser::Regex, false);
    let html = expected(site.url(), 0, 10_000, Parser::Html, false);
    assert_eq!((regex.len(), html.len()), (440, 439));
    let on_regex101 =
        |set: &BTreeSet<String>| set.iter().all(|line| line.contains("/areq/regex101\t"));
    assert!(on_regex101(&regex.difference(&html).cloned().collect()));
    assert!(on_regex101(&html.difference(&regex).cloned().collect()));
    for runtime in everyone() {
        let (run, out) =
            crawl(runtime, &site, &dir, &["--parser", "html", "--timeout", "10s"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if runtime == "python" && python_skipped(&run) {
            continue;
        }
        let found = written(&out, runtime);
        if runtime == "python" {
            // html.parser is no HTML5 parser: it reads the <textarea>'s text as markup.
            let extra: Vec<&String> = found.difference(&html).collect();
            let textarea = format!("{0}/areq/regex101\t{0}/graph/907", site.url());
            assert_eq!(extra, [&textarea], "python");
            assert!(html.is_subset(&found), "python");
            continue;
        }
        assert_eq!(found, html, "{runtime}");
        let found_on = format!("Found 22 links for {}/areq/regex101", site.url());
        assert!(
            log(&run, runtime).iter().any(|(_, m)| *m == found_on),
            "{runtime}: {}",
            run.stderr()
        );
    }
}

#[test]
fn faults_are_each_logged_once_and_no_good_link_is_lost() {
    let site = site(Duration::from_millis(5));
    let dir = scratch("faults");
    let expected = expected(site.url(), 0, 10_000, Parser::Regex, true);
    // The page not in UTF-8 is read lossily (aiohttp decodes it as the ISO-8859-1 it says it
    // is): its one link counts.
    assert_eq!(expected.len(), 441);
    for runtime in everyone() {
        let (run, out) = crawl(runtime, &site, &dir, &["--faults", "--timeout", "500ms"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if runtime == "python" && python_skipped(&run) {
            continue;
        }
        assert_eq!(written(&out, runtime), expected, "{runtime}");
        let lines = run.lines();
        assert!(
            lines[0].ends_with(", and 7 broken pages (parser: regex, depth: 0)"),
            "{runtime}: {}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("Fetched 8 of 15 pages in "),
            "{runtime}: {}",
            lines[1]
        );
        assert!(lines[1].contains(", 7 failed, "), "{runtime}: {}", lines[1]);
        let errors: Vec<String> = log(&run, runtime)
            .into_iter()
            .filter(|(level, _)| level == "ERROR")
            .map(|(_, m)| m)
            .collect();
        assert_eq!(errors.len(), 7, "{runtime}: {errors:#?}");
        for path in FAULTS
            .iter()
            .filter(|p| **p != "/not-utf8")
            .chain(&["/areq/this-url-will-404.html"])
        {
            let url = format!("{}{path} [", site.url());
            assert_eq!(
                errors.iter().filter(|e| e.contains(&url)).count(),
                1,
                "{runtime}: {path}: {errors:#?}"
            );
        }
        for (path, status) in [
            ("/status/404", "[404]: Not Found"),
            ("/status/500", "[500]: Internal Server Error"),
        ] {
            let line = errors.iter().find(|e| e.contains(path)).expect("logged");
            assert!(line.ends_with(status), "{runtime}: {line}");
        }
    }
}

#[test]
fn a_crawl_of_thousands_of_pages_writes_every_line_whole_and_once() {
    let _turn = testing::one_at_a_time(); // it keeps both cores busy, or needs them quiet
    // Depth 3, cut at 5,000 pages: 8 + 173 + 1,514 + the first 3,305 of the third level.
    let site = site(Duration::from_millis(1));
    let dir = scratch("scale");
    let expected = expected(site.url(), 3, 5000, Parser::Regex, false);
    assert!(expected.len() > 40_000, "{}", expected.len());
    for runtime in everyone() {
        let (run, out) = crawl(
            runtime,
            &site,
            &dir,
            &["--depth", "3", "--max-pages", "5000", "--timeout", "10s"],
        );
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if runtime == "python" && python_skipped(&run) {
            continue;
        }
        assert_eq!(written(&out, runtime), expected, "{runtime}");
        let lines = run.lines();
        assert_eq!(
            lines[1..5],
            [
                "Level 0: 8 pages",
                "Level 1: 173 pages",
                "Level 2: 1514 pages",
                "Level 3: 3305 pages"
            ],
            "{runtime}"
        );
        assert!(
            lines[5].starts_with("Fetched 4999 of 5000 pages in "),
            "{runtime}: {}",
            lines[5]
        );
        // At most 100 requests in flight; the async runtimes and the threads reach it.
        let in_flight = if runtime == "sync" { 1 } else { 100 };
        assert!(
            lines[5].ends_with(&format!("at most {in_flight} requests in flight")),
            "{runtime}: {}",
            lines[5]
        );
        assert_eq!(
            lines[6],
            format!(
                "Wrote {} links from 4998 pages to {}",
                expected.len(),
                out.display()
            )
        );
        // A deeper crawl logs its pages at DEBUG: what is left is the one 404.
        let log = log(&run, runtime);
        assert_eq!(log.len(), 1, "{runtime}: {log:?}");
    }
    // Never a page twice: the site saw each page once (and `/urls.txt` once) per run.
    let runs = 1 + everyone().len() as u64;
    assert!(site.stats().requests <= runs * 5001, "{:?}", site.stats());
}

#[test]
fn a_list_from_a_file_is_read_and_one_off_this_machine_is_refused() {
    let site = site(Duration::from_millis(1));
    let dir = scratch("list");
    let list = dir.join("urls.txt");
    let base = site.url();
    std::fs::write(
        &list,
        format!(
            "{base}/graph/50\n\n  {base}/graph/50\n{base}/areq/bloomberg-economics\n"
        ),
    )
    .expect("written");
    for runtime in everyone() {
        let (run, out) =
            crawl(runtime, &site, &dir, &["--urls", list.to_str().expect("UTF-8")]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if runtime == "python" && python_skipped(&run) {
            continue;
        }
        assert_eq!(
            run.lines()[0],
            format!("Fetching 2 URLs from {} (parser: regex, depth: 0)", list.display())
        );
        assert_eq!(written(&out, runtime).len(), 11 + 3, "{runtime}");
    }
    std::fs::write(&list, "http://example.com/\n").expect("written");
    let list = list.to_str().expect("UTF-8");
    Run::new(BIN, ["tokio", "--urls", list]).assert_usage_error("is not on this machine");
    Run::new(BIN, ["tokio", "--urls", "/nonexistent/urls.txt"])
        .assert_usage_error("cannot read it");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let run = |args: &[&str]| Run::new(BIN, args);
    run(&["tokyo"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
    run(&["--depth", "11"]).assert_usage_error("--depth");
    run(&["--depth", "-1"]).assert_usage_error("--depth");
    run(&["--max-pages", "0"]).assert_usage_error("--max-pages");
    run(&["--max-pages", "100001"]).assert_usage_error("--max-pages");
    run(&["--parser", "xml"]).assert_usage_error("possible values: regex, html");
    run(&["--timeout", "0"]).assert_usage_error("--timeout");
    run(&["--timeout", "2h"]).assert_usage_error("--timeout");
    run(&["--site", "http://example.com"]).assert_usage_error("is not this machine");
    run(&["--site", "ftp://127.0.0.1"]).assert_usage_error("--site");
}

#[test]
fn help_names_the_flags() {
    let run = Run::new(BIN, ["--help"]);
    assert!(run.success());
    let stdout = run.stdout();
    assert!(stdout.starts_with("areq.py"), "{stdout}");
    for flag in [
        "--urls",
        "--out",
        "--parser",
        "--depth",
        "--max-pages",
        "--timeout",
        "--faults",
        "--site",
    ] {
        assert!(stdout.contains(flag), "--help does not mention {flag}");
    }
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    // A site example's defaults include the site `just site` serves: name it.
    for runtime in RUST {
        let run = Run::new(BIN, [runtime, "--site", "http://127.0.0.1:8000", "--entry"]);
        assert_eq!(run.stdout().trim(), "main()", "{runtime}: {}", run.stderr());
    }
    for flags in [
        &["--faults"][..],
        &["--depth", "1"],
        &["--parser", "html"],
        &["--out", "x.txt"],
        &["--unit", "1s"],
    ] {
        let mut args = vec!["tokio", "--site", "http://127.0.0.1:8000", "--entry"];
        args.extend(flags);
        assert_eq!(Run::new(BIN, &args).stdout().trim(), "run(params)", "{flags:?}");
    }
}

#[test]
fn docs_output_is_fresh() {
    let _turn = testing::one_at_a_time(); // it keeps both cores busy, or needs them quiet
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    let outputs = root.join("docs/src/outputs");
    let dir = scratch("docs");
    let out = dir.join("foundurls.txt");
    let out = out.to_str().expect("UTF-8");
    // The whole run, as `just run crawl` prints it (the site is the runner's own: its port
    // varies, and is a number).
    let run = Run::new(BIN, [&RUST[..], &["--out", out]].concat());
    assert!(run.success(), "{}", run.stderr());
    testing::check_docs_output_release(
        &outputs.join("crawl.txt"),
        &run.stdout().replace(out, "foundurls.txt"),
    );
    // One variant's log, in areq's format, and with --faults.
    let tokio = Run::new(BIN, ["tokio", "--out", out]);
    assert!(tokio.success(), "{}", tokio.stderr());
    check_docs_output_unordered(&outputs.join("crawl-log.txt"), &tokio.stderr());
    let faults = Run::new(BIN, ["tokio", "--faults", "--out", out]);
    assert!(faults.success(), "{}", faults.stderr());
    let errors: String = faults
        .stderr()
        .lines()
        .filter(|l| l.contains(" ERROR:"))
        .map(|l| format!("{l}\n"))
        .collect();
    check_docs_output_unordered(&outputs.join("crawl-faults.txt"), &errors);
}

/// The scale run: three levels from the list, cut at 10,000 pages, the areq pages' delays made
/// negligible (a unit of 1 ms), and a timeout no busy machine reaches.
const SCALE: [&str; 8] =
    ["--depth", "3", "--max-pages", "10000", "--unit", "1ms", "--timeout", "10s"];

/// Each row's pages per second, from its `Fetched ...` line, by the row's header.
fn rates(run: &Run) -> Vec<(String, f64)> {
    let mut row = String::new();
    let mut rates = Vec::new();
    for line in run.lines() {
        if let Some(header) = line.strip_prefix("── ") {
            row = header.split(" ──").next().unwrap_or_default().to_owned();
        } else if let Some((before, _)) = line.split_once(" pages/s)") {
            let rate = before.rsplit('(').next().and_then(|n| n.parse().ok());
            rates.push((
                row.clone(),
                rate.unwrap_or_else(|| panic!("no rate in {line:?}")),
            ));
        }
    }
    rates
}

#[test]
fn docs_output_scale_is_fresh() {
    let _turn = testing::one_at_a_time(); // it keeps both cores busy, or needs them quiet
    let dir = scratch("docs-scale");
    let out = dir.join("foundurls.txt");
    let out = out.to_str().expect("UTF-8");
    let args = [&RUST[..], &["python", "--out", out], &SCALE[..]].concat();
    let run = Run::new(BIN, args);
    assert!(run.success(), "{}", run.stderr());
    if run.stdout().contains("skipped: ") {
        eprintln!("the Python row was skipped: the scale table is not compared");
        return;
    }
    assert_eq!(rates(&run).len(), 7, "{}", run.stdout());
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/crawl-scale.txt");
    testing::check_docs_output_release(
        &path,
        &run.stdout().replace(out, "foundurls.txt"),
    );
}

#[test]
#[ignore = "performance goal: run in release on a quiet machine (just goals)"]
fn every_async_runtime_crawls_six_times_faster_than_python_and_finds_the_same_pages() {
    let _turn = testing::one_at_a_time(); // it keeps both cores busy, or needs them quiet
    let dir = scratch("goal");
    let out = dir.join("foundurls.txt");
    let args =
        [&ASYNC[..], &["python", "--out", out.to_str().expect("UTF-8")], &SCALE[..]]
            .concat();
    let run = Run::new(BIN, args);
    assert!(run.success(), "{}", run.stderr());
    assert!(
        !run.stdout().contains("skipped: "),
        "the goal needs the Python peer, with aiohttp and aiofiles"
    );
    eprintln!("{}", run.table_text());
    let rates = rates(&run);
    let python = rates.iter().find(|(row, _)| row == "python").expect("a python row").1;
    for (row, rate) in &rates {
        eprintln!("{row:<20} {rate:>8.0} pages/s  {:>5.1}x python", rate / python);
    }
    for (row, rate) in rates.iter().filter(|(row, _)| row != "python") {
        assert!(
            *rate >= 6.0 * python,
            "{row}: {rate:.0} pages/s, less than 6 x python's {python:.0}"
        );
    }
    // The same pages, each runtime on its own: the same lines as the reference.
    let site = site(Duration::from_millis(1));
    let expected = expected(site.url(), 3, 10_000, Parser::Regex, false);
    for runtime in ASYNC.iter().chain(&["python"]) {
        let (run, out) = crawl(
            runtime,
            &site,
            &dir,
            &SCALE[..4].iter().chain(&SCALE[6..]).copied().collect::<Vec<_>>(),
        );
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(written(&out, runtime), expected, "{runtime}");
    }
}
