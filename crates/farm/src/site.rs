//! Who each farm site is: its id, host, template, country, language, seeds,
//! listing patterns and extraction profile, drawn from the site's own seeded
//! stream. This is what a whitelist entry for the site would say; what the
//! site contains is in `truth`.

use serde::{Deserialize, Serialize};

use crate::seeded::SeededRandom;
use crate::templates::TemplateKind;
use crate::vocabulary::{self, City, Country, Language};

/// The suffix of every farm host name; `.test` is reserved (RFC 2606), so a
/// farm URL can never reach a real site even if resolution goes wrong.
pub const FARM_DOMAIN: &str = "farm.test";

/// The one off-site host that every farm site links to (and that serves 404).
pub const ELSEWHERE_HOST: &str = "elsewhere.farm.test";

/// A whitelist entry's view of one farm site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmSite {
    /// Lowercase kebab-case, unique in the farm (`anna-dir-0`).
    pub id: String,
    /// Display name as the site's own pages title it.
    pub name: String,
    /// `{id}.farm.test`; the server routes on the `Host` header alone.
    pub host: String,
    pub template: TemplateKind,
    /// BCP 47 code of the ad text (`de`, `en`).
    pub language: String,
    /// ISO 3166-1 alpha-2 code (`AT`, `DE`, `GB`).
    pub country: String,
    /// Kebab-case site category from the design (`escort-directory`, `classifieds`).
    pub category: String,
    /// Full URLs without port: the first listing page.
    pub seeds: Vec<String>,
    /// Whole-URL patterns where `*` matches any run of characters: the
    /// listing section, robots-disallowed part included, ad pages excluded.
    pub listing_patterns: Vec<String>,
    /// CSS selectors that extract the site's ad cards.
    pub profile: Profile,
}

/// CSS selectors for one site's listing pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// One element per ad card.
    pub ad: String,
    /// Inside a card: the link to the ad (its `href` identifies the ad).
    pub link: String,
    /// Inside a card: when the ad was posted.
    pub date: String,
    /// Inside a card: the price text.
    pub price: String,
    /// Inside a card: the place text.
    pub location: String,
    /// On the page: the link to the next listing page.
    pub next: String,
}

/// The drawn facts about a site that rendering needs beyond `FarmSite`.
#[derive(Debug)]
pub(crate) struct SiteShape {
    pub(crate) template: TemplateKind,
    pub(crate) country: &'static Country,
    pub(crate) language: &'static Language,
    pub(crate) home_city: &'static City,
    /// Path of the first listing page; all listing pages live under it.
    pub(crate) listing_prefix: String,
}

/// Draws site number `index`: its shape first, then its whitelist view.
pub(crate) fn draw_site(random: &mut SeededRandom, index: usize) -> (FarmSite, SiteShape) {
    // Cycling through templates (rather than drawing them) guarantees that
    // every template appears in any farm with at least as many sites.
    let template = TemplateKind::ALL[index % TemplateKind::ALL.len()];
    let country = random.pick(vocabulary::COUNTRIES);
    let language = vocabulary::language(country.language);
    let home_city = random.pick(country.cities);
    let stem = *random.pick(vocabulary::SITE_STEMS);
    let definition = template.definition();

    let id = format!("{stem}-{}-{index}", definition.id_infix());
    let host = format!("{id}.{FARM_DOMAIN}");
    let listing_prefix = definition.listing_prefix(home_city.slug);
    let name = definition.site_name(&capitalise(stem), home_city.display, language);
    let seeds = vec![format!(
        "http://{host}{}",
        definition.listing_page_path(&listing_prefix, 1)
    )];
    let listing_patterns = definition.listing_patterns(&host, &listing_prefix);

    let site = FarmSite {
        id,
        name,
        host,
        template,
        language: language.code.to_owned(),
        country: country.code.to_owned(),
        category: template.category().to_owned(),
        seeds,
        listing_patterns,
        profile: definition.profile(),
    };
    let shape = SiteShape {
        template,
        country,
        language,
        home_city,
        listing_prefix,
    };
    (site, shape)
}

fn capitalise(word: &str) -> String {
    let mut characters = word.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}
