//! Runs the built `streams` binary for every runtime and checks what it collects (exactly) and
//! how long each collection took, in units: a comprehension over the stream takes the sum of
//! its sleeps, the concurrent form a fraction of that. Timing is checked with generous margins.

use testing::{Run, check_docs_output, number_after, workspace_root};

const BIN: &str = env!("CARGO_BIN_EXE_streams");
const UNIT: &str = "25ms";
const UP_TO: &str = "8";
const ITEMS: f64 = 8.0;
const RUST: [&str; 6] = ["sync", "threads", "tokio", "smol", "async-std", "futures"];
const CONCURRENT: [&str; 5] = ["threads", "tokio", "smol", "async-std", "futures"];

fn run(args: &[&str]) -> Run {
    Run::new(BIN, args)
}

/// One printed line, `name = [..] in X seconds.`, split into its list and its time.
#[derive(Debug)]
struct Collected {
    list: String,
    seconds: f64,
}

/// The `g`, `f` and `c` lines of a run, in that order.
fn collected(run: &Run) -> [Collected; 3] {
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "expected three lines: {lines:?}");
    ["g", "f", "c"].map(|name| {
        let prefix = format!("{name} = ");
        let line = lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {name}: {lines:?}"));
        let (list, time) = line[prefix.len()..].split_once(" in ").expect("no ' in '");
        assert!(time.ends_with(" seconds."), "{line}");
        let seconds =
            number_after(line, "] in ").unwrap_or_else(|| panic!("no time in {line}"));
        Collected { list: list.to_owned(), seconds }
    })
}

const G: &str = "[1, 2, 4, 8, 16, 32, 64, 128]";
/// The items with `not (j // 3 % 5)`, the filter of both editions' programs.
const F: &str = "[1, 2, 16, 32]";

/// Every variant's `g` and `f`: the lists exactly, and the time of one sleep per item at least.
fn check_comprehensions(runtime: &str, [g, f, _]: &[Collected; 3]) {
    assert_eq!(g.list, G, "{runtime}: g");
    assert_eq!(f.list, F, "{runtime}: f (the items with not (j // 3 % 5))");
    for (name, it) in [("g", g), ("f", f)] {
        // The sleeps run one after another: their sum is a floor (printed to 0.01).
        assert!(
            it.seconds >= ITEMS - 0.01,
            "{runtime}: {name} took {} units, less than {ITEMS} sleeps",
            it.seconds
        );
        assert!(
            it.seconds < ITEMS * 1.5 + 1.0,
            "{runtime}: {name} took {} units",
            it.seconds
        );
    }
}

#[test]
fn consuming_a_stream_takes_the_sum_of_its_sleeps_and_gather_does_not() {
    for runtime in CONCURRENT {
        let run = run(&[runtime, "--unit", UNIT, "--up-to", UP_TO]);
        assert!(run.success(), "{runtime}: {}", run.stderr());
        let collected = collected(&run);
        check_comprehensions(runtime, &collected);
        let [g, _, c] = &collected;
        assert_eq!(c.list, G, "{runtime}: c");
        assert!(
            c.seconds >= 1.0 - 0.01,
            "{runtime}: c took {} units, less than one sleep",
            c.seconds
        );
        assert!(
            c.seconds < 0.6 * g.seconds,
            "{runtime}: c took {} units against g's {}: the sleeps did not overlap",
            c.seconds,
            g.seconds
        );
    }
}

#[test]
fn sync_has_no_concurrent_form() {
    let run = run(&["sync", "--unit", UNIT, "--up-to", UP_TO]);
    assert!(run.success(), "{}", run.stderr());
    let collected = collected(&run);
    check_comprehensions("sync", &collected);
    let c = &collected[2];
    assert_eq!(c.list, G);
    assert!(c.seconds >= ITEMS - 0.01, "sync c took {} units", c.seconds);
}

#[test]
fn every_variant_collects_the_same_lists_for_any_length() {
    let lists = |run: &Run| -> Vec<String> { collected(run).map(|c| c.list).to_vec() };
    for (up_to, g, f) in
        [("0", "[]", "[]"), ("1", "[1]", "[1]"), ("3", "[1, 2, 4]", "[1, 2]")]
    {
        for runtime in RUST {
            let run = run(&[runtime, "--unit", "2ms", "--up-to", up_to]);
            assert!(run.success(), "{runtime} --up-to {up_to}: {}", run.stderr());
            assert_eq!(lists(&run), [g, f, g], "{runtime} --up-to {up_to}");
        }
    }
    // The largest power that fits: 2^62, and no overflow on the way.
    let run = run(&["futures", "--unit", "1ms", "--up-to", "63"]);
    assert!(run.success(), "{}", run.stderr());
    assert!(
        collected(&run)[2].list.ends_with(", 4611686018427387904]"),
        "{}",
        run.stdout()
    );
}

#[test]
fn each_edition_collects_its_programs_lists() {
    let editions = [
        (None, "[1, 2, 4, 8, 16]", "[1, 2, 16]"),
        (Some("2025"), "[1, 2, 4, 8, 16]", "[1, 2, 16]"),
        (
            Some("2018"),
            "[1, 2, 4, 8, 16, 32, 64, 128, 256, 512]",
            "[1, 2, 16, 32, 256, 512]",
        ),
    ];
    for runtime in RUST.into_iter().chain(["python"]) {
        for (edition, g, f) in editions {
            let mut args = vec![runtime, "--unit", "2ms"];
            args.extend(edition.map(|year| ["--edition", year]).iter().flatten());
            let run = run(&args);
            assert!(run.success(), "{args:?}: {}", run.stderr());
            if run.python_skipped() {
                continue;
            }
            let [got_g, got_f, got_c] = collected(&run);
            assert_eq!(
                [got_g.list.as_str(), got_f.list.as_str(), got_c.list.as_str()],
                [g, f, g],
                "{args:?}"
            );
        }
    }
}

#[test]
fn python_peer_prints_the_same_lines_or_is_skipped() {
    let run = run(&["python", "--unit", UNIT, "--up-to", UP_TO]);
    assert!(run.success(), "{}", run.stderr());
    let lines = run.lines();
    if lines.first().is_some_and(|l| l.starts_with("skipped")) {
        assert_eq!(lines, ["skipped: python3 not found"]);
        return;
    }
    let collected = collected(&run);
    check_comprehensions("python", &collected);
    let [g, _, c] = &collected;
    assert_eq!(c.list, G);
    assert!(
        c.seconds < 0.6 * g.seconds,
        "python: c {} against g {}",
        c.seconds,
        g.seconds
    );
}

#[test]
fn all_prints_a_header_per_runtime_and_one_table_row_each() {
    let run = run(&["all", "--unit", "5ms", "--up-to", "4"]);
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
    // The table leaves out a skipped row (python, when python3 is missing).
    let ran = if testing::python3().is_some() { &expected[..] } else { &expected[..6] };
    let rows: Vec<String> = run.table().into_iter().map(|row| row.runtime).collect();
    assert_eq!(rows, ran, "{stdout}");
}

#[test]
fn the_runners_defaults_are_each_variants_own() {
    testing::assert_defaults_are_the_variants(BIN, &RUST);
    // Fewer items run the variant's `run(params)` instead.
    let run = run(&["tokio", "--up-to", "4", "--entry"]);
    assert_eq!(run.stdout().trim(), "run(params)");
}

#[test]
fn bad_input_is_a_one_line_error_with_status_2() {
    run(&["--up-to", "64"]).assert_usage_error("0..=63");
    run(&["--up-to", "x"]).assert_usage_error("--up-to");
    run(&["--up-to", "-1"]).assert_usage_error("-1");
    run(&["--unit", "0"]).assert_usage_error("greater than zero");
    run(&["rayon"]).assert_usage_error(
        "possible values: sync, threads, tokio, smol, async-std, futures, python",
    );
    run(&["--edition", "2019"]).assert_usage_error("possible values: 2018, 2025");
}

#[test]
fn docs_output_is_fresh() {
    // The default unit, as `just run streams` uses it.
    let run = run(&RUST);
    assert!(run.success(), "{}", run.stderr());
    let path =
        workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs/streams.txt");
    check_docs_output(&path, &run.stdout());
}

#[test]
fn docs_output_2018_is_fresh() {
    let run = run(&["tokio", "--edition", "2018"]);
    assert!(run.success(), "{}", run.stderr());
    let path = workspace_root(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src/outputs/streams-2018.txt");
    check_docs_output(&path, &run.stdout());
}
