//! `just charts`: measures every chart of the book (`charts measure`), then draws them
//! (`charts draw`). `charts measure NAME ...` measures only those; `charts draw` draws every
//! chart whose data is in docs/data/ without measuring anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default()
}

fn run(args: &[String]) -> anyhow::Result<()> {
    let root = root();
    let all = charts::charts();
    match args.first().map(String::as_str) {
        Some("measure") => {
            let names = &args[1..];
            for chart in all.iter().filter(|c| names.is_empty() || names.iter().any(|n| n == c.name)) {
                let points = charts::measure(chart, &root)?;
                let path = root.join("docs/data").join(format!("{}.csv", chart.name));
                std::fs::write(&path, charts::to_csv(chart, &points))
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("charts: wrote {}", path.display());
            }
            Ok(())
        }
        Some("draw") => {
            for chart in &all {
                let data = root.join("docs/data").join(format!("{}.csv", chart.name));
                let Ok(text) = std::fs::read_to_string(&data) else {
                    eprintln!("charts: {} has no data yet (charts measure {})", chart.name, chart.name);
                    continue;
                };
                let svg = charts::draw(chart, &charts::from_csv(&text)?)?;
                let path = root.join("docs/src/pictures").join(format!("{}.svg", chart.name));
                std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
                eprintln!("charts: drew {}", path.display());
            }
            Ok(())
        }
        _ => anyhow::bail!("usage: charts measure [NAME ...] | charts draw"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
