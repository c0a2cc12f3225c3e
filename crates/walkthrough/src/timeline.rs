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

/// The SVG picture's width in pixels: it fits the book's text column.
const SVG_WIDTH: f64 = 720.0;
/// Where the plot starts, after the row labels.
const SVG_PLOT_LEFT: f64 = 170.0;
const SVG_ROW: f64 = 18.0;

/// Draws every track as an SVG picture on one time axis spanning `0..=span`: a row per mark
/// row, a dot for each line (a bar for a fill, from the row's previous mark), ticks in
/// tutorial seconds. Each row is a `<g class="row">` whose `data-runtime`, `data-row` and
/// `data-marks` attributes say what it holds, so a test can compare a picture's shape with a
/// fresh run's.
pub fn render_svg(tracks: &[Track<'_>], span: Duration, unit: Duration, classify: Classify) -> String {
    let span = span.max(Duration::from_micros(1));
    let plot = SVG_WIDTH - SVG_PLOT_LEFT - 20.0;
    let x_of = |at: Duration| SVG_PLOT_LEFT + at.as_secs_f64() / span.as_secs_f64() * plot;

    // Rows of marks, per runtime, in order of first appearance.
    struct Row {
        name: String,
        marks: Vec<(f64, Option<f64>, char)>,
    }
    let mut body = String::new();
    let mut y = 10.0;
    for track in tracks {
        y += SVG_ROW;
        let _ = writeln!(
            body,
            r#"<text x="4" y="{y:.1}" class="runtime">{}</text>"#,
            escape(track.runtime.label())
        );
        let mut rows: Vec<Row> = Vec::new();
        for (at, line) in track.lines {
            let Some(mark) = classify(line) else { continue };
            let index = match rows.iter().position(|row| row.name == mark.row) {
                Some(i) => i,
                None => {
                    rows.push(Row { name: mark.row.clone(), marks: Vec::new() });
                    rows.len() - 1
                }
            };
            let row = &mut rows[index];
            let from = mark.fill.map(|_| row.marks.last().map_or(SVG_PLOT_LEFT, |m| m.0));
            row.marks.push((x_of(*at), from, mark.glyph));
        }
        for row in rows.iter().take(MAX_ROWS) {
            y += SVG_ROW;
            let _ = writeln!(
                body,
                r#"<g class="row" data-runtime="{}" data-row="{}" data-marks="{}">"#,
                escape(track.runtime.name()),
                escape(&row.name),
                row.marks.len()
            );
            let _ = writeln!(body, r#"<text x="14" y="{y:.1}">{}</text>"#, escape(&truncate(&row.name, 24)));
            let _ = writeln!(
                body,
                r#"<line x1="{SVG_PLOT_LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" class="guide"/>"#,
                y - 4.0,
                SVG_PLOT_LEFT + plot,
                y - 4.0
            );
            for &(x, from, glyph) in &row.marks {
                if let Some(from) = from {
                    let _ = writeln!(
                        body,
                        r#"<rect x="{from:.1}" y="{:.1}" width="{:.1}" height="6" class="span"/>"#,
                        y - 7.0,
                        (x - from).max(0.5)
                    );
                }
                let class = match glyph {
                    '*' => "dot",
                    '#' | '[' | ']' => "edge",
                    _ => "other",
                };
                let _ =
                    writeln!(body, r#"<circle cx="{x:.1}" cy="{:.1}" r="3.5" class="{class}"/>"#, y - 4.0);
            }
            // Marks that land on one spot: how many, beside the dot, where there is room.
            let mut groups: Vec<(f64, usize)> = Vec::new();
            for &(x, _, _) in &row.marks {
                match groups.last_mut() {
                    Some((at, n)) if (x - *at).abs() < 2.0 => *n += 1,
                    _ => groups.push((x, 1)),
                }
            }
            for (i, &(x, n)) in groups.iter().enumerate() {
                let room = groups.get(i + 1).is_none_or(|next| next.0 - x > 24.0);
                if n > 1 && room {
                    let _ =
                        writeln!(body, r#"<text x="{:.1}" y="{:.1}" class="count">×{n}</text>"#, x + 5.0, y);
                }
            }
            body.push_str("</g>\n");
        }
        if rows.len() > MAX_ROWS {
            y += SVG_ROW;
            let _ = writeln!(
                body,
                r#"<text x="14" y="{y:.1}">... and {} more rows</text>"#,
                rows.len() - MAX_ROWS
            );
        }
    }
    // The axis, in tutorial seconds.
    y += SVG_ROW;
    let end = span.as_secs_f64() / unit.as_secs_f64();
    let _ = writeln!(
        body,
        r#"<line x1="{SVG_PLOT_LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" class="axis"/>"#,
        SVG_PLOT_LEFT + plot
    );
    // Round ticks: a step of 1, 2 or 5 times a power of ten, at most six of them.
    let magnitude = 10f64.powf((end / 4.0).log10().floor());
    let step =
        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| end / s <= 6.0).unwrap_or(end);
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let mut tick = 0.0;
    while tick <= end * 1.0001 {
        let x = SVG_PLOT_LEFT + plot * tick / end;
        let _ = writeln!(
            body,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" class="axis"/><text x="{x:.1}" y="{:.1}" class="tick">{tick:.decimals$}</text>"#,
            y + 4.0,
            y + 16.0,
        );
        tick += step;
    }
    let _ = writeln!(body, r#"<text x="14" y="{:.1}">tutorial seconds</text>"#, y + 16.0);
    let height = y + 26.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SVG_WIDTH}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {SVG_WIDTH} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <style>text {{ fill: #222; }} .runtime {{ font-weight: bold; }} .tick {{ text-anchor: middle; }} \
         .guide {{ stroke: #e4e4e4; }} .axis {{ stroke: #555; }} .span {{ fill: #9cc3e6; }} \
         .dot {{ fill: #1f5f9f; }} .edge {{ fill: #c0392b; }} .other {{ fill: #2e8b57; }} .count {{ font-size: 10px; fill: #555; }}</style>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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
    fn the_picture_has_a_row_per_mark_row_with_its_marks() {
        let sync = [at(0, "One"), at(100, "Two"), at(100, "One"), at(200, "Two")];
        let tokio = [at(0, "One"), at(0, "One"), at(100, "Two <&>"), at(100, "Two <&>")];
        let svg = render_svg(
            &[
                Track { runtime: Runtime::Sync, lines: &sync },
                Track { runtime: Runtime::Tokio, lines: &tokio },
            ],
            Duration::from_millis(200),
            Duration::from_millis(100),
            by_text,
        );
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"), "{svg}");
        assert_eq!(svg.matches(r#"<g class="row""#).count(), 4, "{svg}");
        assert!(svg.contains(r#"data-runtime="sync" data-row="One" data-marks="2""#), "{svg}");
        assert!(svg.contains(r#"data-runtime="tokio" data-row="Two &lt;&amp;&gt;" data-marks="2""#), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 8, "{svg}");
        assert!(
            svg.contains(">2.0</text>") && svg.contains(">0.5</text>"),
            "round ticks up to the span: {svg}"
        );
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
