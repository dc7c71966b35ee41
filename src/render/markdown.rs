//! Markdown: pastes into a wiki, a pull request or an email.

use super::{Block, Chart, Document};
use crate::render::PushFmt as _;
use crate::render::{md_cell, md_text};

/// Renders the document as Markdown.
pub fn markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n\n_{}_\n", md_text(&doc.title), md_text(&doc.subtitle));
    for section in &doc.sections {
        out.push_fmt(format_args!("\n## {}\n", md_text(&section.heading)));
        for block in &section.blocks {
            out.push('\n');
            match block {
                Block::Text(_) | Block::Empty(_) | Block::List(_) => {
                    super::push_prose(&mut out, block, &|t| md_text(t), ("_", "_"), "- ");
                }
                Block::Links(links) => {
                    for link in links {
                        out.push_fmt(format_args!(
                            "- [{}]({})\n",
                            md_text(&link.label),
                            link.href.replace(' ', "%20")
                        ));
                    }
                }
                Block::Table(table) => {
                    let headers: Vec<String> = table.headers.iter().map(|h| md_cell(h)).collect();
                    out.push_fmt(format_args!("| {} |\n", headers.join(" | ")));
                    out.push_fmt(format_args!("|{}|\n", vec!["---"; headers.len()].join("|")));
                    for row in &table.rows {
                        let cells: Vec<String> = row.iter().map(|c| md_cell(&c.text)).collect();
                        out.push_fmt(format_args!("| {} |\n", cells.join(" | ")));
                    }
                }
                Block::Chart(chart) => out.push_str(&chart_table(chart)),
                Block::Fields(fields) => {
                    out.push_str("| Field | Value |\n|---|---|\n");
                    for field in fields {
                        // Each line is a cell's text of its own, so a line
                        // break in a record still cannot end the row.
                        let lines: Vec<String> = field.lines.iter().map(|l| md_cell(l)).collect();
                        out.push_fmt(format_args!("| {} | {} |\n", md_cell(&field.label), lines.join("<br>")));
                    }
                }
            }
        }
    }
    out
}

/// A chart in Markdown is the table of its values.
fn chart_table(chart: &Chart) -> String {
    let mut out = format!(
        "**{}**\n\n| | {} |\n",
        md_text(&chart.title),
        chart.labels.iter().map(|l| md_cell(l)).collect::<Vec<_>>().join(" | ")
    );
    out.push_fmt(format_args!("|---|{}|\n", vec!["---:"; chart.labels.len()].join("|")));
    for series in &chart.series {
        let values: Vec<String> = series.values.iter().map(|v| chart.unit.format(*v)).collect();
        out.push_fmt(format_args!("| {} | {} |\n", md_cell(&series.name), values.join(" | ")));
    }
    if let Some(target) = chart.target {
        out.push_fmt(format_args!("\nTarget: {}\n", chart.unit.format(target)));
    }
    out
}
