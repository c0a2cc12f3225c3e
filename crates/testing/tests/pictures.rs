//! The book's timeline pictures are drawn by `just pictures` from the commands in
//! `docs/pictures.txt`. Each is drawn again here and compared in shape with the committed
//! file: the same runtimes, the same rows. A picture that is missing, or whose rows no longer
//! match what the program prints, fails the test: run `just pictures` and commit the result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    testing::workspace_root(env!("CARGO_MANIFEST_DIR"))
}

fn binary(name: &str) -> PathBuf {
    let test = std::env::current_exe().expect("this test's path");
    let path = test.parent().and_then(Path::parent).expect("target/<profile>").join(name);
    assert!(path.is_file(), "{} is not built: run `cargo build --workspace --bins` first", path.display());
    path
}

/// The (runtime, row) pairs of a timeline picture, from its rows' `data-` attributes.
fn shape(svg: &str) -> BTreeSet<(String, String)> {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        Some(tag[start..end].to_owned())
    };
    svg.split("<g class=\"row\"")
        .skip(1)
        // A row's name may hold a number (a pid, a count): only its words must match.
        .filter_map(|tag| {
            let row = testing::normalise(&attribute(tag, "data-row")?).trim_end().to_owned();
            Some((attribute(tag, "data-runtime")?, row))
        })
        .collect()
}

#[test]
fn every_picture_is_there_and_has_the_rows_a_fresh_run_draws() {
    let manifest = std::fs::read_to_string(root().join("docs/pictures.txt")).expect("docs/pictures.txt");
    let scratch = std::env::temp_dir().join(format!("pictures-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    let mut checked = 0;
    for line in manifest.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (picture, example, args) = (words[0], words[1], &words[2..]);
        let committed = root().join("docs/src/pictures").join(picture);
        let committed = std::fs::read_to_string(&committed)
            .unwrap_or_else(|e| panic!("{}: {e}: run `just pictures`", committed.display()));
        let fresh = scratch.join(picture);
        let status = Command::new(binary(example))
            .args(args)
            .args(["--no-table", "--timeline-svg"])
            .arg(&fresh)
            .stdout(Stdio::null())
            .env_remove(walkthrough::CHILD_ENV)
            .status()
            .expect("the example runs");
        assert!(status.success(), "{example} {}: {status}", args.join(" "));
        let fresh = std::fs::read_to_string(&fresh).expect("the fresh picture");
        assert!(!shape(&committed).is_empty(), "{picture} has no rows");
        assert_eq!(shape(&committed), shape(&fresh), "{picture} is stale: run `just pictures` and commit it");
        checked += 1;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(checked >= 3, "only {checked} pictures listed");
}

/// Every picture a chapter shows is in `docs/src/pictures/` (the timelines of
/// `docs/pictures.txt`, and the charts `just charts` draws).
#[test]
fn every_picture_the_book_shows_exists() {
    let mut shown = 0;
    let mut chapters = vec![root().join("docs/src")];
    while let Some(dir) = chapters.pop() {
        for entry in std::fs::read_dir(&dir).expect("a docs folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                chapters.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a chapter");
            for (at, _) in text.match_indices("](") {
                let target = text[at + 2..].split(')').next().unwrap_or_default();
                if target.ends_with(".svg") {
                    let picture = path.parent().expect("a folder").join(target);
                    assert!(picture.is_file(), "{} shows {target}, which is missing", path.display());
                    shown += 1;
                }
            }
        }
    }
    assert!(shown >= 10, "only {shown} pictures shown in the book");
}
