//! What a command prints, and the one function that prints it. A command
//! builds a [`View`] of its result in the shapes its formats need (the data
//! for JSON, a [`Document`], rows, or lines of its own where no shared shape
//! fits) and [`print_view`] renders the one `--format` asks for, so no
//! command matches on the format. Each shape is built only when its format
//! is asked for.

use anyhow::{bail, Result};
use serde::Serialize;

use super::{Document, Look};
use crate::cli::Format;
use crate::context::App;

/// A shape built only when its format is asked for.
type Lazy<'a, T> = Box<dyn Fn() -> Result<T> + 'a>;
/// Headers, and the rows under them.
type Rows<'a> = (&'a [&'a str], Lazy<'a, Vec<Vec<String>>>);
/// A command's own text for one format, in the look of the output.
type Own<'a> = (Format, Box<dyn Fn(Look) -> Result<String> + 'a>);

/// A command's result, in the shapes its formats print.
#[derive(Default)]
pub struct View<'a> {
    /// The data itself, serialised: `json`.
    data: Option<Lazy<'a, String>>,
    /// The laid-out result: `markdown`, `html`, and `table`/`text` on a terminal.
    document: Option<Lazy<'a, Document>>,
    /// Headers and rows: `csv`, and `markdown` where there is no document.
    rows: Option<Rows<'a>>,
    /// The command's own rendering of a format no shared shape fits
    /// (finding lines, GitHub annotations, an iCalendar feed, a form).
    own: Vec<Own<'a>>,
    /// A summary for stderr after `text` (not for a pipe to read), unless `-q`.
    note: Option<String>,
}

impl<'a> View<'a> {
    pub fn new() -> View<'a> {
        View::default()
    }

    /// `json` prints the data, pretty.
    pub fn data<T: Serialize + ?Sized>(mut self, data: &'a T) -> View<'a> {
        self.data = Some(Box::new(move || Ok(format!("{}\n", super::json(data)?))));
        self
    }

    /// `json` prints the data on one line (a record a script reads back).
    pub fn data_line<T: Serialize + ?Sized>(mut self, data: &'a T) -> View<'a> {
        self.data = Some(Box::new(move || Ok(format!("{}\n", super::json_line(data)?))));
        self
    }

    /// `markdown`, `html` and the terminal's `table` print the document.
    pub fn document(mut self, document: impl Fn() -> Result<Document> + 'a) -> View<'a> {
        self.document = Some(Box::new(document));
        self
    }

    /// `csv` (and `markdown`, without a document) print the rows under the headers.
    pub fn rows(mut self, headers: &'a [&'a str], rows: impl Fn() -> Vec<Vec<String>> + 'a) -> View<'a> {
        self.rows = Some((headers, Box::new(move || Ok(rows()))));
        self
    }

    /// The command's own text for `format`, where no shared shape fits.
    pub fn own(mut self, format: Format, text: impl Fn(Look) -> Result<String> + 'a) -> View<'a> {
        self.own.push((format, Box::new(text)));
        self
    }

    /// A summary printed on stderr after `text`, unless `-q`.
    pub fn note(mut self, note: impl Into<String>) -> View<'a> {
        self.note = Some(note.into());
        self
    }
}

/// Renders the view in `format`: the command's own text for it if it has
/// one, else the shared shape the format prints.
pub fn render_view(view: &View, format: Format, look: Look) -> Result<String> {
    if let Some((_, text)) = view.own.iter().find(|(f, _)| *f == format) {
        return text(look);
    }
    let document = || view.document.as_ref().map(|d| d());
    let rows = |render: fn(&[&str], &[Vec<String>]) -> String| {
        view.rows.as_ref().map(|(headers, rows)| Ok(render(headers, &rows()?)))
    };
    let text = match format {
        Format::Json => view.data.as_ref().map(|d| d()),
        Format::Csv => rows(super::csv),
        Format::Markdown => match document() {
            Some(doc) => Some(doc.map(|d| super::markdown(&d))),
            None => rows(super::markdown_table),
        },
        Format::Html => document().map(|doc| doc.map(|d| super::html(&d))),
        Format::Table | Format::Text => document().map(|doc| doc.map(|d| super::terminal(&d, look))),
        Format::Yaml | Format::Github | Format::Ics => None,
    };
    match text {
        Some(text) => text,
        // `Command::formats` declares what each command prints; its view must have it.
        None => bail!("this command has no `--format {}` output", format.name()),
    }
}

/// Prints the view on stdout in the format resolved for the command, as `app` looks.
pub fn print_view(view: &View, app: &App) -> Result<()> {
    super::print(&render_view(view, app.format, app.look())?)?;
    if let (Some(note), Format::Text, false) = (&view.note, app.format, app.quiet) {
        eprintln!("{note}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOK: Look = Look {
        color: false,
        width: Some(Look::FILE_WIDTH),
    };

    #[test]
    fn a_command_s_own_text_wins_and_the_shared_shapes_fill_the_rest() {
        let data = vec!["a,b"];
        let view = View::new()
            .data(&data)
            .rows(&["x"], || vec![vec!["=1".into()]])
            .own(Format::Text, |_| Ok("own\n".into()));
        let text = |format| render_view(&view, format, LOOK).unwrap();
        assert_eq!(text(Format::Text), "own\n");
        assert_eq!(text(Format::Json), "[\n  \"a,b\"\n]\n");
        assert_eq!(text(Format::Csv), "x\n'=1\n");
        assert_eq!(text(Format::Markdown), "| x |\n|---|\n| =1 |\n");
    }

    #[test]
    fn a_format_the_view_lacks_is_an_error_not_empty_output() {
        let view = View::new().own(Format::Text, |_| Ok("own\n".into()));
        let err = render_view(&view, Format::Html, LOOK).unwrap_err();
        assert_eq!(err.to_string(), "this command has no `--format html` output");
    }
}
