//! `just copy-check [example] [runtime ...]`: copies each variant file alone into a new
//! package, adds the dependencies its header names (running its `cargo add` line as a reader
//! would), builds it with warnings denied, runs it with its own defaults, and compares what it
//! prints with what `<example> <runtime>` prints. A program that asks for Ctrl+C gets SIGINT
//! half a second later, as a reader would send it. Ends with a table; exits 1 if any failed.
//!
//! The packages go to a temporary folder, beside a link to this repository named
//! `async-walkthrough` (so a header's `cargo add --path ../async-walkthrough/crates/pyrandom`
//! works as written); they share one target folder, `target/copy-check`, so that each
//! dependency compiles once per set of features.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Parser;
use copy_check::{Header, VariantFile, variant_files};

/// Copies each variant file alone into a new package, builds it, runs it, and compares its
/// output with the runner's.
#[derive(Parser, Debug)]
#[command(name = "copy-check")]
struct Cli {
    /// The example to check [default: every example]
    example: Option<String>,
    /// Its runtimes to check [default: every one it has]
    runtimes: Vec<String>,
    /// Check one variant of every runtime (the shortest file of each): what CI runs
    #[arg(long, conflicts_with_all = ["example", "runtimes"])]
    sample: bool,
    /// How long a copied program (or the runner) may run before it counts as hanging
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
}

/// How one variant fared.
#[derive(Debug, Default)]
struct Outcome {
    builds: Option<bool>,
    runs: Option<bool>,
    matches: Option<bool>,
    /// How many runs it took to match.
    attempts: u32,
    seconds: f64,
    /// Why it failed, for the report after the table.
    why: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match check_all(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn check_all(cli: &Cli) -> anyhow::Result<bool> {
    let root = testing::workspace_root(env!("CARGO_MANIFEST_DIR"));
    let all = variant_files(&root)?;
    let chosen = choose(cli, all)?;

    let examples: BTreeSet<&str> = chosen.iter().map(|v| v.example.as_str()).collect();
    eprintln!(
        "copy-check: building the runner ({})",
        examples.iter().copied().collect::<Vec<_>>().join(", ")
    );
    let mut build = Command::new("cargo");
    build.current_dir(&root).args(["build", "--quiet", "--release"]);
    for example in &examples {
        build.args(["--package", example]);
    }
    let status = build.status().context("running cargo build")?;
    if !status.success() {
        bail!("the workspace does not build");
    }

    let scratch = std::env::temp_dir().join("async-walkthrough-copy-check");
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let link = scratch.join("async-walkthrough");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&root, &link).with_context(|| format!("linking {}", link.display()))?;
    let target = root.join("target/copy-check");

    // A copied IO variant talks to `just site`'s address by default: serve the site there (and
    // point the runner at it too) while they run.
    let needs_site = chosen
        .iter()
        .any(|v| std::fs::read_to_string(&v.path).is_ok_and(|source| source.contains(site::DEFAULT_URL)));
    let _site = if needs_site {
        let config = site::Config { addr: site::DEFAULT_ADDR, ..site::Config::for_just_site() };
        Some(
            site::Site::start(config)
                .with_context(|| format!("serving the site on {}", site::DEFAULT_URL))?,
        )
    } else {
        None
    };

    let mut results = Vec::new();
    for variant in &chosen {
        eprintln!("copy-check: {variant}");
        let start = Instant::now();
        let mut outcome = check_one(variant, &root, &scratch, &target, Duration::from_secs(cli.timeout));
        outcome.seconds = start.elapsed().as_secs_f64();
        if let Some(why) = &outcome.why {
            eprintln!("copy-check: {variant}: {why}");
        }
        results.push((variant, outcome));
    }

    print_table(&results);
    Ok(results.iter().all(|(_, o)| o.why.is_none()))
}

/// The variants the command line names.
fn choose(cli: &Cli, all: Vec<VariantFile>) -> anyhow::Result<Vec<VariantFile>> {
    if cli.sample {
        // For each runtime, its shortest file: every runtime's build and run, at the least cost.
        let mut shortest: Vec<(String, usize, VariantFile)> = Vec::new();
        for variant in all {
            let len = std::fs::metadata(&variant.path).map_or(usize::MAX, |m| m.len() as usize);
            match shortest.iter_mut().find(|(rt, ..)| *rt == variant.runtime) {
                Some(entry) if len < entry.1 => *entry = (variant.runtime.clone(), len, variant),
                Some(_) => {}
                None => shortest.push((variant.runtime.clone(), len, variant)),
            }
        }
        let mut sample: Vec<VariantFile> = shortest.into_iter().map(|(.., v)| v).collect();
        sample.sort_by_key(|v| v.runtime.clone());
        return Ok(sample);
    }
    let Some(example) = &cli.example else { return Ok(all) };
    let of_example: Vec<VariantFile> = all.into_iter().filter(|v| &v.example == example).collect();
    if of_example.is_empty() {
        bail!("no example '{example}' with variant files");
    }
    if cli.runtimes.is_empty() {
        return Ok(of_example);
    }
    let mut chosen = Vec::new();
    for runtime in &cli.runtimes {
        match of_example.iter().find(|v| &v.runtime == runtime) {
            Some(v) => chosen.push(v.clone()),
            None => {
                let names: Vec<&str> = of_example.iter().map(|v| v.runtime.as_str()).collect();
                bail!("{example} has no {runtime} variant (it has: {})", names.join(", "));
            }
        }
    }
    Ok(chosen)
}

fn check_one(
    variant: &VariantFile,
    root: &Path,
    scratch: &Path,
    target: &Path,
    timeout: Duration,
) -> Outcome {
    let mut outcome = Outcome::default();
    let package = scratch.join(variant.package());
    let copied = match scaffold(variant, &package, target) {
        Ok(()) => build(&package, target),
        Err(err) => Err(err),
    };
    if let Err(err) = copied {
        outcome.builds = Some(false);
        outcome.why = Some(format!("{err:#}"));
        return outcome;
    }
    outcome.builds = Some(true);

    let program = target.join("release").join(variant.package());
    // Where a variant's lines depend on which thread wins a race (rand's threads draw from one
    // generator), one run may print other lines than the next: a mismatch is run again, twice.
    for attempt in 1..=3 {
        let copy = match run(Command::new(&program), timeout) {
            Ok(stdout) => stdout,
            Err(err) => {
                outcome.runs = Some(false);
                outcome.why = Some(format!("the copy: {err:#}"));
                return outcome;
            }
        };
        outcome.runs = Some(true);
        let mut runner = Command::new(root.join("target/release").join(&variant.example));
        runner.arg(&variant.runtime);
        if std::fs::read_to_string(&variant.path).is_ok_and(|source| source.contains(site::DEFAULT_URL)) {
            runner.args(["--site", site::DEFAULT_URL]);
        }
        let expected = match run(runner, timeout) {
            Ok(stdout) => stdout,
            Err(err) => {
                outcome.why = Some(format!("the runner: {err:#}"));
                return outcome;
            }
        };
        let (copy_lines, runner_lines) = (lines(&copy), lines(&expected));
        outcome.matches = Some(copy_lines == runner_lines);
        outcome.attempts = attempt;
        if copy_lines == runner_lines {
            outcome.why = None;
            break;
        }
        let only_copy: Vec<&String> =
            copy_lines.iter().filter(|l| !runner_lines.contains(l)).take(5).collect();
        let only_runner: Vec<&String> =
            runner_lines.iter().filter(|l| !copy_lines.contains(l)).take(5).collect();
        outcome.why = Some(format!(
            "outputs differ ({} lines vs the runner's {}); only the copy printed {only_copy:?}; \
             only the runner printed {only_runner:?}",
            copy_lines.len(),
            runner_lines.len()
        ));
    }
    outcome
}

/// A new package with the header's dependencies and the file as its `src/main.rs`.
fn scaffold(variant: &VariantFile, package: &Path, target: &Path) -> anyhow::Result<()> {
    let source = std::fs::read_to_string(&variant.path)
        .with_context(|| format!("reading {}", variant.path.display()))?;
    let header = Header::parse(&source)?;
    if package.exists() {
        std::fs::remove_dir_all(package).with_context(|| format!("removing {}", package.display()))?;
    }
    let mut new = Command::new("cargo");
    new.args(["new", "--quiet", "--vcs", "none", "--bin", "--name", &variant.package()]).arg(package);
    quietly(new, "cargo new")?;
    for command in &header.commands {
        let mut add = Command::new("sh");
        add.args(["-c", command]).current_dir(package).env("CARGO_TARGET_DIR", target);
        quietly(add, command)?;
    }
    let main = package.join("src/main.rs");
    std::fs::copy(&variant.path, &main).with_context(|| format!("copying to {}", main.display()))?;
    Ok(())
}

/// `cargo build --release` with warnings denied.
fn build(package: &Path, target: &Path) -> anyhow::Result<()> {
    let mut build = Command::new("cargo");
    build
        .args(["build", "--quiet", "--release"])
        .current_dir(package)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings");
    quietly(build, "cargo build (warnings denied)")
}

/// Runs a command to completion, failing with its stderr when it fails.
fn quietly(mut command: Command, what: &str) -> anyhow::Result<()> {
    let output = command.stdin(Stdio::null()).output().with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("{what} failed ({}):\n{}", output.status, tail.join("\n"));
    }
    Ok(())
}

/// A program that asks for Ctrl+C (shutdown's "press Ctrl+C to interrupt") gets it this long
/// after it asks, as from a person at the keyboard: the copy and the runner alike.
const CTRL_C_AFTER: Duration = Duration::from_millis(500);

/// Runs a program with no stdin and `NO_COLOR` set, within `timeout`; returns its stdout.
fn run(mut command: Command, timeout: Duration) -> anyhow::Result<String> {
    let mut child = command
        .env("NO_COLOR", "1")
        .env_remove("WALKTHROUGH_CHILD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", command.get_program().to_string_lossy()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut stderr = child.stderr.take().context("no stderr")?;
    let (asked, asks) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains("press Ctrl+C") {
                let _ = asked.send(Instant::now());
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + timeout;
    let mut ctrl_c = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("still running after {} s: killed", timeout.as_secs());
        }
        if let Ok(at) = asks.try_recv() {
            ctrl_c = Some(at + CTRL_C_AFTER);
        }
        if ctrl_c.is_some_and(|at| Instant::now() >= at) {
            ctrl_c = None;
            Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .context("sending SIGINT with kill")?;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader.join().unwrap_or_default();
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        bail!("{status}; stderr: {}", errors.trim());
    }
    Ok(text)
}

/// The output's lines, normalised (numbers and durations evened out) and sorted: a multiset,
/// since concurrent variants may print in another order on another run.
fn lines(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = testing::normalise(output).lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

fn print_table(results: &[(&VariantFile, Outcome)]) {
    let mark = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "-",
    };
    println!(
        "{:<12} {:<10} {:>6} {:>5} {:>15} {:>8}",
        "example", "runtime", "builds", "runs", "output matches", "seconds"
    );
    println!("{}", "-".repeat(61));
    for (variant, o) in results {
        println!(
            "{:<12} {:<10} {:>6} {:>5} {:>15} {:>8.1}",
            variant.example,
            variant.runtime,
            mark(o.builds),
            mark(o.runs),
            match (o.matches, o.attempts) {
                (Some(true), n) if n > 1 => format!("yes ({n} runs)"),
                (m, _) => mark(m).to_owned(),
            },
            o.seconds
        );
    }
    let failed = results.iter().filter(|(_, o)| o.why.is_some()).count();
    println!("{} checked, {failed} failed", results.len());
}
