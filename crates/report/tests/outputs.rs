//! Every output format of the reports, written from one hand-made report
//! with hostile strings in it, read back with the tools their users have:
//! the XLSX with calamine (and its sheet XML for the frozen pane and the
//! filter), the CSV as Excel reads it (BOM, RFC 4180, no formulas), the
//! JSON with serde, the GraphML with an XML parser, the HTML as text.
//! And the privacy invariant: no contact pseudonym in any output.

use std::io::Read as _;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use cartograph_report::*;
use chrono::{TimeZone, Utc};

const PSEUDONYM: &str = "phone:5eed5eed5eed5eed5eed5eed5eed5eed";
const HOSTILE_NAME: &str = "<script>document.title='pwned'</script>=HYPERLINK(\"x\")";
const HOSTILE_TITLE: &str = "<img src=x onerror=\"document.body.dataset.pwned=1\">, \"quoted\"";

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 8, 0, 0)
        .single()
        .expect("valid date")
}

fn contact(city: &str, country: &str, run: u64, capture_id: u64) -> ContactObservation {
    ContactObservation {
        pseudonym: PSEUDONYM.to_owned(),
        city: Some(city.to_owned()),
        country: Some(country.to_owned()),
        first_seen: at(run as u32),
        last_seen: at(run as u32),
        first_run: run,
        capture_ids: vec![capture_id],
        ad_text_ids: Vec::new(),
    }
}

fn site(site_id: &str, name: &str, country: &str) -> SiteInput {
    SiteInput {
        site_id: site_id.to_owned(),
        country: country.to_owned(),
        run_id: Some(2),
        run_started_at: Some(at(2)),
        capture_count: 7,
        pages_fetched: 5,
        extractor_version: Some("0.2.0".to_owned()),
        lexicon_version: Some("en:3,de:2;sha256:abcd".to_owned()),
        fields: MappingFields {
            name: name.to_owned(),
            page_title: Some(HOSTILE_TITLE.to_owned()),
            urls: vec![format!("http://{site_id}.example.test/listing/")],
            size: SizeAndUse {
                ads_seen: Some(42),
                ads_deduplicated: Some(40),
                ad_cards: Some(50),
                pages_parsed: Some(5),
                site_counter: Some(61),
                new_ads_per_day: Some(3.5),
                posted_within_week_share: Some(0.25),
            },
            services: Services {
                service_terms_share: Some(0.1),
                prices: vec![PriceSummary {
                    currency: "EUR".to_owned(),
                    unit: "hour".to_owned(),
                    ads: 12,
                    median_minor: 15_000,
                    min_minor: 8_000,
                    max_minor: 30_000,
                }],
            },
            scope: GeographicalScope {
                class: Some("international".to_owned()),
                distinct_places: Some(3),
                locations: vec![LabelCount {
                    label: "Wien".to_owned(),
                    count: 30,
                }],
            },
            origin: Origin {
                nationality_share: Some(0.5),
                placed_abroad_share: Some(0.4),
            },
            contacts: ContactShares {
                any_contact_share: Some(0.95),
                phone_share: Some(0.9),
                kind_shares: vec![
                    LabelShare {
                        label: "phone".to_owned(),
                        share: 0.9,
                    },
                    LabelShare {
                        label: "whatsapp".to_owned(),
                        share: 0.3,
                    },
                ],
                obscured_share: Some(0.125),
                distinct_contacts: Some(20),
                max_ads_per_contact: Some(6),
                contacts_with_3_plus_ads_share: Some(0.15),
            },
            notes: Some("-1+1 analyst note, with comma".to_owned()),
            company: Some("@Example Media Ltd".to_owned()),
            language: LanguageField {
                hint: Some("de".to_owned()),
                shares: vec![LabelShare {
                    label: "de".to_owned(),
                    share: 0.8,
                }],
            },
            category: CategoryField {
                hint: Some("escort-directory".to_owned()),
                predicted: Some("escort-directory".to_owned()),
                predicted_confidence: Some(0.82),
            },
            lingo: Lingo {
                category_shares: vec![LabelShare {
                    label: "trust-building".to_owned(),
                    share: 0.2,
                }],
            },
            ad_space: AdSpace {
                post_ad_page_linked: Some(true),
            },
        },
        trends: vec![TrendSeries {
            indicator: "ads_seen".to_owned(),
            label: "distinct ads".to_owned(),
            unit: TrendUnit::Count,
            points: vec![
                TrendPoint {
                    run_id: 1,
                    at: at(1),
                    value: 30.0,
                },
                TrendPoint {
                    run_id: 2,
                    at: at(2),
                    value: 42.0,
                },
            ],
        }],
        evidence: ConnectionEvidence {
            tracking_ids: vec![TrackingObservation {
                network: "google-analytics".to_owned(),
                id: "UA-1234567-1".to_owned(),
                capture_ids: vec![3],
            }],
            company: Some(CompanyObservation {
                name: "@Example Media Ltd".to_owned(),
                capture_id: 3,
            }),
            ..ConnectionEvidence::default()
        },
    }
}

fn report() -> ReportData {
    let mut alpha = site("alpha-dir", HOSTILE_NAME, "AT");
    alpha.evidence.contacts.push(contact("Wien", "AT", 1, 3));
    let mut beta = site("beta-ads", "Beta, \"Ads\"\nsecond line", "DE");
    beta.evidence.contacts.push(contact("Berlin", "DE", 2, 9));
    let mut never = site("never-crawled", "Never crawled", "PL");
    never.run_id = None;
    never.run_started_at = None;
    never.fields = MappingFields {
        name: "Never crawled".to_owned(),
        ..MappingFields::default()
    };
    never.evidence = ConnectionEvidence::default();
    never.trends.clear();
    ReportData {
        generated_at: at(3),
        tool_version: "0.1.0".to_owned(),
        runs: vec![RunSummary {
            id: 2,
            started_at: at(2),
            finished_at: Some(at(2)),
            state: "completed".to_owned(),
            trigger: "manual".to_owned(),
            case_label: Some("<b>case</b>".to_owned()),
        }],
        sites: vec![alpha, beta, never],
    }
}

struct Written {
    directory: tempfile::TempDir,
}

impl Written {
    fn path(&self, name: &str) -> std::path::PathBuf {
        self.directory.path().join(name)
    }

    fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("output exists")
    }
}

fn write_everything(data: &ReportData) -> Written {
    let written = Written {
        directory: tempfile::tempdir().expect("temporary directory"),
    };
    let graph = build_graph(data);
    let movement = movement(data);
    let sheet = mapping_sheet(data, &graph, &movement);
    for (name, format) in [
        ("mapping.xlsx", SheetFormat::Xlsx),
        ("mapping.csv", SheetFormat::Csv),
        ("mapping.json", SheetFormat::Json),
    ] {
        write_mapping_sheet(data, &sheet, format, &written.path(name)).expect("sheet written");
    }
    for (name, format) in [
        ("connections.json", ConnectionsFormat::Json),
        ("connections.graphml", ConnectionsFormat::GraphMl),
        ("connections.dot", ConnectionsFormat::Dot),
    ] {
        write_connections(data, &graph, &movement, format, &written.path(name))
            .expect("graph written");
    }
    write_html_report(data, &graph, &movement, &written.path("report.html")).expect("html written");
    written
}

#[test]
fn the_xlsx_has_headers_frozen_panes_a_filter_widths_and_typed_values() {
    let written = write_everything(&report());
    let path = written.path("mapping.xlsx");
    let mut workbook: Xlsx<_> = open_workbook(&path).expect("calamine opens the workbook");
    assert_eq!(workbook.sheet_names(), ["Mapping", "Columns", "About"]);
    let range = workbook.worksheet_range("Mapping").expect("mapping sheet");
    assert_eq!(range.height(), 4, "header and three sites");
    assert_eq!(range.width(), COLUMNS.len());
    let headers: Vec<String> = range
        .rows()
        .next()
        .expect("header row")
        .iter()
        .map(|cell| cell.to_string())
        .collect();
    let expected: Vec<&str> = COLUMNS.iter().map(|column| column.header).collect();
    assert_eq!(headers, expected);
    for field in "abcdefghijklmn".chars() {
        assert!(
            headers
                .iter()
                .any(|header| header.starts_with(&format!("{field}. "))),
            "field {field} has a column"
        );
    }
    let cell = |row: usize, key: &str| {
        range
            .get((row, column_index(key).expect("column exists")))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    assert_eq!(
        cell(1, "a_name"),
        Data::String(HOSTILE_NAME.to_owned()),
        "text kept as text"
    );
    assert_eq!(cell(1, "c_ads_seen"), Data::Float(42.0));
    assert_eq!(cell(1, "c_ads_after_reposts"), Data::Float(40.0));
    assert_eq!(cell(1, "e_distinct_places"), Data::Float(3.0));
    assert_eq!(cell(1, "g_obscured_phone"), Data::Float(0.125));
    assert_eq!(
        cell(1, "g_contact_kinds"),
        Data::String("phone 90%; whatsapp 30%".to_owned())
    );
    assert_eq!(
        cell(1, "l_category_predicted"),
        Data::String("escort-directory (confidence 0.82)".to_owned())
    );
    assert_eq!(cell(1, "run"), Data::Float(2.0));
    assert_eq!(cell(1, "captures"), Data::Float(7.0));
    assert_eq!(
        cell(1, "lexicon_version"),
        Data::String("en:3,de:2;sha256:abcd".to_owned())
    );
    assert_eq!(
        cell(1, "i_connections"),
        Data::String(
            "beta-ads: shared-tracking-ids 1.00, same-company 1.00, shared-contacts 1.00"
                .to_owned()
        )
    );
    assert_eq!(
        cell(1, "i_same_operator"),
        Data::String("beta-ads".to_owned())
    );
    assert_eq!(cell(3, "site_id"), Data::String("never-crawled".to_owned()));
    assert_eq!(
        cell(3, "c_ads_seen"),
        Data::Empty,
        "not measured is empty, not zero"
    );
    assert_eq!(cell(3, "run"), Data::Empty);

    // What calamine does not expose, the sheet's XML says.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).expect("xlsx")).expect("zip");
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .expect("first sheet")
        .read_to_string(&mut xml)
        .expect("utf-8 xml");
    assert!(xml.contains("state=\"frozen\""), "frozen pane: {xml:.400}");
    assert!(xml.contains("ySplit=\"1\"") && xml.contains("xSplit=\"2\""));
    let last_column = column_letters(COLUMNS.len());
    assert!(
        xml.contains(&format!("<autoFilter ref=\"A1:{last_column}4\"")),
        "autofilter over every column"
    );
    assert!(
        xml.contains("<cols>") && xml.contains("customWidth=\"1\""),
        "column widths"
    );
}

/// Excel's letters for column `number` (1-based).
fn column_letters(mut number: usize) -> String {
    let mut letters = Vec::new();
    while number > 0 {
        let remainder = (number - 1) % 26;
        letters.push(char::from(b'A' + remainder as u8));
        number = (number - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Splits RFC 4180 text into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                field.push('"');
                characters.next();
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, other) => field.push(other),
        }
    }
    records
}

#[test]
fn the_csv_opens_in_excel_as_utf8_and_runs_no_formula() {
    let written = write_everything(&report());
    let bytes = std::fs::read(written.path("mapping.csv")).expect("csv");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte order mark"
    );
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    assert!(text.ends_with("\r\n"));
    let records = parse_csv(text);
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|record| record.len() == COLUMNS.len()));
    let name = column_index("a_name").expect("column");
    assert_eq!(
        records[1][name],
        format!("{HOSTILE_NAME}"),
        "starts with '<', no apostrophe needed"
    );
    assert_eq!(
        records[2][name], "Beta, \"Ads\"\nsecond line",
        "quotes, comma and line break survive"
    );
    assert_eq!(
        records[1][column_index("h_notes").expect("column")],
        "'-1+1 analyst note, with comma"
    );
    assert_eq!(
        records[1][column_index("j_company").expect("column")],
        "'@Example Media Ltd"
    );
    assert_eq!(
        records[1][column_index("g_obscured_phone").expect("column")],
        "0.1250"
    );
    assert_eq!(records[3][column_index("c_ads_seen").expect("column")], "");
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula-like cell {cell:?}"
            );
        }
    }
}

#[test]
fn the_json_sheet_has_the_columns_keys_in_order() {
    let written = write_everything(&report());
    let json: serde_json::Value =
        serde_json::from_str(&written.text("mapping.json")).expect("valid json");
    assert_eq!(json["format"], "cartograph-mapping-sheet");
    assert_eq!(json["version"], MAPPING_SHEET_VERSION);
    let keys: Vec<&str> = COLUMNS.iter().map(|column| column.key).collect();
    let columns: Vec<&str> = json["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|column| column["key"].as_str().expect("key"))
        .collect();
    assert_eq!(columns, keys);
    let sites = json["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 3);
    for row in sites {
        let row_keys: Vec<&str> = row
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        let mut sorted_row = row_keys.clone();
        sorted_row.sort_unstable();
        assert_eq!(sorted_row, sorted_keys);
    }
    assert_eq!(sites[0]["c_ads_seen"], 42);
    assert_eq!(sites[0]["g_phone"], 0.9);
    assert_eq!(sites[0]["a_name"], HOSTILE_NAME);
    assert!(sites[2]["c_ads_seen"].is_null());
}

#[test]
fn the_graphml_parses_with_declared_keys_nodes_and_edges() {
    let written = write_everything(&report());
    let text = written.text("connections.graphml");
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut keys, mut nodes, mut edges, mut data_keys) = (Vec::new(), 0, 0, Vec::new());
    let mut labels = Vec::new();
    // The text of the `label` data element being read, entities resolved.
    let mut label: Option<String> = None;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match event {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(ref element)
            | quick_xml::events::Event::Empty(ref element) => {
                let attribute = |name: &str| {
                    element
                        .try_get_attribute(name)
                        .expect("attribute parses")
                        .map(|value| {
                            value
                                .decode_and_unescape_value(reader.decoder())
                                .expect("escaped")
                                .into_owned()
                        })
                };
                match element.name().as_ref() {
                    b"key" => keys.push(attribute("id").expect("key id")),
                    b"node" => nodes += 1,
                    b"edge" => edges += 1,
                    b"data" => {
                        let key = attribute("key").expect("data key");
                        if key == "label" {
                            label = Some(String::new());
                        }
                        data_keys.push(key);
                    }
                    _ => {}
                }
            }
            quick_xml::events::Event::Text(ref text) => {
                if let Some(label) = label.as_mut() {
                    label.push_str(&text.xml_content().expect("text"));
                }
            }
            quick_xml::events::Event::GeneralRef(ref reference) => {
                if let Some(label) = label.as_mut() {
                    let name = reference.decode().expect("entity name");
                    label.push(match name.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            quick_xml::events::Event::End(ref element) if element.name().as_ref() == b"data" => {
                if let Some(done) = label.take() {
                    labels.push(done);
                }
            }
            _ => {}
        }
    }
    assert_eq!(nodes, 3);
    assert_eq!(
        edges, 3,
        "tracking, company and contacts edges between alpha and beta"
    );
    for key in &data_keys {
        assert!(keys.contains(key), "data key {key} is declared");
    }
    assert!(
        labels.iter().any(|label| label == HOSTILE_NAME),
        "{labels:?}"
    );
    assert!(!text.contains("<script>"));
}

#[test]
fn the_dot_and_json_graphs_name_the_edges() {
    let written = write_everything(&report());
    let dot = written.text("connections.dot");
    assert!(dot.starts_with("digraph connections {"));
    assert!(
        dot.contains("\"alpha-dir\" -> \"beta-ads\" [label=\"shared-tracking-ids 1.00\", dir=none")
    );
    assert!(
        dot.contains("\\\"Ads\\\"\\nsecond line"),
        "quotes and line breaks escaped"
    );
    let json: serde_json::Value =
        serde_json::from_str(&written.text("connections.json")).expect("valid json");
    assert_eq!(json["format"], "cartograph-connections");
    assert_eq!(json["edges"].as_array().expect("edges").len(), 3);
    assert_eq!(json["same_operator"][0]["site_a"], "alpha-dir");
    assert_eq!(json["movement"]["country_pairs"][0]["country_a"], "AT");
    assert_eq!(json["movement"]["country_pairs"][0]["a_then_b"], 1);
}

#[test]
fn the_html_escapes_everything_and_forbids_scripts_and_loads() {
    let written = write_everything(&report());
    let html = written.text("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; script-src &#39;none&#39;"));
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "no script element at all"
    );
    assert!(!html.contains("<img"), "no image element");
    assert!(!html.contains("onerror=\""), "no event handler attribute");
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt;"));
    assert!(
        !html.contains("http://alpha-dir.example.test/listing/\""),
        "URLs are text, never links"
    );
    assert!(!html.contains(" href=\"http"), "no link leaves the file");
    assert!(!html.contains(" src=\""), "nothing is loaded");
    for section in [
        "id=\"sites\"",
        "id=\"connections\"",
        "id=\"movement\"",
        "id=\"methodology\"",
        "id=\"runs\"",
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(html.contains("<svg class=\"trend\""), "trend chart");
    assert!(html.contains("<svg class=\"graph\""), "graph");
    assert!(
        html.contains("1,263 ads"),
        "the research next to the figures"
    );
    assert!(html.contains("&lt;b&gt;case&lt;/b&gt;"));
}

#[test]
fn no_output_holds_a_contact_pseudonym() {
    let data = report();
    let written = write_everything(&data);
    let digest = PSEUDONYM.trim_start_matches("phone:");
    for entry in std::fs::read_dir(written.directory.path()).expect("outputs") {
        let path = entry.expect("entry").path();
        let bytes = read_all(&path);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(digest),
            "{} holds a pseudonym",
            path.display()
        );
    }
    // Inside the workbook's zip, too.
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(written.path("mapping.xlsx")).expect("xlsx"))
            .expect("zip");
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).expect("member");
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).expect("member bytes");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(digest),
            "{}",
            member.name()
        );
    }
    assert!(
        !format!("{data:?}").contains(digest),
        "Debug hides pseudonyms too"
    );
}

fn read_all(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("output readable")
}

#[test]
fn the_report_crate_depends_on_nothing_that_talks_to_the_network_or_sled() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("manifest");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    for forbidden in [
        "cartograph-fetch",
        "cartograph-crawl",
        "reqwest",
        "sled",
        "hyper",
        "axum",
    ] {
        assert!(
            !dependencies
                .lines()
                .any(|line| line.trim_start().starts_with(forbidden)),
            "crates/report depends on {forbidden}"
        );
    }
}
