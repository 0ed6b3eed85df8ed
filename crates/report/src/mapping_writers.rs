//! The mapping sheet written as XLSX, CSV or JSON, from the same typed
//! cells.
//!
//! - XLSX (rust_xlsxwriter): a bold header row, frozen panes below the
//!   header and right of the site's id and name, an autofilter over every
//!   column, column widths, shares as percentages; a "Columns" tab saying
//!   what each column holds and an "About" tab with the run, the versions
//!   and what the research says about the indicators.
//! - CSV: RFC 4180 (commas, CRLF, fields quoted when needed, quotes
//!   doubled) with a UTF-8 byte order mark so Excel reads the text as
//!   UTF-8; a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage
//!   return gets a leading apostrophe, so a site name cannot become a
//!   formula (CSV injection).
//! - JSON: the column list and one object per site whose keys are the
//!   column keys, in column order; `null` for an empty cell.

use std::io::Write as _;
use std::path::Path;

use chrono::SecondsFormat;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::mapping::{CellValue, MappingSheet, COLUMNS, MAPPING_SHEET_VERSION};
use crate::methodology::{DEDUPLICATION, PRIVACY, RESEARCH_FINDINGS};
use crate::model::ReportData;
use crate::output::write_atomically;
use crate::ReportError;

/// Excel's limit on the characters of one cell.
const XLSX_CELL_MAX_CHARS: usize = 32_767;

/// The formats the sheet can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
    Json,
}

impl SheetFormat {
    /// The format an output path's extension asks for.
    pub fn from_path(path: &Path) -> Option<SheetFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "xlsx" => Some(SheetFormat::Xlsx),
            "csv" => Some(SheetFormat::Csv),
            "json" => Some(SheetFormat::Json),
            _ => None,
        }
    }
}

/// Writes `sheet` to `path` in `format`, through a temporary file renamed
/// into place, so a failed write never leaves half a sheet.
pub fn write_mapping_sheet(
    data: &ReportData,
    sheet: &MappingSheet,
    format: SheetFormat,
    path: &Path,
) -> Result<(), ReportError> {
    let bytes = match format {
        SheetFormat::Xlsx => xlsx_bytes(data, sheet).map_err(|source| ReportError::Xlsx {
            path: path.to_path_buf(),
            source,
        })?,
        SheetFormat::Csv => csv_bytes(sheet),
        SheetFormat::Json => json_bytes(data, sheet),
    };
    write_atomically(path, &bytes)
}

/// The workbook's bytes.
pub fn xlsx_bytes(data: &ReportData, sheet: &MappingSheet) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0x00DD_EBF7));
    let share = Format::new().set_num_format("0.0%");
    let decimal = Format::new().set_num_format("0.00");
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let worksheet = workbook.add_worksheet();
    worksheet.set_name("Mapping")?;
    for (index, column) in COLUMNS.iter().enumerate() {
        let column_number = column_number(index);
        worksheet.write_string_with_format(0, column_number, column.header, &header)?;
        worksheet.set_column_width(column_number, column.width)?;
    }
    worksheet.set_row_height(0, 45)?;
    for (row_index, row) in sheet.rows.iter().enumerate() {
        let row_number = (row_index + 1) as u32;
        for (index, cell) in row.iter().enumerate() {
            let column_number = column_number(index);
            match cell {
                CellValue::Empty => {}
                CellValue::Text(text) => {
                    worksheet.write_string_with_format(
                        row_number,
                        column_number,
                        cell_text(text),
                        &wrapped,
                    )?;
                }
                CellValue::Integer(value) => {
                    worksheet.write_number(row_number, column_number, *value as f64)?;
                }
                CellValue::Number(value) => {
                    worksheet.write_number_with_format(
                        row_number,
                        column_number,
                        *value,
                        &decimal,
                    )?;
                }
                CellValue::Share(value) => {
                    worksheet.write_number_with_format(
                        row_number,
                        column_number,
                        *value,
                        &share,
                    )?;
                }
            }
        }
    }
    // Header row and the site's id and name stay in view.
    worksheet.set_freeze_panes(1, 2)?;
    worksheet.autofilter(
        0,
        0,
        sheet.rows.len() as u32,
        column_number(COLUMNS.len() - 1),
    )?;

    let columns = workbook.add_worksheet();
    columns.set_name("Columns")?;
    write_table(
        columns,
        &header,
        &["Column", "Key", "What it holds"],
        &[28.0, 28.0, 80.0],
        COLUMNS.iter().map(|column| {
            [
                column.header.to_owned(),
                column.key.to_owned(),
                column.meaning.to_owned(),
            ]
        }),
    )?;

    let about = workbook.add_worksheet();
    about.set_name("About")?;
    let runs: Vec<String> = data
        .runs
        .iter()
        .map(|run| {
            format!(
                "run {} started {} ({}, {})",
                run.id,
                run.started_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                run.trigger,
                run.state
            )
        })
        .collect();
    write_table(
        about,
        &header,
        &["Item", "Value"],
        &[24.0, 110.0],
        [
            [
                "Generated (UTC)".to_owned(),
                data.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            ],
            ["cartograph".to_owned(), data.tool_version.clone()],
            [
                "Sheet version".to_owned(),
                MAPPING_SHEET_VERSION.to_string(),
            ],
            ["Runs read".to_owned(), runs.join("; ")],
            [
                "What the research says".to_owned(),
                RESEARCH_FINDINGS.to_owned(),
            ],
            ["Counting".to_owned(), DEDUPLICATION.to_owned()],
            ["Personal data".to_owned(), PRIVACY.to_owned()],
        ]
        .into_iter(),
    )?;
    workbook.save_to_buffer()
}

fn write_table<const WIDTH: usize>(
    worksheet: &mut Worksheet,
    header: &Format,
    headers: &[&str; WIDTH],
    widths: &[f64; WIDTH],
    rows: impl Iterator<Item = [String; WIDTH]>,
) -> Result<(), XlsxError> {
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (index, (title, width)) in headers.iter().zip(widths).enumerate() {
        worksheet.write_string_with_format(0, column_number(index), *title, header)?;
        worksheet.set_column_width(column_number(index), *width)?;
    }
    for (row_index, row) in rows.enumerate() {
        for (index, value) in row.iter().enumerate() {
            worksheet.write_string_with_format(
                (row_index + 1) as u32,
                column_number(index),
                cell_text(value),
                &wrapped,
            )?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn column_number(index: usize) -> u16 {
    // Invariant: the sheet has a few dozen columns, far below u16::MAX.
    u16::try_from(index).expect("column index fits Excel's column numbers")
}

/// `text` cut to what one Excel cell holds.
fn cell_text(text: &str) -> &str {
    match text.char_indices().nth(XLSX_CELL_MAX_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// The CSV file's bytes: UTF-8 with a byte order mark, CRLF line ends.
pub fn csv_bytes(sheet: &MappingSheet) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let headers: Vec<String> = COLUMNS
        .iter()
        .map(|column| csv_field(column.header))
        .collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for row in &sheet.rows {
        let fields: Vec<String> = row.iter().map(csv_cell).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn csv_cell(cell: &CellValue) -> String {
    match cell {
        CellValue::Empty => String::new(),
        CellValue::Text(text) => csv_field(&neutralise_formula(text)),
        CellValue::Integer(value) => value.to_string(),
        CellValue::Number(value) => format!("{value:.2}"),
        CellValue::Share(value) => format!("{value:.4}"),
    }
}

/// A text that a spreadsheet would read as a formula gets a leading
/// apostrophe (OWASP's advice for CSV injection).
pub fn neutralise_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One RFC 4180 field: quoted when it holds a comma, quote, CR, LF or
/// leading/trailing space; quotes doubled.
pub fn csv_field(text: &str) -> String {
    let needs_quotes =
        text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The JSON file's bytes.
pub fn json_bytes(data: &ReportData, sheet: &MappingSheet) -> Vec<u8> {
    let document = JsonSheet { data, sheet };
    // Invariant: plain strings and numbers always serialize.
    let mut bytes = serde_json::to_vec_pretty(&document).expect("the sheet serializes");
    let _ = bytes.write_all(b"\n");
    bytes
}

struct JsonSheet<'report> {
    data: &'report ReportData,
    sheet: &'report MappingSheet,
}

impl Serialize for JsonSheet<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("format", "cartograph-mapping-sheet")?;
        map.serialize_entry("version", &MAPPING_SHEET_VERSION)?;
        map.serialize_entry("generated_at", &self.data.generated_at)?;
        map.serialize_entry("tool_version", &self.data.tool_version)?;
        map.serialize_entry("columns", &JsonColumns)?;
        map.serialize_entry("sites", &JsonRows(&self.sheet.rows))?;
        map.end()
    }
}

struct JsonColumns;

impl Serialize for JsonColumns {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(Some(COLUMNS.len()))?;
        for column in COLUMNS {
            sequence.serialize_element(&serde_json::json!({
                "key": column.key,
                "header": column.header,
                "meaning": column.meaning,
            }))?;
        }
        sequence.end()
    }
}

struct JsonRows<'rows>(&'rows [Vec<CellValue>]);

impl Serialize for JsonRows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            sequence.serialize_element(&JsonRow(row))?;
        }
        sequence.end()
    }
}

struct JsonRow<'row>(&'row [CellValue]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (column, cell) in COLUMNS.iter().zip(self.0) {
            match cell {
                CellValue::Empty => map.serialize_entry(column.key, &())?,
                CellValue::Text(text) => map.serialize_entry(column.key, text)?,
                CellValue::Integer(value) => map.serialize_entry(column.key, value)?,
                CellValue::Number(value) | CellValue::Share(value) => {
                    map.serialize_entry(column.key, value)?
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_follow_rfc_4180() {
        let check =
            |input: &str, expected: &str| assert_eq!(csv_field(input), expected, "{input:?}");
        check("plain", "plain");
        check("a,b", "\"a,b\"");
        check("say \"hi\"", "\"say \"\"hi\"\"\"");
        check("two\r\nlines", "\"two\r\nlines\"");
        check(" padded", "\" padded\"");
        check("", "");
        check("Zürich – Straße", "Zürich – Straße");
    }

    #[test]
    fn formulas_are_neutralised() {
        let check = |input: &str, expected: &str| {
            assert_eq!(neutralise_formula(input), expected, "{input:?}")
        };
        check(
            "=HYPERLINK(\"http://x.test\")",
            "'=HYPERLINK(\"http://x.test\")",
        );
        check("+1 555", "'+1 555");
        check("-2+3", "'-2+3");
        check("@SUM(A1)", "'@SUM(A1)");
        check("\tTab", "'\tTab");
        check("Normal = text", "Normal = text");
        check("", "");
    }

    #[test]
    fn long_text_is_cut_to_one_excel_cell() {
        let long = "ä".repeat(XLSX_CELL_MAX_CHARS + 10);
        assert_eq!(cell_text(&long).chars().count(), XLSX_CELL_MAX_CHARS);
        assert_eq!(cell_text("short"), "short");
    }
}
