//! The terminal view: headings, comfy-table tables, and bar charts drawn with
//! block characters; colour only when it was chosen.

use comfy_table::{Attribute, Cell as TableCell, Color};

use super::{Block, Chart, Document, Tone};
use crate::render::PushFmt as _;

/// Renders the document for a terminal.
pub fn terminal(doc: &Document, look: crate::render::Look) -> String {
    let color = look.color;
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    // Record text reaches reports (titles, names); none of it is sent raw.
    let safe = crate::render::safe_lines;
    let mut out = format!("{}\n{}\n", bold(&safe(&doc.title)), safe(&doc.subtitle));
    for section in &doc.sections {
        out.push_fmt(format_args!("\n{}\n", bold(&safe(&section.heading))));
        out.push_fmt(format_args!("{}\n", "─".repeat(section.heading.chars().count())));
        for block in &section.blocks {
            match block {
                Block::Text(_) | Block::Empty(_) | Block::List(_) => {
                    super::push_prose(&mut out, block, &|t| safe(t), ("  ", ""), "  • ");
                }
                Block::Links(links) => {
                    for link in links {
                        out.push_fmt(format_args!("  • {} ({})\n", link.label, link.href));
                    }
                }
                Block::Table(table) => {
                    let headers: Vec<String> = table.headers.iter().map(|h| safe(h)).collect();
                    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                    let mut t = crate::render::table(&headers, look);
                    for row in &table.rows {
                        t.add_row(row.iter().map(|c| {
                            let cell = TableCell::new(crate::render::safe(&c.text));
                            match (c.tone, color) {
                                (Some(Tone::Good), true) => cell.fg(Color::Green),
                                (Some(Tone::Bad), true) => cell.fg(Color::Red).add_attribute(Attribute::Bold),
                                (Some(Tone::Warn), true) => cell.fg(Color::Yellow),
                                _ => cell,
                            }
                        }));
                    }
                    crate::render::keep_words_whole(&mut t);
                    out.push_fmt(format_args!("{t}\n"));
                }
                Block::Chart(chart) => out.push_str(&bars(chart)),
                Block::Fields(fields) => {
                    for field in fields {
                        let mut lines = field.lines.iter();
                        let first = lines.next().map(|l| crate::render::safe(l)).unwrap_or_default();
                        out.push_fmt(format_args!("  {:<24} {first}\n", safe(&field.label)));
                        for line in lines {
                            out.push_fmt(format_args!("  {:<24} {}\n", "", crate::render::safe(line)));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Draws a chart as horizontal bars, one line per label and series.
fn bars(chart: &Chart) -> String {
    let max = chart.max();
    let width = 30.0;
    let label_width = chart.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let name_width = chart.series.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
    let safe = crate::render::safe;
    let mut out = format!("{}\n", safe(&chart.title));
    for (i, label) in chart.labels.iter().enumerate() {
        let label = safe(label);
        for series in &chart.series {
            let v = series.values.get(i).copied().unwrap_or(0.0);
            let n = if max > 0.0 {
                (v / max * width).round() as usize
            } else {
                0
            };
            let name = if chart.series.len() > 1 {
                format!(" {:<name_width$}", safe(&series.name))
            } else {
                String::new()
            };
            out.push_fmt(format_args!(
                "  {label:<label_width$}{name} {} {}\n",
                "█".repeat(n),
                chart.unit.format(v)
            ));
        }
    }
    if let Some(target) = chart.target {
        out.push_fmt(format_args!("  target {}\n", chart.unit.format(target)));
    }
    out
}
