//! Runs the built `offload` binary for every runtime and checks what it prints: the blocked
//! loop is reported, the fixes keep the heartbeat ticking (as ratios with margins, never as
//! absolute times), the pools return exact results in order, and bad input is refused.
//!
//! The timing checks run one at a time (they spin CPU loops, and would disturb each other on a
//! small machine), and each gets up to three attempts: a stall from outside, such as another
//! program busy on every core, can only make a fixed variant look blocked, never make a blocked
//! one look fixed, so one clean run in three is proof enough, while a real regression fails all
//! three.

use std::io::Write;
use std::process::{Command, Stdio};

use testing::{
    Run, check_docs_output, check_docs_output_unordered, number_after, one_at_a_time,
    workspace_root,
};

const BIN: &str = env!("CARGO_BIN_EXE_offload");
const UNIT: &str = "50ms";
/// The runtimes with an event loop: each shows the mistake, then the fix.
const LOOPS: [&str; 4] = ["tokio", "smol", "async-std", "futures"];
const WORKER_LINES: [&str; 6] = [
    "  submit: 1 Hello World!",
    "  submit: 2 Hello World!",
    "  submit: 3 Hello World!",
    "  map: 1 Hello World!",
    "  map: 2 Hello World!",
    "  map: 3 Hello World!",
];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
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

/// `return Err(...)` with a message unless `cond` holds.
macro_rules! check {
    ($cond:expr, $($why:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($why)+));
        }
    };
}

/// The output cut at its headings (lines that are not indented): (heading, indented lines).
fn sections(run: &Run) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in run.lines() {
        match out.last_mut() {
            Some((_, body)) if line.starts_with("  ") => body.push(line),
            _ => out.push((line, Vec::new())),
        }
    }
    out
}

/// The "longest gap" of a section's heartbeat line, in tutorial seconds.
fn longest_gap(body: &[String]) -> f64 {
    let line = body.iter().find(|l| l.contains("heartbeat:")).expect("no heartbeat line");
    number_after(line, "longest gap").unwrap_or_else(|| panic!("no gap in {line:?}"))
}

/// The figures of the "event loop blocked for" lines of a section.
fn blocked(body: &[String]) -> Vec<f64> {
    body.iter().filter_map(|l| number_after(l, "event loop blocked for")).collect()
}

/// The "... in X s" figure of the line that starts with `call`.
fn done_in(body: &[String], call: &str) -> f64 {
    let line = body
        .iter()
        .find(|l| l.trim_start().starts_with(call))
        .unwrap_or_else(|| panic!("no {call}"));
    number_after(line, " in ").unwrap_or_else(|| panic!("no time in {line:?}"))
}

#[test]
fn a_blocked_loop_is_reported_and_the_fixes_keep_the_heartbeat_ticking() {
    for runtime in LOOPS {
        with_retries(runtime, || {
            let run = run(&[runtime, "--unit", UNIT]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            let sections = sections(&run);
            let stdout = run.stdout();
            assert_eq!(
                sections.len(),
                if runtime == "tokio" { 3 } else { 2 },
                "{runtime}:\n{stdout}"
            );
            let (heading, mistake) = &sections[0];
            assert!(heading.starts_with("the mistake:"), "{runtime}:\n{stdout}");
            assert!(sections[1].0.starts_with("the fix:"), "{runtime}:\n{stdout}");

            // The mistake: each one-second call shows up as a gap of about a second.
            let stalls = blocked(mistake);
            check!(
                stalls.iter().filter(|&&s| s >= 0.9).count() >= 2,
                "{runtime}: {stalls:?}\n{stdout}"
            );
            let worst = longest_gap(mistake);
            check!(
                (0.9..2.0).contains(&worst),
                "{runtime}: longest gap {worst}\n{stdout}"
            );

            // The fixes: the heartbeat's longest gap stays far below the blocked one.
            for (heading, body) in &sections[1..] {
                let gap = longest_gap(body);
                check!(
                    gap < 0.5 * worst,
                    "{runtime} / {heading}: gap {gap} vs blocked {worst}\n{stdout}"
                );
                check!(
                    blocked(body).iter().all(|&s| s < 0.5 * worst),
                    "{runtime} / {heading}:\n{stdout}"
                );
            }
            // spawn_blocking and friends run both calls at once: about one second, not two.
            let fix = &sections[1].1;
            check!(done_in(fix, "blocking_io()") < 1.6, "{runtime}:\n{stdout}");
            check!(done_in(fix, "cpu_bound()") < 1.6, "{runtime}:\n{stdout}");
            Ok(())
        });
    }
}

#[test]
fn the_logs_name_the_thread_that_ran_each_call() {
    // (runtime, thread of the blocking call in the mistake, thread in the fix)
    let cases = [
        ("tokio", "main", "tokio-blocking"),
        ("smol", "main", "blocking-"),
        ("async-std", "main", "blocking-"),
        ("futures", "main", "futures-pool-"),
    ];
    for (runtime, before, after) in cases {
        let run = run(&[runtime, "--unit", "20ms"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let stderr = run.stderr();
        let threads: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("blocking_io(): sleeping"))
            .map(|l| l.split_whitespace().nth(2).unwrap_or(""))
            .collect();
        assert_eq!(threads.len(), 2, "{runtime}:\n{stderr}");
        assert_eq!(threads[0], before, "{runtime}:\n{stderr}");
        assert!(threads[1].starts_with(after), "{runtime}:\n{stderr}");
    }
    let run = run(&["tokio", "--unit", "20ms"]);
    let stderr = run.stderr();
    let in_place = stderr
        .lines()
        .filter(|l| l.contains("cpu_bound()"))
        .nth(2)
        .expect("no third cpu_bound");
    assert!(
        in_place.contains(" tokio-worker-"),
        "block_in_place ran on a worker:\n{stderr}"
    );
}

#[test]
fn rayon_computes_off_the_loop_and_keeps_map_in_order() {
    with_retries("rayon", || {
        let run = run(&["rayon", "--unit", UNIT]);
        assert!(run.success(), "{}", run.stderr());
        let stdout = run.stdout();
        let sections = sections(&run);
        assert_eq!(sections.len(), 2, "{stdout}");
        assert!(
            sections[0].0.starts_with("the fix: cpu_bound() handed to rayon"),
            "{stdout}"
        );
        assert_eq!(sections[1].1, WORKER_LINES, "{stdout}");
        assert!(
            run.stderr().contains(" rayon-"),
            "no rayon thread in the logs: {}",
            run.stderr()
        );
        check!(longest_gap(&sections[0].1) < 0.5, "{stdout}");
        check!(blocked(&sections[0].1).is_empty(), "{stdout}");
        Ok(())
    });
}

#[test]
fn threads_have_no_loop_to_block_and_the_pool_returns_in_order() {
    with_retries("threads", || {
        let run = run(&["threads", "--unit", UNIT]);
        assert!(run.success(), "{}", run.stderr());
        let stdout = run.stdout();
        let sections = sections(&run);
        assert_eq!(sections.len(), 2, "{stdout}");
        assert_eq!(sections[1].1, WORKER_LINES, "{stdout}");
        assert!(
            run.stderr().contains(" pool-"),
            "no pool thread in the logs: {}",
            run.stderr()
        );
        // Main blocked for two units in a row, yet the heartbeat thread never waited long.
        assert!(done_in(&sections[0].1, "blocking_io()") >= 0.9, "{stdout}");
        check!(longest_gap(&sections[0].1) < 0.5, "{stdout}");
        Ok(())
    });
}

#[test]
fn the_process_pool_returns_exact_results_in_order() {
    let run = run(&["processes"]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines[0], "submit and map on a pool of 2 worker processes");
    assert_eq!(lines[1..], WORKER_LINES);
    // Six calls answered by worker processes, not by this one: one or two pids in the logs
    // (with jobs this small, one worker often answers all six before the other has started).
    let stderr = run.stderr();
    let mut pids: Vec<&str> =
        stderr.lines().filter_map(|l| l.split("pid=").nth(1)).collect();
    assert_eq!(pids.len(), 6, "{stderr}");
    pids.sort_unstable();
    pids.dedup();
    assert!((1..=2).contains(&pids.len()), "{stderr}");
}

#[test]
fn a_worker_process_answers_line_by_line_and_survives_bad_lines() {
    // A worker is the program again, with the same arguments and the variant's variable set.
    let mut child = Command::new(BIN)
        .arg("processes")
        .env("OFFLOAD_POOL_WORKER", "1")
        .env("RUST_LOG", "warn")
        .env_remove("WALKTHROUGH_CHILD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start a worker");
    let mut stdin = child.stdin.take().expect("no stdin");
    stdin.write_all(b"7\nseven\n 42 \n").expect("cannot write to the worker");
    drop(stdin);
    let output = child.wait_with_output().expect("the worker did not finish");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "7 Hello World!\nerror: not a number: \"seven\"\n42 Hello World!\n"
    );
}

#[test]
fn bench_prints_one_well_formed_line_per_api() {
    for runtime in
        ["threads", "processes", "tokio", "smol", "async-std", "futures", "rayon"]
    {
        let run = run(&[runtime, "--bench", "200"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        // tokio and futures measure two set-ups; threads and processes add a yardstick.
        let apis = if matches!(runtime, "tokio" | "futures" | "threads" | "processes") {
            2
        } else {
            1
        };
        assert_eq!(lines.len(), apis, "{runtime}: {lines:?}");
        for line in &lines {
            let (api, rest) = line.split_once(": ").unwrap_or_else(|| panic!("{line:?}"));
            assert!(!api.is_empty());
            assert!(rest.starts_with("200 round trips in "), "{line:?}");
            assert!(rest.ends_with(" k/s"), "{line:?}");
            let ms = number_after(rest, "round trips in")
                .unwrap_or_else(|| panic!("{line:?}"));
            let rate = number_after(rest, "ms,").unwrap_or_else(|| panic!("{line:?}"));
            assert!(ms > 0.0 && rate > 0.0, "{line:?}");
            // 200 trips in `ms` milliseconds is 200 / ms thousand per second, within what
            // printing rounded off: the time to 0.1 ms, the rate to 0.1 k/s.
            let fastest = 200.0 / (ms - 0.05).max(1e-6);
            let slowest = 200.0 / (ms + 0.05);
            assert!(
                rate >= slowest - 0.05 && rate <= fastest + 0.05,
                "{line:?}: {slowest}..{fastest} k/s"
            );
        }
    }
}

#[test]
fn bench_of_every_runtime_ends_with_the_table() {
    let run = run(&["--bench", "50"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    for label in [
        "threads",
        "processes",
        "tokio",
        "smol",
        "async-std (legacy)",
        "futures",
        "rayon",
        "python",
    ] {
        assert!(
            stdout.contains(&format!("── {label} ──")),
            "no header for {label}:\n{stdout}"
        );
    }
    // Eleven lines from Rust (tokio, futures, threads and processes have two) and one from
    // Python, unless python3 is missing.
    let trips = stdout.matches(": 50 round trips in ").count();
    let python_skipped = stdout.contains("skipped: python3 not found");
    assert_eq!(trips, if python_skipped { 11 } else { 12 }, "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("runtime ")), "no table:\n{stdout}");
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    with_retries("python", || {
        let run = run(&["python", "--unit", UNIT]);
        assert!(run.success(), "{}", run.stderr());
        let lines = run.lines();
        if lines.first().is_some_and(|l| l.starts_with("skipped")) {
            assert_eq!(lines, ["skipped: python3 not found"]);
            return Ok(());
        }
        let stdout = run.stdout();
        let sections = sections(&run);
        assert_eq!(sections.len(), 4, "{stdout}");
        assert_eq!(sections[2].1, WORKER_LINES, "{stdout}");
        assert_eq!(sections[3].1, WORKER_LINES, "{stdout}");
        let worst = longest_gap(&sections[0].1);
        check!(worst >= 0.9 && blocked(&sections[0].1).len() >= 2, "{stdout}");
        check!(longest_gap(&sections[1].1) < 0.5 * worst, "{stdout}");
        Ok(())
    });

    let run = run(&["python", "--bench", "30"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    assert!(
        stdout.contains(": 30 round trips in ") || stdout.starts_with("skipped"),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["sync"]).assert_usage_error(
        "possible values: threads, processes, tokio, smol, async-std, futures, rayon, python",
    );
    run(&["tokio", "--bench", "0"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "-5"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "lots"]).assert_usage_error("--bench");
    run(&["tokio", "--bench", "2000001"]).assert_usage_error("--bench");
    run(&["processes", "--bench-worker", "--bench", "5"]).assert_usage_error("--bench");
    run(&["tokio", "--unit", "0"]).assert_usage_error("greater than zero");
}

/// Whether a run shows what the chapter says: each blocking call in a mistake section reported
/// once, and no stall anywhere else (a busy machine can add one; then the test runs again).
fn clean(run: &Run) -> Result<(), String> {
    check!(run.success(), "{}", run.stderr());
    for (heading, body) in sections(run) {
        let stalls = body
            .iter()
            .filter(|l| l.contains("blocked for") || l.contains("held up for"))
            .count();
        let expected = if heading.starts_with("the mistake:") { 2 } else { 0 };
        check!(
            stalls == expected,
            "{heading}: {stalls} stalls reported\n{}",
            run.stdout()
        );
    }
    Ok(())
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    with_retries("docs output", || {
        let run = run(&[
            "threads",
            "processes",
            "tokio",
            "smol",
            "async-std",
            "futures",
            "rayon",
        ]);
        clean(&run)?;
        check_docs_output(&root.join("docs/src/outputs/offload.txt"), &run.stdout());
        Ok(())
    });
}

/// The chapter shows the tokio variant's log, to show which thread ran what. Threads race, so
/// two runs may order some lines differently: the check compares the lines as a multiset.
#[test]
fn docs_output_of_the_logs_is_fresh() {
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/offload-logs.txt");
    let mut logs = String::new();
    with_retries("docs logs", || {
        let run = run(&["tokio"]);
        clean(&run)?;
        logs = run.stderr();
        Ok(())
    });
    check_docs_output_unordered(&path, &logs);
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(
        BIN,
        &["threads", "processes", "tokio", "smol", "async-std", "futures", "rayon"],
    );
}
