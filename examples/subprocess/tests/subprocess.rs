//! Runs the built `subprocess` binary for every runtime and checks what it prints: the docs'
//! programs with the platform's own `ls` message and code, `--count` keeping at most K
//! children alive at once and coming near the ideal time, and each pitfall shown as it
//! happens (a stuck read, a zombie, a grandchild holding the pipe), with nothing left running.
//! Timing is checked as ratios of the unit, with margins.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testing::{
    Run, check_docs_output, check_docs_output_release, number_after, one_at_a_time,
    workspace_root,
};

const BIN: &str = env!("CARGO_BIN_EXE_subprocess");
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];
/// The runtimes whose `Child` has `kill_on_drop` (tokio's, and async-process's).
const KILL_ON_DROP: [&str; 4] = ["tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

fn python_skipped(run: &Run) -> bool {
    let skipped = run.python_skipped();
    if skipped {
        assert_eq!(run.lines(), ["skipped: python3 not found"]);
    }
    skipped
}

/// What `ls /zzz` does on this machine: its exit code and its message (GNU's differs from
/// the BSD one the asyncio docs show).
fn ls_zzz() -> (i32, String) {
    let output = Command::new("sh").args(["-c", "ls /zzz"]).output().expect("sh runs");
    let message = String::from_utf8_lossy(&output.stderr).trim_end().to_owned();
    (output.status.code().expect("an exit code"), message)
}

/// The lines the docs' two programs print, with `sleep` for `seconds`.
fn expected_docs_lines(seconds: &str) -> Vec<String> {
    let (code, message) = ls_zzz();
    [
        format!("['ls /zzz' exited with {code}]"),
        "[stderr]".into(),
        message,
        String::new(),
        format!("['sleep {seconds}; echo \"hello\"' exited with 0]"),
        "[stdout]".into(),
        "hello".into(),
        String::new(),
    ]
    .into()
}

/// `Current date: 2025-06-01 10:11:12.123456`, as Python's `str(datetime.now())` prints it.
fn is_a_date_line(line: &str) -> bool {
    let Some(date) = line.strip_prefix("Current date: ") else { return false };
    let shape = date
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect::<String>();
    shape == "9999-99-99 99:99:99.999999"
        && date[..4].parse::<u32>().is_ok_and(|y| y >= 2024)
}

/// Runs `attempt` up to three times. A busy machine (other builds on both cores) can only make
/// a run slower, never faster, so one run within the bounds proves them, while a real fault
/// fails all three; the last failure is the one reported.
fn with_retries(what: &str, attempt: impl Fn()) {
    for n in 1..=3 {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&attempt)) {
            Ok(()) => return,
            Err(_) if n < 3 => eprintln!("{what}: attempt {n} failed; trying again"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

#[test]
fn the_docs_programs_print_the_platforms_output_in_about_one_unit() {
    let _turn = one_at_a_time();
    let expected = expected_docs_lines("0.25");
    for runtime in RUST.iter().chain(&["python"]) {
        with_retries(runtime, || {
            let run = run(&[runtime, "--unit", "250ms"]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            if *runtime == "python" && python_skipped(&run) {
                return;
            }
            let lines = run.lines();
            assert_eq!(lines[..8], expected[..], "{runtime}");
            assert_eq!(lines.len(), 9, "{runtime}: {lines:?}");
            assert!(is_a_date_line(&lines[8]), "{runtime}: {:?}", lines[8]);
            // One sleep of one unit; the two commands run together (and `ls` takes no time).
            let units = run.wall.as_secs_f64() / 0.25;
            assert!(
                units >= 1.0,
                "{runtime}: took {units:.2} units, less than the sleep"
            );
            // Python starts two interpreters (its own, and get_date's): how long that takes
            // depends on the machine's load far more than on the program.
            assert!(
                *runtime == "python" || units < 1.9,
                "{runtime}: took {units:.2} units"
            );
        });
    }
}

#[test]
fn the_date_comes_from_a_child_started_from_the_programs_own_executable() {
    let mut command = Command::new(BIN);
    command.args(["tokio"]).env("SUBPROCESS_PRINT_DATE", "1");
    let run = Run::command(command);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(is_a_date_line(&format!("Current date: {}", lines[0])), "{lines:?}");
}

/// Every live process: (pid, parent, command name).
fn processes() -> Vec<(u32, u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((head, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue; // dead, only not yet reaped
        }
        let comm = head.split_once('(').map_or("", |(_, c)| c).to_owned();
        if let Some(ppid) = fields.get(1).and_then(|p| p.parse().ok()) {
            found.push((pid, ppid, comm));
        }
    }
    found
}

/// How many processes named `name` run below `root` (children, grandchildren, ...).
fn descendants_named(root: u32, name: &str) -> usize {
    let all = processes();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            all.iter().filter(|(_, ppid, _)| *ppid == parent).map(|(pid, ..)| *pid),
        );
        i += 1;
    }
    all.iter().filter(|(pid, _, comm)| comm == name && tree[1..].contains(pid)).count()
}

/// The most processes named `name` that ran at once below the program `command` starts,
/// sampled every millisecond until it exits; and its output.
fn peak_children(mut command: Command, name: &str) -> (usize, Run) {
    let start = Instant::now();
    let mut child =
        command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("it starts");
    let mut peak = 0;
    while child.try_wait().expect("try_wait").is_none() {
        peak = peak.max(descendants_named(child.id(), name));
        std::thread::sleep(Duration::from_millis(1));
    }
    let output = child.wait_with_output().expect("its output");
    (peak, Run { output, wall: start.elapsed() })
}

#[test]
fn count_keeps_at_most_k_children_and_comes_near_the_ideal() {
    let _turn = one_at_a_time();
    for runtime in RUST.iter().skip(1).chain(&["python"]) {
        with_retries(runtime, || {
            let mut command = Command::new(BIN);
            command.args([
                runtime,
                "--count",
                "24",
                "--max-running",
                "6",
                "--unit",
                "100ms",
            ]);
            command
                .env_remove(walkthrough::CHILD_ENV)
                .env("NO_COLOR", "1")
                .stdin(Stdio::null());
            let (peak, run) = peak_children(command, "sleep");
            assert!(run.success(), "{runtime}: {}", run.stderr());
            if *runtime == "python" && python_skipped(&run) {
                return;
            }
            let lines = run.lines();
            assert_eq!(lines.len(), 2, "{runtime}: {lines:?}");
            assert!(
                lines[0].starts_with("24 x `true`, at most 6 at a time: "),
                "{runtime}: {lines:?}"
            );
            assert!(lines[0].ends_with(" children/s"), "{runtime}: {lines:?}");
            let prefix = "24 x `sleep 0.1`, at most 6 at a time: ";
            assert!(
                lines[1].starts_with(prefix) && lines[1].contains("(ideal 4)"),
                "{runtime}: {lines:?}"
            );
            let units = number_after(&lines[1], "at a time:").expect("units");
            assert!(units >= 4.0, "{runtime}: {units} units, less than the ideal of 4");
            // Python's child watcher starts a thread per child, and a busy machine slows it down
            // several times over: only the Rust rows are held to the ideal.
            assert!(
                *runtime == "python" || units < 6.5,
                "{runtime}: {units} units for an ideal of 4"
            );
            assert!(peak <= 6, "{runtime}: {peak} sleeps at once, more than 6");
            assert!(
                peak >= 4,
                "{runtime}: never more than {peak} sleeps at once: not concurrent"
            );
        });
    }
}

#[test]
fn count_on_sync_runs_one_child_at_a_time() {
    let mut command = Command::new(BIN);
    command
        .args(["sync", "--count", "6", "--unit", "50ms"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    let (peak, run) = peak_children(command, "sleep");
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    assert!(lines[0].starts_with("6 x `true`, one at a time: "), "{lines:?}");
    assert!(
        lines[1].starts_with("6 x `sleep 0.05`, one at a time: ")
            && lines[1].contains("(ideal 6)")
    );
    let units = number_after(&lines[1], "at a time:").expect("units");
    assert!(units >= 6.0, "{units} units for six sleeps one after another");
    assert_eq!(peak, 1, "sync had {peak} sleeps at once");
}

/// The processes whose command line is exactly `args`.
fn processes_running(args: &[&str]) -> Vec<u32> {
    let wanted: Vec<u8> = args.iter().flat_map(|a| a.bytes().chain([0])).collect();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if std::fs::read(entry.path().join("cmdline")).is_ok_and(|c| c == wanted) {
            let stat =
                std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            if stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
            {
                found.push(pid);
            }
        }
    }
    found
}

#[test]
fn each_pitfall_is_shown_and_nothing_is_left_running() {
    let _turn = one_at_a_time();
    // An odd unit, so that this test's `sleep 0.97` and `sleep 0.194` are its own.
    for runtime in RUST.iter().chain(&["python"]) {
        with_retries(runtime, || {
            let run = run(&[runtime, "--pitfalls", "--unit", "97ms"]);
            assert!(run.success(), "{runtime}: {}", run.stderr());
            if *runtime == "python" && python_skipped(&run) {
                return;
            }
            let lines = run.lines();
            let line = |prefix: &str| -> &str {
                lines
                    .iter()
                    .find(|l| l.starts_with(prefix))
                    .unwrap_or_else(|| panic!("{runtime}: no {prefix:?}"))
            };
            // A full pipe: reading stdout first is stuck until the timeout kills the child.
            let stuck = line("pipes: stdout read to its end first: ");
            assert!(
                stuck.contains(": stuck, killed after ")
                    && stuck.ends_with(", 0 bytes read"),
                "{stuck}"
            );
            let after = number_after(stuck, "killed after").expect("units");
            assert!((1.0..2.0).contains(&after), "{runtime}: {stuck}");
            let both = line("pipes: both read together, stdin closed: ");
            assert!(
                both.contains(": 1000000 + 1000000 bytes in ")
                    && both.ends_with("exited with 0"),
                "{both}"
            );
            assert!(
                number_after(both, "bytes in").expect("units") < 1.0,
                "{runtime}: {both}"
            );

            // A timed-out child: still running, then a zombie until it is waited for, then gone.
            assert_eq!(
                line("timeout: `sleep"),
                "timeout: `sleep 0.97` timed out after 1 unit: still running (state S)"
            );
            let killed = line("timeout: killed, not waited for: ");
            // asyncio's child watcher reaps every child by itself; nothing else does.
            let expected = if *runtime == "python" {
                "/proc/<pid> gone"
            } else {
                "a zombie (state Z)"
            };
            assert!(killed.ends_with(expected), "{runtime}: {killed}");
            assert_eq!(
                line("timeout: waited for: "),
                "timeout: waited for: exited with -9, /proc/<pid> gone"
            );
            let dropped =
                lines.iter().find(|l| l.starts_with("timeout: kill_on_drop(true)"));
            if KILL_ON_DROP.contains(runtime) {
                assert_eq!(
                    dropped.map(String::as_str),
                    Some("timeout: kill_on_drop(true), dropped: /proc/<pid> gone")
                );
            } else {
                assert_eq!(dropped, None, "{runtime}");
            }

            // A grandchild holding the pipe: the capture waits for it; its own group does not.
            let held =
                line("grandchild: `sh -c 'sleep 0.194 & echo started'` exited with 0, ");
            let units = number_after(held, "returned after").expect("units");
            assert!((2.0..4.0).contains(&units), "{runtime}: {held}");
            let fixed = line(
                "grandchild: own process group, the rest stopped when sh exited with 0: ",
            );
            // Well before the grandchild's two units (a busy machine can stall it a while).
            assert!(
                number_after(fixed, "exited with 0:").expect("units") < 1.5,
                "{runtime}: {fixed}"
            );
            assert_eq!(
                lines.len(),
                if KILL_ON_DROP.contains(runtime) { 8 } else { 7 },
                "{runtime}: {lines:?}"
            );

            for args in [&["sleep", "0.97"][..], &["sleep", "0.194"]] {
                assert_eq!(
                    processes_running(args),
                    [] as [u32; 0],
                    "{runtime} left {args:?} running"
                );
            }
        });
    }
}

#[test]
fn every_row_ends_in_the_table() {
    let run = run(&["--unit", "50ms"]);
    assert!(run.success(), "{}", run.stderr());
    let rows: Vec<String> = run.table_text().lines().skip(2).map(str::to_owned).collect();
    let labels =
        ["sync", "threads", "tokio", "smol", "async-std (legacy)", "futures", "python"];
    assert_eq!(rows.len(), labels.len(), "{}", run.stdout());
    for (row, label) in rows.iter().zip(labels) {
        assert!(row.starts_with(label), "row {row:?} is not {label}");
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["--count", "0"]).assert_usage_error("--count");
    run(&["--count", "20001"]).assert_usage_error("--count");
    run(&["--count", "-3"]).assert_usage_error("--count");
    run(&["--count", "5", "--max-running", "0"]).assert_usage_error("--max-running");
    run(&["--count", "5", "--max-running", "257"]).assert_usage_error("--max-running");
    run(&["--max-running", "4"]).assert_usage_error("--count");
    run(&["--count", "5", "--pitfalls"]).assert_usage_error("--pitfalls");
    run(&["tokyo"]).assert_usage_error("possible values");
    // A run whose rows would take over ten minutes is refused before it starts.
    run(&["sync", "--count", "20000", "--unit", "1s"])
        .assert_usage_error("could take up to");
}

#[test]
fn docs_output_is_fresh() {
    let root = workspace_root(env!("CARGO_MANIFEST_DIR"));
    let run = run(&RUST);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output(&root.join("docs/src/outputs/subprocess.txt"), &run.stdout());
    let mut args = RUST.to_vec();
    args.extend(["--pitfalls", "--unit", "200ms"]);
    let run = Run::new(BIN, &args);
    assert!(run.success(), "{}", run.stderr());
    check_docs_output(
        &root.join("docs/src/outputs/subprocess-pitfalls.txt"),
        &run.stdout(),
    );
}

#[test]
fn docs_output_of_count_is_fresh() {
    let _turn = one_at_a_time();
    let mut args = RUST.to_vec();
    args.extend(["--count", "200", "--unit", "20ms"]);
    let run = Run::new(BIN, &args);
    assert!(run.success(), "{}", run.stderr());
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/subprocess-count.txt");
    check_docs_output_release(&path, &run.stdout());
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    let entry = run(&["tokio", "--pitfalls", "--entry"]);
    assert_eq!(entry.stdout().trim(), "run(params)");
    // sync has no `max_running`: the flag changes nothing there, `--count` does.
    let entry = run(&["sync", "--count", "3", "--max-running", "9", "--entry"]);
    assert_eq!(entry.stdout().trim(), "run(params)");
}

/// The performance goal (`just goals`: release build, quiet machine): 1000 children of 20 ms,
/// 32 at a time, end within 1.6 times the ideal 32 units on every concurrent runtime, and
/// each of them starts `true` children faster than the Python peer does in the same run.
#[test]
#[ignore = "a performance goal: run by `just goals`, on a release build and a quiet machine"]
fn goal_many_children_come_near_the_ideal_and_beat_python() {
    let _turn = one_at_a_time();
    let mut args = RUST[1..].to_vec();
    args.extend(["python", "--count", "1000", "--unit", "20ms"]);
    let run = Run::new(BIN, &args);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let rate_of = |section: &str| -> Option<(f64, f64)> {
        let body = stdout.split(&format!("── {section} ──")).nth(1)?;
        let lines: Vec<&str> = body.lines().skip(1).take(2).collect();
        let rate = number_after(lines.first()?, " s, ")?;
        let units = number_after(lines.get(1)?, "at a time:")?;
        Some((rate, units))
    };
    let python = rate_of("python").map(|(rate, _)| rate);
    for label in ["threads", "tokio", "smol", "async-std (legacy)", "futures"] {
        let (rate, units) =
            rate_of(label).unwrap_or_else(|| panic!("no figures for {label}:\n{stdout}"));
        assert!(units <= 32.0 * 1.6, "{label}: 1000 sleeps took {units} units, ideal 32");
        if let Some(python) = python {
            assert!(rate > python, "{label}: {rate} children/s, python {python}");
        }
    }
}
