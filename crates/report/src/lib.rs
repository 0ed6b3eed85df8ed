//! What analysts hand on: the OSCE mapping sheet (XLSX, CSV, JSON), the
//! connections between sites as an evidence graph (JSON, GraphML, DOT),
//! movement counts, and one self-contained HTML report.
//!
//! Every report is made from [`ReportData`], the crate's own input model.
//! `from_store` is the one adapter that fills it from the store (latest run
//! per site, or one run, and the history before it; `stored_fields` reads a
//! stored site row by its extractor version) and, through `page_evidence`,
//! from the captured pages themselves; nothing else here knows how
//! indicators are stored. The crate reads the store and writes
//! files: it never talks to the network and never writes to the store.
//!
//! Personal data never leaves: contacts are keyed pseudonyms in the model
//! and only counts in the outputs; text from crawled pages is escaped in
//! every format that could interpret it (HTML, XML, DOT, spreadsheet
//! formulas).

mod ad_text;
mod connections;
mod from_store;
mod graph_formats;
mod html;
mod mapping;
mod mapping_writers;
mod methodology;
mod model;
mod movement;
mod output;
mod page_evidence;
mod stored_fields;
mod svg;
#[cfg(test)]
mod test_support;

use std::path::PathBuf;

pub use ad_text::{
    TextFeatures, COMMON_FEATURE_MIN_ADS, COMMON_FEATURE_SHARE, COPY_CONTAINMENT_THRESHOLD,
    COPY_CONTAINMENT_WITHOUT_CONTACT, MIN_SHARED_RARE_FEATURES,
};
pub use connections::{
    build_graph, ConnectionGraph, Edge, EdgeKind, GraphNode, SameOperator, MIN_COPIED_ADS,
    MIN_OPERATOR_CONTACT_SHARE, MIN_OPERATOR_SHARED_CONTACTS, TEMPLATE_PAGES_PER_SITE,
    TEMPLATE_SIMILARITY_THRESHOLD,
};
pub use from_store::{report_data_from_store, ReportScope, StoreReadOptions};
pub use graph_formats::{write_connections, ConnectionsFormat, CONNECTIONS_FORMAT_VERSION};
pub use html::{html_report, write_html_report, CONTENT_SECURITY_POLICY_PREFIX};
pub use mapping::{
    column_index, mapping_sheet, CellValue, Column, MappingSheet, COLUMNS, MAPPING_SHEET_VERSION,
};
pub use mapping_writers::{
    csv_bytes, csv_field, json_bytes, neutralise_formula, write_mapping_sheet, xlsx_bytes,
    SheetFormat,
};
pub use methodology::{
    IndicatorNote, CONNECTIONS, DEDUPLICATION, INDICATOR_NOTES, MOVEMENT, PRIVACY,
    RESEARCH_FINDINGS,
};
pub use model::{
    AdSpace, AdTextObservation, CategoryField, CompanyObservation, ConnectionEvidence,
    ContactObservation, ContactShares, GeographicalScope, LabelCount, LabelShare, LanguageField,
    Lingo, MappingFields, Origin, PriceSummary, ReportData, RunSummary, Services, SiteInput,
    SizeAndUse, TemplateObservation, TrackingObservation, TrendPoint, TrendSeries, TrendUnit,
};
pub use movement::{movement, CountryPairMovement, Movement, SiteMovement, SitePairMovement};
pub use output::write_atomically;
pub use stored_fields::{carries_full_indicators, FULL_INDICATORS_SINCE, TOP_PLACES};

/// What can stop a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("failed to read the store")]
    Store(#[from] cartograph_store::StoreError),
    #[error("run {0} does not exist in the store")]
    NoSuchRun(u64),
    #[error("failed to write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to build the workbook {path}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
}
