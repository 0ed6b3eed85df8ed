//! Hand-made report data for the unit tests: sites with just the evidence
//! a test names.

use chrono::{DateTime, TimeZone, Utc};

use cartograph_extract::TemplateFingerprint;

use crate::ad_text::{content_tokens, text_features, TextFeatures};
use crate::model::{
    AdTextObservation, ConnectionEvidence, ContactObservation, MappingFields, ReportData,
    RunSummary, SiteInput, TemplateObservation, TrackingObservation,
};

pub(crate) fn at(run: u64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("valid date")
        + chrono::Duration::days(run as i64)
}

pub(crate) fn site(site_id: &str) -> SiteInput {
    SiteInput {
        site_id: site_id.to_owned(),
        country: "AT".to_owned(),
        run_id: Some(1),
        run_started_at: Some(at(1)),
        capture_count: 3,
        pages_fetched: 2,
        extractor_version: Some("0.2.0".to_owned()),
        lexicon_version: None,
        fields: MappingFields {
            name: format!("{site_id} name"),
            urls: vec![format!("http://{site_id}.example.test/listing/")],
            ..MappingFields::default()
        },
        trends: Vec::new(),
        evidence: ConnectionEvidence::default(),
    }
}

pub(crate) fn data(sites: Vec<SiteInput>) -> ReportData {
    ReportData {
        generated_at: at(10),
        tool_version: "0.1.0".to_owned(),
        runs: vec![RunSummary {
            id: 1,
            started_at: at(1),
            finished_at: Some(at(1)),
            state: "completed".to_owned(),
            trigger: "manual".to_owned(),
            case_label: None,
        }],
        sites,
    }
}

/// A sketch whose slots are `seed` plus the slot number, with the first
/// `changed` slots altered: similarity to `sketch(seed, 0)` is
/// `1 - changed / 128`.
pub(crate) fn sketch(seed: u32, changed: usize) -> TemplateFingerprint {
    TemplateFingerprint {
        format: 1,
        minima: (0..128_u32)
            .map(|slot| {
                if (slot as usize) < changed {
                    seed.wrapping_mul(7919).wrapping_add(slot) ^ 0xdead_beef
                } else {
                    seed.wrapping_mul(104_729).wrapping_add(slot)
                }
            })
            .collect(),
    }
}

pub(crate) fn with_template(
    mut site: SiteInput,
    capture_id: u64,
    fingerprint: TemplateFingerprint,
) -> SiteInput {
    site.evidence.template_pages.push(TemplateObservation {
        capture_id,
        fingerprint,
    });
    site
}

pub(crate) fn with_tracking(mut site: SiteInput, id: &str, capture_id: u64) -> SiteInput {
    site.evidence.tracking_ids.push(TrackingObservation {
        network: "google-analytics".to_owned(),
        id: id.to_owned(),
        capture_ids: vec![capture_id],
    });
    site
}

/// The features of `words` (no boilerplate dropped).
pub(crate) fn features_of_words(words: &str) -> TextFeatures {
    let folded = cartograph_extract::fold(words);
    text_features(&content_tokens(&folded), &Default::default())
}

/// The text id an ad of `words` gets.
pub(crate) fn text_id(words: &str) -> u64 {
    features_of_words(words).digest()
}

pub(crate) fn with_ad(
    mut site: SiteInput,
    words: &str,
    first_run: u64,
    capture_id: u64,
) -> SiteInput {
    let features = features_of_words(words);
    site.evidence.ad_texts.push(AdTextObservation {
        text_id: features.digest(),
        features,
        first_seen: at(first_run),
        first_run,
        capture_ids: vec![capture_id],
    });
    site
}

pub(crate) struct Sighting<'a> {
    pub(crate) pseudonym: &'a str,
    pub(crate) city: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
    pub(crate) run: u64,
    pub(crate) capture_id: u64,
    pub(crate) ad_text_ids: &'a [u64],
}

pub(crate) fn with_contact(mut site: SiteInput, sighting: Sighting<'_>) -> SiteInput {
    site.evidence.contacts.push(ContactObservation {
        pseudonym: sighting.pseudonym.to_owned(),
        city: sighting.city.map(str::to_owned),
        country: sighting.country.map(str::to_owned),
        first_seen: at(sighting.run),
        last_seen: at(sighting.run),
        first_run: sighting.run,
        capture_ids: vec![sighting.capture_id],
        ad_text_ids: sighting.ad_text_ids.to_vec(),
    });
    site
}
