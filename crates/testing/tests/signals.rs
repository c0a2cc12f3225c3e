//! Nothing outlives a run: whatever ends the runner (SIGINT, SIGTERM, SIGHUP, SIGKILL, or the
//! reader of its stdout going away), its child variant and that child's worker processes are
//! gone soon after. And Ctrl+C keeps what was measured: the table of the rows that finished,
//! the interrupted one marked, exit status 130.
//!
//! The process tree is read from `/proc`: every process whose parent chain leads to the runner.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How soon after its runner ends a process must be gone. Linux's parent-death signal acts at
/// once; the margin is for a busy test machine.
const GONE_WITHIN: Duration = Duration::from_millis(500);

fn binary(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("this test's path");
    let path = test.parent().and_then(Path::parent).expect("target/<profile>").join(name);
    assert!(path.is_file(), "{} is not built: run `cargo build --workspace --bins` first", path.display());
    path
}

/// The parent of every process, from `/proc/<pid>/stat`.
fn parents() -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc") {
        let Ok(entry) = entry else { continue };
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // The command name is in parentheses and may hold spaces: the fields after it count.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue; // a zombie is dead, only not yet reaped by its parent
        }
        if let Some(ppid) = fields.get(1).and_then(|p| p.parse().ok()) {
            found.push((pid, ppid));
        }
    }
    found
}

/// `root` and every live process below it.
fn tree(root: u32) -> BTreeSet<u32> {
    let parents = parents();
    let mut tree = BTreeSet::from([root]);
    loop {
        let before = tree.len();
        for &(pid, ppid) in &parents {
            if tree.contains(&ppid) {
                tree.insert(pid);
            }
        }
        if tree.len() == before {
            return tree;
        }
    }
}

fn alive(pids: &BTreeSet<u32>) -> Vec<u32> {
    let live: BTreeSet<u32> = parents().into_iter().map(|(pid, _)| pid).collect();
    pids.iter().copied().filter(|pid| live.contains(pid)).collect()
}

/// Waits until the runner has at least `processes` processes in its tree (itself included).
fn wait_for_tree(runner: &Child, processes: usize) -> BTreeSet<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let tree = tree(runner.id());
        if tree.len() >= processes {
            return tree;
        }
        assert!(Instant::now() < deadline, "the tree never grew to {processes}: {tree:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_all_gone(tree: &BTreeSet<u32>, since: Instant, what: &str) {
    loop {
        let left = alive(tree);
        if left.is_empty() {
            return;
        }
        assert!(since.elapsed() < GONE_WITHIN, "{what}: still running after {:?}: {left:?}", since.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A long run of worker processes: the runner, its child variant, and two workers of that.
fn long_parallel_run() -> Child {
    Command::new(binary("parallel"))
        .args([
            "processes",
            "sync",
            "--edition",
            "2019",
            "--size",
            "20000000",
            "--count",
            "100",
            "--workers",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env_remove(walkthrough::CHILD_ENV)
        .spawn()
        .expect("parallel starts")
}

#[test]
fn children_and_workers_die_with_the_runner_whatever_kills_it() {
    for signal in ["INT", "TERM", "HUP", "KILL"] {
        let mut runner = long_parallel_run();
        let tree = wait_for_tree(&runner, 4);
        let status = Command::new("kill").args([&format!("-{signal}"), &runner.id().to_string()]).status();
        assert!(status.expect("kill runs").success());
        let since = Instant::now();
        let _ = runner.wait();
        assert_all_gone(&tree, since, &format!("SIG{signal} to the runner"));
    }
}

#[test]
fn children_die_as_soon_as_the_reader_of_stdout_goes_away() {
    // Each variant sleeps two units between its lines: the runner learns of the closed pipe
    // from the pipe itself, not from its next write.
    let mut runner = Command::new(binary("count"))
        .args(["--unit", "2s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove(walkthrough::CHILD_ENV)
        .spawn()
        .expect("count starts");
    let mut stdout = BufReader::new(runner.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the first line"); // `| head -1`
    let tree = wait_for_tree(&runner, 2);
    drop(stdout);
    let since = Instant::now();
    let status = runner.wait().expect("it ends");
    assert_all_gone(&tree, since, "the reader of stdout went away");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(13), "{status:?}");
}

#[test]
fn ctrl_c_stops_the_row_and_keeps_the_table_of_the_others() {
    let mut runner = Command::new(binary("count"))
        .args(["sync", "threads", "tokio", "--unit", "400ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove(walkthrough::CHILD_ENV)
        .process_group(0) // as a terminal's Ctrl+C reaches the whole foreground group
        .spawn()
        .expect("count starts");
    let mut stdout = BufReader::new(runner.stdout.take().expect("stdout"));
    let mut seen = String::new();
    // sync's whole output, then the threads header and its first "One".
    while !seen.contains("── threads ──") || !seen.ends_with("One\n") {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).expect("a line") > 0, "ended early:\n{seen}");
        seen.push_str(&line);
    }
    let tree = tree(runner.id());
    let status = Command::new("kill").args(["-s", "INT", "--", &format!("-{}", runner.id())]).status();
    assert!(status.expect("kill runs").success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest");
    let status = runner.wait().expect("it ends");
    let mut stderr = String::new();
    runner.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(130), "{status:?}\n{seen}{rest}\n{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("Traceback"), "{stderr}");
    let rows: Vec<&str> = rest.lines().skip_while(|l| !l.starts_with("runtime ")).skip(2).collect();
    assert_eq!(rows.len(), 2, "sync's row and the interrupted one, not tokio's:\n{rest}");
    assert!(rows[0].starts_with("sync ") && rows[0].ends_with("1.00x"), "{rows:?}");
    assert!(rows[1].starts_with("threads ") && rows[1].ends_with("interrupted"), "{rows:?}");
    assert!(!rest.contains("── tokio ──"), "tokio ran after Ctrl+C:\n{rest}");
    assert_all_gone(&tree, Instant::now(), "after Ctrl+C");
}

#[test]
fn a_second_ctrl_c_ends_the_run_at_once() {
    // The Python row would end on the first; a sync row that sleeps for long shows the second.
    let mut runner = Command::new(binary("count"))
        .args(["sync", "tokio", "--unit", "3s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove(walkthrough::CHILD_ENV)
        .spawn()
        .expect("count starts");
    let mut stdout = BufReader::new(runner.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the header");
    let tree = wait_for_tree(&runner, 2);
    let since = Instant::now();
    for _ in 0..2 {
        // Only the runner: its child ignores nothing, but here it is not sent the signal.
        let status = Command::new("kill").args(["-INT", &runner.id().to_string()]).status();
        assert!(status.expect("kill runs").success());
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = runner.wait().expect("it ends");
    assert_eq!(status.code(), Some(130));
    assert_all_gone(&tree, since, "after two Ctrl+C");
}

#[test]
fn ctrl_c_during_the_python_row_is_quiet_too() {
    if testing::python3().is_none() {
        eprintln!("python3 not found: nothing to interrupt");
        return;
    }
    let mut runner = Command::new(binary("count"))
        .args(["tokio", "python", "--unit", "3s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove(walkthrough::CHILD_ENV)
        .process_group(0)
        .spawn()
        .expect("count starts");
    let mut stdout = BufReader::new(runner.stdout.take().expect("stdout"));
    let mut seen = String::new();
    while !seen.contains("── python ──") || !seen.ends_with("One\n") {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).expect("a line") > 0, "ended early:\n{seen}");
        seen.push_str(&line);
    }
    let status = Command::new("kill").args(["-s", "INT", "--", &format!("-{}", runner.id())]).status();
    assert!(status.expect("kill runs").success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest");
    let status = runner.wait().expect("it ends");
    let mut stderr = String::new();
    runner.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(stderr.trim().is_empty(), "expected a quiet stderr, got:\n{stderr}");
    assert!(rest.lines().any(|l| l.starts_with("python ") && l.ends_with("interrupted")), "{rest}");
}
