//! Every example's binary, run the way a careless user or a script would run it: bad input,
//! a full disk, a closed pipe, environment variables a runtime would choke on. Each must end
//! with one line of error (or quietly, for a closed pipe) and a status that says what
//! happened, and never with a panic. The list of binaries is the `examples/` folder, so a new
//! example is swept as soon as it exists.

use std::fs::File;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before it counts as hanging.
const TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    testing::workspace_root(env!("CARGO_MANIFEST_DIR"))
}

/// Every example's binary, built beside this test (`cargo test --workspace` builds them all).
fn binaries() -> Vec<(String, PathBuf)> {
    let test = std::env::current_exe().expect("this test's path");
    let dir = test.parent().and_then(Path::parent).expect("target/<profile>");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("examples")).expect("examples/") {
        let entry = entry.expect("an entry");
        if !entry.path().join("Cargo.toml").is_file() {
            continue; // examples/rustfmt.toml, not a package
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let binary = dir.join(&name);
        assert!(
            binary.is_file(),
            "{} is not built: run `cargo build --workspace --bins` first",
            binary.display()
        );
        found.push((name, binary));
    }
    found.sort();
    assert!(found.len() >= 12, "found only {} examples", found.len());
    found
}

/// A short run of one runtime (the first the example lists): small sizes, a tiny unit.
fn quick(example: &str, binary: &Path) -> Vec<String> {
    let describe = Command::new(binary).arg("--describe").output().expect("--describe runs");
    let text = String::from_utf8_lossy(&describe.stdout).into_owned();
    let runtimes = text.split("runtimes: ").nth(1).expect("a runtimes line");
    let first = runtimes.split(", ").next().expect("a runtime").trim().trim_end_matches(" (legacy)");
    let mut args = vec![first.to_owned()];
    let extra: &[&str] = match example {
        "chess" => &["--opponents", "2", "--moves", "2", "--unit", "10us"],
        "parallel" => &["--fib", "20", "--count", "2"],
        "race" => &["--workers", "2", "--increments", "100"],
        "generators" => &[],
        _ => &["--unit", "1ms"],
    };
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// What one run did.
#[derive(Debug)]
struct Ended {
    status: ExitStatus,
    stderr: String,
}

fn wait(mut child: Child, what: &str) -> Ended {
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: still running after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    Ended { status, stderr }
}

fn run(binary: &Path, args: &[String], stdout: Stdio, stderr: Stdio, env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(binary);
    command.args(args).stdin(Stdio::null()).stdout(stdout).stderr(stderr).env("NO_COLOR", "1");
    command.env_remove(walkthrough::CHILD_ENV);
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("the binary starts")
}

fn assert_one_line(ended: &Ended, code: i32, needle: &str, what: &str) {
    assert_eq!(ended.status.code(), Some(code), "{what}: {:?}; stderr: {}", ended.status, ended.stderr);
    assert!(!ended.stderr.contains("panicked"), "{what} panicked: {}", ended.stderr);
    assert_eq!(ended.stderr.trim_end().lines().count(), 1, "{what}: expected one line:\n{}", ended.stderr);
    assert!(ended.stderr.starts_with("error: "), "{what}: {}", ended.stderr);
    assert!(ended.stderr.contains(needle), "{what}: expected {needle:?} in {}", ended.stderr);
}

fn dev_full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").expect("/dev/full"))
}

#[test]
fn bad_input_is_one_line_and_status_2_even_with_stderr_unwritable() {
    let bad: [(&[&str], &str); 7] = [
        (&["nosuch-runtime"], "nosuch-runtime"),
        (&["--unit", "0"], "greater than zero"),
        (&["--unit", "abc"], "expected a number"),
        (&["--unit", "2h"], "unknown suffix"),
        (&["--unit", "-5ms"], "must be positive"),
        (&["--seed", "x"], "--seed"),
        (&["--frobnicate"], "--frobnicate"),
    ];
    for (name, binary) in binaries() {
        for (args, needle) in bad {
            let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
            let what = format!("{name} {}", args.join(" "));
            let ended = wait(run(&binary, &args, Stdio::null(), Stdio::piped(), &[]), &what);
            assert_one_line(&ended, 2, needle, &what);
            let ended = wait(run(&binary, &args, Stdio::null(), dev_full(), &[]), &what);
            assert_eq!(ended.status.code(), Some(2), "{what} 2>/dev/full: {:?}", ended.status);
        }
    }
}

#[test]
fn environment_a_runtime_would_panic_on_is_one_line_and_status_2() {
    for (name, binary) in binaries() {
        let args = quick(&name, &binary);
        for (variable, value) in
            [("TOKIO_WORKER_THREADS", "0"), ("TOKIO_WORKER_THREADS", "abc"), ("ASYNC_STD_THREAD_COUNT", "-1")]
        {
            let what = format!("{variable}={value} {name} {}", args.join(" "));
            let ended = wait(run(&binary, &args, Stdio::null(), Stdio::piped(), &[(variable, value)]), &what);
            assert_one_line(&ended, 2, variable, &what);
        }
        // The runner's own child variable, misused: a runtime the binary has no variant for.
        let what = format!("WALKTHROUGH_CHILD=1 {name} python");
        let child = run(
            &binary,
            &["python".to_owned()],
            Stdio::null(),
            Stdio::piped(),
            &[("WALKTHROUGH_CHILD", "1")],
        );
        assert_one_line(&wait(child, &what), 2, "python", &what);
    }
}

#[test]
fn a_full_disk_is_one_line_and_status_74() {
    for (name, binary) in binaries() {
        let args = quick(&name, &binary);
        let what = format!("{name} {} >/dev/full", args.join(" "));
        let ended = wait(run(&binary, &args, dev_full(), Stdio::piped(), &[]), &what);
        assert_one_line(&ended, 74, "cannot write", &what);
    }
    // The runner echoing a Python peer's lines, which it cannot write either.
    if testing::python3().is_some() {
        let args: Vec<String> = ["python", "--unit", "1ms"].map(str::to_owned).to_vec();
        let what = "count python --unit 1ms >/dev/full";
        let ended =
            wait(run(&binaries()[0].1.with_file_name("count"), &args, dev_full(), Stdio::piped(), &[]), what);
        assert_one_line(&ended, 74, "cannot write", what);
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_by_sigpipe() {
    for (name, binary) in binaries() {
        let mut args = quick(&name, &binary);
        // Two runtimes: the runner with a child, whose output it echoes into the closed pipe.
        let describe = Command::new(&binary).arg("--describe").output().expect("--describe runs");
        let text = String::from_utf8_lossy(&describe.stdout).into_owned();
        if let Some(second) = text.split("runtimes: ").nth(1).and_then(|r| r.split(", ").nth(1)) {
            args.push(second.trim().trim_end_matches(" (legacy)").to_owned());
        }
        let what = format!("{name} {} | (closed)", args.join(" "));
        let mut child = run(&binary, &args, Stdio::piped(), Stdio::piped(), &[]);
        drop(child.stdout.take()); // the reader goes away before the first line
        let ended = wait(child, &what);
        assert!(!ended.stderr.contains("panicked"), "{what} panicked: {}", ended.stderr);
        assert_eq!(ended.status.signal(), Some(13), "{what}: expected SIGPIPE, got {:?}", ended.status);
    }
}

#[test]
fn no_unit_however_small_makes_a_panic_leak() {
    for (name, binary) in binaries() {
        let describe = Command::new(&binary).arg("--describe").output().expect("--describe runs");
        let text = String::from_utf8_lossy(&describe.stdout).into_owned();
        let runtimes = text.split("runtimes: ").nth(1).expect("a runtimes line").trim().to_owned();
        for runtime in runtimes.split(", ").map(|r| r.trim_end_matches(" (legacy)")) {
            let mut args = vec![runtime.to_owned()];
            let extra: &[&str] = match name.as_str() {
                "parallel" => &["--fib", "20", "--count", "2", "--unit", "1us"],
                "race" => &["--workers", "2", "--increments", "100"],
                _ => &["--unit", "1us"],
            };
            args.extend(extra.iter().map(|s| (*s).to_owned()));
            let what = format!("{name} {}", args.join(" "));
            let ended = wait(run(&binary, &args, Stdio::null(), Stdio::piped(), &[]), &what);
            assert!(ended.status.success(), "{what}: {:?}\n{}", ended.status, ended.stderr);
            assert!(!ended.stderr.contains("panicked"), "{what}: {}", ended.stderr);
            assert!(!ended.stderr.contains("Traceback"), "{what}: {}", ended.stderr);
        }
    }
}
