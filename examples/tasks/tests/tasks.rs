//! Runs the built `tasks` binary once per runtime and checks each demo's lines: their order
//! where the concept fixes it, and times as units with generous margins. A busy machine only
//! makes lines later, so lower bounds are tight and upper bounds loose.

use std::process::Command;
use std::sync::OnceLock;

use testing::{Run, check_docs_output, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_tasks");
const UNIT: &str = "50ms";
const RUST: [&str; 4] = ["tokio", "smol", "async-std", "futures"];

/// Each runtime's output, run once and shared by the tests.
fn output(runtime: &str) -> &'static Run {
    static RUNS: [OnceLock<Run>; 5] = [const { OnceLock::new() }; 5];
    let index = ["tokio", "smol", "async-std", "futures", "python"]
        .iter()
        .position(|r| *r == runtime)
        .unwrap_or_else(|| panic!("no runtime {runtime}"));
    RUNS[index].get_or_init(|| {
        let run = Run::new(BIN, [runtime, "--unit", UNIT]);
        assert!(run.success(), "{runtime} failed: {}", run.stderr());
        run
    })
}

/// The Rust runtimes, plus python where python3 is installed.
fn runtimes() -> Vec<&'static str> {
    let mut all = RUST.to_vec();
    if !output("python").stdout().starts_with("skipped") {
        all.push("python");
    }
    all
}

/// The position of the first line that starts with `prefix`.
fn find(runtime: &str, lines: &[String], prefix: &str) -> usize {
    lines.iter().position(|l| l.starts_with(prefix)).unwrap_or_else(|| {
        panic!("{runtime}: no line starting {prefix:?} in\n{}", lines.join("\n"))
    })
}

/// The time, in units, printed at the end of the first line that starts with `prefix`.
fn time_of(runtime: &str, lines: &[String], prefix: &str) -> f64 {
    let line = &lines[find(runtime, lines, prefix)];
    number_after(line, " at ").unwrap_or_else(|| panic!("{runtime}: no time in {line:?}"))
}

/// The lines of one demo.
fn demo(runtime: &str, label: &str) -> Vec<String> {
    output(runtime).lines().into_iter().filter(|l| l.starts_with(label)).collect()
}

#[test]
fn a_future_does_nothing_until_awaited() {
    for runtime in runtimes() {
        let made = if runtime == "python" { "coroutine" } else { "future" };
        assert_eq!(
            demo(runtime, "lazy:"),
            [
                format!("lazy: made the {made}; nothing has run"),
                "lazy: one unit later, still nothing".into(),
                "lazy: work started".into(),
                "lazy: awaited it: done".into(),
            ],
            "{runtime}"
        );
    }
}

#[test]
fn a_spawned_task_starts_at_spawn_on_threads_and_at_the_next_await_on_one() {
    // (runtime, executors that start the task at once, executors that wait for the spawner)
    let cases: [(&str, &[&str], &[&str]); 5] = [
        ("tokio", &["multi-thread"], &["current-thread"]),
        ("smol", &["global executor"], &["local executor"]),
        ("async-std", &["spawn"], &["spawn_local"]),
        ("futures", &["ThreadPool"], &["LocalPool"]),
        ("python", &[], &["create_task"]),
    ];
    for (runtime, at_once, at_await) in cases {
        if !runtimes().contains(&runtime) {
            continue;
        }
        let lines = demo(runtime, "start:");
        for executor in at_once.iter().chain(at_await) {
            let task = format!("start: {executor}: task started");
            let spawner = if runtime == "tokio" {
                format!("start: {executor}: spawner reached its first await")
            } else {
                "start: spawner reached its first await".to_owned()
            };
            let (t, s) = (find(runtime, &lines, &task), find(runtime, &lines, &spawner));
            let started = time_of(runtime, &lines, &task);
            if at_once.contains(executor) {
                // The spawner holds its thread for a whole unit: the task ran meanwhile.
                assert!(
                    t < s,
                    "{runtime}/{executor}: the task waited for the spawner:\n{lines:?}"
                );
            } else {
                assert!(
                    t > s,
                    "{runtime}/{executor}: the task ran before the spawner's await:\n{lines:?}"
                );
                assert!(started >= 0.95, "{runtime}/{executor}: started at {started}");
            }
        }
    }
}

/// What dropping a task's handle does, per runtime: the table in docs/src/tasks.md.
const ON_DROP: [(&str, &str); 5] = [
    ("tokio", "detach"),
    ("smol", "cancel"),
    ("async-std", "detach"),
    ("futures", "cancel"),
    ("python", "detach"),
];

#[test]
fn dropping_the_handle_detaches_or_cancels() {
    for (runtime, expected) in ON_DROP {
        if !runtimes().contains(&runtime) {
            continue;
        }
        let lines = demo(runtime, "drop:");
        let cleanup = time_of(runtime, &lines, "drop: cleanup ran");
        let finished = lines.iter().position(|l| l.starts_with("drop: task finished"));
        match expected {
            "detach" => {
                let finished = finished.unwrap_or_else(|| {
                    panic!("{runtime}: a detached task should finish")
                });
                assert!(
                    finished < find(runtime, &lines, "drop: cleanup ran"),
                    "{runtime}: {lines:?}"
                );
                assert!(
                    cleanup >= 1.9,
                    "{runtime}: cleanup at {cleanup}, before the task's end"
                );
            }
            _ => {
                assert_eq!(
                    finished, None,
                    "{runtime}: a cancelled task finished:\n{lines:?}"
                );
                assert!(
                    cleanup >= 0.95,
                    "{runtime}: cleanup at {cleanup}, before the drop"
                );
            }
        }
        assert!(
            lines.last().is_some_and(|l| l.starts_with("drop: spawner done")),
            "{runtime}: {lines:?}"
        );
    }
}

#[test]
fn cancelling_runs_the_cleanup_before_the_awaiter_hears_of_it() {
    let gave = [
        ("tokio", "was cancelled"),
        ("smol", "None"),
        ("async-std", "None"),
        ("futures", "`Abortable` future has been aborted"),
        ("python", "CancelledError"),
    ];
    for (runtime, what) in gave {
        if !runtimes().contains(&runtime) {
            continue;
        }
        let lines = demo(runtime, "cancel:");
        assert_eq!(lines.len(), 3, "{runtime}: {lines:?}");
        assert!(
            lines[0].starts_with("cancel: abort() at")
                || lines[0].starts_with("cancel: cancel() at")
        );
        assert!(lines[1].starts_with("cancel: cleanup ran at"), "{runtime}: {lines:?}");
        assert!(
            lines[2].starts_with("cancel: awaiting it gave: "),
            "{runtime}: {lines:?}"
        );
        assert!(lines[2].ends_with(what), "{runtime}: {lines:?}");
        // It was cancelled after one unit, long before its ten-unit sleep would end.
        let cleanup = time_of(runtime, &lines, "cancel: cleanup ran");
        assert!((0.95..5.0).contains(&cleanup), "{runtime}: cleanup at {cleanup}");
    }
}

#[test]
fn a_panicking_task_reaches_whoever_awaits_it() {
    let expected = [
        ("tokio", "panic: awaiting it gave: task ", " panicked with message \"boom\""),
        ("smol", "panic: awaiting it re-raised the panic: \"boom\"", ""),
        ("async-std", "panic: awaiting it re-raised the panic: \"boom\"", ""),
        ("futures", "panic: awaiting it re-raised the panic: \"boom\"", ""),
        (
            "python",
            "panic: awaiting it re-raised the exception: RuntimeError('boom')",
            "",
        ),
    ];
    for (runtime, starts, ends) in expected {
        if !runtimes().contains(&runtime) {
            continue;
        }
        let lines = demo(runtime, "panic:");
        let awaited = &lines[find(runtime, &lines, "panic: awaiting it")];
        assert!(
            awaited.starts_with(starts) && awaited.ends_with(ends),
            "{runtime}: {awaited}"
        );
        // The unobserved failure is seen only by the panic hook (the loop's exception handler).
        let unobserved =
            lines.iter().filter(|l| l.contains("nobody awaits this")).count();
        assert_eq!(unobserved, 1, "{runtime}: {lines:?}");
        let last = lines.last().map(String::as_str).unwrap_or_default();
        if runtime == "futures" {
            assert_eq!(
                last,
                "panic: a later task on that pool: never ran (its only thread died)"
            );
        } else {
            assert!(last.ends_with("carried on"), "{runtime}: {lines:?}");
        }
    }
}

#[test]
fn starting_a_runtime_inside_a_runtime() {
    let lines = demo("tokio", "nest:");
    assert_eq!(
        lines[0],
        "nest: block_on inside the runtime panicked: Cannot start a runtime from within a runtime"
    );
    assert_eq!(lines[2], "nest: Handle::block_on on a spawn_blocking thread: done");

    let lines = demo("futures", "nest:");
    assert!(lines[0].starts_with(
        "nest: block_on inside the executor panicked: cannot execute `LocalPool`"
    ));

    // smol and async-std let block_on nest; it deadlocks only on work for this very thread.
    for (runtime, local) in
        [("smol", "task of this executor"), ("async-std", "spawn_local task")]
    {
        let lines = demo(runtime, "nest:");
        assert!(lines[0].starts_with("nest: block_on("), "{runtime}: {lines:?}");
        assert!(lines[0].contains("inside a task: done at"), "{runtime}: {lines:?}");
        let deadlock = &lines[find(runtime, &lines, &format!("nest: block_on({local})"))];
        assert!(deadlock.contains("timed out: deadlock"), "{runtime}: {deadlock}");
        let waited = number_after(deadlock, " at ").unwrap_or_default();
        assert!(
            waited >= 1.9,
            "{runtime}: gave up after {waited} units, before its timeout"
        );
    }

    if runtimes().contains(&"python") {
        let lines = demo("python", "nest:");
        assert!(
            lines[0]
                .ends_with("asyncio.run() cannot be called from a running event loop")
        );
        assert!(
            lines[1].ends_with("Cannot run the event loop while another loop is running")
        );
    }
    for runtime in runtimes() {
        let lines = demo(runtime, "nest:");
        assert!(
            lines.iter().any(|l| l.starts_with("nest: awaiting instead: done")),
            "{runtime}"
        );
    }
}

#[test]
fn returning_from_main_with_tasks_running() {
    // (runtime, tasks whose cleanup runs, tasks that vanish with the process)
    let cases: [(&str, &[&str], &[&str]); 5] = [
        ("tokio", &["exit"], &[]),
        ("smol", &["exit (local executor)"], &["exit (global executor)"]),
        ("async-std", &["exit (spawn_local)"], &["exit (spawn)"]),
        ("futures", &["exit (LocalPool)"], &["exit (ThreadPool)"]),
        ("python", &["exit"], &[]),
    ];
    for (runtime, cleaned, vanished) in cases {
        if !runtimes().contains(&runtime) {
            continue;
        }
        let lines = demo(runtime, "exit");
        assert!(lines[0].starts_with("exit: main returns at"), "{runtime}: {lines:?}");
        assert!(
            !lines.iter().any(|l| l.contains("task finished")),
            "{runtime}: {lines:?}"
        );
        for label in cleaned {
            // At main's return, long before the task's ten-unit sleep would end.
            let cleanup = time_of(runtime, &lines, &format!("{label}: cleanup ran"));
            assert!(
                (0.95..5.0).contains(&cleanup),
                "{runtime}: {label} cleaned up at {cleanup}"
            );
        }
        for label in vanished {
            assert!(
                !lines.iter().any(|l| l.starts_with(label)),
                "{runtime}: {label} cleaned up: {lines:?}"
            );
        }
        assert_eq!(lines.len(), 1 + cleaned.len(), "{runtime}: {lines:?}");
    }
}

#[test]
fn every_demo_runs_in_order_and_stderr_stays_quiet() {
    for runtime in runtimes() {
        let run = output(runtime);
        let mut labels: Vec<String> = Vec::new();
        for line in run.lines() {
            let label = line.split([':', ' ']).next().unwrap_or_default().to_owned();
            if labels.last() != Some(&label) {
                labels.push(label);
            }
        }
        assert_eq!(
            labels,
            [
                "type(task)",
                "task.done()",
                "result",
                "lazy",
                "start",
                "drop",
                "cancel",
                "panic",
                "nest",
                "exit"
            ],
            "{runtime}"
        );
        // The demos silence or replace the panic hook: no panic message leaks to stderr.
        assert_eq!(run.stderr(), "", "{runtime}");
    }
}

/// The type each runtime's `spawn` returns, as `type_name` spells it.
fn task_type(runtime: &str) -> &'static str {
    match runtime {
        "tokio" => "tokio::runtime::task::join::JoinHandle<alloc::vec::Vec<u32>>",
        "smol" => "async_task::task::Task<alloc::vec::Vec<u32>>",
        "async-std" => "async_std::task::join_handle::JoinHandle<alloc::vec::Vec<u32>>",
        "futures" => {
            "futures_util::future::future::remote_handle::RemoteHandle<alloc::vec::Vec<u32>>"
        }
        _ => "<class '_asyncio.Task'>",
    }
}

#[test]
fn the_2025_program_asks_about_the_task_before_awaiting_it() {
    for runtime in runtimes() {
        let lines = output(runtime).lines();
        assert_eq!(
            lines[..3],
            [
                format!("type(task) = {}", task_type(runtime)),
                "task.done() = False".into(),
                "result: [1, 2, 3]".into()
            ],
            "{runtime}"
        );
    }
}

#[test]
fn the_2018_program_asks_after_awaiting_it() {
    for runtime in runtimes() {
        let run = Run::new(BIN, [runtime, "--unit", UNIT, "--edition", "2018"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        assert_eq!(
            lines[..2],
            [format!("t: type {}", task_type(runtime)), "t done: True".into()],
            "{runtime}"
        );
        assert!(lines[2].starts_with("lazy: "), "{runtime}: {lines:?}");
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    Run::new(BIN, ["--edition", "2024"])
        .assert_usage_error("possible values: 2018, 2025");
    Run::new(BIN, ["threads"])
        .assert_usage_error("possible values: tokio, smol, async-std, futures, python");
    Run::new(BIN, ["--unit", "0"]).assert_usage_error("greater than zero");
    Run::new(BIN, ["--unit", "fast"]).assert_usage_error("expected a number");
    Run::new(BIN, ["--tasks", "3"]).assert_usage_error("--tasks");
}

#[test]
fn docs_output_is_fresh() {
    // No table: its column widths follow the timings, which vary from run to run.
    let run = Run::new(
        BIN,
        ["tokio", "smol", "async-std", "futures", "--unit", "50ms", "--no-table"],
    );
    assert!(run.success(), "{}", run.stderr());
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    check_docs_output(&root.join("docs/src/outputs/tasks.txt"), &run.stdout());

    // The Python peer's output, for the chapter's side-by-side; only where python3 exists.
    let python = Run::new(BIN, ["python", "--unit", "50ms"]);
    assert!(python.success(), "{}", python.stderr());
    if !python.stdout().starts_with("skipped") {
        check_docs_output(
            &root.join("docs/src/outputs/tasks-python.txt"),
            &python.stdout(),
        );
    }
}

#[test]
fn docs_output_must_use_warning() {
    // What rustc says about a future that is made and never awaited, for the chapter.
    let dir = std::env::temp_dir().join(format!("tasks-must-use-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut rustc =
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()));
    rustc
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "--color",
            "never",
        ])
        .arg("--out-dir")
        .arg(&dir)
        .arg("snippets/must_use.rs");
    let output = rustc.output().expect("rustc runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success());
    let warning = String::from_utf8_lossy(&output.stderr);
    assert!(
        warning.contains("unused implementer of `Future` that must be used"),
        "{warning}"
    );
    assert!(
        warning.contains("futures do nothing unless you `.await` or poll them"),
        "{warning}"
    );
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    check_docs_output(&root.join("docs/src/outputs/tasks-must-use.txt"), &warning);
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
}
