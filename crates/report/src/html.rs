//! The HTML report: one self-contained file an analyst opens offline.
//!
//! A table of sites with the key indicators; per site every mapping field
//! and its trends over runs as inline SVG; the connection graph (inline
//! SVG) with its edges and same-operator pairs; movement counts; the
//! methodology, saying what each indicator means and what the research
//! says about its strength; the runs read.
//!
//! Safety: every string goes through [`escape`] (text that came from
//! crawled pages or from the whitelist included), URLs are shown as text,
//! never as links (a click must not take the analyst to a watched site),
//! and a `Content-Security-Policy` meta element allows nothing to load and
//! no script to run; the one stylesheet is allowed by its SHA-256 hash.
//! Even a string that escaped escaping could not run or fetch anything.

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;
use chrono::SecondsFormat;
use sha2::{Digest, Sha256};

use crate::connections::{ConnectionGraph, EdgeKind};
use crate::mapping::{mapping_sheet, CellValue, COLUMNS};
use crate::methodology::{
    CONNECTIONS, DEDUPLICATION, INDICATOR_NOTES, MOVEMENT, PRIVACY, RESEARCH_FINDINGS,
};
use crate::model::{ReportData, SiteInput};
use crate::movement::Movement;
use crate::output::write_atomically;
use crate::svg::{connection_graph, trend_chart, GRAPH_MAX_NODES};
use crate::ReportError;

/// How the report's policy starts: nothing may load by default.
pub const CONTENT_SECURITY_POLICY_PREFIX: &str = "default-src 'none'";
/// Capture ids listed per edge in the table before "… and N more".
const CAPTURES_SHOWN_PER_EDGE: usize = 12;

const STYLESHEET: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1280px;padding:0 24px 48px;color:#1b1b1b;line-height:1.45}\
h1{margin:24px 0 4px}h2{margin-top:40px;border-bottom:2px solid #1f5f99;padding-bottom:4px}\
h3{margin:28px 0 8px}.meta{color:#555;font-size:0.9em}\
table{border-collapse:collapse;margin:8px 0 16px;font-size:0.86em}\
th,td{border:1px solid #ccd;padding:4px 6px;vertical-align:top;text-align:left}\
th{background:#e8eef6}td.number{text-align:right;font-variant-numeric:tabular-nums}\
.wide{overflow-x:auto}dl.fields{display:grid;grid-template-columns:minmax(180px,260px) 1fr;gap:2px 12px;font-size:0.9em}\
dl.fields dt{font-weight:600;color:#333}dl.fields dd{margin:0;word-break:break-word}\
.charts{display:flex;flex-wrap:wrap;gap:8px}svg.trend{border:1px solid #dde;background:#fafcff}\
svg.graph{max-width:100%;height:auto;border:1px solid #dde;background:#fff}\
.legend span{display:inline-block;margin-right:16px}.swatch{display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:4px}\
.swatch-same-template{background:#1f77b4}.swatch-shared-tracking-ids{background:#e07b00}\
.swatch-same-company{background:#7b3fa0}\
.swatch-shared-contacts{background:#2a9d3a}.swatch-copied-ads{background:#c62828}\
.research{background:#fff8e1;border-left:4px solid #e0a800;padding:8px 12px}\
code{font-size:0.92em;word-break:break-all}.empty{color:#999}\
nav ul{columns:3;font-size:0.9em}";

/// Text escaped for HTML content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            // NUL and other C0 controls (tab and line breaks aside) are not
            // allowed in HTML text; drop them rather than show garbage.
            control if (control as u32) < 0x20 && !matches!(control, '\t' | '\n' | '\r') => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// The policy in the report's meta element.
pub(crate) fn content_security_policy() -> String {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    format!(
        "{CONTENT_SECURITY_POLICY_PREFIX}; script-src 'none'; style-src 'sha256-{hash}'; \
         img-src 'none'; font-src 'none'; connect-src 'none'; object-src 'none'; \
         media-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// Writes the report to `path`.
pub fn write_html_report(
    data: &ReportData,
    graph: &ConnectionGraph,
    movement: &Movement,
    path: &Path,
) -> Result<(), ReportError> {
    write_atomically(path, html_report(data, graph, movement).as_bytes())
}

/// The whole report as one HTML document.
pub fn html_report(data: &ReportData, graph: &ConnectionGraph, movement: &Movement) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let generated = data.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    // Writing to a String cannot fail; results are ignored throughout.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>cartograph report {generated}</title>\n<style>{STYLESHEET}</style>\n</head>\n<body>\n\
         <h1>cartograph report</h1>\n<p class=\"meta\">Generated {generated} by cartograph {version} \
         from {runs} run(s) of {sites} whitelisted site(s). Readable offline; nothing in this file \
         loads or runs anything.</p>\n",
        csp = escape(&content_security_policy()),
        generated = escape(&generated),
        version = escape(&data.tool_version),
        runs = data.runs.len(),
        sites = data.sites.len(),
    );
    page.push_str(
        "<nav><ul><li><a href=\"#sites\">Sites</a></li><li><a href=\"#connections\">Connections</a></li>\
         <li><a href=\"#movement\">Movement</a></li><li><a href=\"#methodology\">Methodology</a></li>\
         <li><a href=\"#runs\">Runs</a></li></ul></nav>\n",
    );
    let _ = writeln!(
        page,
        "<p class=\"research\"><strong>Read the figures with this in mind.</strong> {}</p>",
        escape(RESEARCH_FINDINGS)
    );
    sites_table(&mut page, data, graph);
    site_sections(&mut page, data, graph, movement);
    connections_section(&mut page, graph);
    movement_section(&mut page, movement);
    methodology_section(&mut page);
    runs_section(&mut page, data);
    page.push_str("</body>\n</html>\n");
    page
}

fn share_text(value: Option<f64>) -> String {
    value.map_or_else(String::new, |share| format!("{:.0}%", share * 100.0))
}

fn count_text(value: Option<u64>) -> String {
    value.map_or_else(String::new, |count| count.to_string())
}

fn cell(page: &mut String, text: &str) {
    let _ = write!(page, "<td>{}</td>", escape(text));
}

fn number_cell(page: &mut String, text: &str) {
    let _ = write!(page, "<td class=\"number\">{}</td>", escape(text));
}

fn sites_table(page: &mut String, data: &ReportData, graph: &ConnectionGraph) {
    page.push_str(
        "<h2 id=\"sites\">Sites</h2>\n<p>One row per whitelisted site, from its latest run (or the \
         run asked for). Shares are of the site's distinct ads; an empty cell was not measured.</p>\n\
         <div class=\"wide\"><table>\n<thead><tr><th>Site</th><th>Name</th><th>Page title</th>\
         <th>Country</th><th>Category (analyst / predicted)</th><th>Run</th><th>Distinct ads</th>\
         <th>Cards</th><th>Pages</th><th>Captures</th><th>Languages</th><th>Phone</th>\
         <th>Obscured phone</th><th>Nationality stated</th><th>Placed abroad</th>\
         <th>Connections</th></tr></thead>\n<tbody>\n",
    );
    for site in &data.sites {
        let fields = &site.fields;
        let _ = write!(
            page,
            "<tr><td><a href=\"#site-{id}\">{id}</a></td>",
            id = escape(&site.site_id)
        );
        cell(page, &fields.name);
        cell(page, fields.page_title.as_deref().unwrap_or(""));
        cell(page, &site.country);
        cell(
            page,
            &format!(
                "{} / {}",
                fields.category.hint.as_deref().unwrap_or("–"),
                fields.category.predicted.as_deref().unwrap_or("–")
            ),
        );
        number_cell(page, &count_text(site.run_id));
        number_cell(page, &count_text(fields.size.ads_seen));
        number_cell(page, &count_text(fields.size.ad_cards));
        number_cell(page, &count_text(fields.size.pages_parsed));
        number_cell(
            page,
            &if site.run_id.is_some() {
                site.capture_count.to_string()
            } else {
                String::new()
            },
        );
        cell(
            page,
            &fields
                .language
                .shares
                .iter()
                .map(|share| format!("{} {:.0}%", share.label, share.share * 100.0))
                .collect::<Vec<_>>()
                .join(", "),
        );
        number_cell(page, &share_text(fields.contacts.phone_share));
        number_cell(page, &share_text(fields.contacts.obscured_share));
        number_cell(page, &share_text(fields.origin.nationality_share));
        number_cell(page, &share_text(fields.origin.placed_abroad_share));
        number_cell(page, &graph.edges_of(&site.site_id).count().to_string());
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table></div>\n");
}

fn site_sections(
    page: &mut String,
    data: &ReportData,
    graph: &ConnectionGraph,
    movement: &Movement,
) {
    let sheet = mapping_sheet(data, graph, movement);
    page.push_str("<h2 id=\"site-details\">Per site</h2>\n");
    for (site, row) in data.sites.iter().zip(&sheet.rows) {
        site_section(page, site, row);
    }
}

fn site_section(page: &mut String, site: &SiteInput, row: &[CellValue]) {
    let _ = write!(
        page,
        "<section id=\"site-{id}\">\n<h3>{name} <span class=\"meta\">({id})</span></h3>\n",
        id = escape(&site.site_id),
        name = escape(&site.fields.name)
    );
    if site.run_id.is_none() {
        page.push_str(
            "<p class=\"empty\">Not crawled yet: no run has indicators for this site.</p>\n",
        );
    }
    page.push_str("<dl class=\"fields\">\n");
    for (column, value) in COLUMNS.iter().zip(row) {
        let text = match value {
            CellValue::Empty => None,
            CellValue::Text(text) => Some(text.clone()),
            CellValue::Integer(value) => Some(value.to_string()),
            CellValue::Number(value) => Some(format!("{value:.2}")),
            CellValue::Share(value) => Some(format!("{:.1}%", value * 100.0)),
        };
        let is_url = column.key == "b_url";
        let _ = write!(page, "<dt>{}</dt>", escape(column.header));
        match text {
            None => page.push_str("<dd class=\"empty\">not measured</dd>\n"),
            Some(text) if is_url => {
                let _ = writeln!(page, "<dd><code>{}</code></dd>", escape(&text));
            }
            Some(text) => {
                let _ = writeln!(page, "<dd>{}</dd>", escape(&text));
            }
        }
    }
    page.push_str("</dl>\n");
    if !site.trends.is_empty() {
        page.push_str("<div class=\"charts\">\n");
        for series in &site.trends {
            page.push_str(&trend_chart(series));
            page.push('\n');
        }
        page.push_str("</div>\n");
    }
    page.push_str("</section>\n");
}

fn connections_section(page: &mut String, graph: &ConnectionGraph) {
    let _ = write!(
        page,
        "<h2 id=\"connections\">Connections between sites</h2>\n<p>{}</p>\n<p class=\"legend\">",
        escape(CONNECTIONS)
    );
    for kind in EdgeKind::ALL {
        let _ = write!(
            page,
            "<span><span class=\"swatch swatch-{}\"></span>{}</span>",
            kind.as_str(),
            escape(kind.describe())
        );
    }
    let _ = write!(
        page,
        "</p>\n<p class=\"meta\">Arrows point from the site that showed copied ads first to the \
         one that showed them later; thicker lines are stronger evidence; same-operator pairs are \
         drawn thickest. At most {GRAPH_MAX_NODES} of the best connected sites are drawn.</p>\n"
    );
    page.push_str(&connection_graph(graph));
    page.push('\n');
    page.push_str("<h3>Same operator</h3>\n");
    if graph.same_operator.is_empty() {
        page.push_str("<p class=\"empty\">No pair of sites is linked by two independent kinds of evidence.</p>\n");
    } else {
        page.push_str("<table><thead><tr><th>Site</th><th>Site</th><th>Agreeing evidence</th></tr></thead><tbody>\n");
        for pair in &graph.same_operator {
            page.push_str("<tr>");
            cell(page, &pair.site_a);
            cell(page, &pair.site_b);
            cell(
                page,
                &pair
                    .kinds
                    .iter()
                    .map(|kind| kind.describe())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody></table>\n");
    }
    page.push_str("<h3>Evidence</h3>\n");
    if graph.edges.is_empty() {
        page.push_str("<p class=\"empty\">No evidence links any two sites.</p>\n");
        return;
    }
    page.push_str(
        "<div class=\"wide\"><table><thead><tr><th>From</th><th>To</th><th>Kind</th><th>Strength</th>\
         <th>Count</th><th>Basis</th><th>Captures</th></tr></thead><tbody>\n",
    );
    for edge in &graph.edges {
        page.push_str("<tr>");
        cell(page, &edge.from);
        cell(page, &edge.to);
        let _ = write!(
            page,
            "<td><span class=\"swatch swatch-{}\"></span>{}{}</td>",
            edge.kind.as_str(),
            escape(edge.kind.as_str()),
            if edge.directed { " →" } else { "" }
        );
        number_cell(page, &format!("{:.2}", edge.strength));
        number_cell(page, &edge.count.to_string());
        let basis = if edge.shared_ids.is_empty() {
            edge.basis.clone()
        } else {
            format!("{} ({})", edge.basis, edge.shared_ids.join(", "))
        };
        cell(page, &basis);
        let mut captures: Vec<String> = edge
            .capture_ids
            .iter()
            .take(CAPTURES_SHOWN_PER_EDGE)
            .map(u64::to_string)
            .collect();
        if edge.capture_ids.len() > CAPTURES_SHOWN_PER_EDGE {
            captures.push(format!(
                "… and {} more",
                edge.capture_ids.len() - CAPTURES_SHOWN_PER_EDGE
            ));
        }
        cell(page, &captures.join(" "));
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table></div>\n");
}

fn movement_section(page: &mut String, movement: &Movement) {
    let _ = write!(
        page,
        "<h2 id=\"movement\">Movement</h2>\n<p>{}</p>\n<p>{} distinct contacts; {} seen in more than \
         one city, {} in more than one country.</p>\n",
        escape(MOVEMENT),
        movement.contacts,
        movement.in_several_cities,
        movement.in_several_countries
    );
    page.push_str("<h3>Per site</h3>\n<table><thead><tr><th>Site</th><th>Contacts</th><th>In several cities</th><th>In several countries</th></tr></thead><tbody>\n");
    for site in movement.sites.iter().filter(|site| site.contacts > 0) {
        page.push_str("<tr>");
        cell(page, &site.site_id);
        number_cell(page, &site.contacts.to_string());
        number_cell(page, &site.in_several_cities.to_string());
        number_cell(page, &site.in_several_countries.to_string());
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
    page.push_str("<h3>Per pair of sites</h3>\n");
    if movement.site_pairs.is_empty() {
        page.push_str("<p class=\"empty\">No contact was seen on two sites.</p>\n");
    } else {
        page.push_str("<table><thead><tr><th>Site</th><th>Site</th><th>Shared contacts</th><th>Placed in another city</th><th>Placed in another country</th></tr></thead><tbody>\n");
        for pair in &movement.site_pairs {
            page.push_str("<tr>");
            cell(page, &pair.site_a);
            cell(page, &pair.site_b);
            number_cell(page, &pair.shared_contacts.to_string());
            number_cell(page, &pair.in_another_city.to_string());
            number_cell(page, &pair.in_another_country.to_string());
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody></table>\n");
    }
    page.push_str("<h3>Per pair of countries</h3>\n");
    if movement.country_pairs.is_empty() {
        page.push_str("<p class=\"empty\">No contact was seen in two countries.</p>\n");
    } else {
        page.push_str("<table><thead><tr><th>Country A</th><th>Country B</th><th>Contacts in both</th><th>A first, then B</th><th>B first, then A</th><th>Same run</th></tr></thead><tbody>\n");
        for pair in &movement.country_pairs {
            page.push_str("<tr>");
            cell(page, &pair.country_a);
            cell(page, &pair.country_b);
            number_cell(page, &pair.contacts.to_string());
            number_cell(page, &pair.a_then_b.to_string());
            number_cell(page, &pair.b_then_a.to_string());
            number_cell(page, &pair.same_time.to_string());
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody></table>\n");
    }
}

fn methodology_section(page: &mut String) {
    let _ = write!(
        page,
        "<h2 id=\"methodology\">Methodology</h2>\n<p class=\"research\">{}</p>\n<p>{}</p>\n<p>{}</p>\n\
         <table><thead><tr><th>Field</th><th>Indicator</th><th>What it means</th>\
         <th>What it tells (research)</th></tr></thead><tbody>\n",
        escape(RESEARCH_FINDINGS),
        escape(DEDUPLICATION),
        escape(PRIVACY)
    );
    for note in INDICATOR_NOTES {
        page.push_str("<tr>");
        cell(page, note.field);
        cell(page, note.indicator);
        cell(page, &collapse_spaces(note.meaning));
        cell(page, &collapse_spaces(note.strength));
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn runs_section(page: &mut String, data: &ReportData) {
    page.push_str(
        "<h2 id=\"runs\">Runs read</h2>\n<table><thead><tr><th>Run</th><th>Started (UTC)</th>\
         <th>Finished (UTC)</th><th>Trigger</th><th>State</th><th>Case</th></tr></thead><tbody>\n",
    );
    for run in &data.runs {
        page.push_str("<tr>");
        number_cell(page, &run.id.to_string());
        cell(
            page,
            &run.started_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        );
        cell(
            page,
            &run.finished_at
                .map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default(),
        );
        cell(page, &run.trigger);
        cell(page, &run.state);
        cell(page, run.case_label.as_deref().unwrap_or(""));
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        let check = |input: &str, expected: &str| assert_eq!(escape(input), expected);
        check(
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        );
        check(
            "<img src=x onerror=\"a()\">",
            "&lt;img src=x onerror=&quot;a()&quot;&gt;",
        );
        check("it's & co", "it&#39;s &amp; co");
        check("nul\u{0}bell\u{7}", "nulbell");
        check("Kraków", "Kraków");
    }

    #[test]
    fn policy_forbids_scripts_and_loads_and_hashes_the_stylesheet() {
        let policy = content_security_policy();
        assert!(policy.starts_with("default-src 'none'"));
        assert!(policy.contains("script-src 'none'"));
        assert!(!policy.contains("unsafe"));
        assert!(!policy.contains("http"));
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLESHEET));
        assert!(policy.contains(&format!("style-src 'sha256-{digest}'")));
    }
}
