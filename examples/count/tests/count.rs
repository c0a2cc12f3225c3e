//! Runs the built `count` binary for every runtime and checks what it prints and how long
//! it takes, in units, in both editions: the 2018 `count()` sleeps once (three units one
//! after another, one together), the 2025 one twice (six and two). Timing is checked as
//! ratios with margins, never as absolute times.

use std::time::Duration;

use testing::{Run, check_docs_output, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_count");
const UNIT: &str = "100ms";
const CONCURRENT: [&str; 5] = ["threads", "tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// The "executed in" figure, in tutorial seconds.
fn executed_in(run: &Run) -> f64 {
    let lines = run.lines();
    let last = lines.last().expect("no output");
    number_after(last, "count executed in")
        .unwrap_or_else(|| panic!("no 'executed in' line: {last}"))
}

#[test]
fn sync_runs_the_calls_one_after_another() {
    let run = run(&["sync", "--unit", UNIT, "--edition", "2018"]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines[..6], ["One", "Two", "One", "Two", "One", "Two"]);
    assert_eq!(lines.len(), 7, "{lines:?}");
    let took = executed_in(&run);
    assert!(took >= 3.0, "sync took {took} units, less than three sleeps");
    assert!(took < 4.0, "sync took {took} units");
}

#[test]
fn sync_2025_sleeps_twice_per_call() {
    let run = run(&["sync", "--unit", UNIT, "--edition", "2025"]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines[..6], ["One", "Two", "One", "Two", "One", "Two"]);
    assert_eq!(lines.len(), 7, "{lines:?}");
    let took = executed_in(&run);
    assert!(took >= 6.0, "sync took {took} units, less than six sleeps");
    assert!(took < 7.0, "sync took {took} units");
}

#[test]
fn the_default_edition_is_2025() {
    let default = run(&["sync", "--unit", "20ms"]);
    assert!(default.success(), "{}", default.stderr());
    let took = executed_in(&default);
    assert!(
        (6.0..7.5).contains(&took),
        "the default run took {took} units, not 2025's six"
    );
}

#[test]
fn concurrent_variants_overlap_the_sleeps_in_2025_too() {
    for runtime in CONCURRENT {
        let run = run(&[runtime, "--unit", UNIT, "--edition", "2025"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        assert_eq!(lines[..6], ["One", "One", "One", "Two", "Two", "Two"], "{runtime}");
        assert_eq!(lines.len(), 7, "{runtime}: {lines:?}");
        // Two sleeps per call, every call's together: two units, not six.
        let took = executed_in(&run);
        assert!(took >= 2.0, "{runtime} took {took} units, less than two sleeps");
        assert!(took < 2.6, "{runtime} took {took} units: the sleeps did not overlap");
    }
}

#[test]
fn concurrent_variants_overlap_the_sleeps() {
    for runtime in CONCURRENT {
        let run = run(&[runtime, "--unit", UNIT, "--edition", "2018"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        assert_eq!(lines[..6], ["One", "One", "One", "Two", "Two", "Two"], "{runtime}");
        assert_eq!(lines.len(), 7, "{runtime}: {lines:?}");
        let took = executed_in(&run);
        assert!(took >= 1.0, "{runtime} took {took} units, less than one sleep");
        assert!(took < 1.6, "{runtime} took {took} units: the sleeps did not overlap");
    }
}

#[test]
fn a_single_runtime_prints_only_its_own_output() {
    let run = run(&["tokio", "--unit", UNIT]);
    assert!(run.success());
    let stdout = run.stdout();
    assert!(!stdout.contains("──"), "a header was printed: {stdout}");
    assert!(!stdout.contains("runtime"), "a table was printed: {stdout}");
}

#[test]
fn all_prints_a_header_per_runtime_and_one_table_row_each() {
    let run = run(&["all", "--unit", UNIT]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let expected =
        ["sync", "threads", "tokio", "smol", "async-std (legacy)", "futures", "python"];
    for label in expected {
        assert!(
            stdout.contains(&format!("── {label} ──")),
            "no header for {label}:\n{stdout}"
        );
    }
    // Every row, python's too: its row is skipped where python3 is missing.
    let rows: Vec<String> = run.table_text().lines().skip(2).map(str::to_owned).collect();
    assert_eq!(rows.len(), expected.len(), "{stdout}");
    for (row, label) in rows.iter().zip(expected) {
        assert!(row.starts_with(label), "row {row:?} is not {label}");
    }
    // The table's own measurement agrees with the variants (the 2025 program, the default):
    // sync about 6 units, async about 2.
    let table = run.table();
    assert!(table[0].tutorial_s >= 6.0, "{:?}", table[0]);
    assert_eq!(table[0].vs_sync, "1.00x", "{:?}", table[0]);
    for row in &table[1..6] {
        assert!(row.tutorial_s < 2.6, "{row:?}");
        let speedup: f64 = row
            .vs_sync
            .trim_end_matches('x')
            .parse()
            .unwrap_or_else(|_| panic!("{row:?}"));
        assert!(speedup > 6.0 / 2.6, "{row:?}");
    }
}

#[test]
fn two_runtimes_get_a_table_with_two_rows() {
    let run = run(&["tokio", "smol", "--unit", UNIT]);
    assert!(run.success());
    let table = run.table();
    assert_eq!(table.len(), 2, "{table:?}");
    assert_eq!((table[0].runtime.as_str(), table[1].runtime.as_str()), ("tokio", "smol"));
}

#[test]
fn no_table_keeps_the_headers_and_drops_the_table() {
    let run = run(&["sync", "tokio", "--unit", UNIT, "--no-table"]);
    assert!(run.success());
    let stdout = run.stdout();
    assert!(stdout.contains("── tokio ──"));
    assert!(!stdout.lines().any(|l| l.starts_with("runtime ")), "{stdout}");
}

#[test]
fn timeline_fits_80_columns_and_shows_the_overlap() {
    let run = run(&["sync", "tokio", "--unit", UNIT, "--timeline", "--edition", "2018"]);
    assert!(run.success());
    let stdout = run.stdout();
    let chart = run.timeline();
    for line in &chart {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    // Each row's marks as (column, how many lines landed there).
    let marks = |row: &str| -> Vec<(usize, u32)> {
        let plot = row.split('|').nth(1).expect("not a chart row");
        plot.chars()
            .enumerate()
            .filter_map(|(x, c)| match c {
                '*' => Some((x, 1)),
                '2'..='9' => c.to_digit(10).map(|n| (x, n)),
                _ => None,
            })
            .collect()
    };
    // tokio prints its three Ones together, before any Two: one column, or two side by side
    // when a column boundary happens to fall between them.
    let tokio = chart.iter().position(|l| *l == "tokio").unwrap();
    assert!(chart[tokio + 1].starts_with("  One"), "{stdout}");
    let ones = marks(&chart[tokio + 1]);
    assert_eq!(ones.iter().map(|(_, n)| n).sum::<u32>(), 3, "{stdout}");
    assert!(
        ones.last().unwrap().0 - ones[0].0 <= 1,
        "tokio's Ones are spread out:\n{stdout}"
    );
    let twos = marks(&chart[tokio + 2]);
    assert!(twos[0].0 > ones.last().unwrap().0 + 10, "{stdout}");
    // sync prints its Ones one unit apart: three separate marks, a third of the axis apart.
    let sync = chart.iter().position(|l| *l == "sync").unwrap();
    let ones = marks(&chart[sync + 1]);
    assert_eq!(ones.len(), 3, "{stdout}");
    assert!(ones[1].0 - ones[0].0 >= 10 && ones[2].0 - ones[1].0 >= 10, "{stdout}");
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    for (edition, sleeps) in [("2018", 1.0), ("2025", 2.0)] {
        let run = run(&["python", "--unit", UNIT, "--edition", edition]);
        assert!(run.success(), "{}", run.stderr());
        let lines = run.lines();
        if lines.first().is_some_and(|l| l.starts_with("skipped")) {
            assert_eq!(lines, ["skipped: python3 not found"]);
            return;
        }
        assert_eq!(lines[..6], ["One", "One", "One", "Two", "Two", "Two"], "{edition}");
        let took = executed_in(&run);
        assert!(took >= sleeps && took < sleeps + 0.6, "{edition}: took {took} units");
    }
}

#[test]
fn python_is_skipped_without_python3() {
    let mut command = std::process::Command::new(BIN);
    command.args(["sync", "python", "--unit", "5ms"]).env("PATH", "/nonexistent");
    let run = Run::command(command);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let row = stdout.lines().rfind(|l| l.starts_with("python")).unwrap();
    assert!(row.ends_with(" skipped: python3 not found"), "{stdout}");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["tokyo"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
    run(&["--unit", "-1s"]).assert_usage_error("must be positive");
    run(&["--unit", "abc"]).assert_usage_error("expected a number");
    run(&["--unit", "5"]).assert_usage_error("needs a unit");
    run(&["--seed", "x"]).assert_usage_error("--seed");
    run(&["--frobnicate"]).assert_usage_error("--frobnicate");
    run(&["--edition", "2019"]).assert_usage_error("possible values: 2018, 2025");
}

#[test]
fn help_lists_the_runtimes() {
    let run = run(&["--help"]);
    assert!(run.success());
    let stdout = run.stdout();
    assert!(
        stdout.starts_with("sync vs async count()"),
        "--help does not open with the about: {stdout}"
    );
    for name in [
        "sync",
        "threads",
        "tokio",
        "smol",
        "async-std",
        "futures",
        "python",
        "--unit",
        "--timeline",
        "--edition",
    ] {
        assert!(stdout.contains(name), "--help does not mention {name}");
    }
}

#[test]
fn docs_output_is_fresh() {
    let run = run(&["sync", "threads", "tokio", "smol", "async-std", "futures"]);
    assert!(run.success());
    let path =
        workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs/count.txt");
    check_docs_output(&path, &run.stdout());
    // At the default unit (250 ms), in 2025: sync's six sleeps plus two for each of the others.
    assert!(run.wall >= Duration::from_secs_f64(16.0 * 0.250), "took {:?}", run.wall);
}

#[test]
fn docs_output_2018_is_fresh() {
    let run = run(&["sync", "tokio", "--edition", "2018"]);
    assert!(run.success());
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/count-2018.txt");
    check_docs_output(&path, &run.stdout());
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    for args in [&["sync", "--unit", UNIT][..], &["sync", "tokio", "--unit", UNIT]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        // The reader is gone: the next line the program prints hits a closed pipe (`| head -1`).
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            output.status.signal(),
            Some(13),
            "{args:?}: expected SIGPIPE, got {:?}",
            output.status
        );
    }
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(
        BIN,
        &["sync", "threads", "tokio", "smol", "async-std", "futures"],
    );
    // A flag that changes a parameter runs the variant's `run(params)` instead.
    let run_1s = run(&["tokio", "--unit", "1s", "--entry"]);
    assert_eq!(run_1s.stdout().trim(), "run(params)");
    let run_2018 = run(&["tokio", "--edition", "2018", "--entry"]);
    assert_eq!(run_2018.stdout().trim(), "run(params)");
    let run_2025 = run(&["tokio", "--edition", "2025", "--entry"]);
    assert_eq!(run_2025.stdout().trim(), "main()");
}
