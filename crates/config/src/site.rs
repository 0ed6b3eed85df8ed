//! One `[[site]]` table into a `SiteSpec`: the whitelist entry's identity,
//! its scope (seeds inside listing patterns), its vocabulary fields, its
//! authority (mandate, expiry) and its optional extraction profile, each
//! problem reported where it was written.

use std::collections::HashMap;

use chrono::NaiveDate;
use url::Url;

use crate::codes::{is_iso_639_1, CountryCode, SiteCategory};
use crate::diagnostic::DiagnosticSink;
use crate::listing::{normalise_url, ListingPattern, ListingPatternError};
use crate::model::{ExtractionProfile, SiteSpec};
use crate::reader::{nearest_name, Located, SubTable, TableReader};
use crate::schema::SITE_PROFILE;
use crate::validate::checked_interval;

/// What a site is checked against beyond its own table.
pub(crate) struct SiteRules {
    /// Authorisations that ended before this day draw a warning.
    pub(crate) today: NaiveDate,
    /// Lifts the one-second floor on `min_interval`.
    pub(crate) allow_private_addresses: bool,
}

/// Reads one site; `first_offset_of_id` remembers where each id was first
/// written so that a duplicate can name that line.
pub(crate) fn site_spec(
    mut reader: TableReader<'_, '_>,
    rules: &SiteRules,
    first_offset_of_id: &mut HashMap<String, usize>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<SiteSpec> {
    let unnamed_label = format!(
        "the [[site]] on line {}",
        sink.line_of(reader.header().start)
    );
    reader.set_context(format!(" in {unnamed_label}"));
    let id = site_id(&reader, first_offset_of_id, sink);
    let label = match &id {
        Some(id) => format!("site '{id}'"),
        None => unnamed_label,
    };
    reader.set_context(format!(" in {label}"));

    let name = if reader.has("name") {
        reader
            .non_empty_string("name", sink)
            .map(|name| name.value.to_owned())
    } else {
        reader.report_missing("name", "", sink);
        None
    };
    let country = country(&reader, sink);
    let seeds = required_list(&reader, "seeds", sink, parse_seed);
    let listing = required_list(&reader, "listing", sink, parse_listing_pattern);
    if let (Some(seeds), Some(listing)) = (&seeds, &listing) {
        check_seeds_in_scope(seeds, listing, &label, sink);
    }
    let category_hint = optional(reader.has("category_hint"), category(&reader, sink));
    let language_hint = optional(reader.has("language_hint"), language(&reader, sink));
    let notes = optional_string(&reader, "notes", sink);
    let mandate = optional_string(&reader, "mandate", sink);
    let authorized_until = optional(
        reader.has("authorized_until"),
        authorized_until(&reader, &label, rules.today, sink),
    );
    let min_interval = optional(
        reader.has("min_interval"),
        reader.duration("min_interval", sink).and_then(|interval| {
            checked_interval(&reader, interval, rules.allow_private_addresses, sink)
        }),
    );
    let max_pages = optional(
        reader.has("max_pages"),
        reader
            .positive_integer::<u32>("max_pages", sink)
            .map(|located| located.value),
    );
    let profile = match reader.table("profile", sink) {
        SubTable::Absent => Some(None),
        SubTable::WrongType => None,
        SubTable::Present(table, header) => {
            let mut profile_reader = TableReader::new(table, &SITE_PROFILE, header, sink);
            profile_reader.set_context(format!(" in the profile of {label}"));
            extraction_profile(&profile_reader, sink).map(Some)
        }
    };

    let schedule = crate::schedule::read_schedule(&reader, sink);

    Some(SiteSpec {
        id: id?,
        name: name?,
        country: country?,
        seeds: seeds?.into_iter().map(|seed| seed.value).collect(),
        listing: listing?.into_iter().map(|pattern| pattern.value).collect(),
        category_hint: category_hint?,
        language_hint: language_hint?,
        notes: notes?,
        mandate: mandate?,
        authorized_until: authorized_until?,
        min_interval: min_interval?,
        max_pages: max_pages?,
        profile: profile?,
        schedule: schedule?,
    })
}

/// `Some(None)` when the key is absent, `Some(Some(value))` when it is
/// valid, none when it was reported.
fn optional<T>(present: bool, read: Option<T>) -> Option<Option<T>> {
    if present {
        read.map(Some)
    } else {
        Some(None)
    }
}

fn optional_string(
    reader: &TableReader<'_, '_>,
    key: &str,
    sink: &mut DiagnosticSink<'_>,
) -> Option<Option<String>> {
    optional(
        reader.has(key),
        reader.string(key, sink).map(|text| text.value.to_owned()),
    )
}

fn site_id(
    reader: &TableReader<'_, '_>,
    first_offset_of_id: &mut HashMap<String, usize>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<String> {
    let id = reader.required_string("id", "; captures and reports name the site by it", sink)?;
    let is_kebab_case = id.value.starts_with(|character: char| {
        character.is_ascii_lowercase() || character.is_ascii_digit()
    }) && id.value.chars().all(|character| {
        character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
    });
    if !is_kebab_case {
        sink.error(
            id.span,
            format!("bad site id '{}': ids are lowercase kebab-case", id.value),
            format!(
                "use lowercase letters, digits and '-', starting with a letter or digit, \
                 e.g. id = \"{}\"",
                kebab_case(id.value)
            ),
        );
        return None;
    }
    if let Some(&first_offset) = first_offset_of_id.get(id.value) {
        sink.error(
            id.span,
            format!("duplicate site id '{}'", id.value),
            format!(
                "the first site with this id is on line {}; give each site its own id",
                sink.line_of(first_offset)
            ),
        );
        return None;
    }
    first_offset_of_id.insert(id.value.to_owned(), id.span.start);
    Some(id.value.to_owned())
}

/// A suggestion for a bad id: lower-cased, every other run of characters a `-`.
fn kebab_case(text: &str) -> String {
    let mut suggestion = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            suggestion.push(character.to_ascii_lowercase());
        } else if !suggestion.is_empty() && !suggestion.ends_with('-') {
            suggestion.push('-');
        }
    }
    let trimmed = suggestion.trim_end_matches('-');
    if trimmed.is_empty() {
        "example-dir".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn country(reader: &TableReader<'_, '_>, sink: &mut DiagnosticSink<'_>) -> Option<CountryCode> {
    let written = reader.required_string("country", " (ISO 3166-1 alpha-2)", sink)?;
    if let Some(code) = CountryCode::parse(written.value) {
        return Some(code);
    }
    let upper = written.value.trim().to_ascii_uppercase();
    let hint = match upper.as_str() {
        "UK" => "the ISO 3166-1 code of the United Kingdom is GB: country = \"GB\"".to_owned(),
        "EL" => "the ISO 3166-1 code of Greece is GR: country = \"GR\"".to_owned(),
        _ if CountryCode::parse(&upper).is_some() => {
            format!("write it in upper case: country = \"{upper}\"")
        }
        _ => "use an assigned two-letter ISO 3166-1 alpha-2 code in upper case, \
              e.g. country = \"AT\""
            .to_owned(),
    };
    sink.error(
        written.span,
        format!(
            "bad country code '{}'{}: not an ISO 3166-1 alpha-2 code",
            written.value,
            reader.context()
        ),
        hint,
    );
    None
}

/// Why one element of a list was refused: the diagnostic's message and hint.
struct ElementProblem {
    /// What is wrong with the element.
    message: String,
    /// How to fix it.
    hint: String,
}

/// Reads a required, non-empty array of strings and parses each element;
/// every bad element is reported, and the list is kept only if all are good.
fn required_list<T>(
    reader: &TableReader<'_, '_>,
    key: &str,
    sink: &mut DiagnosticSink<'_>,
    parse_element: fn(&str, &TableReader<'_, '_>) -> Result<T, ElementProblem>,
) -> Option<Vec<Located<T>>> {
    if !reader.has(key) {
        reader.report_missing(key, "", sink);
        return None;
    }
    let elements = reader.string_array(key, sink)?;
    if elements.value.is_empty() {
        sink.error(
            elements.span,
            format!("{} is empty", reader.describe(key)),
            format!("give at least one, e.g. {}", reader.example(key)),
        );
        return None;
    }
    let mut parsed = Vec::with_capacity(elements.value.len());
    let mut all_valid = true;
    for element in elements.value {
        match parse_element(element.value, reader) {
            Ok(value) => parsed.push(Located {
                value,
                span: element.span,
            }),
            Err(problem) => {
                sink.error(element.span, problem.message, problem.hint);
                all_valid = false;
            }
        }
    }
    all_valid.then_some(parsed)
}

fn parse_seed(text: &str, reader: &TableReader<'_, '_>) -> Result<Url, ElementProblem> {
    let problem = match Url::parse(text) {
        Err(parse_error) => parse_error.to_string(),
        Ok(url) if !matches!(url.scheme(), "http" | "https") => {
            format!("the scheme is '{}', not http or https", url.scheme())
        }
        Ok(url) if url.host().is_none() => "it has no host".to_owned(),
        Ok(url) if !url.username().is_empty() || url.password().is_some() => {
            "it contains a user name or password, and cartograph never logs in".to_owned()
        }
        Ok(url) => return Ok(normalise_url(&url)),
    };
    Err(ElementProblem {
        message: format!("bad seed URL '{text}'{}: {problem}", reader.context()),
        hint: "write a whole http:// or https:// URL with a host, \
               e.g. \"http://ads.example.test/wien/\""
            .to_owned(),
    })
}

fn parse_listing_pattern(
    text: &str,
    reader: &TableReader<'_, '_>,
) -> Result<ListingPattern, ElementProblem> {
    ListingPattern::parse(text).map_err(|error| {
        let hint = match error {
            ListingPatternError::NotHttp => {
                "start the pattern with http:// or https://, \
                 e.g. \"http://ads.example.test/wien/*\""
            }
            ListingPatternError::NotAUrl(_) => {
                "write a whole URL in which '*' stands for any text, \
                 e.g. \"http://ads.example.test/wien/*\""
            }
            ListingPatternError::NoHost => {
                "name the site's host; '*' may stand for a part of it, \
                 e.g. \"http://*.example.test/*\""
            }
            ListingPatternError::HasCredentials => {
                "remove the user name and password; cartograph never logs in"
            }
            ListingPatternError::HasFragment => "remove the '#' and what follows it",
            ListingPatternError::ContainsPlaceholder => "write '*' where any text may stand",
        };
        ElementProblem {
            message: format!(
                "bad listing pattern '{text}'{}: it {error}",
                reader.context()
            ),
            hint: hint.to_owned(),
        }
    })
}

/// A seed outside the site's own scope would be refused by the scope guard;
/// say so now, with a pattern that would cover it.
fn check_seeds_in_scope(
    seeds: &[Located<Url>],
    listing: &[Located<ListingPattern>],
    label: &str,
    sink: &mut DiagnosticSink<'_>,
) {
    for seed in seeds {
        if listing
            .iter()
            .any(|pattern| pattern.value.matches(&seed.value))
        {
            continue;
        }
        let mut covering = seed.value.clone();
        covering.set_query(None);
        let directory_end = covering
            .as_str()
            .rfind('/')
            .map_or(covering.as_str().len(), |slash| slash + 1);
        let suggestion = format!("{}*", &covering.as_str()[..directory_end]);
        sink.error(
            seed.span.clone(),
            format!(
                "seed '{}' matches none of the listing patterns of {label}",
                seed.value
            ),
            format!(
                "add a listing pattern that covers it, such as \"{suggestion}\", \
                 or correct the seed"
            ),
        );
    }
}

fn category(reader: &TableReader<'_, '_>, sink: &mut DiagnosticSink<'_>) -> Option<SiteCategory> {
    let written = reader.string("category_hint", sink)?;
    if let Ok(category) = written.value.parse::<SiteCategory>() {
        return Some(category);
    }
    let names = SiteCategory::ALL.map(|category| category.as_str());
    let lower = written.value.to_lowercase().replace(['_', ' '], "-");
    let nearest = nearest_name(&lower, names.into_iter()).or_else(|| {
        names
            .into_iter()
            .find(|name| !lower.is_empty() && name.starts_with(lower.as_str()))
    });
    let all = names.join(", ");
    let hint = match nearest {
        Some(nearest) => format!("did you mean '{nearest}'? The categories are {all}"),
        None => format!("use one of {all}"),
    };
    sink.error(
        written.span,
        format!("bad category '{}'{}", written.value, reader.context()),
        hint,
    );
    None
}

fn language(reader: &TableReader<'_, '_>, sink: &mut DiagnosticSink<'_>) -> Option<String> {
    let written = reader.string("language_hint", sink)?;
    if is_iso_639_1(written.value) {
        return Some(written.value.to_owned());
    }
    let lower = written.value.to_ascii_lowercase();
    let hint = if is_iso_639_1(&lower) {
        format!("write it in lower case: language_hint = \"{lower}\"")
    } else {
        "use a two-letter ISO 639-1 code in lower case, e.g. \"de\", \"en\" or \"ro\"".to_owned()
    };
    sink.error(
        written.span,
        format!(
            "bad language code '{}'{}: not an ISO 639-1 code",
            written.value,
            reader.context()
        ),
        hint,
    );
    None
}

/// The last day of the mandate; one already past is a warning, because the
/// entry still documents earlier crawls and the crawler skips it anyway.
fn authorized_until(
    reader: &TableReader<'_, '_>,
    label: &str,
    today: NaiveDate,
    sink: &mut DiagnosticSink<'_>,
) -> Option<NaiveDate> {
    let last_day = reader.date("authorized_until", sink)?;
    if last_day.value < today {
        sink.warning(
            last_day.span,
            format!(
                "{label} authorization expired on {}; it will be skipped",
                last_day.value
            ),
            "renew the mandate or remove the site".to_owned(),
        );
    }
    Some(last_day.value)
}

fn extraction_profile(
    reader: &TableReader<'_, '_>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<ExtractionProfile> {
    let ad = if reader.has("ad") {
        selector(reader, "ad", sink)
    } else {
        reader.report_missing("ad", "; a profile starts from the ad card", sink);
        None
    };
    let mut optional_selector = |key: &str| optional(reader.has(key), selector(reader, key, sink));
    let link = optional_selector("link");
    let date = optional_selector("date");
    let price = optional_selector("price");
    let location = optional_selector("location");
    let next = optional_selector("next");
    Some(ExtractionProfile {
        ad: ad?,
        link: link?,
        date: date?,
        price: price?,
        location: location?,
        next: next?,
    })
}

/// A CSS selector that scraper accepts, so extraction never meets a bad one.
fn selector(
    reader: &TableReader<'_, '_>,
    key: &str,
    sink: &mut DiagnosticSink<'_>,
) -> Option<String> {
    let written = reader.string(key, sink)?;
    match scraper::Selector::parse(written.value) {
        Ok(_) => Some(written.value.to_owned()),
        Err(selector_error) => {
            sink.error(
                written.span,
                format!(
                    "bad CSS selector '{}' for {}: {selector_error}",
                    written.value,
                    reader.describe(key)
                ),
                format!(
                    "write a CSS selector that a browser would accept, e.g. {}",
                    reader.example(key)
                ),
            );
            None
        }
    }
}
