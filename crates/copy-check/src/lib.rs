//! What `just copy-check` needs to know about a variant file: where the variant files are,
//! what their headers promise (the `cargo add` line), and which crates their code uses.
//!
//! Every `examples/<example>/src/variants/<runtime>.rs` opens with a `//!` header that holds
//! one line of the form
//!
//! ```text
//! //! Dependencies: `cargo add tokio --features macros,rt,time`
//! //! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! ```
//!
//! The line is what a reader pastes into a new package before copying the file in as its
//! `src/main.rs`. Several commands may be joined with `&&` inside the one pair of backticks.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// The marker of the header line that lists a variant's dependencies.
pub const DEPENDENCIES: &str = "//! Dependencies:";

/// One variant file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VariantFile {
    /// The example's name (its folder, and its binary).
    pub example: String,
    /// The runtime's command-line name, e.g. `async-std`.
    pub runtime: String,
    /// The file.
    pub path: PathBuf,
}

impl VariantFile {
    /// The name of the package a copy of this file goes into, e.g. `count-async-std`.
    pub fn package(&self) -> String {
        format!("{}-{}", self.example, self.runtime)
    }
}

impl fmt::Display for VariantFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.example, self.runtime)
    }
}

/// Every variant file under `root/examples`, sorted by example, then runtime in the runner's
/// order.
pub fn variant_files(root: &Path) -> anyhow::Result<Vec<VariantFile>> {
    let examples = root.join("examples");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&examples).with_context(|| format!("reading {}", examples.display()))? {
        let dir = entry?.path();
        let Some(example) = dir.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        let variants = dir.join("src/variants");
        let Ok(files) = std::fs::read_dir(&variants) else { continue };
        for file in files {
            let path = file?.path();
            let Some(stem) = path.file_stem().and_then(|n| n.to_str()) else { continue };
            if path.extension().is_some_and(|e| e == "rs") && stem != "mod" {
                found.push(VariantFile { example: example.clone(), runtime: stem.replace('_', "-"), path });
            }
        }
    }
    found.sort_by_key(|v| {
        (v.example.clone(), RUNTIMES.iter().position(|r| *r == v.runtime), v.runtime.clone())
    });
    Ok(found)
}

/// The runtimes in the order the runner lists them.
const RUNTIMES: [&str; 9] =
    ["sync", "threads", "processes", "own", "tokio", "smol", "async-std", "futures", "rayon"];

/// A crate that a header's `cargo add` line adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The crate's name as Cargo spells it (`futures-timer`).
    pub name: String,
    /// The features asked for with `--features`/`-F`.
    pub features: Vec<String>,
    /// Set for `--path`: the folder the crate comes from.
    pub path: Option<String>,
}

/// What a variant's header promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The shell commands, exactly as the header gives them (empty: std only).
    pub commands: Vec<String>,
    /// The crates those commands add.
    pub dependencies: Vec<Dependency>,
}

impl Header {
    /// Reads the `Dependencies:` line of a variant file's `//!` header.
    pub fn parse(source: &str) -> anyhow::Result<Header> {
        let line = source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .find(|l| l.starts_with(DEPENDENCIES))
            .with_context(|| format!("the header has no `{DEPENDENCIES}` line"))?;
        let rest = line[DEPENDENCIES.len()..].trim();
        if rest.starts_with("none") {
            return Ok(Header { commands: Vec::new(), dependencies: Vec::new() });
        }
        let Some(command) = rest.strip_prefix('`').and_then(|r| r.split_once('`')).map(|(c, _)| c) else {
            bail!("expected `cargo add ...` in backticks, or `none`, after {DEPENDENCIES}: {line}");
        };
        let commands: Vec<String> = command.split("&&").map(|c| c.trim().to_owned()).collect();
        let mut dependencies = Vec::new();
        for command in &commands {
            dependencies.extend(parse_cargo_add(command)?);
        }
        Ok(Header { commands, dependencies })
    }

    /// The crates added, as code names them (`futures_timer`).
    pub fn crate_names(&self) -> BTreeSet<String> {
        self.dependencies.iter().map(|d| d.name.replace('-', "_")).collect()
    }
}

/// The crates one `cargo add ...` command adds.
fn parse_cargo_add(command: &str) -> anyhow::Result<Vec<Dependency>> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let ["cargo", "add", args @ ..] = words.as_slice() else {
        bail!("not a `cargo add` command: {command}");
    };
    let mut names = Vec::new();
    let mut features = Vec::new();
    let mut path = None;
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        match arg {
            "--features" | "-F" => {
                let list = args.next().with_context(|| format!("{arg} without a value: {command}"))?;
                features.extend(list.split(',').filter(|f| !f.is_empty()).map(str::to_owned));
            }
            "--path" => {
                path = Some(args.next().with_context(|| format!("--path without a value: {command}"))?);
            }
            "--no-default-features" => {}
            flag if flag.starts_with('-') => bail!("unexpected flag {flag} in: {command}"),
            name => names.push(name.split('@').next().unwrap_or(name).to_owned()),
        }
    }
    if let Some(path) = path {
        if !names.is_empty() {
            bail!("`cargo add --path` adds the one crate at the path, not {names:?}: {command}");
        }
        let name = Path::new(*path).file_name().and_then(|n| n.to_str()).context("--path has no name")?;
        names.push(name.to_owned());
    }
    if names.is_empty() {
        bail!("`cargo add` without a crate: {command}");
    }
    if !features.is_empty() && names.len() > 1 {
        bail!("give each crate with features its own `cargo add`: {command}");
    }
    Ok(names
        .into_iter()
        .map(|name| Dependency { name, features: features.clone(), path: path.map(|p| (*p).to_owned()) })
        .collect())
}

/// The crates among `known` (as code names them) that `source` uses: in `use` items, in
/// paths such as `tokio::spawn`, and in attributes such as `#[tokio::main]`.
pub fn crates_used(source: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    let mut used = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &code[start..i];
            // A path's first segment: not after `::` or `.`, and followed by `::`.
            let before = code[..start].trim_end();
            let first = !(before.ends_with("::") || before.ends_with('.'));
            // A bare name (`use anyhow;`, `use {a, b}`) counts only inside a `use` item: a
            // variable called `url` in `f(a, url, b)` is not the url crate.
            let statement = code[..start].rsplit([';', '}']).next().unwrap_or_default().trim_start();
            let in_use = statement.starts_with("use ") || statement.starts_with("pub use ");
            let after_use =
                in_use && (before.ends_with("use") || before.ends_with('{') || before.ends_with(','));
            let rest = &code[i..];
            let is_path = rest.starts_with("::")
                || (after_use && [";", ",", "}", " as "].iter().any(|end| rest.starts_with(end)));
            if first && is_path && known.contains(word) {
                used.insert(word.to_owned());
            }
        } else if c == b'"' {
            // Skip string literals: a format string may mention `tokio::spawn`.
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    used
}

/// The crates the workspace pins in `[workspace.dependencies]`, as code names them: the ones
/// a variant may use.
pub fn known_crates(root: &Path) -> anyhow::Result<BTreeSet<String>> {
    let manifest = root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let mut in_table = false;
    let mut known = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line == "[workspace.dependencies]";
        } else if in_table && let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                known.insert(name.replace('-', "_"));
            }
        }
    }
    Ok(known)
}

/// The "Copy a variant" box of an example's chapter: for each runtime, its file and the
/// `cargo add` line of its header, then the command that runs it. The chapter includes it from
/// `docs/src/outputs/<example>-copy.md`, which a test keeps in step with the headers.
pub fn copy_box(example: &str, variants: &[VariantFile]) -> anyhow::Result<String> {
    let mut out = format!(
        "Every variant is one file, a whole program. To start from one, make a package \
         (`cargo new my-{example}`), run the line for its runtime in it, and copy the file over \
         `src/main.rs`; then `cargo run --release` prints what `just run {example} <runtime>` prints.\n\n"
    );
    let mut path = false;
    for variant in variants.iter().filter(|v| v.example == example) {
        let source = std::fs::read_to_string(&variant.path)
            .with_context(|| format!("reading {}", variant.path.display()))?;
        let header = Header::parse(&source)?;
        let file = variant.path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let add = match header.commands.as_slice() {
            [] => "nothing to add (std only)".to_owned(),
            commands => format!("`{}`", commands.join(" && ")),
        };
        path |= header.dependencies.iter().any(|d| d.path.is_some());
        let label =
            if variant.runtime == "async-std" { "async-std (legacy)" } else { variant.runtime.as_str() };
        out.push_str(&format!("- **{label}** (`examples/{example}/src/variants/{file}`): {add}\n"));
    }
    if path {
        out.push_str(
            "\n`pyrandom` (CPython's random numbers, so that the output is the tutorial's) is not \
             on crates.io: the line adds it from a clone of this repository next to your package. \
             Where the exact numbers don't matter, the `rand` crate does the same job.\n",
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        ["tokio", "futures", "futures_timer", "smol", "pyrandom", "tracing", "anyhow"]
            .map(str::to_owned)
            .into()
    }

    #[test]
    fn reads_the_dependencies_line() {
        let header = Header::parse(
            "//! `count` on tokio.\n//!\n//! Dependencies: `cargo add tokio --features macros,rt,time`\n\
             //! Run: `cargo run`\n\nfn main() {}\n",
        )
        .unwrap();
        assert_eq!(header.commands, ["cargo add tokio --features macros,rt,time"]);
        assert_eq!(header.dependencies[0].features, ["macros", "rt", "time"]);
        assert_eq!(header.crate_names(), BTreeSet::from(["tokio".to_owned()]));
    }

    #[test]
    fn reads_several_commands_and_a_path() {
        let header = Header::parse(
            "//! Dependencies: `cargo add futures futures-timer && cargo add --path ../aw/crates/pyrandom`\n",
        )
        .unwrap();
        let names: Vec<&str> = header.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["futures", "futures-timer", "pyrandom"]);
        assert_eq!(header.dependencies[2].path.as_deref(), Some("../aw/crates/pyrandom"));
        assert_eq!(
            header.crate_names().into_iter().collect::<Vec<_>>(),
            ["futures", "futures_timer", "pyrandom"]
        );
    }

    #[test]
    fn std_only_and_malformed_headers() {
        assert!(Header::parse("//! Dependencies: none, std only.\n").unwrap().dependencies.is_empty());
        assert!(Header::parse("//! A header without the line.\n").is_err());
        assert!(Header::parse("//! Dependencies: cargo add tokio\n").is_err());
        assert!(Header::parse("//! Dependencies: `cargo install tokio`\n").is_err());
        assert!(Header::parse("//! Dependencies: `cargo add tokio smol --features rt`\n").is_err());
        // The line must be in the header, not further down.
        assert!(Header::parse("//! x\nfn main() {}\n//! Dependencies: none\n").is_err());
    }

    #[test]
    fn finds_the_crates_a_file_uses() {
        let source = r#"
//! Uses tokio::spawn in prose, which does not count.
use std::time::Duration;
use futures_timer::Delay;
use {anyhow, smol as s};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("pyrandom::PyRandom in a string does not count");
    let x = self.futures::y; // a field, not a crate
    let tokio = f(a, smol, b); // variables named like crates
    futures::join!(a(), b());
}
"#;
        let used = crates_used(source, &known());
        assert_eq!(
            used.into_iter().collect::<Vec<_>>(),
            ["anyhow", "futures", "futures_timer", "smol", "tokio"]
        );
    }
}
