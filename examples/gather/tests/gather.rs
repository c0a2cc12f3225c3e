//! Runs the built `gather` binary once per runtime and edition and checks each section's
//! lines: results in argument order for gather, in finishing order for as_completed, and times
//! in units with generous margins; in the 2025 edition, its programs' `Start:`/`End:` lines and
//! `coro` waiting `min(numbers)`. A busy machine only makes lines later, so lower bounds are tight and
//! upper bounds loose.

use std::sync::OnceLock;

use testing::{Run, check_docs_output, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_gather");
const UNIT: &str = "20ms";
const ALL: [&str; 6] = ["threads", "tokio", "smol", "async-std", "futures", "python"];

/// Each runtime's demo output in the 2018 edition, run once and shared by the tests.
fn output(runtime: &str) -> &'static Run {
    static RUNS: [OnceLock<Run>; 6] = [const { OnceLock::new() }; 6];
    let index = ALL
        .iter()
        .position(|r| *r == runtime)
        .unwrap_or_else(|| panic!("no runtime {runtime}"));
    RUNS[index].get_or_init(|| {
        let run = Run::new(BIN, [runtime, "--unit", UNIT, "--edition", "2018"]);
        assert!(run.success(), "{runtime} failed: {}", run.stderr());
        run
    })
}

/// Each runtime's demo output in the 2025 edition, the default, run once and shared.
fn output_2025(runtime: &str) -> &'static Run {
    static RUNS: [OnceLock<Run>; 6] = [const { OnceLock::new() }; 6];
    let index = ALL
        .iter()
        .position(|r| *r == runtime)
        .unwrap_or_else(|| panic!("no runtime {runtime}"));
    RUNS[index].get_or_init(|| {
        let run = Run::new(BIN, [runtime, "--unit", UNIT]);
        assert!(run.success(), "{runtime} failed: {}", run.stderr());
        run
    })
}

/// `HH:MM:SS` after `prefix` in `line`, in seconds.
fn clock(runtime: &str, line: &str, prefix: &str) -> u64 {
    let rest = line
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{runtime}: {line:?} lacks {prefix:?}"));
    let parts: Vec<u64> = rest
        .split(':')
        .map(|p| p.parse().unwrap_or_else(|_| panic!("{runtime}: {line:?}")))
        .collect();
    assert_eq!(parts.len(), 3, "{runtime}: {line:?}");
    parts[0] * 3600 + parts[1] * 60 + parts[2]
}

#[test]
fn gathers_2025_returns_both_results_in_argument_order_after_the_slower_task() {
    for runtime in runtimes() {
        let lines = output_2025(runtime).lines();
        let start = clock(runtime, &lines[0], "Start: ");
        let end = clock(runtime, &lines[1], "End: ");
        // min([10, 5, 2]) is 2 seconds, min([3, 2, 1]) one: together, two.
        assert!((2..=3).contains(&(end - start)), "{runtime}: {:?}", &lines[..2]);
        assert_eq!(
            lines[2..4],
            ["Both tasks done: True", "result: [[2, 5, 10], [1, 2, 3]]"],
            "{runtime}"
        );
    }
}

#[test]
fn as_completed_2025_hands_over_the_shorter_wait_first() {
    for runtime in runtimes() {
        let lines = output_2025(runtime).lines();
        let start = clock(runtime, &lines[4], "Start: ");
        let first = clock(runtime, lines[5].as_str(), "result: [1, 2, 3] completed at ");
        let second =
            clock(runtime, lines[6].as_str(), "result: [2, 5, 10] completed at ");
        let end = clock(runtime, &lines[7], "End: ");
        // The task that waits one second is done first, the one that waits two a second later.
        assert!((1..=2).contains(&(first - start)), "{runtime}: {:?}", &lines[4..8]);
        assert!(
            (2..=3).contains(&(second - start)) && second > first,
            "{runtime}: {:?}",
            &lines[4..8]
        );
        assert!(end >= second && end - second <= 1, "{runtime}: {:?}", &lines[4..8]);
        assert_eq!(lines[8], "Both tasks done: True", "{runtime}");
    }
}

#[test]
fn the_2025_demo_waits_min_not_max() {
    let lines_of = |runtime: &str, label: &str| -> Vec<(String, f64)> {
        let lines = output_2025(runtime).lines();
        let mine = lines.into_iter().filter(|l| l.starts_with(label));
        mine.map(|l| {
            let at = number_after(&l, " at ")
                .unwrap_or_else(|| panic!("{runtime}: no time in {l:?}"));
            (l, at)
        })
        .collect()
    };
    for runtime in runtimes() {
        let first = lines_of(runtime, "wait FIRST_COMPLETED:");
        assert!(
            first[0].0.starts_with("wait FIRST_COMPLETED: [1, 2, 3] at "),
            "{runtime}: {first:?}"
        );
        // 2018's coroutines took 3 units here: anything below that is `min`.
        assert!((0.95..2.9).contains(&first[0].1), "{runtime}: {first:?}");
        let wait_for = lines_of(runtime, "wait_for:");
        assert!(wait_for[0].0.contains("timed out"), "{runtime}: {wait_for:?}");
        assert!((0.95..2.9).contains(&wait_for[0].1), "{runtime}: {wait_for:?}");
        let fail = lines_of(runtime, "gather fail-fast:");
        assert!(
            fail[0].0.contains(": min() arg is an empty sequence; "),
            "{runtime}: {fail:?}"
        );
        let all = lines_of(runtime, "gather return_exceptions:");
        assert!(all[0].0.contains("[2, 5, 10]"), "{runtime}: {all:?}");
        assert!((1.95..5.0).contains(&all[0].1), "{runtime}: {all:?}");
    }
}

/// Every runtime, less python where python3 is not installed.
fn runtimes() -> Vec<&'static str> {
    let python = !output("python").stdout().starts_with("skipped");
    ALL.into_iter().filter(|r| *r != "python" || python).collect()
}

/// The lines that start with `label`, each split into its text and its time in units.
fn section(runtime: &str, label: &str) -> Vec<(String, f64)> {
    output(runtime)
        .lines()
        .into_iter()
        .filter(|l| l.starts_with(label))
        .map(|l| {
            let at = number_after(&l, " at ")
                .unwrap_or_else(|| panic!("{runtime}: no time in {l:?}"));
            (l, at)
        })
        .collect()
}

#[test]
fn gather_returns_every_result_in_argument_order_after_the_slowest() {
    for runtime in runtimes() {
        let lines = section(runtime, "gather:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        assert!(
            text.starts_with("gather: [[1, 2, 3], [0, 5, 10]] at "),
            "{runtime}: {text}"
        );
        assert!((9.95..14.0).contains(at), "{runtime}: gathered at {at} units");
    }
}

#[test]
fn as_completed_returns_each_result_when_it_is_ready() {
    for runtime in runtimes() {
        let lines = section(runtime, "as_completed:");
        assert_eq!(lines.len(), 2, "{runtime}: {lines:?}");
        assert!(
            lines[0].0.starts_with("as_completed: [1, 2, 3] at "),
            "{runtime}: {lines:?}"
        );
        assert!(
            lines[1].0.starts_with("as_completed: [0, 5, 10] at "),
            "{runtime}: {lines:?}"
        );
        let (first, second) = (lines[0].1, lines[1].1);
        assert!((2.95..6.0).contains(&first), "{runtime}: first result at {first} units");
        assert!(
            (9.95..14.0).contains(&second),
            "{runtime}: second result at {second} units"
        );
    }
}

#[test]
fn wait_first_completed_leaves_the_other_pending() {
    for runtime in runtimes() {
        let lines = section(runtime, "wait FIRST_COMPLETED:");
        assert_eq!(lines.len(), 2, "{runtime}: {lines:?}");
        let (first, at) = &lines[0];
        assert!(
            first.starts_with("wait FIRST_COMPLETED: [1, 2, 3] at "),
            "{runtime}: {first}"
        );
        assert!(first.ends_with(", 1 pending"), "{runtime}: {first}");
        assert!((2.95..6.0).contains(at), "{runtime}: first completed at {at} units");
        // Cancelling is immediate: long before the other task's ten units are up.
        let (then, at) = &lines[1];
        let expected = if runtime == "threads" {
            "pending thread left running"
        } else {
            "pending task cancelled"
        };
        assert!(
            then.starts_with(&format!("wait FIRST_COMPLETED: {expected} at ")),
            "{runtime}: {then}"
        );
        assert!(*at < 9.0, "{runtime}: cancelled at {at} units");
    }
}

#[test]
fn wait_for_gives_up_at_its_timeout() {
    for runtime in runtimes() {
        let lines = section(runtime, "wait_for:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        let what =
            if runtime == "threads" { "thread left running" } else { "task cancelled" };
        assert!(
            text.starts_with("wait_for: timed out at ") && text.ends_with(what),
            "{runtime}: {text}"
        );
        assert!((4.95..9.0).contains(at), "{runtime}: timed out at {at} units");
    }
}

#[test]
fn gather_fails_fast_and_return_exceptions_collects_everything() {
    for runtime in runtimes() {
        let lines = section(runtime, "gather fail-fast:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        assert!(
            text.contains(": max() arg is an empty sequence; 2 others "),
            "{runtime}: {text}"
        );
        // Rust drops the other futures; asyncio.gather and threads leave them running.
        let others = if matches!(runtime, "threads" | "python") {
            "still running"
        } else {
            "cancelled"
        };
        assert!(text.ends_with(others), "{runtime}: {text}");
        // The error comes before the quickest success (three units).
        assert!(*at < 2.5, "{runtime}: failed at {at} units");

        let lines = section(runtime, "gather return_exceptions:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        let results = if runtime == "python" {
            "[[1, 2, 3], ValueError('max() arg is an empty sequence'), [0, 5, 10]]"
        } else {
            r#"[Ok([1, 2, 3]), Err("max() arg is an empty sequence"), Ok([0, 5, 10])]"#
        };
        assert_eq!(
            *text,
            format!("gather return_exceptions: {results} at {}", &text[text.len() - 5..])
        );
        assert!((9.95..14.0).contains(at), "{runtime}: collected at {at} units");
    }
}

#[test]
fn every_section_prints_in_order() {
    let expected = [
        "gather",
        "as_completed",
        "as_completed",
        "wait FIRST_COMPLETED",
        "wait FIRST_COMPLETED",
        "wait_for",
        "gather fail-fast",
        "gather return_exceptions",
    ];
    for runtime in runtimes() {
        let labels: Vec<String> = output(runtime)
            .lines()
            .iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(labels, expected, "{runtime}");
        assert_eq!(output(runtime).stderr(), "", "{runtime}");
    }
    let expected_2025 = [
        "Start",
        "End",
        "Both tasks done",
        "result",
        "Start",
        "result",
        "result",
        "End",
        "Both tasks done",
        "wait FIRST_COMPLETED",
        "wait FIRST_COMPLETED",
        "wait_for",
        "gather fail-fast",
        "gather return_exceptions",
    ];
    for runtime in runtimes() {
        let lines = output_2025(runtime).lines();
        let labels: Vec<&str> =
            lines.iter().map(|l| l.split(':').next().unwrap_or_default()).collect();
        assert_eq!(labels, expected_2025, "{runtime}");
        assert_eq!(output_2025(runtime).stderr(), "", "{runtime}");
    }
}

/// `scale:` line → (tasks gathered, wall in units, overhead in seconds).
fn scale_figures(run: &Run) -> (usize, f64, f64) {
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    let gathered =
        number_after(line, "scale:").unwrap_or_else(|| panic!("{line}")) as usize;
    let units = number_after(line, " s (").unwrap_or_else(|| panic!("{line}"));
    let overhead = number_after(line, "overhead").unwrap_or_else(|| panic!("{line}"));
    (gathered, units, overhead)
}

#[test]
fn scale_mode_gathers_every_task_in_about_one_unit() {
    for runtime in runtimes() {
        // Threads are real OS threads: fewer of them.
        let tasks = if runtime == "threads" { "1000" } else { "10000" };
        let run = Run::new(BIN, [runtime, "--tasks", tasks, "--unit", "200ms"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let (gathered, units, overhead) = scale_figures(&run);
        assert_eq!(gathered.to_string(), tasks, "{runtime}");
        assert!(units >= 0.99, "{runtime}: {units} units, less than one sleep");
        // All the sleeps overlap: one after another they would take thousands of units.
        assert!(units < 10.0, "{runtime}: {units} units: the sleeps did not overlap");
        assert!(overhead >= 0.0, "{runtime}: overhead {overhead}");
    }
}

#[test]
fn scale_mode_refuses_a_million_threads() {
    let run = Run::new(BIN, ["threads", "--tasks", "1000000"]);
    run.assert_usage_error(
        "threads: --tasks 1000000 would start 1000000 OS threads; this variant stops at 10000",
    );
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(
        BIN,
        &["threads", "tokio", "smol", "async-std", "futures"],
    );
    // The scale mode is a parameter: asking for it runs the variant's `run(params)`.
    let run = Run::new(BIN, ["tokio", "--tasks", "10", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let run = |args: &[&str]| Run::new(BIN, args);
    run(&["sync"]).assert_usage_error(
        "possible values: threads, tokio, smol, async-std, futures, python",
    );
    run(&["--tasks", "0"]).assert_usage_error("--tasks");
    run(&["--tasks", "many"]).assert_usage_error("--tasks");
    run(&["--tasks", "-5"]).assert_usage_error("--tasks");
    run(&["--tasks", "2000001"]).assert_usage_error("2000000");
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
    run(&["--edition", "2024"]).assert_usage_error("possible values: 2018, 2025");
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    // No table: its column widths follow the timings, which vary from run to run.
    let run = Run::new(
        BIN,
        [
            "threads",
            "tokio",
            "smol",
            "async-std",
            "futures",
            "--unit",
            UNIT,
            "--no-table",
        ],
    );
    assert!(run.success(), "{}", run.stderr());
    check_docs_output(&root.join("docs/src/outputs/gather.txt"), &run.stdout());

    // The 2018 edition's demo, on one runtime.
    let run_2018 = output("tokio");
    check_docs_output(&root.join("docs/src/outputs/gather-2018.txt"), &run_2018.stdout());

    // The Python peer's output, for the chapter's side-by-side; only where python3 exists.
    let python = output_2025("python");
    if !python.stdout().starts_with("skipped") {
        check_docs_output(
            &root.join("docs/src/outputs/gather-python.txt"),
            &python.stdout(),
        );
    }
}

/// The issue's goal at a million tasks: every async runtime's overhead at most 0.5 s and its
/// peak RSS at most 512 MiB. Absolute figures need a release build and a quiet machine:
/// `cargo test --release -p gather -- --ignored`. Best overhead of three runs, largest RSS.
#[test]
#[ignore = "timing goal: run in release on a quiet machine"]
fn a_million_tasks_meet_the_goal() {
    if cfg!(debug_assertions) {
        panic!("run with --release: a debug build measures the debug code");
    }
    const ASYNC: [&str; 4] = ["tokio", "smol", "async-std", "futures"];
    let mut best = [f64::MAX; 4];
    let mut rss = [0.0_f64; 4];
    for _ in 0..3 {
        let run =
            Run::new(BIN, [&ASYNC[..], &["--tasks", "1000000", "--unit", "1s"]].concat());
        assert!(run.success(), "{}", run.stderr());
        let lines = run.lines();
        let overheads: Vec<f64> = lines
            .iter()
            .filter(|l| l.starts_with("scale:"))
            .map(|l| number_after(l, "overhead").unwrap_or_else(|| panic!("{l}")))
            .collect();
        assert_eq!(overheads.len(), 4, "{lines:?}");
        let table = run.table();
        assert_eq!(table.len(), 4, "{lines:?}");
        for i in 0..4 {
            best[i] = best[i].min(overheads[i]);
            rss[i] = rss[i].max(table[i].peak_rss_mib);
        }
    }
    for (i, runtime) in ASYNC.iter().enumerate() {
        eprintln!("{runtime}: overhead {:.3} s, peak RSS {:.1} MiB", best[i], rss[i]);
    }
    for (i, runtime) in ASYNC.iter().enumerate() {
        assert!(
            best[i] <= 0.5,
            "{runtime}: overhead {:.3} s, the goal is 0.5 s",
            best[i]
        );
        assert!(
            rss[i] <= 512.0,
            "{runtime}: peak RSS {:.1} MiB, the goal is 512 MiB",
            rss[i]
        );
    }
}
