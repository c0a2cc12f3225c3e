//! `--timeline`: when each output line appeared, per runtime, as a text chart.
//!
//! Every runtime shares one time axis, so a concurrent variant's marks bunch up at the left
//! where the sequential one's march across. Each output line is turned into a [`Mark`] on a
//! row; by default the row is the line's own text, so the three "One" lines of `count` share a
//! row and show as `3` where they coincide.

use std::fmt::Write as _;
use std::time::Duration;

use crate::runtime::Runtime;

/// Width of the row labels, in characters.
const LABEL: usize = 20;
/// Width of the plot, in characters: label + ` |` + plot + `|` fits 80 columns.
const PLOT: usize = 56;
/// Rows shown per runtime before the rest are summarised.
const MAX_ROWS: usize = 24;

/// Where and how an output line is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The row the line belongs to (lines with equal rows share one).
    pub row: String,
    /// What is drawn at the line's time.
    pub glyph: char,
    /// What fills the empty cells since the row's previous mark, if anything: a way to draw
    /// spans (a board waiting, a task sleeping) from the lines that end them.
    pub fill: Option<char>,
}

/// How an example turns its output lines into marks; `None` leaves a line off the chart.
pub type Classify = fn(&str) -> Option<Mark>;

/// The default: one row per distinct line, a dot where it was printed.
pub fn by_text(line: &str) -> Option<Mark> {
    let row = line.trim();
    (!row.is_empty()).then(|| Mark { row: row.to_owned(), glyph: '*', fill: None })
}

/// The output of one runtime, for the chart.
#[derive(Debug, Clone, Copy)]
pub struct Track<'a> {
    pub runtime: Runtime,
    pub lines: &'a [(Duration, String)],
}

/// Draws every track on one axis spanning `0..=span`, with tick labels in tutorial seconds.
pub fn render(tracks: &[Track<'_>], span: Duration, unit: Duration, classify: Classify) -> String {
    let span = span.max(Duration::from_micros(1));
    let column = |at: Duration| -> usize {
        let x = at.as_secs_f64() / span.as_secs_f64() * PLOT as f64;
        (x as usize).min(PLOT - 1)
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "timeline (1 column = {:.3} tutorial s; a digit counts lines in one column)",
        span.as_secs_f64() / unit.as_secs_f64() / PLOT as f64
    );
    for track in tracks {
        let _ = writeln!(out, "{}", track.runtime.label());
        // Rows in order of first appearance.
        let mut rows: Vec<ChartRow> = Vec::new();
        for (at, line) in track.lines {
            let Some(mark) = classify(line) else { continue };
            let index = match rows.iter().position(|row| row.name == mark.row) {
                Some(i) => i,
                None => {
                    rows.push(ChartRow { name: mark.row.clone(), cells: vec![None; PLOT], last: None });
                    rows.len() - 1
                }
            };
            let ChartRow { cells, last, .. } = &mut rows[index];
            let x = column(*at);
            if let Some(fill) = mark.fill {
                let from = last.map_or(0, |l| l + 1);
                for cell in cells.iter_mut().take(x).skip(from) {
                    cell.get_or_insert((fill, 1));
                }
            }
            cells[x] = match cells[x] {
                Some((glyph, n)) if glyph == mark.glyph => Some((glyph, n + 1)),
                _ => Some((mark.glyph, 1)),
            };
            *last = Some(x);
        }
        for ChartRow { name, cells, .. } in rows.iter().take(MAX_ROWS) {
            let plot: String = cells
                .iter()
                .map(|cell| match cell {
                    None => ' ',
                    Some((glyph, 1)) => *glyph,
                    Some((_, n @ 2..=9)) => char::from_digit(*n, 10).unwrap_or('+'),
                    Some(_) => '+',
                })
                .collect();
            let _ = writeln!(out, "  {:<w$} |{plot}|", truncate(name, LABEL - 2), w = LABEL - 2);
        }
        if rows.len() > MAX_ROWS {
            let _ = writeln!(out, "  ... and {} more rows", rows.len() - MAX_ROWS);
        }
    }
    let end = format!("{:.2}", span.as_secs_f64() / unit.as_secs_f64());
    let _ = writeln!(out, "  {:<w$} 0{end:>p$}", "tutorial s", w = LABEL - 2, p = PLOT + 1);
    out
}

/// One row of the chart: each cell holds a glyph and how many marks landed there.
struct ChartRow {
    name: String,
    cells: Vec<Option<(char, u32)>>,
    /// The column of the row's latest mark, where a fill starts from.
    last: Option<usize>,
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(width - 1).collect();
        short.push('~');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64, text: &str) -> (Duration, String) {
        (Duration::from_millis(ms), text.to_owned())
    }

    #[test]
    fn concurrent_marks_bunch_and_sequential_ones_spread() {
        let sync =
            [at(0, "One"), at(100, "Two"), at(100, "One"), at(200, "Two"), at(200, "One"), at(300, "Two")];
        let tokio =
            [at(0, "One"), at(0, "One"), at(0, "One"), at(100, "Two"), at(100, "Two"), at(100, "Two")];
        let chart = render(
            &[
                Track { runtime: Runtime::Sync, lines: &sync },
                Track { runtime: Runtime::Tokio, lines: &tokio },
            ],
            Duration::from_millis(300),
            Duration::from_millis(100),
            by_text,
        );
        for line in chart.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line:?}");
        }
        let rows: Vec<&str> =
            chart.lines().filter(|l| l.starts_with("  One") || l.starts_with("  Two")).collect();
        assert_eq!(rows.len(), 4, "{chart}");
        // sync: One at 0, 1, 2 units: three separate marks.
        assert_eq!(rows[0].matches('*').count(), 3, "{chart}");
        // tokio: three Ones in the first column, three Twos at one unit.
        assert!(rows[2].contains("|3"), "{chart}");
        let two = rows[3].find('3').unwrap();
        assert_eq!(two, rows[3].find('|').unwrap() + 1 + PLOT / 3, "{chart}");
        assert!(chart.lines().last().unwrap().trim_end().ends_with("3.00"), "{chart}");
    }

    #[test]
    fn fills_draw_spans_and_long_labels_are_cut() {
        fn classify(line: &str) -> Option<Mark> {
            let (row, what) = line.split_once(": ")?;
            Some(match what {
                "start" => Mark { row: row.into(), glyph: '[', fill: None },
                _ => Mark { row: row.into(), glyph: ']', fill: Some('=') },
            })
        }
        let lines =
            [at(0, "a board with a very long name: start"), at(50, "a board with a very long name: end")];
        let chart = render(
            &[Track { runtime: Runtime::Smol, lines: &lines }],
            Duration::from_millis(100),
            Duration::from_millis(100),
            classify,
        );
        let row = chart.lines().find(|l| l.contains('[')).unwrap();
        assert!(row.starts_with("  a board with a ve~ |[===="), "{chart}");
        assert_eq!(row.matches('=').count(), PLOT / 2 - 1, "{chart}");
    }
}
