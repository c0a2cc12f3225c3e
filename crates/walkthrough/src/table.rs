//! The comparison table printed after every variant has run.

use std::fmt::Write as _;
use std::time::Duration;

use crate::child::Measurement;
use crate::runtime::Runtime;
use crate::unit::human;

/// What happened to one runtime of a run.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The child ran (successfully or not) and was measured.
    Ran(Measurement),
    /// The runtime could not be run here; the text says why.
    Skipped(String),
    /// Ctrl+C stopped it: measured up to then.
    Interrupted(Measurement),
}

impl Outcome {
    /// What was measured, if the child ran at all.
    pub fn measurement(&self) -> Option<&Measurement> {
        match self {
            Outcome::Ran(m) | Outcome::Interrupted(m) => Some(m),
            Outcome::Skipped(_) => None,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub runtime: Runtime,
    pub outcome: Outcome,
}

const HEADERS: [&str; 7] = ["runtime", "wall", "tutorial s", "CPU", "peak RSS", "threads", "vs sync"];

/// Renders the table: one row per runtime, numbers right-aligned, `vs sync` as a speed-up.
pub fn render(rows: &[Row], unit: Duration) -> String {
    let sync_wall = rows.iter().find_map(|row| match (&row.runtime, &row.outcome) {
        (Runtime::Sync, Outcome::Ran(m)) if m.status.success() => Some(m.wall),
        _ => None,
    });

    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| match &row.outcome {
            Outcome::Ran(m) | Outcome::Interrupted(m) => vec![
                row.runtime.label().to_owned(),
                human(m.wall),
                format!("{:.2}", m.wall.as_secs_f64() / unit.as_secs_f64()),
                human(m.cpu),
                mebibytes(m.peak_rss),
                m.peak_threads.to_string(),
                if matches!(row.outcome, Outcome::Interrupted(_)) {
                    "interrupted".to_owned()
                } else if !m.status.success() {
                    format!("failed ({})", m.status)
                } else if let Some(sync) = sync_wall {
                    format!("{:.2}x", sync.as_secs_f64() / m.wall.as_secs_f64())
                } else {
                    "-".to_owned()
                },
            ],
            Outcome::Skipped(why) => vec![row.runtime.label().to_owned(), format!("skipped: {why}")],
        })
        .collect();

    let mut widths = HEADERS.map(str::len);
    for row in cells.iter().filter(|row| row.len() == HEADERS.len()) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in &cells {
        widths[0] = widths[0].max(row[0].chars().count());
    }

    let mut out = String::new();
    let line = |out: &mut String, row: &[String]| {
        for (i, cell) in row.iter().enumerate() {
            let sep = if i == 0 { "" } else { "  " };
            if i == 0 || row.len() < HEADERS.len() {
                let _ = write!(out, "{sep}{cell:<w$}", w = widths[i]);
            } else {
                let _ = write!(out, "{sep}{cell:>w$}", w = widths[i]);
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &HEADERS.map(str::to_owned));
    let rule: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push_str(&"-".repeat(rule));
    out.push('\n');
    for row in &cells {
        line(&mut out, row);
    }
    out
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn ran(runtime: Runtime, wall_ms: u64, code: i32) -> Row {
        Row {
            runtime,
            outcome: Outcome::Ran(Measurement {
                wall: Duration::from_millis(wall_ms),
                cpu: Duration::from_micros(1500),
                peak_rss: 3 * 1024 * 1024,
                peak_threads: 3,
                status: ExitStatus::from_raw(code << 8),
                lines: Vec::new(),
            }),
        }
    }

    #[test]
    fn renders_one_row_per_runtime_with_speedups() {
        let rows = [
            ran(Runtime::Sync, 300, 0),
            ran(Runtime::Tokio, 100, 0),
            ran(Runtime::AsyncStd, 150, 0),
            Row { runtime: Runtime::Python, outcome: Outcome::Skipped("python3 not found".into()) },
        ];
        let table = render(&rows, Duration::from_millis(100));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2 + rows.len(), "{table}");
        assert!(lines[0].starts_with("runtime"));
        assert!(lines[0].ends_with("vs sync"));
        assert!(lines[1].chars().all(|c| c == '-'));
        assert!(lines[2].starts_with("sync") && lines[2].ends_with("1.00x"), "{}", lines[2]);
        assert!(lines[3].contains("100.0ms") && lines[3].contains("1.00") && lines[3].ends_with("3.00x"));
        assert!(lines[4].starts_with("async-std (legacy)") && lines[4].ends_with("2.00x"));
        assert!(lines[4].contains("3.0 MiB") && lines[4].contains("1.5ms"));
        assert_eq!(lines[5], "python              skipped: python3 not found");
        // Every measured row lines up with the header.
        for line in &lines[2..5] {
            assert_eq!(line.len(), lines[0].len(), "{table}");
        }
    }

    #[test]
    fn without_sync_there_is_no_speedup_and_failures_show() {
        let rows = [ran(Runtime::Tokio, 100, 0), ran(Runtime::Smol, 100, 3)];
        let table = render(&rows, Duration::from_millis(50));
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].ends_with(" -"), "{table}");
        assert!(lines[2].contains("2.00"), "{table}");
        assert!(lines[3].ends_with("failed (exit status: 3)"), "{table}");
    }
}
