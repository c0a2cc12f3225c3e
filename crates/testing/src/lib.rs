//! Helpers for the examples' integration tests: run a built binary, and keep the outputs
//! captured in `docs/` fresh.
//!
//! ```ignore
//! // in examples/count/tests/*.rs
//! use testing::Run;
//! let run = Run::new(env!("CARGO_BIN_EXE_count"), ["tokio", "--unit", "20ms"]);
//! assert!(run.success());
//! assert_eq!(run.lines()[0], "One");
//! ```

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// One finished run of a binary.
#[derive(Debug)]
pub struct Run {
    pub output: Output,
    /// From spawn to exit, measured by the test.
    pub wall: Duration,
}

impl Run {
    /// Runs `program` with `args` to completion, with `NO_COLOR` set and no stdin.
    ///
    /// # Panics
    /// If the program cannot be started.
    pub fn new<I, S>(program: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program);
        command.args(args);
        Run::command(command)
    }

    /// Runs a prepared command to completion, with `NO_COLOR` set and no stdin. The harness's
    /// child variable is removed from the environment the test inherits, unless the command
    /// sets it itself (to run as a child of the runner would).
    ///
    /// # Panics
    /// If the command cannot be started.
    pub fn command(mut command: Command) -> Run {
        let child = OsStr::new(walkthrough::CHILD_ENV);
        if !command.get_envs().any(|(name, value)| name == child && value.is_some()) {
            command.env_remove(child);
        }
        command.env("NO_COLOR", "1").stdin(Stdio::null());
        let start = Instant::now();
        let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
        Run { output, wall: start.elapsed() }
    }

    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    /// Its exit code (`None` if a signal ended it).
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Its stdout.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Its stderr.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Its stdout, line by line.
    pub fn lines(&self) -> Vec<String> {
        self.stdout().lines().map(str::to_owned).collect()
    }

    /// Whether the run was a Python row that could not run here (`skipped: ...`).
    pub fn python_skipped(&self) -> bool {
        self.stdout().lines().next().is_some_and(|line| line.starts_with("skipped: "))
    }

    /// The comparison table as printed: from its header line to its last row.
    ///
    /// # Panics
    /// When stdout has no table.
    pub fn table_text(&self) -> String {
        let stdout = self.stdout();
        let lines: Vec<&str> =
            stdout.lines().skip_while(|l| !l.starts_with("runtime ")).take_while(|l| !l.is_empty()).collect();
        assert!(!lines.is_empty(), "no table on stdout:\n{stdout}");
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// The `--timeline` chart, line by line: from its `timeline` line to the end.
    ///
    /// # Panics
    /// When stdout has no chart.
    pub fn timeline(&self) -> Vec<String> {
        let chart: Vec<String> =
            self.stdout().lines().skip_while(|l| !l.starts_with("timeline")).map(str::to_owned).collect();
        assert!(!chart.is_empty(), "no timeline on stdout:\n{}", self.stdout());
        chart
    }

    /// The rows of the comparison table a run of several runtimes ends with, in order;
    /// skipped runtimes are left out.
    ///
    /// # Panics
    /// When stdout has no table, or a row does not have the table's shape.
    pub fn table(&self) -> Vec<TableRow> {
        let lines = self.lines();
        let header = lines.iter().position(|l| l.starts_with("runtime ")).expect("no table on stdout");
        lines[header + 2..]
            .iter()
            .filter(|row| !row.contains("skipped: "))
            .map(|row| TableRow::parse(row))
            .collect()
    }

    /// Asserts that it failed like a usage error: exit status 2, one line on stderr that
    /// starts with `error:` and contains `needle`, nothing on stdout, no panic.
    ///
    /// # Panics
    /// When it did not.
    pub fn assert_usage_error(&self, needle: &str) {
        let stderr = self.stderr();
        assert_eq!(self.code(), Some(2), "expected exit status 2; stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "it panicked: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "expected one line: {stderr}");
        assert!(stderr.starts_with("error:"), "expected 'error: ...': {stderr}");
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
        assert!(self.stdout().is_empty(), "expected no stdout: {}", self.stdout());
    }
}

/// One row of the harness's comparison table, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The runtime's label, e.g. `tokio` or `async-std (legacy)`.
    pub runtime: String,
    /// The wall time in tutorial seconds.
    pub tutorial_s: f64,
    pub peak_rss_mib: f64,
    pub threads: u32,
    /// `1.00x`, `-` when there is no sync row, or `failed (...)`.
    pub vs_sync: String,
}

impl TableRow {
    /// Parses `<runtime>  <wall>  <tutorial s>  <CPU>  <rss> MiB  <threads>  <vs sync>`.
    fn parse(row: &str) -> TableRow {
        let words: Vec<&str> = row.split_whitespace().collect();
        let mib = words.iter().position(|w| *w == "MiB").filter(|&i| i >= 5 && i + 2 < words.len());
        let mib = mib.unwrap_or_else(|| panic!("not a table row: {row:?}"));
        let number =
            |i: usize| -> f64 { words[i].parse().unwrap_or_else(|_| panic!("{row:?}: {:?}", words[i])) };
        TableRow {
            runtime: words[..mib - 4].join(" "),
            tutorial_s: number(mib - 3),
            peak_rss_mib: number(mib - 1),
            threads: words[mib + 1].parse().unwrap_or_else(|_| panic!("{row:?}: threads")),
            vs_sync: words[mib + 2..].join(" "),
        }
    }
}

/// Asserts that, for each of `runtimes`, a command line with no flags runs the variant's own
/// `main()`: the defaults of the runner and of the variant file (its `Params::default()`) are
/// the same, so the file copied alone prints what `just run <example> <runtime>` prints.
///
/// # Panics
/// When a runtime's defaults differ, or the program fails.
pub fn assert_defaults_are_the_variants(program: &str, runtimes: &[&str]) {
    for runtime in runtimes {
        let run = Run::new(program, [runtime, "--entry"]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(
            run.stdout().trim(),
            "main()",
            "{runtime}: the runner's defaults are not the variant's own Params::default()"
        );
    }
}

/// `python3` as the harness finds it on `PATH`, for tests that run the peer themselves.
pub fn python3() -> Option<PathBuf> {
    walkthrough::find_on_path("python3")
}

/// Held by a test binary's timing tests so that they run one at a time: each keeps a core
/// busy, and a timing needs the other one. Tests run in parallel threads of one process, so
/// one lock per process is enough.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Parses the number out of a line such as `count executed in 1.002 seconds.`: the first
/// decimal number after `marker`.
pub fn number_after(line: &str, marker: &str) -> Option<f64> {
    let (_, rest) = line.split_once(marker)?;
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let rest = &rest[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    rest[..end].trim_end_matches('.').parse().ok()
}

/// Makes an output comparable across runs: a duration with its unit (`812.3ms`, `1.024s`,
/// `250us`) becomes `D`, any other run of digits becomes `9`, runs of spaces become one, and
/// a table's rule (a line of dashes) becomes `---`, so timings, counts and column widths may
/// change but words may not.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let number = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            let after = &rest[number..];
            let unit = ["ms", "us", "µs", "s"].into_iter().find(|unit| {
                after.starts_with(unit) && !after[unit.len()..].starts_with(char::is_alphanumeric)
            });
            match unit {
                Some(unit) => {
                    out.push('D');
                    rest = &after[unit.len()..];
                }
                None => {
                    // Digits and the dots between them ("1.00"), but not a sentence's full stop.
                    let digits = rest[..number].trim_end_matches('.');
                    out.push_str(if digits.contains('.') { "9.9" } else { "9" });
                    rest = &rest[digits.len()..];
                }
            }
        } else if c == ' ' {
            out.push(' ');
            rest = rest.trim_start_matches(' ');
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.lines()
        .map(str::trim_end)
        .map(|line| if line.len() >= 3 && line.bytes().all(|b| b == b'-') { "---" } else { line })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The workspace's root folder, found from an example's `CARGO_MANIFEST_DIR`.
pub fn workspace_root(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default()
}

/// Keeps a captured output in `docs/src/outputs/` honest.
///
/// With `UPDATE_DOCS=1` in the environment it writes `output` to `path` (regenerating the
/// docs: `just docs-outputs`); otherwise it asserts that `path` holds an output of the same
/// shape — equal after [`normalise`] — so a chapter can't show output the code no longer
/// prints.
///
/// # Panics
/// When the file is missing or stale, or cannot be written.
pub fn check_docs_output(path: &Path, output: &str) {
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(path, output).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let captured = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): run `just docs-outputs`", path.display()));
    assert_eq!(
        normalise(&captured),
        normalise(output),
        "{} is stale: run `just docs-outputs` and commit the result",
        path.display()
    );
}

/// Like [`check_docs_output`], for an output whose figures only a release build shows (a
/// debug build's runs are slower, or the test runs less work there): it is compared in any
/// build, but written only by a release build, so `just docs-outputs` must not be fooled by
/// a `cargo test` without `--release`.
///
/// # Panics
/// When the file is missing or stale, or cannot be written.
pub fn check_docs_output_release(path: &Path, output: &str) {
    if std::env::var_os("UPDATE_DOCS").is_some() && cfg!(debug_assertions) {
        eprintln!("{}: not rewritten from a debug build (run with --release)", path.display());
        return;
    }
    check_docs_output(path, output);
}

/// Like [`check_docs_output`], for output whose line order the scheduler picks: the lines
/// are compared as a multiset (sorted after [`normalise`]), and the file keeps the real order.
///
/// # Panics
/// When the file is missing or stale, or cannot be written.
pub fn check_docs_output_unordered(path: &Path, output: &str) {
    if std::env::var_os("UPDATE_DOCS").is_some() {
        return check_docs_output(path, output);
    }
    let sorted = |text: &str| {
        let mut lines: Vec<String> = normalise(text).lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let captured = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): run `just docs-outputs`", path.display()));
    assert_eq!(
        sorted(&captured),
        sorted(output),
        "{} is stale: run `just docs-outputs` and commit the result",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_comparison_table() {
        let stdout = "── tokio ── ...\nscale: 3 tasks\n\n\
            runtime               wall  tutorial s      CPU   peak RSS  threads  vs sync\n\
            ----------------------------------------------------------------------------\n\
            sync                3.02s        3.02   1.2ms     7.1 MiB        1    1.00x\n\
            async-std (legacy)  1.395s        1.40   1.130s   390.1 MiB        4    2.16x\n\
            python              skipped: python3 not found\n";
        let run = Run::new("printf", ["%s", stdout]);
        let rows = run.table();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1],
            TableRow {
                runtime: "async-std (legacy)".into(),
                tutorial_s: 1.40,
                peak_rss_mib: 390.1,
                threads: 4,
                vs_sync: "2.16x".into()
            }
        );
        assert_eq!((rows[0].runtime.as_str(), rows[0].threads), ("sync", 1));
    }

    #[test]
    fn finds_the_number_after_a_marker() {
        assert_eq!(number_after("count executed in 1.002 seconds.", "executed in"), Some(1.002));
        assert_eq!(number_after("finished in 3 seconds.", "in"), Some(3.0));
        assert_eq!(number_after("nothing here", "executed in"), None);
    }

    #[test]
    fn normalise_ignores_numbers_and_widths_but_not_words() {
        assert_eq!(normalise("tokio   105.7ms  1.06\n"), normalise("tokio 98.0ms   1.00 \n"));
        assert_ne!(normalise("count executed in 1.0 seconds."), normalise("count ran in 1.0 seconds."));
        assert_eq!(normalise("count executed in 1.002 seconds."), "count executed in 9.9 seconds.\n");
        assert_eq!(normalise("Consumer 2 got element <2ecea7e373>"), "Consumer 9 got element <9ecea9e9>\n");
    }

    #[test]
    fn normalise_treats_every_duration_alike_whatever_its_unit() {
        assert_eq!(normalise("sync 812.3ms 3.02"), normalise("sync 1.024s 3.02"));
        assert_eq!(normalise("cpu 250us"), normalise("cpu 2.5ms"));
        assert_eq!(normalise("peak 6.5 MiB, 4 threads"), "peak 9.9 MiB, 9 threads\n");
        // A unit must stand alone: "5 seconds" is a number and a word, "3sx" no duration.
        assert_eq!(normalise("sleeping for 5 seconds."), "sleeping for 9 seconds.\n");
        assert_eq!(normalise("3sx"), "9sx\n");
        assert_eq!(normalise("a\n------\n"), normalise("a\n--------\n"));
    }

    #[test]
    fn unordered_check_accepts_any_line_order_but_not_other_lines() {
        let dir = std::env::temp_dir().join(format!("walkthrough-testing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        std::fs::write(&path, "One\nTwo 1.5ms\n").unwrap();
        check_docs_output_unordered(&path, "Two 3.0s\nOne\n");
        let stale = std::panic::catch_unwind(|| check_docs_output_unordered(&path, "One\nThree\n"));
        assert!(stale.is_err(), "a different line passed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_usage_error_is_recognised() {
        let run = Run::new("sh", ["-c", "echo 'error: bad --unit' >&2; exit 2"]);
        run.assert_usage_error("--unit");
    }

    #[test]
    #[should_panic(expected = "expected exit status 2")]
    fn a_success_is_not_a_usage_error() {
        Run::new("true", [""; 0]).assert_usage_error("");
    }
}
