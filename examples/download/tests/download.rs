//! Runs the built `download` binary for every runtime against a site that each test starts
//! on `127.0.0.1:0`, and checks what the variants print and what the site saw: every page read
//! once, the ideal each variant names, the connections and requests in flight it keeps to,
//! the time as ratios with margins (never as tight absolute times), each broken page logged
//! once under `--faults` with no good page lost, proxy variables ignored, bad input refused,
//! and the docs captures. The goals (every variant within 10% + 2 ms of its ideal; the async
//! runtimes' requests per second against aiohttp and the yardstick) need a release build and
//! a quiet machine: they are the ignored tests at the end (`just goals`).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use site::{Config, Site, Stats};
use testing::{
    Run, check_docs_output_release, check_docs_output_unordered, number_after,
    one_at_a_time, workspace_root,
};

const BIN: &str = env!("CARGO_BIN_EXE_download");
const RUST: [&str; 7] =
    ["sync", "threads", "processes", "tokio", "smol", "async-std", "futures"];
const ASYNC: [&str; 4] = ["tokio", "smol", "async-std", "futures"];
const FAULTS: [&str; 5] =
    ["/status/404", "/status/500", "/reset", "/hang", "/redirect-loop"];
const PAGE_DELAY: f64 = 0.089;

/// How many processes the `processes` variant starts: one per CPU.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// How many pages each variant waits for at once, and so how many page delays its ideal is.
fn at_once(runtime: &str) -> usize {
    match runtime {
        "sync" => 1,
        "threads" => 5,
        "processes" => cpus(),
        _ => 100,
    }
}

/// One run against a site of its own, started with the run's unit: the run and what the site
/// saw. `env` is set in the run's environment; the timeout is 10 s unless `args` set one.
fn run_on_site(
    runtime: &str,
    unit: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Run, Stats, String) {
    let unit_duration = walkthrough::unit::parse_duration(unit).expect("a unit");
    let site = Site::start(Config { unit: unit_duration, ..Config::default() })
        .expect("the site starts");
    let mut command = Command::new(BIN);
    command.args([runtime, "--unit", unit, "--site", site.url()]).args(args);
    if !args.contains(&"--timeout") {
        // Generous, so that a machine busy with other things fails no good page.
        command.args(["--timeout", "10s"]);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let run = Run::command(command);
    let (stats, url) = (site.stats(), site.url().to_owned());
    drop(site);
    (run, stats, url)
}

/// The `Read ... bytes from ...` lines, counted.
fn reads(run: &Run) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in run.lines().into_iter().filter(|l| l.starts_with("Read ")) {
        *counts.entry(line).or_insert(0) += 1;
    }
    counts
}

/// What every page of the list gives when it is read: the two pages, 80 times each.
fn every_page(url: &str) -> BTreeMap<String, usize> {
    BTreeMap::from([
        (format!("Read 10966 bytes from {url}/jython"), 80),
        (format!("Read 276 bytes from {url}/dice"), 80),
    ])
}

/// The last line's figures: (pages read, tutorial seconds, the ideal's rounds, the ideal),
/// or (read, seconds, failed, 0) for a run with failures.
fn last_line(line: &str) -> (usize, f64, usize, f64) {
    let read =
        number_after(line, "Downloaded").unwrap_or_else(|| panic!("{line:?}")) as usize;
    let seconds = number_after(line, "sites in").unwrap_or_else(|| panic!("{line:?}"));
    if line.ends_with(" failed)") {
        let failed = number_after(line, "seconds (").unwrap_or_else(|| panic!("{line:?}"))
            as usize;
        return (read, seconds, failed, 0.0);
    }
    let rounds =
        number_after(line, "(ideal").unwrap_or_else(|| panic!("{line:?}")) as usize;
    let ideal = number_after(line, " = ").unwrap_or_else(|| panic!("{line:?}"));
    assert!(line.contains(&format!("(ideal {rounds} x {PAGE_DELAY} = ")), "{line:?}");
    (read, seconds, rounds, ideal)
}

#[test]
fn every_variant_reads_every_page_once_within_its_limits() {
    for runtime in RUST {
        let (run, stats, url) = run_on_site(runtime, "1ms", &[], &[]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(run.stderr(), "", "{runtime}: nothing fails, nothing is logged");
        assert_eq!(reads(&run), every_page(&url), "{runtime}");
        let lines = run.lines();
        assert_eq!(lines.len(), 161, "{runtime}: a line per page, then the total");
        let (read, _, rounds, ideal) = last_line(&lines[160]);
        assert!(
            lines[160].starts_with("Downloaded 160 sites in "),
            "{runtime}: {}",
            lines[160]
        );
        assert_eq!(
            (read, rounds),
            (160, 160_usize.div_ceil(at_once(runtime))),
            "{runtime}"
        );
        assert!(
            (ideal - rounds as f64 * PAGE_DELAY).abs() < 0.001,
            "{runtime}: {}",
            lines[160]
        );

        // What the site saw: each page asked for once, never more at once than the variant
        // allows, on connections that are kept open and used again.
        assert_eq!(stats.requests, 160, "{runtime}: {stats:?}");
        assert!(stats.peak_in_flight <= at_once(runtime), "{runtime}: {stats:?}");
        let connections = match runtime {
            "sync" | "threads" | "processes" => at_once(runtime) as u64,
            _ => 100,
        };
        assert!(stats.connections <= connections, "{runtime}: {stats:?}");
        if runtime != "tokio" {
            // One connection per thread, process or worker task, each kept for its pages.
            assert_eq!(stats.connections, connections, "{runtime}: {stats:?}");
        }
    }
}

/// Runs `attempt` up to three times, one timing test at a time; passes on the first `Ok`.
fn with_retries(what: &str, mut attempt: impl FnMut() -> Result<(), String>) {
    let _turn = one_at_a_time();
    let mut failures = Vec::new();
    for _ in 0..3 {
        match attempt() {
            Ok(()) => return,
            Err(why) => failures.push(why),
        }
    }
    panic!("{what} failed three times:\n{}", failures.join("\n---\n"));
}

#[test]
fn each_variant_takes_about_its_ideal() {
    // The waits are what the variants differ in: with 50 ms units a page waits 4.45 ms, far
    // more than a debug build spends on it, and the blocking variants run within 75% over
    // their ideal (a busy machine delays each wake-up of the site, the client and the page's
    // timer). The async ones wait two page delays in all, and a debug build spends
    // about as long again opening 100 connections: they get 250 ms units and three times
    // their ideal. None is faster than the site allows.
    let mut seconds = BTreeMap::new();
    for runtime in RUST {
        let unit = if ASYNC.contains(&runtime) { "250ms" } else { "50ms" };
        with_retries(runtime, || {
            let (run, _, _) = run_on_site(runtime, unit, &[], &[]);
            if !run.success() {
                return Err(format!("{runtime}: {}", run.stderr()));
            }
            let lines = run.lines();
            let (_, measured, _, ideal) = last_line(lines.last().expect("a last line"));
            let slack = if ASYNC.contains(&runtime) { 2.0 * ideal } else { 0.75 * ideal };
            if !(measured >= 0.99 * ideal && measured <= ideal + slack) {
                return Err(format!(
                    "{runtime}: {measured} tutorial seconds for an ideal of {ideal}"
                ));
            }
            seconds.insert(runtime, measured);
            Ok(())
        });
    }
    // And side by side: threads about 5 times faster than the loop, processes about P times,
    // the async runtimes many times.
    let sync = seconds["sync"];
    assert!((0.12..0.35).contains(&(seconds["threads"] / sync)), "{seconds:?}");
    let processes = seconds["processes"] / sync * cpus() as f64;
    assert!((0.6..1.5).contains(&processes), "{seconds:?}");
    for runtime in ASYNC {
        assert!(seconds[runtime] < 0.05 * sync, "{runtime}: {seconds:?}");
    }
}

/// Checks a `--faults` run: every good page read, the last line's count, and on stderr one
/// log line per broken page per pass over the list (the Python peer makes four), naming its
/// URL, and nothing else.
fn check_faults(runtime: &str, run: &Run, url: &str, passes: usize) {
    let stdout = run.stdout();
    let stderr = run.stderr();
    assert!(run.success(), "{runtime}: {stderr}");
    let mut expected = every_page(url);
    expected.values_mut().for_each(|n| *n *= passes);
    assert_eq!(reads(run), expected, "{runtime}: a good page was lost\n{stdout}");
    let totals: Vec<String> =
        run.lines().into_iter().filter(|l| l.starts_with("Downloaded ")).collect();
    assert_eq!(totals.len(), passes, "{runtime}:\n{stdout}");
    for total in totals {
        assert_eq!(last_line(&total).0, 160, "{runtime}: {total}");
        assert_eq!(last_line(&total).2, 5, "{runtime}: {total}");
        assert!(total.ends_with("seconds (5 failed)"), "{runtime}: {total}");
    }
    let logged: Vec<&str> = stderr.lines().collect();
    assert_eq!(logged.len(), 5 * passes, "{runtime}: one line per broken page\n{stderr}");
    for fault in FAULTS {
        let named =
            logged.iter().filter(|l| l.contains(&format!("{url}{fault}: "))).count();
        assert_eq!(
            named, passes,
            "{runtime}: {fault} should be logged {passes} time(s)\n{stderr}"
        );
    }
    for line in logged {
        assert!(line.contains("WARN"), "{runtime}: not a warning: {line}");
    }
}

#[test]
fn under_faults_each_broken_page_is_logged_once_and_no_good_page_is_lost() {
    for runtime in RUST {
        let (run, _, url) =
            run_on_site(runtime, "1ms", &["--faults", "--timeout", "1s"], &[]);
        check_faults(runtime, &run, &url, 1);
    }
}

#[test]
fn the_hang_costs_the_timeout_and_no_more() {
    // The sync loop waits for the page that never answers for exactly its timeout, then moves
    // on: 300 ms out of a run that otherwise takes about 30 ms at this unit.
    let (run, _, _) =
        run_on_site("sync", "1ms", &["--faults", "--timeout", "300ms"], &[]);
    assert!(run.success(), "{}", run.stderr());
    let hang = run.stderr().lines().find(|l| l.contains("/hang: ")).map(str::to_owned);
    assert!(hang.is_some_and(|l| l.contains("timeout")), "{}", run.stderr());
    assert!(run.wall >= Duration::from_millis(300), "{:?}", run.wall);
    assert!(run.wall < Duration::from_secs(3), "{:?}", run.wall);
}

#[test]
fn proxy_variables_are_ignored_for_the_site_on_this_machine() {
    // A proxy that is not there (nothing listens on port 9): a client that used it would fail
    // every page.
    let proxy = "http://127.0.0.1:9";
    let env = [
        ("HTTP_PROXY", proxy),
        ("http_proxy", proxy),
        ("ALL_PROXY", proxy),
        ("all_proxy", proxy),
        ("NO_PROXY", ""),
        ("no_proxy", ""),
    ];
    for runtime in RUST {
        let (run, _, url) = run_on_site(runtime, "1ms", &[], &env);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(reads(&run), every_page(&url), "{runtime}: {}", run.stderr());
    }
    if testing::python3().is_some() {
        let (run, _, url) = run_on_site("python", "1ms", &[], &env);
        if !run.python_skipped() {
            assert_eq!(
                reads(&run).get(&format!("Read 276 bytes from {url}/dice")),
                Some(&320),
                "{}",
                run.stderr()
            );
        }
    }
}

/// The Python peer's four headings, in order.
fn python_headings() -> Vec<String> {
    vec![
        "requests, one Session, one site after another:".to_owned(),
        "requests, a ThreadPoolExecutor of 5 threads, a Session per thread:".to_owned(),
        format!(
            "requests, a ProcessPoolExecutor of {} processes, a Session per process:",
            cpus()
        ),
        "aiohttp, one ClientSession, at most 100 connections:".to_owned(),
    ]
}

#[test]
fn python_runs_the_articles_four_versions_or_says_what_is_missing() {
    let (run, _, url) = run_on_site("python", "1ms", &[], &[]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    if lines == ["skipped: python3 not found"] {
        return;
    }
    let skipped: Vec<&String> =
        lines.iter().filter(|l| l.starts_with("skipped: ")).collect();
    for line in &skipped {
        assert!(
            [
                "skipped: requests not installed (pip install requests)",
                "skipped: aiohttp not installed (pip install aiohttp)"
            ]
            .contains(&line.as_str()),
            "{line}"
        );
    }
    if !skipped.is_empty() {
        return;
    }
    let headings: Vec<String> =
        lines.iter().filter(|l| l.ends_with(':')).cloned().collect();
    assert_eq!(headings, python_headings());
    let mut expected = every_page(&url);
    expected.values_mut().for_each(|n| *n *= 4);
    assert_eq!(reads(&run), expected);
    let totals: Vec<(usize, usize)> = lines
        .iter()
        .filter(|l| l.starts_with("Downloaded "))
        .map(|l| {
            let (read, _, rounds, _) = last_line(l);
            (read, rounds)
        })
        .collect();
    assert_eq!(
        totals,
        [(160, 160), (160, 32), (160, 160_usize.div_ceil(cpus())), (160, 2)]
    );
    assert_eq!(run.stderr(), "");

    let (run, _, url) =
        run_on_site("python", "1ms", &["--faults", "--timeout", "1s"], &[]);
    check_faults("python", &run, &url, 4);
}

#[test]
fn bench_prints_one_well_formed_line_per_client() {
    let lines_of = |runtime: &str| match runtime {
        "threads" => 2,
        "tokio" => 4,
        _ => 1,
    };
    for runtime in RUST {
        let run = Run::new(BIN, [runtime, "--bench", "300"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        assert_eq!(lines.len(), lines_of(runtime), "{runtime}: {lines:?}");
        for line in &lines {
            let (what, rest) =
                line.rsplit_once(": ").unwrap_or_else(|| panic!("{line:?}"));
            assert!(!what.is_empty());
            assert!(
                rest.starts_with("300 requests in ") && rest.ends_with(" requests/s"),
                "{line:?}"
            );
            let ms =
                number_after(rest, "requests in").unwrap_or_else(|| panic!("{line:?}"));
            let rate = number_after(rest, "ms,").unwrap_or_else(|| panic!("{line:?}"));
            // 300 requests in `ms` milliseconds, within what printing rounded off.
            let (fastest, slowest) =
                (300_000.0 / (ms - 0.05).max(1e-6), 300_000.0 / (ms + 0.05));
            assert!(
                rate >= slowest - 0.5 && rate <= fastest + 0.5,
                "{line:?}: {slowest}..{fastest}"
            );
        }
        if runtime == "tokio" {
            assert!(lines.iter().any(|l| l.starts_with("yardstick: ")), "{lines:?}");
        }
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let run = |args: &[&str]| Run::new(BIN, args);
    run(&["rayon"]).assert_usage_error(
        "possible values: sync, threads, processes, tokio, smol, async-std, futures, python",
    );
    run(&["tokio", "--bench", "0"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "200001"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "-3"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "5", "--faults"]).assert_usage_error("--faults");
    run(&["tokio", "--timeout", "0s"]).assert_usage_error("--timeout");
    run(&["tokio", "--timeout", "2m"]).assert_usage_error("--timeout");
    run(&["tokio", "--timeout", "61s"]).assert_usage_error("--timeout");
    run(&["tokio", "--site", "ftp://127.0.0.1"]).assert_usage_error("--site");
    run(&["tokio", "--site", "http://example.com:8000"])
        .assert_usage_error("is not this machine");
    run(&["sync", "--unit", "30s"]).assert_usage_error("could take up to");
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    for runtime in RUST {
        let run = Run::new(BIN, [runtime, "--site", "http://127.0.0.1:8000", "--entry"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(
            run.stdout().trim(),
            "main()",
            "{runtime}: the defaults differ from the variant's own"
        );
    }
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    with_retries("docs output", || {
        // The loop, whole (the chapter shows its first and last lines), and the table of a run
        // of every variant.
        let run = Run::new(BIN, ["sync"]);
        if !run.success() || !run.stderr().is_empty() {
            return Err(run.stderr());
        }
        check_docs_output_release(
            &root.join("docs/src/outputs/download-sync.txt"),
            &run.stdout(),
        );
        let run = Run::new(BIN, [""; 0]);
        if !run.success() || !run.stderr().is_empty() {
            return Err(run.stderr());
        }
        check_docs_output_release(
            &root.join("docs/src/outputs/download-table.txt"),
            &run.table_text(),
        );
        Ok(())
    });
    // What `--faults` logs, on sync: one line per broken page.
    let run = Run::new(BIN, ["sync", "--faults"]);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output_unordered(
        &root.join("docs/src/outputs/download-faults.txt"),
        &run.stderr(),
    );
}

/// The goals of the timing shape, at the default unit and in a release build: every variant
/// within 10% + 2 ms of its ideal.
#[test]
#[ignore = "a goal: release build, quiet machine (just goals)"]
fn every_variant_lands_within_ten_percent_and_two_ms_of_its_ideal() {
    let unit = 0.25;
    for runtime in RUST {
        with_retries(runtime, || {
            let (run, _, _) = run_on_site(runtime, "250ms", &[], &[]);
            let lines = run.lines();
            let (_, measured, _, ideal) = last_line(lines.last().expect("a last line"));
            let allowed = ideal * 1.1 + 0.002 / unit;
            match measured <= allowed {
                true => Ok(()),
                false => Err(format!(
                    "{runtime}: {measured:.3} > {allowed:.3} (ideal {ideal})"
                )),
            }
        });
    }
}

/// The throughput goals, measured side by side in one run of every row: each async Rust
/// runtime at least 6 times aiohttp's requests per second, and the best Rust client within
/// 1.5 times the yardstick.
#[test]
#[ignore = "a goal: release build, quiet machine (just goals)"]
fn every_async_runtime_beats_aiohttp_six_times_and_the_best_nears_the_yardstick() {
    let _turn = one_at_a_time(); // not beside the other goal's timings
    let run = Run::new(BIN, ["--bench", "50000"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let rates: Vec<(String, f64)> = stdout
        .lines()
        .filter(|l| l.ends_with(" requests/s"))
        .map(|l| {
            let rate = number_after(l, "ms,").unwrap_or_else(|| panic!("{l:?}"));
            (l.split(": ").next().unwrap_or_default().to_owned(), rate)
        })
        .collect();
    let rate = |prefix: &str| {
        rates
            .iter()
            .find(|(what, _)| what.starts_with(prefix))
            .map(|(_, r)| *r)
            .unwrap_or_else(|| {
                panic!("no line for {prefix}:\n{stdout}");
            })
    };
    let aiohttp = rate("aiohttp");
    let yardstick = rate("yardstick");
    let mut failures = Vec::new();
    let runtimes = [
        "reqwest, current-thread",
        "hyper over smol",
        "hyper over async-std",
        "hyper over async-io",
    ];
    for client in runtimes {
        if rate(client) < 6.0 * aiohttp {
            let rate = rate(client);
            failures.push(format!("{client}: {rate:.0} < 6 x aiohttp's {aiohttp:.0}"));
        }
    }
    let best = runtimes.iter().map(|client| rate(client)).fold(0.0, f64::max);
    if best * 1.5 < yardstick {
        failures.push(format!(
            "the best runtime, {best:.0}, is not within 1.5x of the yardstick, {yardstick:.0}"
        ));
    }
    assert!(failures.is_empty(), "{}\n{stdout}", failures.join("\n"));
}
