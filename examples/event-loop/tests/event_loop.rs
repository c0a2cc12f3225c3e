//! Runs the built `event-loop` binary for every runtime and checks what it prints: the three
//! programs' lines, the dates one unit apart (as ratios with margins), the own loop's `count`
//! and `gather` lines, the bench's and drift's lines, bad input, and the docs' captures.
//! (The own loop's rules have unit tests in `src/tests.rs`; `just loom` and `just valgrind`
//! check it further.)
#![cfg(not(loom))]

use std::time::Duration;

use testing::{
    Run, check_docs_output, check_docs_output_release, number_after, one_at_a_time,
    workspace_root,
};

const BIN: &str = env!("CARGO_BIN_EXE_event-loop");
const UNIT: &str = "50ms";
const RUST: [&str; 5] = ["own", "tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` as seconds since midnight; `None` if the line is not one.
/// (Python's `datetime.now()` leaves the fraction off when it is zero.)
fn time_of_day(line: &str) -> Option<f64> {
    let (date, time) = line.split_once(' ')?;
    let date_ok = date.len() == 10
        && date
            .char_indices()
            .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let parts: Vec<f64> = hms.split(':').filter_map(|p| p.parse().ok()).collect();
    let fraction_ok = fraction == "0"
        || (fraction.len() == 6 && fraction.bytes().all(|b| b.is_ascii_digit()));
    if !date_ok || parts.len() != 3 || hms.len() != 8 || !fraction_ok {
        return None;
    }
    Some(
        parts[0] * 3600.0
            + parts[1] * 60.0
            + parts[2]
            + format!("0.{fraction}").parse::<f64>().ok()?,
    )
}

/// Checks the three programs' lines at the start of a run's output; returns the rest.
fn check_programs(
    runtime: &str,
    lines: &[String],
    unit: f64,
) -> Result<Vec<String>, String> {
    if lines.len() < 7 {
        return Err(format!("{runtime}: too few lines: {lines:?}"));
    }
    if lines[0] != "Hello World" {
        return Err(format!("{runtime}: {lines:?}"));
    }
    let times: Vec<f64> = lines[1..6]
        .iter()
        .map(|l| time_of_day(l).ok_or_else(|| format!("{runtime}: not a date: {l:?}")))
        .collect::<Result<_, _>>()?;
    // One unit apart: never less (a timer is never early), and not much more.
    for pair in times.windows(2) {
        let gap = (pair[1] - pair[0]).rem_euclid(86_400.0) / unit;
        if !(0.95..2.0).contains(&gap) {
            return Err(format!(
                "{runtime}: dates {gap:.2} units apart: {:?}",
                &lines[1..6]
            ));
        }
    }
    if lines[6] != "Received: abc" {
        return Err(format!("{runtime}: {lines:?}"));
    }
    Ok(lines[7..].to_vec())
}

/// Runs `attempt` up to three times, one timing test at a time; passes on the first `Ok`. A
/// busy machine can only make a line late, so one clean run in three is proof enough.
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
fn every_runtime_runs_the_three_programs() {
    for runtime in ["tokio", "smol", "async-std", "futures"] {
        with_retries(runtime, || {
            let run = run(&[runtime, "--unit", UNIT]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            let rest = check_programs(runtime, &run.lines(), 0.05)?;
            assert!(
                rest.is_empty(),
                "{runtime}: more lines than the three programs: {rest:?}"
            );
            Ok(())
        });
    }
}

#[test]
fn the_own_loop_runs_the_programs_then_count_and_gather() {
    with_retries("own", || {
        let run = run(&["own", "--unit", "20ms"]);
        assert!(run.success(), "{}", run.stderr());
        let rest = check_programs("own", &run.lines(), 0.02)?;
        assert_eq!(rest[..6], ["One", "One", "One", "Two", "Two", "Two"]);
        let count = number_after(&rest[6], "count executed in").expect("a count line");
        if !(1.0..1.5).contains(&count) {
            return Err(format!("count took {count} units: {rest:?}"));
        }
        // gather's lines, as the gather example prints them on tokio, with their times.
        let expected = [
            ("gather: [[1, 2, 3], [0, 5, 10]] at ", 10.0),
            ("as_completed: [1, 2, 3] at ", 3.0),
            ("as_completed: [0, 5, 10] at ", 10.0),
            ("wait FIRST_COMPLETED: [1, 2, 3] at ", 3.0),
            ("wait FIRST_COMPLETED: pending task cancelled at ", 3.0),
            ("wait_for: timed out at ", 5.0),
            ("gather fail-fast: error at ", 0.0),
            (
                "gather return_exceptions: [Ok([1, 2, 3]), Err(\"max() arg is an empty sequence\"), Ok([0, 5, 10])] at ",
                10.0,
            ),
        ];
        let gather = &rest[7..];
        assert_eq!(gather.len(), expected.len(), "{gather:?}");
        for (line, (start, units)) in gather.iter().zip(expected) {
            assert!(line.starts_with(start), "{line:?} does not start with {start:?}");
            let at = number_after(line, " at ").unwrap_or_else(|| panic!("{line:?}"));
            if !(units..units + 0.5).contains(&at) {
                return Err(format!("{line:?}: expected about {units} units"));
            }
        }
        assert!(gather[3].ends_with(", 1 pending"), "{gather:?}");
        assert!(gather[5].ends_with(", task cancelled"), "{gather:?}");
        assert!(
            gather[6].ends_with(": max() arg is an empty sequence; 2 others cancelled"),
            "{gather:?}"
        );
        Ok(())
    });
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    with_retries("python", || {
        let run = run(&["python", "--unit", UNIT]);
        assert!(run.success(), "{}", run.stderr());
        let lines = run.lines();
        if run.python_skipped() {
            assert_eq!(lines, ["skipped: python3 not found"]);
            return Ok(());
        }
        let rest = check_programs("python", &lines, 0.05)?;
        assert!(rest.is_empty(), "{rest:?}");
        Ok(())
    });
}

/// A bench line: `what: N in X ms, R k unit/s`, checked; returns (what, rate a second).
fn bench_line(line: &str, count: u32) -> (String, f64) {
    let (what, figures) = line.split_once(": ").unwrap_or_else(|| panic!("{line:?}"));
    assert!(figures.starts_with(&format!("{count} in ")), "{line:?}");
    let ms = number_after(figures, " in ").unwrap_or_else(|| panic!("{line:?}"));
    let rate =
        1000.0 * number_after(figures, "ms, ").unwrap_or_else(|| panic!("{line:?}"));
    assert!(figures.contains(" k "), "{line:?}");
    // N in X ms is N / X thousand a second, within what printing rounded off (0.05 ms, and
    // 0.05 thousand a second).
    let fastest = f64::from(count) * 1000.0 / (ms - 0.05).max(1e-9);
    let slowest = f64::from(count) * 1000.0 / (ms + 0.05);
    assert!(
        rate >= slowest - 50.0 && rate <= fastest + 50.0,
        "{line:?}: {slowest:.0} to {fastest:.0}"
    );
    (what.to_owned(), rate)
}

/// The unit a bench line ends in.
fn unit_of(line: &str) -> &str {
    ["callbacks/s", "timers/s", "wake-ups/s"]
        .into_iter()
        .find(|u| line.ends_with(u))
        .unwrap_or_else(|| panic!("{line:?}"))
}

#[test]
fn bench_prints_one_well_formed_line_per_measured_thing() {
    for runtime in RUST {
        let run = run(&[runtime, "--bench", "1000"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        // callbacks, timers, wake-ups; the own loop adds its yardstick.
        let units: Vec<&str> = lines.iter().map(|l| unit_of(l)).collect();
        let expected: &[&str] = if runtime == "own" {
            &["callbacks/s", "timers/s", "wake-ups/s", "wake-ups/s"]
        } else {
            &["callbacks/s", "timers/s", "wake-ups/s"]
        };
        assert_eq!(units, expected, "{runtime}: {lines:?}");
        for (line, unit) in lines.iter().zip(&units) {
            let count = if *unit == "callbacks/s" { 1000 } else { 100 };
            let (what, rate) = bench_line(line, count);
            assert!(!what.is_empty() && rate > 0.0, "{line:?}");
        }
    }
    let run = run(&["python", "--bench", "1000"]);
    assert!(run.success(), "{}", run.stderr());
    if !run.python_skipped() {
        let lines = run.lines();
        assert!(
            lines.len() == 6 || lines.len() == 4,
            "asyncio's three, and uvloop's or a skip: {lines:?}"
        );
        for line in lines.iter().filter(|l| !l.starts_with("skipped: ")) {
            let count = if unit_of(line) == "callbacks/s" { 1000 } else { 100 };
            bench_line(line, count);
        }
        if lines.len() == 4 {
            assert_eq!(lines[3], "skipped: uvloop not installed (pip install uvloop)");
        }
    }
}

#[test]
fn drift_shows_relative_scheduling_adding_up_and_a_grid_not() {
    for runtime in ["own", "tokio", "smol", "async-std", "futures", "python"] {
        with_retries(runtime, || {
            let run = run(&[runtime, "--drift", "20", "--unit", "5ms"]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            if run.python_skipped() {
                return Ok(());
            }
            let lines = run.lines();
            // async-std's interval is a third line: it drifts like the sleep loop (measured,
            // not checked), and the grid comes last.
            assert_eq!(
                lines.len(),
                if runtime == "async-std" { 3 } else { 2 },
                "{runtime}: {lines:?}"
            );
            let late: Vec<f64> = lines
                .iter()
                .map(|l| {
                    assert!(l.contains(": last of 20 ticks "), "{l:?}");
                    let ms =
                        number_after(l, "20 ticks ").unwrap_or_else(|| panic!("{l:?}"));
                    // "last of 20 ticks -0.01 ms late" would be a tick early: never.
                    assert!(
                        !l.contains("ticks -"),
                        "{runtime}: a tick came early: {l:?}"
                    );
                    ms
                })
                .collect();
            // The grid's last tick is late by one tick's lateness at most; the chain's adds
            // up twenty of them.
            let (chain, grid) = (late[0], late[late.len() - 1]);
            if grid >= chain || grid > 5.0 {
                return Err(format!(
                    "{runtime}: chain {chain} ms late, grid {grid} ms late"
                ));
            }
            Ok(())
        });
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["sync"]).assert_usage_error(
        "possible values: own, tokio, smol, async-std, futures, python",
    );
    run(&["own", "--bench", "5"]).assert_usage_error("--bench");
    run(&["own", "--bench", "x"]).assert_usage_error("--bench");
    run(&["own", "--bench", "10000001"]).assert_usage_error("--bench");
    run(&["own", "--drift", "0"]).assert_usage_error("--drift");
    run(&["own", "--drift", "10001"]).assert_usage_error("--drift");
    run(&["own", "--bench", "100", "--drift", "5"]).assert_usage_error("--drift");
    run(&["own", "--unit", "0"]).assert_usage_error("greater than zero");
    run(&["own", "--drift", "10000", "--unit", "1s"]).assert_usage_error("minutes");
}

#[test]
fn all_prints_a_header_per_runtime_and_one_table_row_each() {
    let run = run(&["--unit", "10ms"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let labels = ["own", "tokio", "smol", "async-std (legacy)", "futures", "python"];
    for label in labels {
        assert!(
            stdout.contains(&format!("── {label} ──")),
            "no header for {label}:\n{stdout}"
        );
    }
    let rows: Vec<String> = run.table_text().lines().skip(2).map(str::to_owned).collect();
    assert_eq!(rows.len(), labels.len(), "{stdout}");
    for (row, label) in rows.iter().zip(labels) {
        assert!(row.starts_with(label), "row {row:?} is not {label}");
    }
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    let run = run(&RUST);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output(&root.join("docs/src/outputs/event-loop.txt"), &run.stdout());
    // At the default unit (100 ms): 43 units of the own loop, four for each of the others.
    assert!(run.wall >= Duration::from_secs_f64(5.5), "took {:?}", run.wall);
}

#[test]
fn docs_output_of_the_bench_and_the_drift_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    let _turn = one_at_a_time();
    // The chapter's figures come from a release build at the full size; a debug build runs a
    // smaller size (the capture is compared with its numbers evened out).
    let n = if cfg!(debug_assertions) { "10000" } else { "1000000" };
    let bench = run(&["own", "tokio", "smol", "python", "--bench", n, "--no-table"]);
    assert!(bench.success(), "{}", bench.stderr());
    check_docs_output_release(
        &root.join("docs/src/outputs/event-loop-bench.txt"),
        &bench.stdout(),
    );
    let run = run(&[
        "own",
        "tokio",
        "smol",
        "python",
        "--drift",
        "50",
        "--unit",
        "10ms",
        "--no-table",
    ]);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output_release(
        &root.join("docs/src/outputs/event-loop-drift.txt"),
        &run.stdout(),
    );
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    let run = run(&["own", "--unit", "1s", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

/// Each line of `runtime`'s bench at the full size: what was measured, and its rate.
fn rates(runtime: &str) -> Option<Vec<(String, f64)>> {
    let run = run(&[runtime, "--bench"]);
    assert!(run.success(), "{runtime}: {}", run.stderr());
    if run.python_skipped() {
        return None;
    }
    let lines = run.lines();
    let measured = lines.iter().filter(|l| !l.starts_with("skipped: "));
    let rates = measured
        .map(|line| {
            let count = if unit_of(line) == "callbacks/s" { 1_000_000 } else { 100_000 };
            bench_line(line, count)
        })
        .collect();
    Some(rates)
}

/// `just goals`: the own loop within 2x of tokio's current-thread runtime on each measure,
/// and at least 10x asyncio's loop, where the machine allows it. A wake-up from another
/// thread costs at least what two threads waking each other cost (the yardstick line): when
/// asyncio's rate is already more than a tenth of that, 10x asyncio is beyond any loop on
/// this machine, and the goal for wake-ups is then to come within 80% of the yardstick.
/// Best of five runs: a busy machine only makes a rate lower. Every goal is checked, and
/// the figures printed, before the test fails.
#[test]
#[ignore = "timing goal: run in release on a quiet machine (just goals)"]
fn the_own_loop_meets_its_goals() {
    if cfg!(debug_assertions) {
        panic!("run with --release: a debug build measures the debug code");
    }
    // The best rate of each line, in order: callbacks, timers, wake-ups (and, for the own
    // loop, the yardstick; for python, uvloop's three after asyncio's).
    let best = |runtime: &str| -> Option<Vec<f64>> {
        let mut best: Vec<f64> = Vec::new();
        for _ in 0..5 {
            let rates = rates(runtime)?;
            best.resize(rates.len().max(best.len()), 0.0);
            for (i, (what, rate)) in rates.iter().enumerate() {
                eprintln!("{what}: {rate:.0}/s");
                best[i] = best[i].max(*rate);
            }
        }
        Some(best)
    };
    let own = best("own").expect("the own loop's bench");
    let tokio = best("tokio").expect("tokio's bench");
    let python = best("python");
    let yardstick = own[3];
    let names = ["callbacks", "timers", "wake-ups"];
    let mut missed = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let line =
            format!("{name}: own {:.0}/s, tokio {:.0}/s (goal: half)", own[i], tokio[i]);
        eprintln!("{line}");
        if own[i] < tokio[i] / 2.0 {
            missed.push(line);
        }
        let Some(python) = &python else { continue };
        let goal = match *name {
            "wake-ups" => (10.0 * python[i]).min(0.8 * yardstick),
            _ => 10.0 * python[i],
        };
        let line = format!(
            "{name}: own {:.0}/s, asyncio {:.0}/s, {:.1}x (goal {goal:.0}/s; yardstick {yardstick:.0}/s)",
            own[i],
            python[i],
            own[i] / python[i]
        );
        eprintln!("{line}");
        if own[i] < goal {
            missed.push(line);
        }
    }
    if python.is_none() {
        eprintln!("python3 not found: the 10x goal is not checked");
    }
    assert!(missed.is_empty(), "goals missed:\n{}", missed.join("\n"));
}
