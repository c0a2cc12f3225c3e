//! Runs the built `generators` binary for every runtime and checks the sequence each prints:
//! the concept fixes it exactly, so it is compared line by line, in order.

use testing::{Run, check_docs_output, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_generators");
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// What every variant prints for `jumping_range(5)`, driven as next, send(2), next, send(-1),
/// then iterated to the end.
const SEQUENCE: [&str; 7] = [
    "next(gen) -> 0",
    "gen.send(2) -> 2",
    "next(gen) -> 3",
    "gen.send(-1) -> 2",
    "for i in gen -> 3",
    "for i in gen -> 4",
    "jumping_range(5) yielded [0, 2, 3, 2, 3, 4]",
];

/// What every variant prints after it: the 2018 walkthrough's `endless()`, paused when the
/// total reaches 100, then resumed for three more values.
const ENDLESS: [&str; 2] = [
    "for i in endless() -> 9 8 7 6 9 8 7 6 9 8 7 6 9 8",
    "next(e), next(e), next(e) -> (6, 9, 8)",
];

/// What the sync variant and the Python peer print after that: a coroutine driven by hand.
const BY_HAND: [&str; 10] = [
    "",
    "driving both() by hand:",
    "both() created: nothing has run yet",
    "  first: started",
    "poll 1: Pending",
    "  first: resumed, returning 1",
    "  second: started",
    "poll 2: Pending",
    "  second: resumed, returning 2",
    "poll 3: Ready(3)",
];

/// The generator's part of a run's output: every line up to the "yielded" one.
fn sequence(run: &Run) -> Vec<String> {
    let lines = run.lines();
    let end =
        lines.iter().position(|l| l.contains(" yielded ")).map_or(lines.len(), |i| i + 1);
    lines[..end].to_vec()
}

#[test]
fn every_variant_yields_0_2_3_2_3_4() {
    for runtime in RUST {
        let run = run(&[runtime]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        assert_eq!(sequence(&run), SEQUENCE, "{runtime}");
    }
}

#[test]
fn every_variant_pauses_and_resumes_endless() {
    for runtime in RUST {
        let run = run(&[runtime]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let lines = run.lines();
        assert_eq!(lines[SEQUENCE.len()..SEQUENCE.len() + 2], ENDLESS, "{runtime}");
    }
}

#[test]
fn only_sync_drives_an_async_fn_by_hand() {
    let sync = run(&["sync"]);
    assert!(sync.success(), "{}", sync.stderr());
    assert_eq!(sync.lines()[SEQUENCE.len() + ENDLESS.len()..], BY_HAND);
    for runtime in &RUST[1..] {
        let other = run(&[runtime]);
        assert_eq!(
            other.lines().len(),
            SEQUENCE.len() + ENDLESS.len(),
            "{runtime} printed more than the sequence and endless()"
        );
    }
}

#[test]
fn the_variants_agree_on_every_range_including_the_ones_that_stop_early() {
    for up_to in ["0", "1", "2", "3", "4", "6", "9"] {
        let expected = sequence(&run(&["sync", "--up-to", up_to]));
        let stops = expected.iter().filter(|l| l.ends_with("-> StopIteration")).count();
        match up_to {
            "0" => assert_eq!(stops, 4, "{expected:?}"),
            "1" | "2" => assert_eq!(stops, 3, "{expected:?}"),
            "3" => assert_eq!(stops, 2, "{expected:?}"),
            _ => assert_eq!(stops, 0, "{expected:?}"),
        }
        for runtime in &RUST[1..] {
            let run = run(&[runtime, "--up-to", up_to]);
            assert!(run.success(), "{runtime} --up-to {up_to}: {}", run.stderr());
            assert_eq!(sequence(&run), expected, "{runtime} --up-to {up_to}");
        }
    }
    // A longer range: after the four driven steps, the loop walks from 3 to the end.
    let lines = sequence(&run(&["tokio", "--up-to", "9"]));
    assert_eq!(
        lines.last().unwrap(),
        "jumping_range(9) yielded [0, 2, 3, 2, 3, 4, 5, 6, 7, 8]"
    );
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    for up_to in ["5", "1"] {
        let run = run(&["python", "--up-to", up_to]);
        assert!(run.success(), "{}", run.stderr());
        let lines = run.lines();
        if lines.first().is_some_and(|l| l.starts_with("skipped")) {
            assert_eq!(lines, ["skipped: python3 not found"]);
            return;
        }
        assert_eq!(lines, run_sync(up_to), "--up-to {up_to}");
    }
}

fn run_sync(up_to: &str) -> Vec<String> {
    run(&["sync", "--up-to", up_to]).lines()
}

#[test]
fn all_prints_a_header_per_runtime_and_a_table() {
    let run = run(&["all"]);
    assert!(run.success(), "{}", run.stderr());
    let stdout = run.stdout();
    for label in
        ["sync", "threads", "tokio", "smol", "async-std (legacy)", "futures", "python"]
    {
        assert!(
            stdout.contains(&format!("── {label} ──")),
            "no header for {label}:\n{stdout}"
        );
    }
    assert!(stdout.lines().any(|l| l.starts_with("runtime ")), "no table:\n{stdout}");
    assert_eq!(
        stdout.matches("jumping_range(5) yielded [0, 2, 3, 2, 3, 4]").count(),
        7,
        "{stdout}"
    );
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    // Another range runs the variant's `run(params)` instead.
    let run = run(&["tokio", "--up-to", "3", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["--up-to", "x"]).assert_usage_error("--up-to");
    run(&["--up-to", "10001"]).assert_usage_error("0..=10000");
    run(&["--up-to", "-1"]).assert_usage_error("-1");
    run(&["--up-to"]).assert_usage_error("--up-to");
    run(&["rayon"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
}

#[test]
fn docs_output_is_fresh() {
    let run = run(&RUST);
    assert!(run.success(), "{}", run.stderr());
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/generators.txt");
    check_docs_output(&path, &run.stdout());
}
