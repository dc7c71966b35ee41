//! One self-contained HTML page: inline CSS and SVG, no script, nothing
//! fetched, and a print stylesheet so the browser's Print gives clean A4 pages.

use super::{Block, Chart, ChartKind, Document, Tone, Unit};
use crate::render::PushFmt as _;

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5b6575; --line: #d5dae1; --good: #1b7f3b; --bad: #b42318; --warn: #9a6700; --head: #f3f5f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); max-width: 1000px; margin: 2rem auto; padding: 0 1.5rem; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 1.5rem; padding-bottom: .5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
.subtitle { color: var(--muted); margin: 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.good { color: var(--good); font-weight: 600; }
td.bad { color: var(--bad); font-weight: 700; }
td.warn { color: var(--warn); font-weight: 600; }
p.empty { color: var(--muted); font-style: italic; }
code { font: 12px ui-monospace, "SF Mono", Menlo, Consolas, monospace; background: var(--head); padding: 0 .2em; border-radius: 3px; }
figure { margin: .5rem 0 1.25rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg text { font: 11px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
footer { color: var(--muted); font-size: 12px; margin-top: 2rem; border-top: 1px solid var(--line); padding-top: .5rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

const PALETTE: &[&str] = &["#3a6ea5", "#e07b39", "#5a9e6f", "#b55d9a", "#8c8c3a", "#c44e52"];

/// Escapes text for HTML, record text made [`safe`](crate::render::safe) first.
fn esc(text: &str) -> String {
    crate::render::safe_lines(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escapes text and shows `code` spans (paired backticks) as `<code>`.
fn inline(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

/// Renders the document as one HTML page.
pub fn html(doc: &Document) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><p class=\"subtitle\">{}</p></header>\n",
        esc(&doc.title),
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    for section in &doc.sections {
        out.push_fmt(format_args!("<section>\n<h2>{}</h2>\n", esc(&section.heading)));
        for block in &section.blocks {
            match block {
                Block::Text(text) => out.push_fmt(format_args!("<p>{}</p>\n", inline(text))),
                Block::Empty(text) => out.push_fmt(format_args!("<p class=\"empty\">{}</p>\n", esc(text))),
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        out.push_fmt(format_args!("<li>{}</li>\n", inline(item)));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Links(links) => {
                    out.push_str("<ul>\n");
                    for link in links {
                        out.push_fmt(format_args!(
                            "<li><a href=\"{}\">{}</a></li>\n",
                            esc(&link.href),
                            inline(&link.label)
                        ));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(table) => {
                    out.push_str("<table>\n<thead><tr>");
                    for h in &table.headers {
                        out.push_fmt(format_args!("<th>{}</th>", esc(h)));
                    }
                    out.push_str("</tr></thead>\n<tbody>\n");
                    for row in &table.rows {
                        out.push_str("<tr>");
                        for cell in row {
                            let class = match cell.tone {
                                Some(Tone::Good) => " class=\"good\"",
                                Some(Tone::Bad) => " class=\"bad\"",
                                Some(Tone::Warn) => " class=\"warn\"",
                                None => "",
                            };
                            out.push_fmt(format_args!("<td{class}>{}</td>", inline(&cell.text)));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n</table>\n");
                }
                Block::Chart(chart) => out.push_str(&svg(chart)),
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("<footer>Made by chg from the change records and their git history.</footer>\n</body>\n</html>\n");
    out
}

/// Draws a bar or line chart as inline SVG, with a legend and an optional target line.
// Axes, bars or lines, target and legend share the chart's geometry; one function keeps it in view.
#[allow(clippy::too_many_lines)]
fn svg(chart: &Chart) -> String {
    let (width, height) = (640.0, 220.0);
    let (left, right, top, bottom) = (48.0, 12.0, 12.0, 40.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = chart.max();
    // Counts get whole-number gridlines (a count of 1.1 changes reads as a bug).
    let max = match chart.unit {
        Unit::Count => (max.max(1.0) / 4.0).ceil() * 4.0,
    };
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let n = chart.labels.len().max(1) as f64;
    let slot = plot_w / n;
    let mut body = String::new();
    // Axis and gridlines at a quarter, half, three quarters and the top.
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let gy = y(v);
        body.push_fmt(format_args!(
            "<line x1=\"{left}\" y1=\"{gy:.1}\" x2=\"{:.1}\" y2=\"{gy:.1}\" stroke=\"#e3e7ec\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            left - 4.0,
            gy + 4.0,
            esc(&chart.unit.format(v))
        ));
    }
    for (i, label) in chart.labels.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5);
        body.push_fmt(format_args!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top + plot_h + 16.0,
            esc(label)
        ));
    }
    let series_n = chart.series.len().max(1) as f64;
    for (s, series) in chart.series.iter().enumerate() {
        let color = PALETTE[s % PALETTE.len()];
        match chart.kind {
            ChartKind::Bar => {
                let bar_w = slot * 0.8 / series_n;
                for (i, v) in series.values.iter().enumerate() {
                    let x = left + slot * i as f64 + slot * 0.1 + bar_w * s as f64;
                    let top_y = y(*v);
                    body.push_fmt(format_args!(
                        "<rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}: {}</title></rect>",
                        (top + plot_h - top_y).max(0.0),
                        esc(&series.name),
                        esc(&chart.unit.format(*v))
                    ));
                }
            }
            ChartKind::Line => {
                let points: Vec<String> = series
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{:.1},{:.1}", left + slot * (i as f64 + 0.5), y(*v)))
                    .collect();
                body.push_fmt(format_args!(
                    "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" points=\"{}\"/>",
                    points.join(" ")
                ));
                for p in &points {
                    let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
                    body.push_fmt(format_args!(
                        "<circle cx=\"{px}\" cy=\"{py}\" r=\"3.5\" fill=\"{color}\"/>"
                    ));
                }
            }
        }
    }
    if let Some(target) = chart.target {
        let ty = y(target);
        body.push_fmt(format_args!(
            "<line x1=\"{left}\" y1=\"{ty:.1}\" x2=\"{:.1}\" y2=\"{ty:.1}\" stroke=\"#b42318\" stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#b42318\">target {}</text>",
            left + plot_w,
            left + plot_w,
            ty - 4.0,
            esc(&chart.unit.format(target))
        ));
    }
    let mut legend = String::new();
    for (s, series) in chart.series.iter().enumerate() {
        let x = left + 130.0 * s as f64;
        legend.push_fmt(format_args!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            height - 14.0,
            PALETTE[s % PALETTE.len()],
            x + 14.0,
            height - 5.0,
            esc(&series.name)
        ));
    }
    format!(
        "<figure>\n<figcaption>{}</figcaption>\n<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">{body}{legend}</svg>\n</figure>\n",
        esc(&chart.title),
        esc(&chart.title)
    )
}
