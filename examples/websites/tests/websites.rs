//! Runs the built `websites` binary for every runtime against a site the test starts on
//! `127.0.0.1:0` (or the one the runner starts itself), and checks what it prints: each page's
//! status once, in any order where the checks run at once, in the list's order on `sync`.

use site::{Config, Site};
use testing::{Run, check_docs_output_unordered, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_websites");
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];

/// The three lines a run against `site` prints, in the list's order.
fn expected(site: &str) -> Vec<String> {
    [200, 404, 503].map(|code| format!("{site}/status/{code}: status -> {code}")).to_vec()
}

#[test]
fn every_runtime_prints_each_status_once() {
    let site = Site::start(Config::default()).expect("the site starts");
    for runtime in RUST.into_iter().chain(["python"]) {
        let run = Run::new(BIN, [runtime, "--site", site.url()]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        if run.python_skipped() {
            continue;
        }
        let mut lines = run.lines();
        if runtime != "sync" {
            lines.sort();
        }
        // sync checks one page after another: the list's order, which is also sorted.
        assert_eq!(lines, expected(site.url()), "{runtime}");
    }
    // Three requests a row: each check one connection, as each `async with` opens a session.
    assert!(site.stats().requests >= 18, "{:?}", site.stats());
}

#[test]
fn the_runner_starts_a_site_when_none_is_given() {
    let run = Run::new(BIN, ["tokio"]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("http://127.0.0.1:")), "{lines:?}");
}

#[test]
fn a_site_that_is_not_there_is_a_one_line_error() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    for runtime in RUST {
        let run = Run::new(BIN, [runtime, "--site", "http://127.0.0.1:1"]);
        assert_eq!(run.code(), Some(1), "{runtime}: {}", run.stderr());
        let stderr = run.stderr();
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{runtime}: {stderr}"
        );
        assert!(stderr.to_lowercase().contains("refused"), "{runtime}: {stderr}");
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let run = |args: &[&str]| Run::new(BIN, args);
    run(&["rayon"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
    run(&["--site", "ftp://x"]).assert_usage_error("--site");
    run(&["--site", "http://example.com"]).assert_usage_error("is not this machine");
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    for runtime in RUST {
        let run = Run::new(BIN, [runtime, "--site", "http://127.0.0.1:8000", "--entry"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(run.stdout().trim(), "main()", "{runtime}");
    }
    let run = Run::new(BIN, ["tokio", "--site", "http://127.0.0.1:8001", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn docs_output_is_fresh() {
    // On `just site`'s address, so that the captured URLs are the ones a reader sees.
    let config = Config { addr: site::DEFAULT_ADDR, ..Config::default() };
    let Ok(site) = Site::start(config) else {
        // Port 8000 is taken (a `just site` running, say): nothing to compare against.
        return;
    };
    let run = Run::new(BIN, ["tokio", "sync", "--site", site.url(), "--no-table"]);
    assert!(run.success(), "{}", run.stderr());
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    check_docs_output_unordered(
        &root.join("docs/src/outputs/websites.txt"),
        &run.stdout(),
    );
}
