//! The indicators never hold ad text or contact details (DESIGN.md,
//! "Personal data"): the JSON of every page's indicators, of every site's
//! and of the links across sites, for a farm of every template, holds no
//! truth phone number in any printed form, no ad title or description,
//! no handle and no ad URL.

use std::collections::BTreeSet;

use cartograph_extract::{
    aggregate_site, extract_page, link_contacts_across_sites, ExtractionContext, LexiconSet,
    LinkageKey, PageIndicators, SiteIndicators,
};
use cartograph_farm::{AdTruth, Farm, FarmSpec};
use phonenumber::Mode;
use url::Url;

/// Every way the truth's number of `ad` can be written: as the card shows
/// it, and in E.164, international, national and RFC 3966 form, each also
/// without separators.
fn phone_forms(ad: &AdTruth) -> Vec<String> {
    let Some(phone) = &ad.phone else {
        return Vec::new();
    };
    let mut forms = vec![phone.shown.clone(), phone.e164.clone()];
    let parsed = phonenumber::parse(None, &phone.e164).expect("truth numbers parse");
    for mode in [
        Mode::E164,
        Mode::International,
        Mode::National,
        Mode::Rfc3966,
    ] {
        forms.push(parsed.format().mode(mode).to_string());
    }
    forms.push(parsed.national().value().to_string());
    let digit_forms: Vec<String> = forms
        .iter()
        .map(|form| form.chars().filter(char::is_ascii_digit).collect())
        .collect();
    forms.extend(digit_forms);
    // Short digit runs (an age, a price) would match by chance.
    forms.retain(|form| {
        form.chars().filter(char::is_ascii_digit).count() >= 7 || form.chars().count() >= 12
    });
    forms
}

/// Handles in the ad's messenger and social links (`t.me/anna_b`).
fn handles(ad: &AdTruth) -> Vec<String> {
    ad.contact_groups
        .iter()
        .filter_map(|group| group.split_once(':'))
        .filter(|(kind, _)| *kind != "tel")
        .map(|(_, handle)| handle.to_owned())
        .collect()
}

fn site_spec(site: &cartograph_farm::FarmSite) -> cartograph_config::SiteSpec {
    let text = format!(
        "[crawler]\nuser_agent = \"cartograph-test\"\ncontact = \"mailto:unit@example.org\"\n\
         [[site]]\nid = \"{}\"\nname = \"{}\"\ncountry = \"{}\"\nseeds = [\"{}\"]\nlisting = [\"http://{}/*\"]\n",
        site.id, site.id, site.country, site.seeds[0], site.host
    );
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    cartograph_config::parse(&text, std::path::Path::new("privacy.toml"), today)
        .unwrap()
        .config
        .sites
        .remove(0)
}

#[test]
fn indicators_hold_no_ad_text_and_no_contact_detail() {
    let farm = Farm::new(FarmSpec {
        seed: 31,
        sites: 24,
        day: 4,
    });
    let truth = farm.truth();
    let lexicons = LexiconSet::built_in();
    let key = LinkageKey::new([0x42; 32]);
    let context = ExtractionContext {
        lexicons: &lexicons,
        linkage_key: &key,
        captured_at: truth.now.and_utc(),
    };
    let mut json = String::new();
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    let mut site_rows: Vec<(String, SiteIndicators)> = Vec::new();
    let mut ads_with_contacts = 0;
    for (site, site_truth) in farm.sites().iter().zip(&truth.sites) {
        let spec = site_spec(site);
        let ads: std::collections::HashMap<&str, &AdTruth> = site_truth
            .ads
            .iter()
            .map(|ad| (ad.ad_id.as_str(), ad))
            .collect();
        let mut pages: Vec<PageIndicators> = Vec::new();
        for page in site_truth
            .pages
            .iter()
            .chain(&site_truth.disallowed_pages)
            .take(4)
        {
            let response = farm.render(&site.host, &page.url_path);
            let headers: Vec<(String, String)> = response
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect();
            let page_url = Url::parse(&format!("http://{}{}", site.host, page.url_path)).unwrap();
            let extraction = extract_page(&spec, &page_url, &headers, &response.body, &context);
            ads_with_contacts += extraction
                .indicators
                .ads
                .iter()
                .filter(|ad| !ad.contacts.is_empty())
                .count();
            json.push_str(&serde_json::to_string(&extraction.indicators).unwrap());
            pages.push(extraction.indicators);
            for ad_id in page.ad_ids.iter().chain(&page.promoted_ad_ids) {
                let ad = ads[ad_id.as_str()];
                secrets.extend(phone_forms(ad));
                secrets.extend(handles(ad));
                secrets.insert(ad.title.clone());
                secrets.insert(ad.text.clone());
                secrets.insert(ad.url_path.clone());
            }
        }
        let indicators = aggregate_site(&spec, &pages, None, context.captured_at);
        json.push_str(&serde_json::to_string(&indicators).unwrap());
        site_rows.push((site.id.clone(), indicators));
    }
    let linked = link_contacts_across_sites(
        site_rows
            .iter()
            .map(|(site_id, indicators)| (site_id.as_str(), indicators.contacts.as_slice())),
    );
    json.push_str(&serde_json::to_string(&linked).unwrap());

    assert!(
        ads_with_contacts > 500,
        "{ads_with_contacts} ads with contacts"
    );
    assert!(secrets.len() > 3_000, "{} secrets", secrets.len());
    assert!(!linked.shared.is_empty(), "some contacts link sites");
    // One pass for all secrets: the JSON is megabytes.
    let patterns: Vec<String> = secrets.iter().map(|secret| secret.to_lowercase()).collect();
    let automaton = aho_corasick::AhoCorasick::new(&patterns).unwrap();
    let lowercase_json = json.to_lowercase();
    if let Some(found) = automaton.find(&lowercase_json) {
        panic!(
            "{:?} appears in the indicators",
            patterns[found.pattern().as_usize()]
        );
    }
    // The check itself finds what it looks for.
    assert!(automaton.is_match(&patterns[0]));
}
