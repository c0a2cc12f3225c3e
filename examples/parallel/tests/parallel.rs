//! Runs the built `parallel` binary and checks that every variant computes the exact answer
//! (against the closed form), uses the threads or processes it claims, and is not slower
//! than the sequential baseline. Debug-mode runs use a scaled-down job (`--size`).
//!
//! The speed-up goals themselves (threads and rayon at least 1.8x, processes 1.6x on two cores)
//! need a release build and a quiet machine: they are the ignored test at the end, run with
//! `cargo test --release -p parallel -- --ignored`.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use testing::{Run, check_docs_output_release, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_parallel");
const RUST: [&str; 6] = ["sync", "threads", "rayon", "processes", "tokio", "smol"];
/// A job small enough for a debug build: 20 numbers from 200 000, about 4 million squares.
const SMALL: &str = "200000";
/// A job that runs for tens of milliseconds in either build: long enough for the harness to
/// count threads and for timings to mean something.
const TIMED: &str = if cfg!(debug_assertions) { SMALL } else { "5000000" };

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// The exact answer, from the closed form: the squares below n add up to n(n-1)(2n-1)/6.
fn expected_total(size: u64, count: u64) -> u128 {
    (size..size + count)
        .map(u128::from)
        .map(|n| n * n.saturating_sub(1) * (2 * n).saturating_sub(1) / 6)
        .sum()
}

/// One result line: `<how>: <count> sums, total <total>, Duration <seconds> seconds`.
#[derive(Debug, Clone)]
struct Result {
    how: String,
    sums: u64,
    total: u128,
    seconds: f64,
}

fn results(run: &Run) -> Vec<Result> {
    run.lines()
        .iter()
        .filter(|line| line.contains(" sums, total "))
        .map(|line| {
            let (how, rest) = line.split_once(": ").unwrap_or_else(|| panic!("no label: {line}"));
            let sums =
                rest.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"));
            let total = rest
                .split_once("total ")
                .and_then(|(_, t)| t.split(',').next())
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("no total: {line}"));
            let seconds = number_after(line, "Duration").unwrap_or_else(|| panic!("no duration: {line}"));
            Result { how: how.to_owned(), sums, total, seconds }
        })
        .collect()
}

#[test]
fn closed_form_matches_a_plain_loop() {
    for n in [0u64, 1, 2, 3, 10, 1000] {
        let by_loop: u128 = (0..n).map(|i| u128::from(i * i)).sum();
        assert_eq!(expected_total(n, 1), by_loop, "n = {n}");
    }
    assert_eq!(expected_total(5_000_000, 20), 833_337_833_344_750_010_830);
}

#[test]
fn every_variant_computes_the_exact_sums() {
    let jobs: [(&[&str], u64, u64); 3] = [
        (&["--size", SMALL], 200_000, 20),
        (&["--size", "1", "--count", "5", "--workers", "3"], 1, 5),
        (&["--size", "77777", "--count", "7", "--workers", "4"], 77_777, 7),
    ];
    for (args, size, count) in jobs {
        for runtime in RUST {
            let run = run(&[&[runtime], args].concat());
            assert!(run.success(), "{runtime} {args:?}: {}", run.stderr());
            let results = results(&run);
            let expected_lines = if runtime == "tokio" { 2 } else { 1 };
            assert_eq!(results.len(), expected_lines, "{runtime}: {}", run.stdout());
            for result in results {
                assert_eq!(result.sums, count, "{runtime}: {result:?}");
                assert_eq!(result.total, expected_total(size, count), "{runtime} {args:?}: {result:?}");
            }
        }
    }
}

#[test]
fn the_default_job_is_the_tutorials() {
    // Only the first lines' words: the default job is too slow for a debug build.
    let run = run(&["--help"]);
    assert!(run.success());
    let help = run.stdout();
    assert!(help.contains("[default: 5000000]"), "{help}");
    assert!(help.contains("[default: 20]"), "{help}");
    assert!(!help.contains("--worker "), "no worker flag: the worker mode is the variant's own: {help}");
}

#[test]
fn labels_say_how_many_threads_or_processes() {
    let args = ["--size", "1000", "--count", "5", "--workers", "3", "--no-table"];
    let all = run(&[&RUST[..], &args].concat());
    assert!(all.success(), "{}", all.stderr());
    let hows: Vec<String> = results(&all).into_iter().map(|r| r.how).collect();
    assert_eq!(
        hows,
        [
            "sequential",
            "3 threads",
            "rayon, 3 threads",
            "3 worker processes",
            "5 tasks on a current_thread runtime",
            "spawn_blocking, 3 blocking threads",
            "Executor on 3 threads",
        ]
    );
    // More workers than numbers: only as many threads or processes as there are numbers.
    let run = run(&["threads", "processes", "--size", "10", "--count", "2", "--workers", "8", "--no-table"]);
    let hows: Vec<String> = results(&run).into_iter().map(|r| r.how).collect();
    assert_eq!(hows, ["2 threads", "2 worker processes"]);
}

/// The table's `threads` column, per runtime.
fn peak_threads(run: &Run) -> BTreeMap<String, u32> {
    run.table().into_iter().map(|row| (row.runtime, row.threads)).collect()
}

#[test]
fn parallel_variants_run_on_several_threads() {
    // Counted from outside by the harness: a variant that quietly ran on one thread fails here
    // even on a machine too busy for its speed-up to show.
    let run = run(&[&RUST[..], &["--size", TIMED, "--workers", "2"]].concat());
    assert!(run.success(), "{}", run.stderr());
    let threads = peak_threads(&run);
    assert_eq!(threads["sync"], 1, "{}", run.stdout());
    // main + 2 workers; tokio: main + 2 runtime workers + 2 blocking threads.
    for (runtime, at_least) in [("threads", 3), ("rayon", 3), ("smol", 3), ("tokio", 5)] {
        assert!(threads[runtime] >= at_least, "{runtime}: {}", run.stdout());
    }
    // The worker processes have their own threads; the parent has one.
    assert_eq!(threads["processes"], 1, "{}", run.stdout());
}

#[test]
fn parallel_variants_are_not_slower_than_sync() {
    // Best of three interleaved rounds, and a loose bound: on a machine where other builds
    // share the two cores, a real speed-up is not reliable in a debug test; "no slower than
    // 1.5x sync" is, and still catches a variant that does the job twice or serialises badly.
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..3 {
        let run = run(&[&RUST[..], &["--size", TIMED, "--no-table"]].concat());
        assert!(run.success(), "{}", run.stderr());
        for result in results(&run) {
            let entry = best.entry(result.how).or_insert(f64::MAX);
            *entry = entry.min(result.seconds);
        }
    }
    let sync = best["sequential"];
    for (how, seconds) in &best {
        if how.contains("current_thread") {
            continue; // one thread, like sync: no speed-up expected
        }
        assert!(*seconds <= 1.5 * sync, "{how} took {seconds} s, sync {sync} s: {best:?}");
    }
}

/// The processes variant's worker mode: the program started again, with the same arguments
/// and the variant's own environment variable.
const WORKER: &str = "PARALLEL_WORKER";

#[test]
fn a_worker_process_reads_numbers_and_writes_sums() {
    let mut child = Command::new(BIN)
        .arg("processes")
        .env(WORKER, "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"0\n1\n4\n 10 \n5000000\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let expected = ["0", "0", "14", "285", "41666654166667500000"];
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().collect::<Vec<_>>(), expected);
}

#[test]
fn a_worker_refuses_bad_input_without_panicking() {
    for input in ["ten\n", "-1\n", "99999999999\n"] {
        let mut child = Command::new(BIN)
            .arg("processes")
            .env(WORKER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{input:?}: {stderr}");
        assert!(stderr.starts_with("error:") && !stderr.contains("panicked"), "{input:?}: {stderr}");
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["--size", "0"]).assert_usage_error("--size");
    run(&["--size", "abc"]).assert_usage_error("--size");
    run(&["--size", "20000001"]).assert_usage_error("--size");
    run(&["--count", "0"]).assert_usage_error("--count");
    run(&["--count", "-3"]).assert_usage_error("invalid value '-3' for '--count");
    run(&["--workers", "0"]).assert_usage_error("--workers");
    run(&["--workers", "257"]).assert_usage_error("--workers");
    // The worker mode is an environment variable of the processes variant, not a flag.
    run(&["processes", "--worker"]).assert_usage_error("unexpected argument '--worker'");
    run(&["async-std"])
        .assert_usage_error("possible values: sync, threads, rayon, processes, tokio, smol, python");
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    // A smaller job runs the variant's `run(params)` instead.
    let run = run(&["threads", "--size", SMALL, "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn python_peer_computes_the_same_sums_or_is_skipped() {
    let run = run(&["python", "--size", "20000", "--count", "6", "--workers", "2"]);
    assert!(run.success(), "{}", run.stderr());
    if run.lines().first().is_some_and(|l| l.starts_with("skipped")) {
        assert_eq!(run.lines(), ["skipped: python3 not found"]);
        return;
    }
    let results = results(&run);
    let hows: Vec<&str> = results.iter().map(|r| r.how.as_str()).collect();
    assert_eq!(hows, ["sequential", "multiprocessing.Pool(2)"]);
    for result in &results {
        assert_eq!(result.total, expected_total(20_000, 6), "{result:?}");
    }
}

/// The size the captured docs output uses: the tutorial's job in a release build, a small one
/// in a debug build (where only the output's shape is compared).
const DOCS_SIZE: &str = TIMED;

/// Writes a docs output only from a release build (`UPDATE_DOCS=1 cargo test --release -p
/// parallel docs_output`): a debug build's timings would misstate the chapter's point.
fn check_docs(file: &str, output: &str) {
    let path = workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs").join(file);
    check_docs_output_release(&path, output);
}

#[test]
fn docs_output_is_fresh() {
    let run = run(&[&RUST[..], &["--size", DOCS_SIZE]].concat());
    assert!(run.success(), "{}", run.stderr());
    check_docs("parallel.txt", &run.stdout());
}

#[test]
fn docs_output_python_is_fresh() {
    let run = run(&["python", "--size", DOCS_SIZE]);
    assert!(run.success(), "{}", run.stderr());
    if run.stdout().starts_with("skipped") {
        return;
    }
    check_docs("parallel-python.txt", &run.stdout());
}

/// The goals on a two-core machine, on the tutorial's full job. Needs a release build and a
/// quiet machine: `cargo test --release -p parallel -- --ignored`.
#[test]
#[ignore = "timing goals: run in release on a quiet machine"]
fn speedup_goals_on_a_quiet_machine() {
    if cfg!(debug_assertions) {
        panic!("run with --release: a debug build measures the debug code");
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(cpus >= 2, "needs two cores, found {cpus}");
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..5 {
        let run = run(&[&RUST[..], &["--workers", "2", "--no-table"]].concat());
        assert!(run.success(), "{}", run.stderr());
        for result in results(&run) {
            let entry = best.entry(result.how).or_insert(f64::MAX);
            *entry = entry.min(result.seconds);
        }
    }
    let sync = best["sequential"];
    let speedup = |how: &str| sync / best[how];
    for (how, goal) in [
        ("2 threads", 1.8),
        ("rayon, 2 threads", 1.8),
        ("2 worker processes", 1.6),
        // No goals were set for these; 1.3x leaves room for the code-layout effect the
        // chapter describes (one build ran the spawn_blocking copy of the loop 30% slower).
        ("spawn_blocking, 2 blocking threads", 1.3),
        ("Executor on 2 threads", 1.3),
    ] {
        assert!(speedup(how) >= goal, "{how}: {:.2}x, goal {goal}x: {best:?}", speedup(how));
    }
}
