//! From text to `Config`: parses the TOML with recovery, walks the spanned
//! document table by table into typed settings, and collects every problem
//! as a diagnostic instead of stopping at the first. The global tables are
//! read here; `site.rs` reads each `[[site]]`. Defaults live here too.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{DiagnosticSink, LoadError, Severity};
use crate::model::{
    Config, CrawlerSettings, EvidenceSettings, ExtractSettings, Loaded, NetworkSettings,
    PolitenessSettings, StoreSettings,
};
use crate::reader::{Located, SubTable, TableReader};
use crate::schema::{
    TableSchema, CRAWLER, EVIDENCE, EXTRACT, NETWORK, POLITENESS, SITE, STORE, TOP_LEVEL,
};
use crate::site::{site_spec, SiteRules};

/// Hosts crawled at once when `[crawler]` does not say.
pub(crate) const DEFAULT_MAX_CONCURRENT_HOSTS: usize = 64;
/// Interval per host when `[politeness]` does not say.
pub(crate) const DEFAULT_MIN_INTERVAL: Duration = Duration::from_secs(5);
/// Page cap per site per run when `[politeness]` does not say.
pub(crate) const DEFAULT_MAX_PAGES_PER_SITE: u32 = 200;
/// Largest Crawl-delay or Retry-After honoured when `[politeness]` does not say.
pub(crate) const DEFAULT_MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);
/// Retries of one request when `[politeness]` does not say.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 3;
/// Failures in a row that pause a host when `[politeness]` does not say.
pub(crate) const DEFAULT_FAILURES_BEFORE_PAUSE: u32 = 5;
/// Query variants per path when `[politeness]` does not say.
pub(crate) const DEFAULT_MAX_QUERY_VARIANTS: u32 = 20;
/// Body bytes kept per response when `[network]` does not say (10 MiB).
pub(crate) const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Decoded bytes per body when `[network]` does not say (20 MiB).
pub(crate) const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 20 * 1024 * 1024;
/// Whole-request time limit when `[network]` does not say.
pub(crate) const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to the response headers when `[network]` does not say.
pub(crate) const DEFAULT_FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(15);
/// Redirect hops per URL when `[network]` does not say.
pub(crate) const DEFAULT_MAX_REDIRECTS: u32 = 5;
/// Longest URL fetched when `[network]` does not say.
pub(crate) const DEFAULT_MAX_URL_LENGTH: usize = 2048;
/// Query parameters dropped from URLs when `[network]` does not say: the
/// common campaign and click tags, which never change what a page lists.
pub(crate) const DEFAULT_TRACKING_PARAMETERS: &[&str] = &[
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "fbclid",
    "gclid",
    "msclkid",
];
/// Store directory, relative to the config file, when `[store]` does not say.
pub(crate) const DEFAULT_STORE_PATH: &str = "data";
/// Signing key file, relative to the config file, when `[evidence]` does
/// not say.
pub(crate) const DEFAULT_SIGNING_KEY_PATH: &str = "keys/signing.key";
/// Linkage key file, relative to the config file, when `[extract]` does
/// not say.
pub(crate) const DEFAULT_LINKAGE_KEY_PATH: &str = "keys/linkage.key";
/// The shortest interval a real site may be given; only a config that allows
/// private addresses (the synthetic farm on loopback) may go below it.
pub(crate) const MIN_INTERVAL_FLOOR: Duration = Duration::from_secs(1);

/// Parses and validates `text`, read from `path`, as of `today`.
pub(crate) fn validate(text: &str, path: &Path, today: NaiveDate) -> Result<Loaded, LoadError> {
    let mut sink = DiagnosticSink::new(text, path);
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    for syntax_error in &syntax_errors {
        let span = syntax_error.span().unwrap_or(0..0);
        sink.syntax_error(
            span,
            format!("invalid TOML: {}", syntax_error.message()),
            syntax_hint(syntax_error.message()).to_owned(),
        );
    }

    let empty_table = DeTable::new();
    let root = TableReader::new(document.get_ref(), &TOP_LEVEL, 0..0, &mut sink);

    // [network] comes first: allow_private_addresses decides how short an
    // interval may be.
    let network = sub_table(&root, "network", &NETWORK, &empty_table, &mut sink)
        .and_then(|reader| network_settings(&reader, &mut sink));
    let allow_private_addresses = network
        .as_ref()
        .is_some_and(|settings| settings.allow_private_addresses);
    let crawler = sub_table(&root, "crawler", &CRAWLER, &empty_table, &mut sink)
        .and_then(|reader| crawler_settings(&reader, &mut sink));
    let politeness = sub_table(&root, "politeness", &POLITENESS, &empty_table, &mut sink)
        .and_then(|reader| politeness_settings(&reader, allow_private_addresses, &mut sink));
    let store = sub_table(&root, "store", &STORE, &empty_table, &mut sink)
        .and_then(|reader| store_settings(&reader, path, &mut sink));
    let evidence = sub_table(&root, "evidence", &EVIDENCE, &empty_table, &mut sink)
        .and_then(|reader| evidence_settings(&reader, path, &mut sink));
    let extract = sub_table(&root, "extract", &EXTRACT, &empty_table, &mut sink)
        .and_then(|reader| extract_settings(&reader, path, &mut sink));
    let rules = SiteRules {
        today,
        allow_private_addresses,
    };
    let sites = sites(&root, &rules, &mut sink);
    let groups = crate::schedule::read_groups(&root, &mut sink);

    let has_errors = sink.has_errors();
    let diagnostics = sink.into_diagnostics();
    match (crawler, politeness, store, network, evidence, extract) {
        (
            Some(crawler),
            Some(politeness),
            Some(store),
            Some(network),
            Some(evidence),
            Some(extract),
        ) if !has_errors => {
            let warnings = diagnostics
                .into_iter()
                .filter(|diagnostic| diagnostic.severity == Severity::Warning)
                .collect();
            let config = Config {
                source: path.to_path_buf(),
                digest: hex::encode(Sha256::digest(text.as_bytes())),
                crawler,
                politeness,
                store,
                network,
                evidence,
                extract,
                sites,
                groups,
            };
            Ok(Loaded { config, warnings })
        }
        // A part can only be missing after an error was reported for it.
        _ => Err(LoadError::Invalid {
            path: path.to_path_buf(),
            diagnostics,
        }),
    }
}

/// A reader for one of the global tables: an empty one when the table is not
/// in the file (so defaults apply and required keys are reported at line 1),
/// none when the key holds something other than a table.
fn sub_table<'doc, 'input>(
    root: &TableReader<'doc, 'input>,
    key: &str,
    schema: &'static TableSchema,
    empty_table: &'doc DeTable<'input>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<TableReader<'doc, 'input>> {
    match root.table(key, sink) {
        SubTable::Absent => Some(TableReader::empty(empty_table, schema, 0..0)),
        SubTable::WrongType => None,
        SubTable::Present(table, header) => Some(TableReader::new(table, schema, header, sink)),
    }
}

/// `Some(default)` when the key is absent, the value when it is valid, none
/// when it was reported.
fn or_default<T>(present: bool, read: Option<Located<T>>, default: T) -> Option<T> {
    if present {
        read.map(|located| located.value)
    } else {
        Some(default)
    }
}

fn crawler_settings(
    reader: &TableReader<'_, '_>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<CrawlerSettings> {
    let user_agent = reader
        .required_string(
            "user_agent",
            "; cartograph must name itself to the sites it reads",
            sink,
        )
        .and_then(|token| checked_product_token(reader, token, sink));
    let contact = reader
        .required_string(
            "contact",
            "; the User-Agent must say how to reach the people crawling",
            sink,
        )
        .and_then(|contact| checked_contact(reader, contact, sink));
    let max_concurrent_hosts = or_default(
        reader.has("max_concurrent_hosts"),
        reader.positive_integer("max_concurrent_hosts", sink),
        DEFAULT_MAX_CONCURRENT_HOSTS,
    );
    Some(CrawlerSettings {
        user_agent: user_agent?,
        contact: contact?,
        max_concurrent_hosts: max_concurrent_hosts?,
    })
}

/// RFC 9309: a product token holds only letters, `_` and `-`.
fn checked_product_token(
    reader: &TableReader<'_, '_>,
    token: Located<&str>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<String> {
    let is_token = !token.value.is_empty()
        && token.value.chars().all(|character| {
            character.is_ascii_alphabetic() || character == '_' || character == '-'
        });
    if is_token {
        return Some(token.value.to_owned());
    }
    sink.error(
        token.span,
        format!(
            "bad user_agent '{}'{}: not a robots.txt product token",
            token.value,
            reader.context()
        ),
        format!(
            "use only letters, '_' and '-' (RFC 9309); the version is added by cartograph, e.g. {}",
            reader.example("user_agent")
        ),
    );
    None
}

/// A contact is a `mailto:` address or an http(s) URL, with nothing in it that
/// would break the User-Agent header.
fn checked_contact(
    reader: &TableReader<'_, '_>,
    contact: Located<&str>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<String> {
    let text = contact.value;
    let fits_in_header = !text.is_empty()
        && !text.chars().any(|character| {
            character.is_whitespace() || character.is_control() || "()".contains(character)
        });
    let is_reachable = match url::Url::parse(text) {
        Ok(url) => match url.scheme() {
            "mailto" => url.path().contains('@'),
            "http" | "https" => url.host().is_some(),
            _ => false,
        },
        Err(_) => false,
    };
    if fits_in_header && is_reachable {
        return Some(text.to_owned());
    }
    sink.error(
        contact.span,
        format!(
            "bad contact '{text}'{}: not a mailto: address or an http(s) URL",
            reader.context()
        ),
        format!(
            "write how a site operator can reach you, without spaces or parentheses, \
             e.g. {} or \"https://example.org/crawler\"",
            reader.example("contact")
        ),
    );
    None
}

fn politeness_settings(
    reader: &TableReader<'_, '_>,
    allow_private_addresses: bool,
    sink: &mut DiagnosticSink<'_>,
) -> Option<PolitenessSettings> {
    let min_interval = if reader.has("min_interval") {
        reader
            .duration("min_interval", sink)
            .and_then(|interval| checked_interval(reader, interval, allow_private_addresses, sink))
    } else {
        Some(DEFAULT_MIN_INTERVAL)
    };
    let max_pages_per_site = or_default(
        reader.has("max_pages_per_site"),
        reader.positive_integer("max_pages_per_site", sink),
        DEFAULT_MAX_PAGES_PER_SITE,
    );
    let max_crawl_delay = or_default(
        reader.has("max_crawl_delay"),
        reader.duration("max_crawl_delay", sink),
        DEFAULT_MAX_CRAWL_DELAY,
    );
    let max_retries = or_default(
        reader.has("max_retries"),
        reader.integer_at_least("max_retries", 0, sink),
        DEFAULT_MAX_RETRIES,
    );
    let failures_before_pause = or_default(
        reader.has("failures_before_pause"),
        reader.positive_integer("failures_before_pause", sink),
        DEFAULT_FAILURES_BEFORE_PAUSE,
    );
    let max_query_variants = or_default(
        reader.has("max_query_variants"),
        reader.positive_integer("max_query_variants", sink),
        DEFAULT_MAX_QUERY_VARIANTS,
    );
    Some(PolitenessSettings {
        min_interval: min_interval?,
        max_pages_per_site: max_pages_per_site?,
        max_crawl_delay: max_crawl_delay?,
        max_retries: max_retries?,
        failures_before_pause: failures_before_pause?,
        max_query_variants: max_query_variants?,
    })
}

/// Refuses an interval under one second unless private addresses are
/// allowed; shared by `[politeness]` and `[[site]]`.
pub(crate) fn checked_interval(
    reader: &TableReader<'_, '_>,
    interval: Located<Duration>,
    allow_private_addresses: bool,
    sink: &mut DiagnosticSink<'_>,
) -> Option<Duration> {
    if interval.value >= MIN_INTERVAL_FLOOR || allow_private_addresses {
        return Some(interval.value);
    }
    sink.error(
        interval.span,
        format!(
            "{} is {}, below the {} floor",
            reader.describe("min_interval"),
            humantime::format_duration(interval.value),
            humantime::format_duration(MIN_INTERVAL_FLOOR)
        ),
        format!(
            "use at least \"{}\"; shorter intervals are only for the synthetic test farm, \
             with network.allow_private_addresses = true",
            humantime::format_duration(MIN_INTERVAL_FLOOR)
        ),
    );
    None
}

/// `written` resolved against the config file's directory when relative,
/// so paths do not depend on the working directory of whoever runs
/// cartograph.
fn beside_config(config_path: &Path, written: impl Into<PathBuf>) -> PathBuf {
    let written = written.into();
    if written.is_relative() {
        config_path.parent().unwrap_or(Path::new("")).join(written)
    } else {
        written
    }
}

/// The path under `key`, resolved with [`beside_config`]: `Some(None)` when
/// the key is absent, `None` when it is there but wrong (reported).
fn path_key(
    reader: &TableReader<'_, '_>,
    key: &str,
    config_path: &Path,
    sink: &mut DiagnosticSink<'_>,
) -> Option<Option<PathBuf>> {
    if !reader.has(key) {
        return Some(None);
    }
    let written = reader.non_empty_string(key, sink)?.value;
    Some(Some(beside_config(config_path, written)))
}

fn store_settings(
    reader: &TableReader<'_, '_>,
    config_path: &Path,
    sink: &mut DiagnosticSink<'_>,
) -> Option<StoreSettings> {
    let path = path_key(reader, "path", config_path, sink)?
        .unwrap_or_else(|| beside_config(config_path, DEFAULT_STORE_PATH));
    Some(StoreSettings { path })
}

fn evidence_settings(
    reader: &TableReader<'_, '_>,
    config_path: &Path,
    sink: &mut DiagnosticSink<'_>,
) -> Option<EvidenceSettings> {
    let signing_key = path_key(reader, "signing_key", config_path, sink)
        .map(|path| path.unwrap_or_else(|| beside_config(config_path, DEFAULT_SIGNING_KEY_PATH)));
    let retention = if reader.has("retention") {
        reader
            .duration("retention", sink)
            .map(|located| Some(located.value))
    } else {
        Some(None)
    };
    Some(EvidenceSettings {
        signing_key: signing_key?,
        retention: retention?,
    })
}

fn extract_settings(
    reader: &TableReader<'_, '_>,
    config_path: &Path,
    sink: &mut DiagnosticSink<'_>,
) -> Option<ExtractSettings> {
    let lexicons = path_key(reader, "lexicons", config_path, sink);
    let linkage_key = path_key(reader, "linkage_key", config_path, sink)
        .map(|path| path.unwrap_or_else(|| beside_config(config_path, DEFAULT_LINKAGE_KEY_PATH)));
    Some(ExtractSettings {
        lexicons: lexicons?,
        linkage_key: linkage_key?,
    })
}

fn network_settings(
    reader: &TableReader<'_, '_>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<NetworkSettings> {
    let allow_private_addresses = or_default(
        reader.has("allow_private_addresses"),
        reader.boolean("allow_private_addresses", sink),
        false,
    );
    let resolve = match reader.table("resolve", sink) {
        SubTable::Absent => Some(BTreeMap::new()),
        SubTable::WrongType => None,
        SubTable::Present(table, _) => resolve_entries(table, sink),
    };
    let max_body_bytes = or_default(
        reader.has("max_body_bytes"),
        reader.positive_integer("max_body_bytes", sink),
        DEFAULT_MAX_BODY_BYTES,
    );
    let max_decompressed_bytes = or_default(
        reader.has("max_decompressed_bytes"),
        reader.positive_integer("max_decompressed_bytes", sink),
        DEFAULT_MAX_DECOMPRESSED_BYTES,
    );
    let request_timeout = or_default(
        reader.has("request_timeout"),
        reader.duration("request_timeout", sink),
        DEFAULT_REQUEST_TIMEOUT,
    );
    let first_byte_timeout = or_default(
        reader.has("first_byte_timeout"),
        reader.duration("first_byte_timeout", sink),
        DEFAULT_FIRST_BYTE_TIMEOUT,
    );
    let max_redirects = or_default(
        reader.has("max_redirects"),
        reader.integer_at_least("max_redirects", 0, sink),
        DEFAULT_MAX_REDIRECTS,
    );
    let max_url_length = or_default(
        reader.has("max_url_length"),
        reader.integer_at_least("max_url_length", 16, sink),
        DEFAULT_MAX_URL_LENGTH,
    );
    let tracking_parameters = if reader.has("tracking_parameters") {
        reader
            .string_array("tracking_parameters", sink)
            .map(|located| {
                located
                    .value
                    .iter()
                    .map(|name| name.value.to_owned())
                    .collect::<Vec<String>>()
            })
    } else {
        Some(
            DEFAULT_TRACKING_PARAMETERS
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        )
    };
    Some(NetworkSettings {
        allow_private_addresses: allow_private_addresses?,
        resolve: resolve?,
        max_body_bytes: max_body_bytes?,
        max_decompressed_bytes: max_decompressed_bytes?,
        request_timeout: request_timeout?,
        first_byte_timeout: first_byte_timeout?,
        max_redirects: max_redirects?,
        max_url_length: max_url_length?,
        tracking_parameters: tracking_parameters?,
    })
}

/// `host = "IP:PORT"` entries, hosts lower-cased; every bad entry is reported.
fn resolve_entries(
    table: &DeTable<'_>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<BTreeMap<String, SocketAddr>> {
    let mut entries = BTreeMap::new();
    let mut first_offsets: HashMap<String, usize> = HashMap::new();
    let mut all_valid = true;
    for (key, value) in table.iter() {
        let host = key.get_ref().to_ascii_lowercase();
        let hint = format!(
            "write it as \"{host}\" = \"127.0.0.1:8080\": an IP address and a port, \
             like curl --resolve"
        );
        let host_is_plain = !host.is_empty()
            && !host
                .chars()
                .any(|character| character.is_whitespace() || ":/@?#".contains(character));
        if !host_is_plain {
            sink.error(
                key.span(),
                format!("bad resolve entry: '{}' is not a host name", key.get_ref()),
                "write the host alone, without scheme, port or path, \
                 e.g. \"ads.example.test\" = \"127.0.0.1:8080\""
                    .to_owned(),
            );
            all_valid = false;
            continue;
        }
        if let Some(&first_offset) = first_offsets.get(&host) {
            sink.error(
                key.span(),
                format!("bad resolve entry: '{host}' is given twice"),
                format!(
                    "keep one entry per host; the other is on line {}",
                    sink.line_of(first_offset)
                ),
            );
            all_valid = false;
            continue;
        }
        first_offsets.insert(host.clone(), key.span().start);
        let address = match value.get_ref() {
            DeValue::String(text) => text.parse::<SocketAddr>().ok(),
            _ => None,
        };
        match address {
            Some(address) => {
                entries.insert(host, address);
            }
            None => {
                let written = match value.get_ref() {
                    DeValue::String(text) => format!("'{text}'"),
                    other => crate::reader::with_article(other).to_owned(),
                };
                sink.error(
                    value.span(),
                    format!(
                        "bad resolve entry for '{host}': {written} \
                         is not an IP:PORT socket address"
                    ),
                    hint,
                );
                all_valid = false;
            }
        }
    }
    all_valid.then_some(entries)
}

/// Every `[[site]]`, in file order; sites with errors are reported and left out.
fn sites(
    root: &TableReader<'_, '_>,
    rules: &SiteRules,
    sink: &mut DiagnosticSink<'_>,
) -> Vec<crate::model::SiteSpec> {
    let Some(value) = root.value("site") else {
        // After a syntax error the [[site]] headers may be what was garbled.
        if sink.has_syntax_errors() {
            return Vec::new();
        }
        sink.warning(
            0..0,
            "no [[site]] entries: nothing will be crawled".to_owned(),
            "add a [[site]] table for each whitelisted site".to_owned(),
        );
        return Vec::new();
    };
    let entries = match value.get_ref() {
        DeValue::Array(entries) => entries,
        DeValue::Table(_) => {
            sink.error(
                value.span(),
                "'site' must be an array of tables, one per site".to_owned(),
                "write the header with double brackets: [[site]]".to_owned(),
            );
            return Vec::new();
        }
        _ => {
            root.report_wrong_type("site", "an array of tables", value, sink);
            return Vec::new();
        }
    };
    let mut first_offset_of_id: HashMap<String, usize> = HashMap::new();
    let mut specs = Vec::with_capacity(entries.len());
    for entry in entries.iter() {
        let DeValue::Table(table) = entry.get_ref() else {
            root.report_wrong_type("site", "an array of tables", entry, sink);
            continue;
        };
        let reader = TableReader::new(table, &SITE, entry.span(), sink);
        if let Some(spec) = site_spec(reader, rules, &mut first_offset_of_id, sink) {
            specs.push(spec);
        }
    }
    specs
}

/// A fix for the TOML syntax errors that the parser names.
fn syntax_hint(message: &str) -> &'static str {
    let hints: &[(&str, &str)] = &[
        (
            "duplicate key",
            "a key may appear once per table; remove or rename one of them",
        ),
        (
            "string values must be quoted",
            "put text in double quotes, e.g. name = \"Example Directory\"",
        ),
        (
            "date",
            "write dates as YYYY-MM-DD, with a day that exists in that month",
        ),
        (
            "unclosed array table",
            "close the header with ]], e.g. [[site]]",
        ),
        ("unclosed table", "close the header with ], e.g. [crawler]"),
        (
            "inline table",
            "write an inline table on one line: { key = \"value\", other = \"value\" }",
        ),
        (
            "array",
            "write an array as [\"a\", \"b\"], elements separated by commas",
        ),
        (
            "string",
            "close the string with the quote it opened with, on the same line \
             (use \"\"\" for several lines)",
        ),
        (
            "number",
            "write numbers without quotes or stray characters, e.g. 64",
        ),
        (
            "key",
            "write keys as bare words of letters, digits, '_' and '-', or quote them",
        ),
    ];
    hints
        .iter()
        .find(|(fragment, _)| message.contains(fragment))
        .map_or("fix the TOML syntax (see https://toml.io)", |(_, hint)| {
            hint
        })
}
