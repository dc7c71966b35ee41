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
                Block::Text(text) => out.push_fmt(format_args!("{}\n", md_text(text))),
                Block::Empty(text) => out.push_fmt(format_args!("_{}_\n", md_text(text))),
                Block::List(items) => {
                    for item in items {
                        out.push_fmt(format_args!("- {}\n", md_text(item)));
                    }
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
