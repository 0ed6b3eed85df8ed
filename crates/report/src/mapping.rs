//! The OSCE mapping sheet: one row per whitelisted site, one column per
//! mapping field a–n (some fields span several columns), plus the run, the
//! capture count and the versions the row was made with.
//!
//! The sheet is built once as typed cells (`MappingSheet`); the writers in
//! `mapping_writers.rs` turn the same cells into XLSX, CSV and JSON, so the
//! three formats cannot disagree. Contacts appear as shares and counts,
//! never as numbers or handles.

use chrono::SecondsFormat;

use crate::connections::ConnectionGraph;
use crate::model::{LabelShare, ReportData, SiteInput};
use crate::movement::Movement;

/// Version of the sheet's columns; bumped when a column is renamed or
/// removed (adding one at the end is not a change of version).
pub const MAPPING_SHEET_VERSION: u32 = 1;

/// One column of the sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// The JSON key (`a_name`).
    pub key: &'static str,
    /// The header cell (`a. Name`).
    pub header: &'static str,
    /// Width in Excel character units.
    pub width: f64,
    /// What the column holds, for the sheet's "Columns" tab and the README.
    pub meaning: &'static str,
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Not measured (empty cell, JSON `null`).
    Empty,
    Text(String),
    Integer(u64),
    Number(f64),
    /// 0.0–1.0, shown as a percentage in XLSX.
    Share(f64),
}

/// The sheet as typed cells: `rows[i][j]` is column `COLUMNS[j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingSheet {
    pub rows: Vec<Vec<CellValue>>,
}

const fn column(
    key: &'static str,
    header: &'static str,
    width: f64,
    meaning: &'static str,
) -> Column {
    Column {
        key,
        header,
        width,
        meaning,
    }
}

/// The sheet's columns, in order.
// One line per column reads as the sheet does; rustfmt would spread each
// over six lines.
#[rustfmt::skip]
pub const COLUMNS: &[Column] = &[
    column("site_id", "Site id", 22.0, "the whitelist entry's id"),
    column("a_name", "a. Name", 28.0, "the whitelist entry's name"),
    column("a_page_title", "a. Page title", 34.0, "the title of the first listing page, as crawled"),
    column("country", "Country", 9.0, "the market the site is mapped for (ISO 3166-1, whitelist)"),
    column("b_url", "b. URL", 40.0, "the listing URLs the crawl starts from"),
    column("c_ads_seen", "c. Distinct ads", 11.0, "distinct ads seen in the run, de-duplicated by ad id (an ad on several pages counts once)"),
    column("c_ad_cards", "c. Ad cards incl. repeats", 12.0, "ad cards seen, repeats and promoted copies included"),
    column("c_listing_pages", "c. Listing pages", 10.0, "listing pages parsed"),
    column("c_site_counter", "c. Site's own counter", 11.0, "what the site's own \"N ads online\" counter says"),
    column("c_new_ads_per_day", "c. New ads per day", 11.0, "new distinct ads per day since the previous run"),
    column("c_posted_within_week", "c. Posted within 7 days", 11.0, "share of ads posted in the 7 days before the run (an undated ad counts as not)"),
    column("d_service_terms", "d. Ads naming services", 11.0, "share of ads with a services-lexicon term"),
    column("d_prices", "d. Prices", 40.0, "median, range and ad count per currency and unit"),
    column("e_scope", "e. Geographical scope", 14.0, "local, regional, national or international, from the places on the ads"),
    column("e_places", "e. Places named", 34.0, "places named on the ads, with ad counts"),
    column("f_nationality_stated", "f. Ethnicity / nationality stated", 12.0, "share of ads stating an ethnicity or nationality"),
    column("f_placed_abroad", "f. Placed abroad", 11.0, "share of the ads naming a place whose place is in another country than the site's"),
    column("g_any_contact", "g. Ads with a contact", 10.0, "share of ads offering any contact"),
    column("g_phone", "g. Ads with phone", 10.0, "share of ads with a phone number"),
    column("g_contact_kinds", "g. Contact kinds", 30.0, "share of ads per kind of contact: phone, messengers, social networks"),
    column("g_obscured_phone", "g. Obscured phone", 10.0, "share of ads whose phone number is obscured"),
    column("g_distinct_contacts", "g. Distinct contacts", 10.0, "distinct contacts (pseudonyms) on the ads"),
    column("g_max_ads_per_contact", "g. Most ads per contact", 10.0, "most ads carrying one contact (many hint at a third party)"),
    column("g_contacts_3_plus_ads", "g. Contacts on 3+ ads", 10.0, "share of contacts carried by three ads or more"),
    column("g_contacts_in_several_countries", "g. Contacts seen in several countries", 12.0, "contacts of this site seen in more than one country, on any site"),
    column("h_notes", "h. Notes", 34.0, "the analyst's notes (whitelist)"),
    column("i_connections", "i. Connections", 44.0, "other sites linked by evidence: kind and strength"),
    column("i_same_operator", "i. Same operator as", 24.0, "sites linked by at least two independent kinds of evidence"),
    column("j_company", "j. Company affiliation", 24.0, "the copyright holder the pages name"),
    column("k_language_expected", "k. Language expected", 10.0, "the whitelist's language hint"),
    column("k_languages", "k. Languages detected", 20.0, "languages detected in the ads, with shares"),
    column("l_category_analyst", "l. Category (analyst)", 16.0, "the whitelist's category hint"),
    column("l_category_predicted", "l. Category (predicted)", 16.0, "the lexicon classifier's category"),
    column("m_lingo", "m. Risk lingo", 34.0, "share of ads with a hit per risk-lexicon category (service words are in d)"),
    column("n_ad_space", "n. Ad space", 28.0, "rented (the site links a post-an-ad page) or not seen"),
    column("run", "Run", 6.0, "the run the row describes"),
    column("run_started", "Run started (UTC)", 20.0, "when that run started"),
    column("captures", "Captures", 9.0, "captures stored for the site in that run, robots.txt included"),
    column("extractor_version", "Extractor version", 10.0, "the extractor that made the indicators"),
    column("lexicon_version", "Lexicon version", 16.0, "the risk lexicons the indicators were made with"),
    column("c_ads_after_reposts", "c. Ads, reposts merged", 11.0, "distinct ads with reposts under new ids merged: what the row's shares are shares of"),
    column("e_distinct_places", "e. Distinct places", 10.0, "distinct places named on the ads (\"Places named\" lists the most frequent)"),
];

/// Index of column `key` in [`COLUMNS`].
pub fn column_index(key: &str) -> Option<usize> {
    COLUMNS.iter().position(|column| column.key == key)
}

/// Builds the sheet: one row per site of `data`, in its order.
pub fn mapping_sheet(
    data: &ReportData,
    graph: &ConnectionGraph,
    movement: &Movement,
) -> MappingSheet {
    MappingSheet {
        rows: data
            .sites
            .iter()
            .map(|site| site_row(site, graph, movement))
            .collect(),
    }
}

fn site_row(site: &SiteInput, graph: &ConnectionGraph, movement: &Movement) -> Vec<CellValue> {
    let fields = &site.fields;
    let size = &fields.size;
    let contacts = &fields.contacts;
    let several_countries = movement
        .sites
        .iter()
        .find(|entry| entry.site_id == site.site_id)
        .filter(|_| !site.evidence.contacts.is_empty())
        .map(|entry| entry.in_several_countries);
    let row = vec![
        text(&site.site_id),
        text(&fields.name),
        optional_text(fields.page_title.as_deref()),
        text(&site.country),
        joined(fields.urls.iter().cloned(), " "),
        optional_integer(size.ads_seen),
        optional_integer(size.ad_cards),
        optional_integer(size.pages_parsed),
        optional_integer(size.site_counter),
        optional_number(size.new_ads_per_day),
        optional_share(size.posted_within_week_share),
        optional_share(fields.services.service_terms_share),
        joined(
            fields.services.prices.iter().map(|price| {
                format!(
                    "{}/{}: median {} ({}–{}, {} ads)",
                    price.currency,
                    price.unit,
                    minor_units(price.median_minor),
                    minor_units(price.min_minor),
                    minor_units(price.max_minor),
                    price.ads
                )
            }),
            "; ",
        ),
        optional_text(fields.scope.class.as_deref()),
        joined(
            fields
                .scope
                .locations
                .iter()
                .map(|location| format!("{} ({})", location.label, location.count)),
            "; ",
        ),
        optional_share(fields.origin.nationality_share),
        optional_share(fields.origin.placed_abroad_share),
        optional_share(contacts.any_contact_share),
        optional_share(contacts.phone_share),
        joined(shares_words(&contacts.kind_shares), "; "),
        optional_share(contacts.obscured_share),
        optional_integer(contacts.distinct_contacts),
        optional_integer(contacts.max_ads_per_contact),
        optional_share(contacts.contacts_with_3_plus_ads_share),
        optional_integer(several_countries),
        optional_text(fields.notes.as_deref()),
        joined(connection_words(site, graph), "; "),
        joined(
            graph
                .same_operator
                .iter()
                .filter_map(|pair| {
                    if pair.site_a == site.site_id {
                        Some(pair.site_b.as_str())
                    } else if pair.site_b == site.site_id {
                        Some(pair.site_a.as_str())
                    } else {
                        None
                    }
                })
                .map(str::to_owned),
            "; ",
        ),
        optional_text(fields.company.as_deref()),
        optional_text(fields.language.hint.as_deref()),
        joined(shares_words(&fields.language.shares), "; "),
        optional_text(fields.category.hint.as_deref()),
        fields
            .category
            .predicted
            .as_ref()
            .map_or(CellValue::Empty, |predicted| {
                match fields.category.predicted_confidence {
                    Some(confidence) => text(&format!("{predicted} (confidence {confidence:.2})")),
                    None => text(predicted),
                }
            }),
        joined(shares_words(&fields.lingo.category_shares), "; "),
        match fields.ad_space.post_ad_page_linked {
            Some(true) => text("rented: the site links a post-an-ad page"),
            Some(false) => text("no post-an-ad page linked"),
            None => CellValue::Empty,
        },
        optional_integer(site.run_id),
        site.run_started_at.map_or(CellValue::Empty, |time| {
            text(&time.to_rfc3339_opts(SecondsFormat::Secs, true))
        }),
        if site.run_id.is_some() {
            CellValue::Integer(site.capture_count)
        } else {
            CellValue::Empty
        },
        optional_text(site.extractor_version.as_deref()),
        optional_text(site.lexicon_version.as_deref()),
        optional_integer(size.ads_deduplicated),
        optional_integer(fields.scope.distinct_places),
    ];
    debug_assert_eq!(row.len(), COLUMNS.len());
    row
}

/// `other-site: same-template 0.93, copied-ads 42 →` for each linked site.
pub(crate) fn connection_words<'graph>(
    site: &'graph SiteInput,
    graph: &'graph ConnectionGraph,
) -> impl Iterator<Item = String> + 'graph {
    let mut by_other: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for edge in graph.edges_of(&site.site_id) {
        let other = if edge.from == site.site_id {
            edge.to.as_str()
        } else {
            edge.from.as_str()
        };
        let direction = match (edge.directed, edge.from == site.site_id) {
            (false, _) => "",
            (true, true) => ", copied from here",
            (true, false) => ", copied to here",
        };
        by_other.entry(other).or_default().push(format!(
            "{} {:.2}{direction}",
            edge.kind.as_str(),
            edge.strength
        ));
    }
    by_other
        .into_iter()
        .map(|(other, kinds)| format!("{other}: {}", kinds.join(", ")))
}

fn shares_words(shares: &[LabelShare]) -> impl Iterator<Item = String> + '_ {
    shares
        .iter()
        .map(|share| format!("{} {:.0}%", share.label, share.share * 100.0))
}

/// An amount in minor units as major units with two decimals.
fn minor_units(amount_minor: u64) -> String {
    format!("{}.{:02}", amount_minor / 100, amount_minor % 100)
}

fn text(value: &str) -> CellValue {
    CellValue::Text(value.to_owned())
}

fn optional_text(value: Option<&str>) -> CellValue {
    value.map_or(CellValue::Empty, text)
}

fn optional_integer(value: Option<u64>) -> CellValue {
    value.map_or(CellValue::Empty, CellValue::Integer)
}

fn optional_number(value: Option<f64>) -> CellValue {
    value.map_or(CellValue::Empty, CellValue::Number)
}

fn optional_share(value: Option<f64>) -> CellValue {
    value.map_or(CellValue::Empty, CellValue::Share)
}

fn joined(items: impl Iterator<Item = String>, separator: &str) -> CellValue {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(items.join(separator))
    }
}
