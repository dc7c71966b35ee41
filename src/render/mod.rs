//! The output layer. A command's result is a [`View`]: the data, a small
//! document model (`Document`), rows, or lines of the command's own; one
//! function, [`print_view`], prints it in the format asked for. The
//! document's renderers are a terminal table view, Markdown, and one
//! self-contained HTML page with inline SVG charts. `text` holds what every
//! renderer and command shares: writing to stdout and stderr, tables, CSV
//! and the escaping of record text; `file`, where `--output` writes.

mod file;
mod html;
mod markdown;
mod terminal;
mod text;
mod view;

use serde::Serialize;

pub use file::{emit, output_target, Output};
pub use html::html;
pub use markdown::markdown;
pub use terminal::terminal;
pub use text::{
    colored, csv, csv_field, eprint, hidden, json, json_line, keep_words_whole, markdown_table, md_cell, md_text,
    print, safe, safe_lines, table, visible, Look, PushFmt,
};
pub use view::{print_view, render_view, View};

/// Counts a noun for a reader: `1 change`, `3 changes`, `2 rollback entries`.
pub fn plural(n: usize, noun: &str) -> String {
    // A consonant before the y makes -ies (policy, policies); a vowel, -s (day, days).
    let stem = noun
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'i', 'o', 'u']));
    match (n, stem) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// A report as a reader sees it: a title and sections of blocks.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    pub title: String,
    /// The period and when it was made, under the title.
    pub subtitle: String,
    pub sections: Vec<Section>,
}

/// A headed part of a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// One piece of content.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A sentence or two.
    Text(String),
    /// Shown when a section has nothing to list.
    Empty(String),
    Table(Table),
    /// A bulleted list.
    List(Vec<String>),
    Chart(Chart),
    /// A bulleted list of links to files beside the page (the audit folder's index).
    Links(Vec<Link>),
    /// A form: labelled values, one row each (`chg show --format markdown|html`).
    Fields(Vec<Field>),
}

/// One row of a form: a label and its value, whose lines stay lines; an
/// `owed` value is one the record still lacks, marked where colour shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    pub label: String,
    pub lines: Vec<String>,
    pub owed: bool,
}

impl Field {
    /// A filled field; text of several lines keeps them.
    pub fn new(label: impl ToString, value: impl ToString) -> Field {
        Field {
            label: label.to_string(),
            lines: value.to_string().trim_end().lines().map(str::to_string).collect(),
            owed: false,
        }
    }

    /// A field the record still owes, with what a reader needs to know (`owed`, a due date).
    pub fn owed(label: impl ToString, value: impl ToString) -> Field {
        Field {
            owed: true,
            ..Field::new(label, value)
        }
    }
}

/// A link to a file beside the document, by relative path.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A table; `tone` marks cells to colour (good, bad, warn) in terminal and HTML.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell with an optional tone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone: Option<Tone>,
}

/// How a cell reads: met or not, in trouble or not.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Good,
    Bad,
    Warn,
}

impl Cell {
    /// A plain cell.
    pub fn plain(text: impl ToString) -> Cell {
        Cell {
            text: text.to_string(),
            tone: None,
        }
    }

    /// A cell with a tone.
    pub fn toned(text: impl ToString, tone: Option<Tone>) -> Cell {
        Cell {
            text: text.to_string(),
            tone,
        }
    }
}

impl Table {
    /// Builds a table from headers and rows of plain text.
    pub fn new(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    /// Builds a table with one row for each item.
    pub fn of<T>(headers: &[&str], items: &[T], row: impl FnMut(&T) -> Vec<Cell>) -> Table {
        Table::new(headers, items.iter().map(row).collect())
    }
}

/// Returns a table with one row for each item, or the sentence `empty`
/// when there is none: a section that has nothing to list says so.
pub fn table_or_empty<T>(empty: &str, headers: &[&str], items: &[T], row: impl FnMut(&T) -> Vec<Cell>) -> Vec<Block> {
    if items.is_empty() {
        vec![Block::Empty(empty.into())]
    } else {
        vec![Block::Table(Table::of(headers, items, row))]
    }
}

/// Writes a text, empty or list block as the plain-text renderers do (a
/// line each): `escape` the record text, wrap a note that the section is
/// empty in `empty`, and put `bullet` before each item. Other blocks are
/// each renderer's own and write nothing here.
fn push_prose(out: &mut String, block: &Block, escape: &dyn Fn(&str) -> String, empty: (&str, &str), bullet: &str) {
    match block {
        Block::Text(text) => out.push_fmt(format_args!("{}\n", escape(text))),
        Block::Empty(text) => out.push_fmt(format_args!("{}{}{}\n", empty.0, escape(text), empty.1)),
        Block::List(items) => {
            for item in items {
                out.push_fmt(format_args!("{bullet}{}\n", escape(item)));
            }
        }
        Block::Table(_) | Block::Chart(_) | Block::Links(_) | Block::Fields(_) => {}
    }
}

/// A chart where a reader would rather look than read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
    /// The labels along the x axis (months, classes).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// A target line, if the figure has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// How values print: `percent` or `count`.
    pub unit: Unit,
}

impl Chart {
    /// Returns the largest value drawn, the target line included (0 for none):
    /// the top of the chart's scale.
    pub fn max(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .chain(self.target)
            .fold(0.0_f64, f64::max)
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Bars side by side per label (or stacked when `stacked`).
    Bar,
    /// Lines across the labels.
    Line,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
}

/// One named row of values, one per label.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

impl Unit {
    /// Formats a value in this unit.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Count => {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            }
        }
    }
}
