//! Runs the built `taskgroup` binary for every runtime and checks what it prints: the gather
//! keeps all three errors and takes the longest coroutine's two seconds; the group stops at the
//! first error, half a second in, after cancelling the other two. Lines in the order the
//! concept fixes, the cancellations as a set; times as units with generous margins.

use testing::{Run, check_docs_output_unordered, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_taskgroup");
const UNIT: &str = "50ms";
const RUST: [&str; 5] = ["threads", "tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// What every runtime prints for the gather: the three errors, grouped by kind, in the
/// handlers' order.
const GATHER: [&str; 4] = [
    "gather(return_exceptions=True): every coroutine runs to its end",
    "[ValueError handled] (ValueError('Error in coro A'),)",
    "[TypeError handled] (TypeError('Error in coro B'),)",
    "[IndexError handled] (IndexError('Error in coro C'),)",
];

/// Checks one run's lines and returns the two parts' times, in tutorial seconds.
fn check(runtime: &str, run: &Run) -> (f64, f64) {
    assert!(run.success(), "{runtime}: {}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines.len(), 11, "{runtime}: {lines:?}");
    assert_eq!(lines[..4], GATHER, "{runtime}");
    assert!(lines[4].starts_with("3 errors after "), "{runtime}: {lines:?}");
    assert_eq!(lines[5], "", "{runtime}");
    assert_eq!(lines[6], "TaskGroup: the first failure cancels the others", "{runtime}");
    // The two cancelled coroutines say so before the group's error is handled, in either order.
    let mut cancelled: Vec<&str> = lines[7..9]
        .iter()
        .map(|l| l.split(" cancelled at ").next().unwrap_or(""))
        .collect();
    cancelled.sort_unstable();
    assert_eq!(cancelled, ["coro A", "coro B"], "{runtime}: {lines:?}");
    for line in &lines[7..9] {
        let at = number_after(line, "cancelled at")
            .unwrap_or_else(|| panic!("{runtime}: {line}"));
        assert!(
            (0.5..1.0).contains(&at),
            "{runtime}: {line}: cancelled when C failed, at 0.5"
        );
    }
    assert_eq!(
        lines[9], "[IndexError handled] (IndexError('Error in coro C'),)",
        "{runtime}"
    );
    assert!(lines[10].starts_with("1 error after "), "{runtime}: {lines:?}");
    let gather = number_after(&lines[4], "after")
        .unwrap_or_else(|| panic!("{runtime}: {}", lines[4]));
    let group = number_after(&lines[10], "after")
        .unwrap_or_else(|| panic!("{runtime}: {}", lines[10]));
    (gather, group)
}

#[test]
fn gather_keeps_every_error_and_the_group_cancels_at_the_first() {
    for runtime in RUST {
        let (gather, group) = check(runtime, &run(&[runtime, "--unit", UNIT]));
        // The gather waits for the slowest, B, two seconds; the group only for C's half second.
        assert!((2.0..2.8).contains(&gather), "{runtime}: the gather took {gather}");
        assert!((0.5..1.0).contains(&group), "{runtime}: the group took {group}");
    }
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    let run = run(&["python", "--unit", "100ms"]);
    if run.python_skipped() {
        assert_eq!(run.lines(), ["skipped: python3 not found"]);
        return;
    }
    let (gather, group) = check("python", &run);
    assert!((2.0..3.0).contains(&gather), "python: the gather took {gather}");
    assert!((0.5..1.2).contains(&group), "python: the group took {group}");
}

#[test]
fn all_prints_a_header_per_runtime_and_a_table() {
    let run = run(&["all", "--unit", "10ms"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let labels = ["threads", "tokio", "smol", "async-std (legacy)", "futures", "python"];
    for label in labels {
        assert!(
            stdout.contains(&format!("── {label} ──")),
            "no header for {label}:\n{stdout}"
        );
    }
    let rows: Vec<String> = run.table_text().lines().skip(2).map(str::to_owned).collect();
    assert_eq!(rows.len(), labels.len(), "{stdout}");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["sync"]).assert_usage_error(
        "possible values: threads, tokio, smol, async-std, futures, python",
    );
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
    run(&["--edition", "2018"]).assert_usage_error("--edition");
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    let entry = run(&["tokio", "--unit", "1s", "--entry"]);
    assert_eq!(entry.stdout().trim(), "run(params)");
}

#[test]
fn docs_output_is_fresh() {
    let rust = run(&["tokio", "threads", "--no-table"]);
    assert!(rust.success(), "{}", rust.stderr());
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    // The cancellations come in either order: compare the output as a multiset of lines.
    check_docs_output_unordered(
        &root.join("docs/src/outputs/taskgroup.txt"),
        &rust.stdout(),
    );
    let python = run(&["python"]);
    if !python.python_skipped() {
        check_docs_output_unordered(
            &root.join("docs/src/outputs/taskgroup-python.txt"),
            &python.stdout(),
        );
    }
}
