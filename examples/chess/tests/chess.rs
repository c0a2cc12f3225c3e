//! Runs the built `chess` binary for every runtime and checks what it prints and how long the
//! exhibition took, in tutorial seconds, against the ideal length it prints beside it.
//!
//! Timing is checked with generous margins above the ideal (the machine may be busy) but
//! strictly below it: no run can beat the ideal unless the master was in two places at once.
//! The tests take turns (a lock), because every variant keeps a core busy while she thinks.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use testing::{
    Run, check_docs_output, normalise, number_after, one_at_a_time, python3,
    workspace_root,
};

const BIN: &str = env!("CARGO_BIN_EXE_chess");
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];
const ASYNC: [&str; 5] = ["threads", "tokio", "smol", "async-std", "futures"];

/// A reduced exhibition for the timing tests: the tutorial's 24 boards, 5 moves instead of 30.
const SHAPE: [&str; 6] = ["--opponents", "24", "--moves", "5", "--unit", "100us"];
/// Its ideal lengths in tutorial seconds: 24 games of 5 x 60 s; 5 rounds of 24 x 5 s, plus a reply.
const SYNC_IDEAL: f64 = 24.0 * 5.0 * 60.0;
const ASYNC_IDEAL: f64 = 5.0 * 24.0 * 5.0 + 55.0;

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

fn with_shape<'a>(runtime: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![runtime];
    args.extend_from_slice(&SHAPE);
    args.extend_from_slice(extra);
    args
}

/// What one variant's output says.
#[derive(Debug)]
struct Report {
    /// Boards whose game ended, with how many times each appears.
    games: BTreeMap<u32, usize>,
    /// The exhibition's measured length, in tutorial seconds.
    measured: f64,
    /// The ideal it printed, in tutorial seconds.
    ideal: f64,
    /// The ideal line, whole.
    ideal_line: String,
}

fn report(run: &Run, what: &str) -> Report {
    assert!(run.success(), "{what} failed: {}", run.stderr());
    let lines = run.lines();
    assert!(lines[0].starts_with("simultaneous exhibition: "), "{what}: {lines:?}");
    let mut games = BTreeMap::new();
    for line in &lines {
        let Some((board, event)) =
            line.strip_prefix("board ").and_then(|rest| rest.split_once(": "))
        else {
            continue;
        };
        if event.starts_with("game over after ") {
            *games.entry(board.parse().expect("a board number")).or_default() += 1;
        }
    }
    let over = lines
        .iter()
        .find(|l| l.starts_with("exhibition over: "))
        .unwrap_or_else(|| panic!("{what}: {lines:?}"));
    let ideal_line = lines.last().expect("no output").clone();
    assert!(ideal_line.starts_with("ideal, "), "{what}: the last line is {ideal_line:?}");
    Report {
        games,
        measured: number_after(over, " boards in ")
            .unwrap_or_else(|| panic!("{what}: {over}")),
        ideal: number_after(&ideal_line, ": ")
            .unwrap_or_else(|| panic!("{what}: {ideal_line}")),
        ideal_line,
    }
}

fn assert_every_board_once(report: &Report, boards: u32, what: &str) {
    let expected: BTreeMap<u32, usize> = (1..=boards).map(|b| (b, 1)).collect();
    assert_eq!(
        report.games, expected,
        "{what}: each board's game should end exactly once"
    );
}

/// Measured against ideal: never below it, and above it by at most `slack` (a fraction).
fn assert_near_ideal(report: &Report, slack: f64, what: &str) {
    let ratio = report.measured / report.ideal;
    assert!(ratio >= 0.999, "{what} beat the ideal: {report:?}");
    assert!(
        ratio <= 1.0 + slack,
        "{what} took {:.1}% longer than the ideal: {report:?}",
        (ratio - 1.0) * 100.0
    );
}

#[test]
fn every_variant_plays_every_board_in_about_the_ideal_time() {
    let _turn = one_at_a_time();
    let sync = report(&run(&with_shape("sync", &[])), "sync");
    assert_every_board_once(&sync, 24, "sync");
    assert_eq!(sync.ideal, SYNC_IDEAL);
    assert!(
        sync.ideal_line.starts_with(
            "ideal, one board at a time: 7200 tutorial seconds (2.00 hours)"
        )
    );
    assert_near_ideal(&sync, 0.25, "sync");

    for runtime in ASYNC {
        let async_ = report(&run(&with_shape(runtime, &[])), runtime);
        assert_every_board_once(&async_, 24, runtime);
        assert_eq!(async_.ideal, ASYNC_IDEAL, "{runtime}");
        assert!(
            async_.ideal_line.starts_with("ideal, board to board: 655 tutorial seconds"),
            "{runtime}"
        );
        assert_near_ideal(&async_, 0.5, runtime);
        let speedup = sync.measured / async_.measured;
        assert!(speedup >= 5.0, "{runtime} is only {speedup:.1}x shorter than sync");
    }
}

#[test]
fn the_python_peer_plays_the_same_exhibition_or_is_skipped() {
    let _turn = one_at_a_time();
    let run = run(&with_shape("python", &[]));
    if run.stdout().starts_with("skipped") {
        assert_eq!(run.lines(), ["skipped: python3 not found"]);
        return;
    }
    let python = report(&run, "python");
    assert_every_board_once(&python, 24, "python");
    assert_eq!(python.ideal, ASYNC_IDEAL);
    // Python starts slowly and its loop is slower than Rust's; the margin is wider.
    assert_near_ideal(&python, 1.0, "python");
}

#[test]
fn python_and_rust_work_out_the_same_ideal() {
    let _turn = one_at_a_time();
    let Some(python) = python3() else { return };
    let peer = workspace_root(env!("CARGO_MANIFEST_DIR")).join("peers/python/chess.py");
    for shape in [
        ["3", "2", "5", "55"],
        ["12", "2", "5", "56"],
        ["5", "3", "7", "3"],
        ["1", "4", "2", "9"],
    ] {
        let [opponents, moves, master, reply] = shape;
        let args = [
            "--opponents",
            opponents,
            "--moves",
            moves,
            "--master",
            master,
            "--reply",
            reply,
            "--unit",
            "20us",
        ];
        let rust = report(&run(&[&["tokio"], &args[..]].concat()), "tokio");
        let mut command = Command::new(&python);
        command.arg(&peer).args(args);
        let peer_run = Run::command(command);
        let peer_report = report(&peer_run, "python");
        assert_eq!(rust.ideal, peer_report.ideal, "{shape:?}");
        assert_eq!(
            rust.ideal_line.split(';').next(),
            peer_report.ideal_line.split(';').next()
        );
    }
}

#[test]
fn each_move_shows_her_going_board_to_board() {
    let _turn = one_at_a_time();
    let args = ["--opponents", "4", "--moves", "3", "--unit", "500us"];
    for runtime in RUST {
        let run = run(&[&[runtime], &args[..]].concat());
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        // Per board, the story is always the same, in this order.
        for board in 1..=4 {
            let prefix = format!("board {board}: ");
            let story: Vec<&str> =
                lines.iter().filter_map(|l| l.strip_prefix(&prefix)).collect();
            let expected = [
                "move 1 played",
                "reply 1 received",
                "move 2 played",
                "reply 2 received",
                "move 3 played",
                "reply 3 received",
            ];
            assert_eq!(story[..6], expected, "{runtime}, board {board}");
            assert!(
                story[6].starts_with("game over after 3 moves, at "),
                "{runtime}: {story:?}"
            );
            assert_eq!(story.len(), 7, "{runtime}: {story:?}");
        }
        let at = |line: &str| {
            lines
                .iter()
                .position(|l| l == line)
                .unwrap_or_else(|| panic!("{runtime}: no {line}"))
        };
        if runtime == "sync" {
            // One board at a time: board 1's game is over before board 2's first move.
            assert!(
                at("board 1: reply 3 received") < at("board 2: move 1 played"),
                "{lines:?}"
            );
        } else {
            // Board to board: her first move on every board comes before any reply.
            assert!(
                at("board 4: move 1 played") < at("board 1: reply 1 received"),
                "{runtime}: {lines:?}"
            );
        }
    }
}

#[test]
fn masters_share_the_boards() {
    let _turn = one_at_a_time();
    for runtime in ASYNC {
        let mut command = Command::new(BIN);
        command
            .args(with_shape(runtime, &["--masters", "2"]))
            .env("ASYNC_STD_THREAD_COUNT", "2");
        let masters = report(&Run::command(command), runtime);
        assert_every_board_once(&masters, 24, runtime);
        // Two shares of 12 boards: a round is still 60 s, so 4 x 60 + 12 x 5 + 55.
        assert_eq!(masters.ideal, 355.0, "{runtime}");
        assert!(
            masters.ideal_line.starts_with("ideal, board to board, 2 masters: 355 "),
            "{runtime}"
        );
        // Whether the two really think at once depends on a second core being free, so only
        // the ideal is a hard bound here; the chapter reports what was measured.
        assert_near_ideal(&masters, 3.0, runtime);
    }
}

#[test]
fn masters_are_refused_where_they_make_no_sense() {
    let _turn = one_at_a_time();
    run(&["sync", "--masters", "2"])
        .assert_usage_error("sync: this program plays one board at a time");
    let mut command = Command::new(BIN);
    command.args(["async-std", "--masters", "3"]).env("ASYNC_STD_THREAD_COUNT", "2");
    Run::command(command).assert_usage_error("runs its tasks on async-std's 2 threads");
    if let Some(python) = python3() {
        let peer =
            workspace_root(env!("CARGO_MANIFEST_DIR")).join("peers/python/chess.py");
        let mut command = Command::new(python);
        command.arg(peer).args(["--masters", "2"]);
        Run::command(command).assert_usage_error("asyncio runs on one thread");
    }
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    let _turn = one_at_a_time();
    for (flag, value, needle) in [
        ("--opponents", "0", "0 is not in 1..=100000"),
        ("--opponents", "-3", "-3 is not in 1..=100000"),
        ("--opponents", "100001", "100001 is not in 1..=100000"),
        ("--opponents", "many", "invalid digit"),
        ("--master", "0", "0 is not in 1..=3600"),
        ("--master", "-5", "-5 is not in 1..=3600"),
        ("--reply", "0", "0 is not in 1..=86400"),
        ("--moves", "0", "0 is not in 1..=1000"),
        ("--moves", "1001", "1001 is not in 1..=1000"),
        ("--masters", "0", "0 is not in 1..=64"),
        ("--masters", "65", "65 is not in 1..=64"),
    ] {
        run(&[flag, value]).assert_usage_error(needle);
    }
    run(&["--masters", "5", "--opponents", "4"])
        .assert_usage_error("masters = 5 needs at least as many opponents");
    run(&["--opponents", "100000", "--moves", "11"])
        .assert_usage_error("1100000 moves; the most is 1000000");
    run(&["threads", "--opponents", "1001"]).assert_usage_error(
        "threads: this program starts a thread per board: at most 1000 opponents",
    );
    run(&["sync", "--unit", "3s"]).assert_usage_error("(the most is 10)");
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
    run(&["rayon"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
}

#[test]
fn help_lists_the_flags_and_runtimes() {
    let run = run(&["--help"]);
    assert!(run.success());
    let stdout = run.stdout();
    for word in [
        "--opponents",
        "--master ",
        "--reply",
        "--moves",
        "--masters",
        "--each-move",
        "--unit",
        "async-std",
    ] {
        assert!(stdout.contains(word), "--help does not mention {word}:\n{stdout}");
    }
}

#[test]
fn timeline_draws_a_row_per_board() {
    let _turn = one_at_a_time();
    let run = run(&[
        "sync",
        "tokio",
        "--opponents",
        "4",
        "--moves",
        "3",
        "--unit",
        "1ms",
        "--timeline",
    ]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let chart = run.timeline();
    for line in &chart {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    let rows = |runtime: &str| -> Vec<String> {
        let from = chart
            .iter()
            .position(|l| *l == runtime)
            .unwrap_or_else(|| panic!("no {runtime}:\n{stdout}"));
        chart[from + 1..from + 5].iter().map(|l| (*l).to_owned()).collect()
    };
    let plot =
        |row: &str| -> String { row.split('|').nth(1).unwrap_or_default().to_owned() };
    for runtime in ["sync", "tokio"] {
        for (n, row) in rows(runtime).iter().enumerate() {
            assert!(
                row.starts_with(&format!("  board {}", n + 1)),
                "{runtime}: {row}\n{stdout}"
            );
            let cells = plot(row);
            assert_eq!(
                cells.matches('#').count(),
                3,
                "{runtime}: three moves of hers:\n{stdout}"
            );
            assert!(cells.contains('.'), "{runtime}: the replies:\n{stdout}");
            assert_eq!(
                cells.matches(']').count(),
                1,
                "{runtime}: the game's end:\n{stdout}"
            );
        }
    }
    // sync: board 2's first move comes after board 1's game; tokio: before board 1's second.
    let first = |row: &str, glyph: char| plot(row).find(glyph).expect("a move");
    let nth_move =
        |row: &str, n: usize| plot(row).match_indices('#').nth(n).expect("a move").0;
    let (sync, tokio) = (rows("sync"), rows("tokio"));
    assert!(first(&sync[1], '#') > nth_move(&sync[0], 2), "{stdout}");
    assert!(first(&tokio[1], '#') < nth_move(&tokio[0], 1), "{stdout}");
    // Only the chart's own lines are drawn: four rows per runtime, no more.
    assert_eq!(chart.iter().filter(|l| l.starts_with("  board")).count(), 8, "{stdout}");
}

#[test]
fn a_large_exhibition_finishes() {
    let _turn = one_at_a_time();
    let run = run(&["tokio", "--opponents", "20000", "--moves", "2", "--unit", "2us"]);
    let large = report(&run, "tokio, 20000 boards");
    assert_every_board_once(&large, 20_000, "tokio, 20000 boards");
    assert_eq!(large.ideal, (2 * 20_000 * 5 + 55) as f64);
    assert!(large.measured >= large.ideal * 0.999, "{large:?}");
}

/// The docs show `just run chess` at its defaults: sync's and tokio's output, and the table.
#[test]
fn docs_output_is_fresh() {
    let _turn = one_at_a_time();
    let run = run(&[]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let section = |label: &str| -> String {
        let header = format!("── {label} ──");
        let start =
            stdout.find(&header).unwrap_or_else(|| panic!("no {header}:\n{stdout}"));
        let end = stdout[start..].find("\n\n").map_or(stdout.len(), |e| start + e + 1);
        stdout[start..end].to_owned()
    };
    let table = stdout
        .find("\nruntime ")
        .map(|at| stdout[at + 1..].to_owned())
        .expect("no table");
    let outputs = workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs");
    check_docs_output(&outputs.join("chess-sync.txt"), &section("sync"));
    check_docs_output(&outputs.join("chess-tokio.txt"), &section("tokio"));
    let ideal_lines: String = stdout
        .lines()
        .filter(|l| l.starts_with("ideal, "))
        .map(|l| format!("{l}\n"))
        .collect();
    check_docs_output(&outputs.join("chess-ideal.txt"), &ideal_lines);
    // Wall times near a second flip between "998.2ms" and "1.014s": only the rows must match.
    check_loosely(&outputs.join("chess-table.txt"), &table, |line| {
        line.split("  ").next().unwrap_or_default().to_owned()
    });
    // The default run, as promised: every variant within 5% of its ideal. Skipped under
    // load, where the table's figures would be noise.
    for line in ideal_lines.lines() {
        let off = number_after(line, "this run ").unwrap_or_else(|| panic!("{line}"));
        assert!(!line.contains("this run -"), "a variant beat its ideal: {line}");
        if std::env::var_os("CHESS_STRICT").is_some() {
            assert!(off < 5.0, "more than 5% off the ideal: {line}");
        }
    }
}

/// The timeline pictures in the chapter: a small exhibition, sync against tokio, then tokio.
#[test]
fn docs_output_timeline_is_fresh() {
    let _turn = one_at_a_time();
    let run = run(&[
        "sync",
        "tokio",
        "--opponents",
        "4",
        "--moves",
        "3",
        "--unit",
        "2ms",
        "--timeline",
        "--no-table",
    ]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    let chart =
        stdout.find("timeline").map(|at| stdout[at..].to_owned()).expect("no timeline");
    let outputs = workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs");
    check_chart(&outputs.join("chess-timeline.txt"), &chart);
    // tokio alone, on its own axis: the rounds, and the gaps where she waits for a reply.
    let alone = Run::new(
        BIN,
        ["tokio", "--opponents", "4", "--moves", "3", "--unit", "2ms", "--timeline"],
    );
    assert!(alone.success(), "{}", alone.stderr());
    let stdout = alone.stdout();
    let chart =
        stdout.find("timeline").map(|at| stdout[at..].to_owned()).expect("no timeline");
    check_chart(&outputs.join("chess-timeline-tokio.txt"), &chart);
}

/// Like [`check_docs_output`], for a chart: where the marks fall moves with the machine's
/// timing, so only the chart's frame (titles, labels, rows) has to match.
fn check_chart(path: &Path, chart: &str) {
    check_loosely(path, chart, |line| {
        line.split('|').next().unwrap_or_default().to_owned()
    });
}

/// Like [`check_docs_output`], comparing only what `keep` keeps of each line.
fn check_loosely(path: &Path, output: &str, keep: fn(&str) -> String) {
    if std::env::var_os("UPDATE_DOCS").is_some() {
        check_docs_output(path, output);
        return;
    }
    let frame = |text: &str| -> String {
        let kept: Vec<String> = text.lines().map(keep).collect();
        normalise(&kept.join("\n"))
    };
    let captured = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{} is missing ({e}): run `just docs-outputs`", path.display())
    });
    assert_eq!(
        frame(&captured),
        frame(output),
        "{} is stale: run `just docs-outputs`",
        path.display()
    );
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
}

#[test]
fn limits_are_checked_before_any_row_runs() {
    // threads is the second row: the refusal comes before sync has played a move.
    let run = run(&["sync", "threads", "--opponents", "1001", "--moves", "1"]);
    run.assert_usage_error("threads: this program starts a thread per board");
}
