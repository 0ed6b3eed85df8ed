//! Typed access to one spanned TOML table: `TableReader` reports unknown
//! keys (with the nearest known key as the hint), wrong types and missing
//! required keys, each at the right span, and hands back values with their
//! spans so that validation can point at them too.

use std::ops::Range;
use std::time::Duration;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::DiagnosticSink;
use crate::schema::{KeySpec, TableSchema, ALL_TABLES};

/// A value and the byte span it was written at.
#[derive(Debug, Clone)]
pub(crate) struct Located<T> {
    /// The value, typed.
    pub(crate) value: T,
    /// Byte span in the file, so later checks can point at the value.
    pub(crate) span: Range<usize>,
}

/// What a key holds when validation asked for a table.
pub(crate) enum SubTable<'doc, 'input> {
    /// The key is not there.
    Absent,
    /// The key is there but is not a table; already reported.
    WrongType,
    /// The table, and the span of its header (or of the inline table).
    Present(&'doc DeTable<'input>, Range<usize>),
}

/// One table of the document, read against its schema.
pub(crate) struct TableReader<'doc, 'input> {
    /// The table as parsed, with spans.
    table: &'doc DeTable<'input>,
    /// The keys it may hold and how messages name it.
    schema: &'static TableSchema,
    /// Where "missing key" diagnostics point: the table's header, or the
    /// start of the file when the table itself is missing.
    header: Range<usize>,
    /// Said after a key in messages: ` in [crawler]`, ` in site 'x'`.
    context: String,
    /// Whether the table is missing from the file altogether.
    table_is_absent: bool,
}

impl<'doc, 'input> TableReader<'doc, 'input> {
    /// Reads `table` and reports every key the schema does not know.
    pub(crate) fn new(
        table: &'doc DeTable<'input>,
        schema: &'static TableSchema,
        header: Range<usize>,
        sink: &mut DiagnosticSink<'_>,
    ) -> TableReader<'doc, 'input> {
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            if schema.key(name).is_none() {
                report_unknown_key(name, key.span(), value.get_ref(), schema, sink);
            }
        }
        TableReader {
            table,
            schema,
            header,
            context: schema.location(),
            table_is_absent: false,
        }
    }

    /// A reader for a table that is not in the file: every key is absent,
    /// and missing required keys are reported at `header`.
    pub(crate) fn empty(
        empty_table: &'doc DeTable<'input>,
        schema: &'static TableSchema,
        header: Range<usize>,
    ) -> TableReader<'doc, 'input> {
        debug_assert!(
            empty_table.is_empty(),
            "a reader for an absent table needs an empty table"
        );
        TableReader {
            table: empty_table,
            schema,
            header,
            context: schema.location(),
            table_is_absent: true,
        }
    }

    /// Names what the table describes in later messages (` in site 'x'`).
    pub(crate) fn set_context(&mut self, context: String) {
        self.context = context;
    }

    pub(crate) fn header(&self) -> Range<usize> {
        self.header.clone()
    }

    /// `'key' in [table]` or `'key' in site 'x'`, for messages.
    pub(crate) fn describe(&self, key: &str) -> String {
        format!("'{key}'{}", self.context)
    }

    /// ` in [table]` or ` in site 'x'`, for messages.
    pub(crate) fn context(&self) -> &str {
        &self.context
    }

    /// Whether the key is written in the table.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.value(key).is_some()
    }

    /// The key's sample line, `key = example`, for hints.
    pub(crate) fn example(&self, key: &str) -> String {
        format!("{key} = {}", self.spec(key).example)
    }

    /// The raw value of a key the schema knows.
    pub(crate) fn value(&self, key: &str) -> Option<&'doc Spanned<DeValue<'input>>> {
        debug_assert!(
            self.schema.key(key).is_some(),
            "key '{key}' is read but missing from schema {}",
            self.schema.title
        );
        self.table.get(key)
    }

    /// Reports that a required key is absent.
    pub(crate) fn report_missing(&self, key: &str, why: &str, sink: &mut DiagnosticSink<'_>) {
        let hint = if self.table_is_absent {
            format!(
                "add a {} table with {}{why}",
                self.schema.title,
                self.example(key)
            )
        } else {
            format!("add {}{why}", self.example(key))
        };
        sink.error(
            self.header.clone(),
            format!("missing required key {}", self.describe(key)),
            hint,
        );
    }

    /// Reports that a key holds the wrong type of value.
    pub(crate) fn report_wrong_type(
        &self,
        key: &str,
        expected: &str,
        value: &Spanned<DeValue<'_>>,
        sink: &mut DiagnosticSink<'_>,
    ) {
        sink.error(
            value.span(),
            format!(
                "wrong type for {}: expected {expected}, got {}",
                self.describe(key),
                with_article(value.get_ref())
            ),
            self.retype_hint(key),
        );
    }

    /// How to write the key with the right type: a sample line, or for the
    /// top-level tables the header to write.
    fn retype_hint(&self, key: &str) -> String {
        let example = self.spec(key).example;
        if example.starts_with('[') && example.ends_with(']') && !example.contains('"') {
            format!("write it as a {example} header line with its keys on the lines below")
        } else {
            format!("write it as {key} = {example}")
        }
    }

    /// A string value, if present and a string.
    pub(crate) fn string(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<&'doc str>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::String(text) => Some(Located {
                value: text.as_ref(),
                span: value.span(),
            }),
            _ => {
                self.report_wrong_type(key, "a string", value, sink);
                None
            }
        }
    }

    /// A string value that must be there.
    pub(crate) fn required_string(
        &self,
        key: &str,
        why: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<&'doc str>> {
        if self.value(key).is_none() {
            self.report_missing(key, why, sink);
            return None;
        }
        self.string(key, sink)
    }

    /// A string value that must not be blank when given.
    pub(crate) fn non_empty_string(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<&'doc str>> {
        let located = self.string(key, sink)?;
        if located.value.trim().is_empty() {
            sink.error(
                located.span.clone(),
                format!("{} is empty", self.describe(key)),
                format!("write something in it, e.g. {}", self.example(key)),
            );
            return None;
        }
        Some(located)
    }

    /// A boolean value, if present and a boolean.
    pub(crate) fn boolean(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<bool>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(Located {
                value: *flag,
                span: value.span(),
            }),
            _ => {
                self.report_wrong_type(key, "a boolean (true or false, no quotes)", value, sink);
                None
            }
        }
    }

    /// A whole number of at least 1 that fits `T`, if present.
    pub(crate) fn positive_integer<T: TryFrom<i64>>(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<T>> {
        self.integer_at_least(key, 1, sink)
    }

    /// A whole number of at least `minimum` that fits `T`, if present.
    pub(crate) fn integer_at_least<T: TryFrom<i64>>(
        &self,
        key: &str,
        minimum: i64,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<T>> {
        let value = self.value(key)?;
        let DeValue::Integer(integer) = value.get_ref() else {
            self.report_wrong_type(key, "an integer", value, sink);
            return None;
        };
        let parsed = i64::from_str_radix(integer.as_str(), integer.radix()).ok();
        if let Some(number) = parsed.filter(|&number| number < minimum) {
            sink.error(
                value.span(),
                format!(
                    "{} must be at least {minimum}, got {number}",
                    self.describe(key)
                ),
                if minimum == 1 {
                    format!("write a positive whole number, e.g. {}", self.example(key))
                } else {
                    format!("write a larger whole number, e.g. {}", self.example(key))
                },
            );
            return None;
        }
        match parsed.and_then(|number| T::try_from(number).ok()) {
            Some(number) => Some(Located {
                value: number,
                span: value.span(),
            }),
            None => {
                sink.error(
                    value.span(),
                    format!("{} is too large", self.describe(key)),
                    format!("write a smaller number, e.g. {}", self.example(key)),
                );
                None
            }
        }
    }

    /// A humantime duration written as a string (`"5s"`), if present.
    pub(crate) fn duration(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<Duration>> {
        let text = self.string(key, sink)?;
        match humantime::parse_duration(text.value) {
            Ok(duration) => Some(Located {
                value: duration,
                span: text.span,
            }),
            Err(parse_error) => {
                sink.error(
                    text.span,
                    format!(
                        "bad duration '{}' for {}: {parse_error}",
                        text.value,
                        self.describe(key)
                    ),
                    format!(
                        "write a duration such as \"5s\", \"1500ms\" or \"1m 30s\", e.g. {}",
                        self.example(key)
                    ),
                );
                None
            }
        }
    }

    /// A TOML local date (`2027-06-30`, no quotes, no time), if present.
    pub(crate) fn date(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<NaiveDate>> {
        let value = self.value(key)?;
        let datetime = match value.get_ref() {
            DeValue::Datetime(datetime) => datetime,
            DeValue::String(text) => {
                sink.error(
                    value.span(),
                    format!(
                        "bad date '{text}' for {}: dates are written without quotes",
                        self.describe(key)
                    ),
                    format!(
                        "write a TOML date as YYYY-MM-DD without quotes, e.g. {}",
                        self.example(key)
                    ),
                );
                return None;
            }
            _ => {
                self.report_wrong_type(key, "a date", value, sink);
                return None;
            }
        };
        let calendar_date = match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            ),
            _ => None,
        };
        match calendar_date {
            Some(date) => Some(Located {
                value: date,
                span: value.span(),
            }),
            None => {
                sink.error(
                    value.span(),
                    format!(
                        "bad date '{datetime}' for {}: expected a calendar date only",
                        self.describe(key)
                    ),
                    format!(
                        "write the day alone as YYYY-MM-DD, e.g. {}",
                        self.example(key)
                    ),
                );
                None
            }
        }
    }

    /// An array whose elements must all be strings, if present; every
    /// element of another type is reported.
    pub(crate) fn string_array(
        &self,
        key: &str,
        sink: &mut DiagnosticSink<'_>,
    ) -> Option<Located<Vec<Located<&'doc str>>>> {
        let value = self.value(key)?;
        let DeValue::Array(elements) = value.get_ref() else {
            self.report_wrong_type(key, "an array of strings", value, sink);
            return None;
        };
        let mut strings = Vec::with_capacity(elements.len());
        let mut all_strings = true;
        for element in elements.iter() {
            match element.get_ref() {
                DeValue::String(text) => strings.push(Located {
                    value: text.as_ref(),
                    span: element.span(),
                }),
                _ => {
                    self.report_wrong_type(key, "an array of strings", element, sink);
                    all_strings = false;
                }
            }
        }
        all_strings.then_some(Located {
            value: strings,
            span: value.span(),
        })
    }

    /// A sub-table (header or inline), if present.
    pub(crate) fn table(&self, key: &str, sink: &mut DiagnosticSink<'_>) -> SubTable<'doc, 'input> {
        let Some(value) = self.value(key) else {
            return SubTable::Absent;
        };
        match value.get_ref() {
            DeValue::Table(table) => SubTable::Present(table, value.span()),
            _ => {
                self.report_wrong_type(key, "a table", value, sink);
                SubTable::WrongType
            }
        }
    }

    fn spec(&self, key: &str) -> &'static KeySpec {
        // Every key passed in comes from the reading code, which the debug
        // assertion in `value` ties to the schema; a stray key still gets a
        // usable (if bland) example.
        self.schema.key(key).unwrap_or(&FALLBACK_KEY)
    }
}

const FALLBACK_KEY: KeySpec = KeySpec {
    name: "",
    example: "...",
};

/// The type of a value with its article, for "expected X, got Y".
pub(crate) fn with_article(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn report_unknown_key(
    name: &str,
    span: Range<usize>,
    value: &DeValue<'_>,
    schema: &TableSchema,
    sink: &mut DiagnosticSink<'_>,
) {
    // Schemas are consts, so they are told apart by title, not by address.
    let is_top_level_table = schema.title == crate::schema::TOP_LEVEL.title && value.is_table();
    let known_names = schema.keys.iter().map(|known| known.name);
    let message = if is_top_level_table {
        format!("unknown table [{name}]")
    } else {
        format!("unknown key '{name}'{}", schema.location())
    };
    let hint = if let Some(nearest) = nearest_name(name, known_names.clone()) {
        if is_top_level_table {
            format!("did you mean [{nearest}]?")
        } else {
            format!("did you mean '{nearest}'?")
        }
    } else if let Some(home) = ALL_TABLES
        .iter()
        .find(|other| other.title != schema.title && other.key(name).is_some())
    {
        format!("'{name}' belongs in {}", home.title)
    } else {
        format!(
            "remove it; {} knows {}",
            schema.title,
            known_names.collect::<Vec<_>>().join(", ")
        )
    };
    sink.error(span, message, hint);
}

/// The candidate closest to `written` when it is close enough to be a typo:
/// at most one edit per three characters of the candidate, case ignored.
pub(crate) fn nearest_name<'candidate>(
    written: &str,
    candidates: impl Iterator<Item = &'candidate str>,
) -> Option<&'candidate str> {
    let written_lower = written.to_lowercase();
    candidates
        .map(|candidate| (edit_distance(&written_lower, candidate), candidate))
        .filter(|&(distance, candidate)| distance * 3 <= candidate.chars().count().max(3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost one (so `user_agnet` is one from
/// `user_agent`).
pub(crate) fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let width = right.len() + 1;
    let mut table = vec![0usize; (left.len() + 1) * width];
    for (row, cell) in table.iter_mut().step_by(width).enumerate() {
        *cell = row;
    }
    for (column, cell) in table.iter_mut().take(width).enumerate() {
        *cell = column;
    }
    for row in 1..=left.len() {
        for column in 1..=right.len() {
            let substitution_cost = usize::from(left[row - 1] != right[column - 1]);
            let mut best = (table[(row - 1) * width + column] + 1)
                .min(table[row * width + column - 1] + 1)
                .min(table[(row - 1) * width + column - 1] + substitution_cost);
            if row > 1
                && column > 1
                && left[row - 1] == right[column - 2]
                && left[row - 2] == right[column - 1]
            {
                best = best.min(table[(row - 2) * width + column - 2] + 1);
            }
            table[row * width + column] = best;
        }
    }
    table[left.len() * width + right.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        let cases: &[(&str, &str, usize)] = &[
            ("", "", 0),
            ("abc", "", 3),
            ("user_agnet", "user_agent", 1),
            ("contct", "contact", 1),
            ("kitten", "sitting", 3),
            ("max-pages", "max_pages", 1),
        ];
        for &(left, right, expected) in cases {
            assert_eq!(edit_distance(left, right), expected, "{left} / {right}");
        }
    }

    #[test]
    fn nearest_names() {
        let known = ["user_agent", "contact", "max_concurrent_hosts"];
        let cases: &[(&str, Option<&str>)] = &[
            ("user_agnet", Some("user_agent")),
            ("User_Agent", Some("user_agent")),
            ("contakt", Some("contact")),
            ("max_concurent_hosts", Some("max_concurrent_hosts")),
            ("colour", None),
            ("x", None),
        ];
        for &(written, expected) in cases {
            assert_eq!(
                nearest_name(written, known.into_iter()),
                expected,
                "{written}"
            );
        }
    }
}
