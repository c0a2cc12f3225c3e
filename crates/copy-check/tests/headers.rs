//! Every variant file's header names exactly the crates its code uses: the `cargo add` line
//! is what a reader pastes, and a crate missing from it (or one too many) is caught here,
//! before `just copy-check` builds anything. Features are proved by the copy build itself.

use std::path::PathBuf;

use copy_check::{Header, crates_used, known_crates, variant_files};

fn root() -> PathBuf {
    testing::workspace_root(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_header_lists_exactly_the_crates_its_file_uses() {
    let known = known_crates(&root()).unwrap();
    assert!(known.contains("tokio") && known.contains("pyrandom"), "{known:?}");
    let variants = variant_files(&root()).unwrap();
    assert!(variants.len() >= 60, "found only {} variant files", variants.len());
    let mut wrong = Vec::new();
    for variant in &variants {
        let source = std::fs::read_to_string(&variant.path).unwrap();
        let header = match Header::parse(&source) {
            Ok(header) => header,
            Err(err) => {
                wrong.push(format!("{variant}: {err:#}"));
                continue;
            }
        };
        let declared = header.crate_names();
        let used = crates_used(&source, &known);
        if declared != used {
            let missing: Vec<_> = used.difference(&declared).collect();
            let unused: Vec<_> = declared.difference(&used).collect();
            wrong.push(format!("{variant}: the header misses {missing:?} and adds {unused:?} unused"));
        }
        // The workspace's own crates are not on crates.io: only pyrandom may be added, by path.
        for dependency in &header.dependencies {
            if dependency.path.is_some() != (dependency.name == "pyrandom") {
                wrong.push(format!(
                    "{variant}: {} must come from crates.io (pyrandom by --path)",
                    dependency.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {} variant files:\n{}", wrong.len(), variants.len(), wrong.join("\n"));
}

#[test]
fn every_header_says_how_to_run_it() {
    for variant in variant_files(&root()).unwrap() {
        let source = std::fs::read_to_string(&variant.path).unwrap();
        let run = source.lines().take_while(|l| l.starts_with("//!")).find(|l| l.starts_with("//! Run: "));
        let expected = format!("`just run {} {}`", variant.example, variant.runtime);
        assert!(run.is_some_and(|l| l.contains(&expected)), "{variant}: no `//! Run: ... {expected}` line");
    }
}

/// Each chapter's "Copy a variant" box is made from the headers: `UPDATE_DOCS=1` rewrites it.
#[test]
fn docs_copy_boxes_are_fresh() {
    let variants = variant_files(&root()).unwrap();
    let examples: std::collections::BTreeSet<&str> = variants.iter().map(|v| v.example.as_str()).collect();
    let mut stale = Vec::new();
    for example in examples {
        let text = copy_check::copy_box(example, &variants).unwrap();
        let path = root().join(format!("docs/src/outputs/{example}-copy.md"));
        // Every box is written (or checked) before any failure is reported.
        if std::panic::catch_unwind(|| testing::check_docs_output(&path, &text)).is_err() {
            stale.push(format!(
                "{} (run `UPDATE_DOCS=1 cargo test -p copy-check --test headers`)",
                path.display()
            ));
        }
        let chapter =
            std::fs::read_to_string(root().join(format!("docs/src/{example}.md"))).unwrap_or_default();
        if !chapter.contains(&format!("{{{{#include outputs/{example}-copy.md}}}}")) {
            stale.push(format!("docs/src/{example}.md does not include its copy box"));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}
