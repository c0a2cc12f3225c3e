//! Runs the built `gather` binary once per runtime and checks each section's lines: results
//! in argument order for gather, in finishing order for as_completed, and times in units with
//! generous margins. A busy machine only makes lines later, so lower bounds are tight and
//! upper bounds loose.

use std::sync::OnceLock;

use testing::{Run, check_docs_output, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_gather");
const UNIT: &str = "20ms";
const ALL: [&str; 6] = ["threads", "tokio", "smol", "async-std", "futures", "python"];

/// Each runtime's demo output, run once and shared by the tests.
fn output(runtime: &str) -> &'static Run {
    static RUNS: [OnceLock<Run>; 6] = [const { OnceLock::new() }; 6];
    let index = ALL.iter().position(|r| *r == runtime).unwrap_or_else(|| panic!("no runtime {runtime}"));
    RUNS[index].get_or_init(|| {
        let run = Run::new(BIN, [runtime, "--unit", UNIT]);
        assert!(run.success(), "{runtime} failed: {}", run.stderr());
        run
    })
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
            let at = number_after(&l, " at ").unwrap_or_else(|| panic!("{runtime}: no time in {l:?}"));
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
        assert!(text.starts_with("gather: [[1, 2, 3], [0, 5, 10]] at "), "{runtime}: {text}");
        assert!((9.95..14.0).contains(at), "{runtime}: gathered at {at} units");
    }
}

#[test]
fn as_completed_returns_each_result_when_it_is_ready() {
    for runtime in runtimes() {
        let lines = section(runtime, "as_completed:");
        assert_eq!(lines.len(), 2, "{runtime}: {lines:?}");
        assert!(lines[0].0.starts_with("as_completed: [1, 2, 3] at "), "{runtime}: {lines:?}");
        assert!(lines[1].0.starts_with("as_completed: [0, 5, 10] at "), "{runtime}: {lines:?}");
        let (first, second) = (lines[0].1, lines[1].1);
        assert!((2.95..6.0).contains(&first), "{runtime}: first result at {first} units");
        assert!((9.95..14.0).contains(&second), "{runtime}: second result at {second} units");
    }
}

#[test]
fn wait_first_completed_leaves_the_other_pending() {
    for runtime in runtimes() {
        let lines = section(runtime, "wait FIRST_COMPLETED:");
        assert_eq!(lines.len(), 2, "{runtime}: {lines:?}");
        let (first, at) = &lines[0];
        assert!(first.starts_with("wait FIRST_COMPLETED: [1, 2, 3] at "), "{runtime}: {first}");
        assert!(first.ends_with(", 1 pending"), "{runtime}: {first}");
        assert!((2.95..6.0).contains(at), "{runtime}: first completed at {at} units");
        // Cancelling is immediate: long before the other task's ten units are up.
        let (then, at) = &lines[1];
        let expected =
            if runtime == "threads" { "pending thread left running" } else { "pending task cancelled" };
        assert!(then.starts_with(&format!("wait FIRST_COMPLETED: {expected} at ")), "{runtime}: {then}");
        assert!(*at < 9.0, "{runtime}: cancelled at {at} units");
    }
}

#[test]
fn wait_for_gives_up_at_its_timeout() {
    for runtime in runtimes() {
        let lines = section(runtime, "wait_for:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        let what = if runtime == "threads" { "thread left running" } else { "task cancelled" };
        assert!(text.starts_with("wait_for: timed out at ") && text.ends_with(what), "{runtime}: {text}");
        assert!((4.95..9.0).contains(at), "{runtime}: timed out at {at} units");
    }
}

#[test]
fn gather_fails_fast_and_return_exceptions_collects_everything() {
    for runtime in runtimes() {
        let lines = section(runtime, "gather fail-fast:");
        assert_eq!(lines.len(), 1, "{runtime}: {lines:?}");
        let (text, at) = &lines[0];
        assert!(text.contains(": max() arg is an empty sequence; 2 others "), "{runtime}: {text}");
        // Rust drops the other futures; asyncio.gather and threads leave them running.
        let others = if matches!(runtime, "threads" | "python") { "still running" } else { "cancelled" };
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
        assert_eq!(*text, format!("gather return_exceptions: {results} at {}", &text[text.len() - 5..]));
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
}

/// `scale:` line → (tasks gathered, wall in units, overhead in seconds).
fn scale_figures(run: &Run) -> (usize, f64, f64) {
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    let gathered = number_after(line, "scale:").unwrap_or_else(|| panic!("{line}")) as usize;
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
    testing::assert_defaults_are_the_variants(BIN, &["threads", "tokio", "smol", "async-std", "futures"]);
    // The scale mode is a parameter: asking for it runs the variant's `run(params)`.
    let run = Run::new(BIN, ["tokio", "--tasks", "10", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let run = |args: &[&str]| Run::new(BIN, args);
    run(&["sync"]).assert_usage_error("possible values: threads, tokio, smol, async-std, futures, python");
    run(&["--tasks", "0"]).assert_usage_error("--tasks");
    run(&["--tasks", "many"]).assert_usage_error("--tasks");
    run(&["--tasks", "-5"]).assert_usage_error("--tasks");
    run(&["--tasks", "2000001"]).assert_usage_error("2000000");
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    // No table: its column widths follow the timings, which vary from run to run.
    let run =
        Run::new(BIN, ["threads", "tokio", "smol", "async-std", "futures", "--unit", UNIT, "--no-table"]);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output(&root.join("docs/src/outputs/gather.txt"), &run.stdout());

    // The Python peer's output, for the chapter's side-by-side; only where python3 exists.
    let python = output("python");
    if !python.stdout().starts_with("skipped") {
        check_docs_output(&root.join("docs/src/outputs/gather-python.txt"), &python.stdout());
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
        let run = Run::new(BIN, [&ASYNC[..], &["--tasks", "1000000", "--unit", "1s"]].concat());
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
        assert!(best[i] <= 0.5, "{runtime}: overhead {:.3} s, the goal is 0.5 s", best[i]);
        assert!(rss[i] <= 512.0, "{runtime}: peak RSS {:.1} MiB, the goal is 512 MiB", rss[i]);
    }
}
