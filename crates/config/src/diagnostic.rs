//! What the user sees when a config file is wrong: `Diagnostic` (one problem,
//! written `PATH:LINE:COL: message — hint`), `Severity`, `LoadError`, and the
//! collector that turns byte spans into 1-based lines and character columns
//! while validation walks the file.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem found in a config file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The config file as the caller named it, so the line can be pasted into
    /// an editor's "go to" prompt.
    pub path: PathBuf,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column, counted in characters rather than bytes, as editors do.
    pub column: usize,
    /// Whether the file is refused (error) or only worth a look (warning).
    pub severity: Severity,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// How to fix it; every diagnostic has one.
    pub hint: String,
}

impl Diagnostic {
    /// Whether this diagnostic makes the file invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}:{}: ",
            self.path.display(),
            self.line,
            self.column
        )?;
        if self.severity == Severity::Warning {
            formatter.write_str("warning: ")?;
        }
        write!(formatter, "{} — {}", self.message, self.hint)
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The file is refused.
    Error,
    /// The file is accepted; something in it deserves attention.
    Warning,
}

/// Why a config could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all.
    #[error("failed to read config file {}", path.display())]
    Read {
        /// The file as the caller named it.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The file was read but has at least one error.
    #[error(
        "invalid config file {}: {} error(s)",
        path.display(),
        diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).count()
    )]
    Invalid {
        /// The file as the caller named it.
        path: PathBuf,
        /// Every error and warning, in file order, so all can be fixed in one go.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Collects diagnostics by byte span while the file is walked, and turns
/// them into lines and columns at the end.
pub(crate) struct DiagnosticSink<'text> {
    /// The whole file, to count characters for columns.
    text: &'text str,
    /// The file as the caller named it, copied into every diagnostic.
    path: PathBuf,
    /// Byte offset where each line starts; line `n` (1-based) starts at index `n - 1`.
    line_starts: Vec<usize>,
    /// Spans of TOML syntax errors: a value the parser had to guess around is
    /// not reported a second time by validation.
    syntax_error_spans: Vec<Range<usize>>,
    /// Each diagnostic with its byte offset, the key for file order.
    collected: Vec<(usize, Diagnostic)>,
}

impl<'text> DiagnosticSink<'text> {
    pub(crate) fn new(text: &'text str, path: &Path) -> DiagnosticSink<'text> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        DiagnosticSink {
            text,
            path: path.to_path_buf(),
            line_starts,
            syntax_error_spans: Vec::new(),
            collected: Vec::new(),
        }
    }

    /// A TOML syntax error; always kept.
    pub(crate) fn syntax_error(&mut self, span: Range<usize>, message: String, hint: String) {
        self.syntax_error_spans.push(span.clone());
        self.push(span.start, Severity::Error, message, hint);
    }

    /// A validation error, dropped when it sits on a syntax error.
    pub(crate) fn error(&mut self, span: Range<usize>, message: String, hint: String) {
        if !self.overlaps_syntax_error(&span) {
            self.push(span.start, Severity::Error, message, hint);
        }
    }

    /// A validation warning, dropped when it sits on a syntax error.
    pub(crate) fn warning(&mut self, span: Range<usize>, message: String, hint: String) {
        if !self.overlaps_syntax_error(&span) {
            self.push(span.start, Severity::Warning, message, hint);
        }
    }

    pub(crate) fn has_syntax_errors(&self) -> bool {
        !self.syntax_error_spans.is_empty()
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.collected
            .iter()
            .any(|(_, diagnostic)| diagnostic.is_error())
    }

    /// The 1-based line on which `offset` lies; used by hints that point at
    /// another place in the file.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// Every diagnostic, in file order (ties keep the order of discovery).
    pub(crate) fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        self.collected.sort_by_key(|(offset, _)| *offset);
        self.collected
            .into_iter()
            .map(|(_, diagnostic)| diagnostic)
            .collect()
    }

    fn overlaps_syntax_error(&self, span: &Range<usize>) -> bool {
        self.syntax_error_spans.iter().any(|syntax_span| {
            span.start == syntax_span.start
                || (span.start < syntax_span.end.max(syntax_span.start + 1)
                    && syntax_span.start < span.end.max(span.start + 1))
        })
    }

    fn push(&mut self, offset: usize, severity: Severity, message: String, hint: String) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        // line_starts[0] is 0, which is <= any offset, so `line` is at least 1.
        let line_start = self.line_starts[line - 1];
        // A byte-order mark is not a column in any editor.
        let line_text = self.text[line_start..offset].trim_start_matches('\u{feff}');
        let column = line_text.chars().count() + 1;
        self.collected.push((
            offset,
            Diagnostic {
                path: self.path.clone(),
                line,
                column,
                severity,
                message,
                hint,
            },
        ));
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, offset: usize, expected_line: usize, expected_column: usize) {
        let mut sink = DiagnosticSink::new(text, Path::new("c.toml"));
        sink.error(offset..offset + 1, "m".to_owned(), "h".to_owned());
        let diagnostics = sink.into_diagnostics();
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (expected_line, expected_column),
            "offset {offset} in {text:?}"
        );
    }

    #[test]
    fn offsets_become_lines_and_character_columns() {
        check("abc", 0, 1, 1);
        check("abc", 2, 1, 3);
        check("abc\ndef", 3, 1, 4);
        check("abc\ndef", 4, 2, 1);
        check("a\n\nb", 3, 3, 1);
        check("ä = 1\nöö = x", 9, 2, 2);
        check("ä = 1\nöö = x", 11, 2, 3);
        check("ä", 1, 1, 1);
        check("abc", 3, 1, 4);
    }

    #[test]
    fn display_has_the_documented_form() {
        let diagnostic = Diagnostic {
            path: PathBuf::from("config/cartograph.toml"),
            line: 3,
            column: 1,
            severity: Severity::Warning,
            message: "site 'x' authorization expired on 2026-01-01; it will be skipped".to_owned(),
            hint: "renew the mandate or remove the site".to_owned(),
        };
        assert_eq!(
            diagnostic.to_string(),
            "config/cartograph.toml:3:1: warning: site 'x' authorization expired on 2026-01-01; \
             it will be skipped — renew the mandate or remove the site"
        );
    }
}
