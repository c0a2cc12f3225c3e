//! The book's charts of measured tables.
//!
//! Each [`Chart`] names the commands that measure it (release builds of this workspace, run
//! side by side in one go, the Python peer in the same run), how to read their output, and how
//! to draw it. `just charts` runs the commands and keeps what they printed as
//! `docs/data/<name>.csv`, then draws every CSV as `docs/src/pictures/<name>.svg`. Drawing is
//! a pure function of the CSV, so a test can draw each chart again and compare it with the
//! committed picture.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use plotters::prelude::*;

/// One measured value: a bar (its group and label), or a point of a line (its series, x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The bar's group (one colour per group), or the line's series.
    pub series: String,
    /// The bar's label, or the point's x as text.
    pub label: String,
    pub value: f64,
}

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    /// Horizontal bars, one row per label, one bar per group; `log` for a logarithmic axis.
    Bars { unit: &'static str, log: bool },
    /// Lines over a logarithmic x axis, one per series.
    Lines { x: &'static str, y: &'static str, log_y: bool },
}

/// A chart of the book.
#[derive(Debug, Clone, Copy)]
pub struct Chart {
    /// Its file names: `docs/data/<name>.csv`, `docs/src/pictures/<name>.svg`.
    pub name: &'static str,
    pub title: &'static str,
    pub style: Style,
    /// The commands that measure it, as run from the repository's root (after a release
    /// build), shown in the chapter beside the chart.
    pub commands: &'static [&'static str],
    /// Reads one command's stdout into points.
    pub read: fn(&str) -> Vec<Point>,
}

/// Every chart of the book.
pub fn charts() -> Vec<Chart> {
    vec![
        Chart {
            name: "queue-throughput",
            title: "queue --bench 1000000: items through one queue, one producer, one consumer",
            style: Style::Bars { unit: "million items/s", log: false },
            commands: &["target/release/queue --bench 1000000"],
            read: |out| rates(out, " M items/s", str::to_owned),
        },
        Chart {
            name: "offload-round-trips",
            title: "offload --bench 100000: awaited round trips to a blocking pool",
            style: Style::Bars { unit: "thousand round trips/s (log scale)", log: true },
            commands: &["target/release/offload --bench 100000"],
            read: |out| rates(out, " k/s", |api| api.to_owned()),
        },
        Chart {
            name: "gather-scale-overhead",
            title: "gather --tasks N: time over one unit to gather N one-unit sleeps",
            style: Style::Lines { x: "tasks", y: "overhead, seconds (log scale)", log_y: true },
            commands: &[
                "target/release/gather --unit 1s --tasks 10000",
                "target/release/gather --unit 1s --tasks 100000 tokio smol async-std futures python",
                "target/release/gather --unit 1s --tasks 1000000 tokio smol async-std futures python",
            ],
            read: |out| scale(out, ScaleFigure::Overhead),
        },
        Chart {
            name: "gather-scale-memory",
            title: "gather --tasks N: peak memory to gather N one-unit sleeps",
            style: Style::Lines { x: "tasks", y: "peak RSS, MiB (log scale)", log_y: true },
            commands: &[
                "target/release/gather --unit 1s --tasks 10000",
                "target/release/gather --unit 1s --tasks 100000 tokio smol async-std futures python",
                "target/release/gather --unit 1s --tasks 1000000 tokio smol async-std futures python",
            ],
            read: |out| scale(out, ScaleFigure::Memory),
        },
        Chart {
            name: "download-throughput",
            title: "download --bench 20000: requests per second to the local site, 100 in flight",
            style: Style::Bars { unit: "thousand requests/s", log: false },
            commands: &["target/release/download --bench 20000"],
            read: |out| {
                // "ureq, 5 threads, an Agent each" -> "ureq, 5 threads": the client and its shape.
                let short = |api: &str| api.splitn(3, ", ").take(2).collect::<Vec<_>>().join(", ");
                rates(out, " requests/s", |api| api.to_owned())
                    .into_iter()
                    .map(|p| Point {
                        label: format!("{}: {}", p.label, short(&p.series)),
                        series: "requests/s".into(),
                        value: p.value / 1000.0,
                    })
                    .collect()
            },
        },
        Chart {
            name: "echo-throughput",
            title: "echo --bench: messages per second, 100 connections of 1 KiB ping-pong",
            style: Style::Bars { unit: "thousand messages/s", log: false },
            commands: &["target/release/echo --bench"],
            read: |out| columns(out, " messages/s", 1000.0),
        },
        Chart {
            name: "event-loop-rates",
            title: "event-loop --bench: callbacks, timers and cross-thread wake-ups per second",
            style: Style::Bars { unit: "thousand per second (log scale)", log: true },
            commands: &["target/release/event-loop --bench"],
            read: |out| {
                let mut points = Vec::new();
                for (unit, series) in [
                    (" k callbacks/s", "callbacks"),
                    (" k timers/s", "timers"),
                    (" k wake-ups/s", "wake-ups"),
                ] {
                    for p in rates(out, unit, str::to_owned) {
                        // Python's two loops (asyncio's, uvloop's) share the python row.
                        let python_loop =
                            p.series.rsplit('(').next().map(|l| l.trim_end_matches(')').to_owned());
                        let label = if p.series.contains("yardstick") {
                            "yardstick".to_owned()
                        } else if p.label == "python" {
                            format!("python: {}", python_loop.unwrap_or_default())
                        } else {
                            p.label
                        };
                        points.push(Point { series: series.into(), label, value: p.value });
                    }
                }
                points
            },
        },
        Chart {
            name: "crawl-scale",
            title: "crawl --depth 3 --max-pages 10000: pages per second, 100 requests in flight",
            style: Style::Bars { unit: "pages/s", log: false },
            commands: &[
                "target/release/crawl --depth 3 --max-pages 10000 --unit 1ms --timeout 10s --out /dev/null",
            ],
            read: |out| {
                let mut runtime = String::new();
                let mut points = Vec::new();
                for line in out.lines() {
                    if let Some(header) = line.strip_prefix("── ") {
                        runtime = header.split(" ── ").next().unwrap_or(header).to_owned();
                    }
                    let rate = line
                        .strip_prefix("Fetched ")
                        .and_then(|l| l.split_once(" pages/s)"))
                        .and_then(|(l, _)| l.rsplit('(').next());
                    if let Some(value) = rate.and_then(|r| r.parse().ok()) {
                        points.push(Point { series: "pages/s".into(), label: runtime.clone(), value });
                    }
                }
                points
            },
        },
        Chart {
            name: "subprocess-children",
            title: "subprocess --count 1000: children of `true` started and reaped per second, 32 at a time",
            style: Style::Bars { unit: "children/s", log: false },
            commands: &["target/release/subprocess --count 1000 --unit 20ms"],
            read: |out| {
                rates(out, " children/s", str::to_owned)
                    .into_iter()
                    .filter(|p| p.series.contains("`true`"))
                    .map(|p| Point { series: "children/s".into(), ..p })
                    .collect()
            },
        },
        Chart {
            name: "parallel-speedup",
            title: "just run parallel: speed-up over sync on two cores",
            style: Style::Bars { unit: "times as fast as sync", log: false },
            commands: &["target/release/parallel"],
            read: |out| {
                table(out)
                    .into_iter()
                    // Python's row runs a smaller job (fib(25)): its speed-up is its own chapter's.
                    .filter(|(runtime, _)| runtime != "python")
                    .filter_map(|(runtime, cells)| {
                        let speedup = cells.last()?.trim_end_matches('x').parse().ok()?;
                        Some(Point { series: "speed-up".into(), label: runtime, value: speedup })
                    })
                    .collect()
            },
        },
    ]
}

/// The rows of the runner's comparison table: each runtime's label and its cells.
fn table(out: &str) -> Vec<(String, Vec<String>)> {
    out.lines()
        .skip_while(|l| !l.starts_with("runtime "))
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| !l.contains("skipped: "))
        .filter_map(|row| {
            let words: Vec<&str> = row.split_whitespace().collect();
            let mib = words.iter().position(|w| *w == "MiB")?;
            let runtime = words[..mib.checked_sub(4)?].join(" ");
            Some((runtime, words[mib - 3..].iter().map(|w| (*w).to_owned()).collect()))
        })
        .collect()
}

/// Lines `<api>: ... <rate><unit>` under each runtime's header: one bar per (runtime, api),
/// the runtime as the bar's label and the api (as `group` makes it) as its group; a runtime
/// with one api gets a bar per api, labelled `runtime: api`.
fn rates(out: &str, unit: &str, group: fn(&str) -> String) -> Vec<Point> {
    let mut runtime = String::new();
    let mut points = Vec::new();
    for line in out.lines() {
        if let Some(header) = line.strip_prefix("── ") {
            runtime = header.split(" ── ").next().unwrap_or(header).to_owned();
            continue;
        }
        // A note in parentheses at the end ("(best of 3)") is not part of the rate.
        let line = line.rsplit_once(" (").filter(|(_, note)| note.ends_with(')')).map_or(line, |(l, _)| l);
        let Some(before) = line.strip_suffix(unit) else { continue };
        let Some((api, _)) = line.split_once(": ") else { continue };
        let Some(value) = before.rsplit([' ', ',']).next().and_then(|v| v.parse().ok()) else { continue };
        points.push(Point { series: group(api), label: runtime.clone(), value });
    }
    points
}

/// A table of rows `<name> <figures ...> <rate><unit>` (echo's bench): a bar per row, named
/// by the words before its first figure, its rate divided by `scale`.
fn columns(out: &str, unit: &str, scale: f64) -> Vec<Point> {
    out.lines()
        .filter_map(|line| {
            let before = line.strip_suffix(unit)?;
            let value: f64 = before.rsplit(' ').next()?.parse().ok()?;
            let name: Vec<&str> = line.split_whitespace().take_while(|w| w.parse::<f64>().is_err()).collect();
            Some(Point { series: "rate".into(), label: name.join(" "), value: value / scale })
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum ScaleFigure {
    Overhead,
    Memory,
}

/// gather's scale lines (`scale: N tasks gathered in ..., overhead X s`) and the table's
/// peak RSS: a point per runtime at N tasks.
fn scale(out: &str, figure: ScaleFigure) -> Vec<Point> {
    let mut points = Vec::new();
    match figure {
        ScaleFigure::Overhead => {
            let mut runtime = String::new();
            for line in out.lines() {
                if let Some(header) = line.strip_prefix("── ") {
                    runtime = header.split(" ── ").next().unwrap_or(header).to_owned();
                }
                let Some(rest) = line.strip_prefix("scale: ") else { continue };
                let tasks = rest.split_whitespace().next().unwrap_or_default().to_owned();
                let overhead =
                    rest.rsplit("overhead ").next().and_then(|v| v.trim_end_matches(" s").parse().ok());
                if let Some(overhead) = overhead {
                    // A log axis has no zero: a sub-millisecond overhead is drawn at 1 ms.
                    let value: f64 = overhead;
                    points.push(Point { series: runtime.clone(), label: tasks, value: value.max(0.001) });
                }
            }
        }
        ScaleFigure::Memory => {
            let tasks = out
                .lines()
                .find_map(|l| l.strip_prefix("scale: "))
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default()
                .to_owned();
            for (runtime, cells) in table(out) {
                if let Some(mib) = cells.get(2).and_then(|v| v.parse().ok()) {
                    points.push(Point { series: runtime, label: tasks.clone(), value: mib });
                }
            }
        }
    }
    points
}

/// Runs a chart's commands from `root` and reads their output.
pub fn measure(chart: &Chart, root: &Path) -> anyhow::Result<Vec<Point>> {
    let mut points = Vec::new();
    for command in chart.commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        eprintln!("charts: {}: {command}", chart.name);
        let output = Command::new(root.join(words[0]))
            .args(&words[1..])
            .current_dir(root)
            .env("NO_COLOR", "1")
            .output()
            .with_context(|| format!("running {command}"))?;
        if !output.status.success() {
            bail!("{command}: {}", output.status);
        }
        let found = (chart.read)(&String::from_utf8_lossy(&output.stdout));
        if found.is_empty() {
            bail!("{command} printed nothing for the chart {}", chart.name);
        }
        points.extend(found);
    }
    Ok(points)
}

/// The CSV the points are kept in: a field with a comma or a quote is quoted, as RFC 4180
/// does it.
pub fn to_csv(chart: &Chart, points: &[Point]) -> String {
    let field = |text: &str| {
        if text.contains([',', '"']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
    };
    let mut out =
        format!("# {}\n# measured with: {}\nseries,label,value\n", chart.title, chart.commands.join("; "));
    for p in points {
        let _ = writeln!(out, "{},{},{}", field(&p.series), field(&p.label), p.value);
    }
    out
}

/// The fields of one CSV line, quotes undone.
fn fields(line: &str) -> Vec<String> {
    let (mut fields, mut field) = (Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Reads a CSV written by [`to_csv`].
pub fn from_csv(text: &str) -> anyhow::Result<Vec<Point>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && *l != "series,label,value" && !l.is_empty())
        .map(|line| match fields(line).as_slice() {
            [series, label, value] => Ok(Point {
                series: series.clone(),
                label: label.clone(),
                value: value.parse().with_context(|| format!("in {line:?}"))?,
            }),
            _ => bail!("not three fields: {line:?}"),
        })
        .collect()
}

const WIDTH: u32 = 720;
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 95, 159),
    RGBColor(192, 57, 43),
    RGBColor(46, 139, 87),
    RGBColor(142, 68, 173),
    RGBColor(211, 84, 0),
    RGBColor(90, 90, 90),
];

/// Draws the chart as an SVG document.
pub fn draw(chart: &Chart, points: &[Point]) -> anyhow::Result<String> {
    let mut svg = String::new();
    match chart.style {
        Style::Bars { unit, log } => bars(&mut svg, chart.title, unit, log, points)?,
        Style::Lines { x, y, log_y } => lines(&mut svg, chart.title, x, y, log_y, points)?,
    }
    Ok(svg)
}

/// Distinct values in order of first appearance.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        if !seen.iter().any(|s| s == v) {
            seen.push(v.to_owned());
        }
    }
    seen
}

fn bars(svg: &mut String, title: &str, unit: &str, log: bool, points: &[Point]) -> anyhow::Result<()> {
    let labels = distinct(points.iter().map(|p| p.label.as_str()));
    let groups = distinct(points.iter().map(|p| p.series.as_str()));
    let row = 14 * groups.len() as u32 + 10;
    let height = 90 + row * labels.len() as u32 + 16 * groups.len() as u32;
    {
        let root = SVGBackend::with_string(svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let max = points.iter().map(|p| p.value).fold(0.0, f64::max).max(1e-9) * 1.15;
        let min = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min).max(1e-9) / 2.0;
        let n = labels.len() as f64;
        let mut builder = ChartBuilder::on(&root);
        // Room for the longest label, at about 6.5 px a character.
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(10) as u32;
        builder
            .caption(title, ("sans-serif", 15))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size((widest * 13 / 2 + 16).clamp(80, 320));
        let label_of = |y: &f64| -> String {
            let i = (n - y - 0.5).round();
            if (y - (n - i - 0.5)).abs() < 0.01 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let y_range = 0f64..n;
        // One bar per group within each label's band, top to bottom in order.
        let band = |label: usize, group: usize| -> (f64, f64) {
            let top = n - label as f64 - 0.1;
            let height = 0.8 / groups.len() as f64;
            (top - height * (group as f64 + 1.0), top - height * group as f64)
        };
        macro_rules! draw_with {
            ($x_range:expr, $base:expr) => {{
                let base: f64 = $base;
                let mut chart = builder.build_cartesian_2d($x_range, y_range.clone())?;
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .y_labels(labels.len() * 2 + 1)
                    .y_label_formatter(&label_of)
                    .x_desc(unit)
                    .label_style(("sans-serif", 12))
                    .draw()?;
                for (g, group) in groups.iter().enumerate() {
                    let colour = PALETTE[g % PALETTE.len()];
                    let bars = points.iter().filter(|p| &p.series == group).filter_map(|p| {
                        let l = labels.iter().position(|x| *x == p.label)?;
                        let (low, high) = band(l, g);
                        Some(Rectangle::new([(base.min(p.value), low), (p.value, high)], colour.filled()))
                    });
                    let series = chart.draw_series(bars)?;
                    if groups.len() > 1 {
                        series.label(group.as_str()).legend(move |(x, y)| {
                            Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                        });
                    }
                }
                if groups.len() > 1 {
                    chart
                        .configure_series_labels()
                        .position(SeriesLabelPosition::LowerRight)
                        .background_style(WHITE.mix(0.9))
                        .border_style(BLACK.mix(0.3))
                        .label_font(("sans-serif", 12))
                        .draw()?;
                }
            }};
        }
        // A bar starts at the axis: at 0 on a linear scale, at the axis's low end on a log one.
        if log {
            draw_with!((min..max).log_scale(), min);
        } else {
            draw_with!(0f64..max, 0.0);
        }
        root.present()?;
    }
    Ok(())
}

fn lines(
    svg: &mut String,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    log_y: bool,
    points: &[Point],
) -> anyhow::Result<()> {
    let series = distinct(points.iter().map(|p| p.series.as_str()));
    let xs: Vec<f64> = points.iter().filter_map(|p| p.label.parse().ok()).collect();
    let (x_min, x_max) = xs.iter().fold((f64::INFINITY, 0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let y_max = points.iter().map(|p| p.value).fold(0.0, f64::max) * 2.0;
    let y_min = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min) / 2.0;
    {
        let root = SVGBackend::with_string(svg, (WIDTH, 400)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut builder = ChartBuilder::on(&root);
        builder.caption(title, ("sans-serif", 15)).margin(10).x_label_area_size(36).y_label_area_size(60);
        macro_rules! draw_with {
            ($y_range:expr) => {{
                let mut chart =
                    builder.build_cartesian_2d((x_min / 1.5..x_max * 1.5).log_scale(), $y_range)?;
                chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc(y_desc)
                    .label_style(("sans-serif", 12))
                    .draw()?;
                for (i, name) in series.iter().enumerate() {
                    let colour = PALETTE[i % PALETTE.len()];
                    let mut line: Vec<(f64, f64)> = points
                        .iter()
                        .filter(|p| &p.series == name)
                        .filter_map(|p| Some((p.label.parse().ok()?, p.value)))
                        .collect();
                    line.sort_by(|a, b| a.0.total_cmp(&b.0));
                    chart
                        .draw_series(LineSeries::new(line.clone(), colour.stroke_width(2)))?
                        .label(name.as_str())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                        });
                    chart.draw_series(line.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
                }
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperLeft)
                    .background_style(WHITE.mix(0.9))
                    .border_style(BLACK.mix(0.3))
                    .label_font(("sans-serif", 12))
                    .draw()?;
            }};
        }
        if log_y {
            draw_with!((y_min..y_max).log_scale());
        } else {
            draw_with!(0f64..y_max);
        }
        root.present()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bench_lines_under_their_runtime() {
        let out = "── tokio ── tokio: ...\ncapacity 100: 200000 items in 0.01 s, 15.81 M items/s (best of 3)\n\
                   capacity 1: 200000 items in 0.04 s, 5.00 M items/s (best of 3)\n";
        let points = rates(out, " M items/s", str::to_owned);
        assert_eq!(points.len(), 2);
        assert_eq!(
            (points[0].label.as_str(), points[0].series.as_str(), points[0].value),
            ("tokio", "capacity 100", 15.81)
        );
    }

    #[test]
    fn csv_round_trips_and_drawing_is_repeatable() {
        let chart = charts().into_iter().find(|c| c.name == "parallel-speedup").unwrap();
        let points = vec![
            Point { series: "speed-up".into(), label: "sync".into(), value: 1.0 },
            Point { series: "a, \"quoted\" one".into(), label: "threads, 5".into(), value: 1.95 },
        ];
        assert_eq!(from_csv(&to_csv(&chart, &points)).unwrap(), points);
        let svg = draw(&chart, &points).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("threads"));
        assert_eq!(svg, draw(&chart, &points).unwrap());
    }
}
