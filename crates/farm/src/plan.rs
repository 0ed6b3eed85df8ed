//! What a site is, drawn once from the farm seed when the farm is built and
//! kept compact (a few hundred bytes a site, so 10,000 sites start fast):
//! template and skin, country, language and city, encoding, robots.txt
//! variant, page size and ad turnover, the rates its ads draw lexicon
//! phrases and contact kinds at, analytics ids, operator and, for an
//! aggregator, the two sites it copies. Pages and ads are never stored:
//! they are drawn from the plan on every request.
//!
//! The first [`SHOWCASE_SITES`] sites follow a fixed table so that every
//! feature the farm promises exists in any farm that large, whatever the
//! seed: every template twice, every language, the windows-1251 and
//! ISO-8859-2 charset variants, every robots.txt variant, a pair of
//! template twins, an analytics cluster and an aggregator copying two
//! sites. They are also small (one to four pages), so tests stay fast.
//! Later sites are drawn freely, from one page up to 500.

use serde::{Deserialize, Serialize};

use crate::dates::DateStyle;
use crate::encoding::{CharsetDeclaration, PageEncoding};
use crate::phones::pool_size;
use crate::robots::{RobotsPaths, RobotsVariant};
use crate::seeded::SeededRandom;
use crate::site::{FarmSite, FARM_DOMAIN};
use crate::templates::TemplateKind;
use crate::vocabulary::{self, City, Country, Language, COUNTRIES};

/// Sites drawn from the fixed table rather than freely.
pub const SHOWCASE_SITES: usize = 16;

/// The largest listing a site can have, in pages.
pub const MAX_LISTING_PAGES: usize = 500;

/// Per mille of ads carrying a phrase of each risk category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconRates {
    pub youth: u64,
    pub trust: u64,
    pub movement: u64,
    pub third_party: u64,
    pub rental: u64,
    pub auction: u64,
    pub multiple_providers: u64,
    pub nationality: u64,
}

/// Per mille of ads with each kind of contact, and how phones are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMix {
    pub phone: u64,
    /// Of the phones: printed internationally.
    pub international: u64,
    /// Of the phones: obscured.
    pub obscured: u64,
    pub whatsapp: u64,
    pub telegram: u64,
    pub viber: u64,
    pub instagram: u64,
    pub onlyfans: u64,
    pub x: u64,
    /// Of the ads: using a travelling contact shared across the farm.
    pub travelling: u64,
}

/// One site's drawn facts.
#[derive(Debug)]
pub(crate) struct SitePlan {
    pub(crate) index: usize,
    pub(crate) site: FarmSite,
    pub(crate) template: TemplateKind,
    pub(crate) skin: usize,
    pub(crate) country: &'static Country,
    pub(crate) language: &'static Language,
    pub(crate) home_city: &'static City,
    pub(crate) encoding: PageEncoding,
    pub(crate) charset_declaration: CharsetDeclaration,
    pub(crate) robots: RobotsVariant,
    pub(crate) listing_prefix: String,
    pub(crate) private_section: String,
    pub(crate) ads_per_page: usize,
    /// New ads a day (at least one).
    pub(crate) births_per_day: u64,
    /// Ad lifetimes are uniform in `1..=2 * mean - 1` days.
    pub(crate) mean_lifetime_days: u64,
    /// Ad id of serial number 0.
    pub(crate) ad_id_base: u64,
    /// Ads in the robots-disallowed premium section.
    pub(crate) private_ads: u64,
    pub(crate) lexicon_rates: LexiconRates,
    pub(crate) contact_mix: ContactMix,
    pub(crate) date_style: DateStyle,
    pub(crate) analytics_ids: Vec<String>,
    /// Company named in the footer; template twins share it.
    pub(crate) operator: String,
    pub(crate) shows_site_counter: bool,
    pub(crate) json_ld: bool,
    /// For an aggregator: the two sites whose ads it re-posts.
    pub(crate) copies_from: Option<[usize; 2]>,
    /// Where the site's own advertisers' numbers start in the country's pool.
    pub(crate) contact_block: u64,
    /// Distinct own advertisers (fewer than ads: some post several).
    pub(crate) advertisers: u64,
}

impl SitePlan {
    pub(crate) fn robots_paths(&self) -> RobotsPaths<'_> {
        RobotsPaths {
            site_name: &self.site.name,
            listing_prefix: &self.listing_prefix,
            private_section: &self.private_section,
        }
    }

    /// `{template}-{skin}`: sites sharing it share a template fingerprint.
    pub(crate) fn template_group(&self) -> String {
        format!("{}-{}", self.template.as_str(), self.skin)
    }

    pub(crate) fn rules_page(&self) -> String {
        format!("{}rules", self.private_section)
    }
}

struct ShowcaseEntry {
    country: &'static str,
    encoding: PageEncoding,
    declaration: CharsetDeclaration,
    robots: RobotsVariant,
}

const fn showcase(
    country: &'static str,
    encoding: PageEncoding,
    declaration: CharsetDeclaration,
    robots: RobotsVariant,
) -> ShowcaseEntry {
    ShowcaseEntry {
        country,
        encoding,
        declaration,
        robots,
    }
}

use CharsetDeclaration::{HeaderAndMeta, HeaderOnly, MetaOnly, Missing};
use PageEncoding::{Iso88592, Utf8, Windows1251};

/// Site `i` uses template `TemplateKind::ALL[i % 8]`, so row `i` pairs with it.
const SHOWCASE: [ShowcaseEntry; SHOWCASE_SITES] = [
    showcase("AT", Utf8, HeaderAndMeta, RobotsVariant::Standard),
    showcase("GB", Utf8, HeaderAndMeta, RobotsVariant::ProductGroup),
    showcase(
        "DE",
        Utf8,
        HeaderAndMeta,
        RobotsVariant::CrawlDelay { millis: 250 },
    ),
    showcase("RU", Windows1251, MetaOnly, RobotsVariant::Standard),
    showcase("FR", Utf8, MetaOnly, RobotsVariant::NotFound),
    showcase("PL", Iso88592, HeaderAndMeta, RobotsVariant::Standard),
    showcase("RO", Utf8, HeaderAndMeta, RobotsVariant::ProductGroup),
    showcase("TR", Utf8, HeaderOnly, RobotsVariant::Standard),
    showcase("DE", Utf8, HeaderAndMeta, RobotsVariant::Standard),
    showcase("UA", Windows1251, HeaderOnly, RobotsVariant::Standard),
    showcase("ES", Utf8, HeaderAndMeta, RobotsVariant::Redirect),
    showcase("UA", Windows1251, Missing, RobotsVariant::Standard),
    showcase("IT", Utf8, HeaderAndMeta, RobotsVariant::ServerError),
    showcase("RU", Windows1251, MetaOnly, RobotsVariant::Huge),
    showcase("GB", Utf8, HeaderAndMeta, RobotsVariant::LongMultibyteLine),
    showcase(
        "FR",
        Utf8,
        HeaderAndMeta,
        RobotsVariant::CrawlDelay { millis: 1000 },
    ),
];

/// Site 8 is site 0's twin: same template, skin and operator, other name.
const TWIN_OF: [(usize, usize); 1] = [(8, 0)];

/// Sites 0, 1 and 9 share analytics and ad-network ids.
const SHOWCASE_ANALYTICS_CLUSTER: [usize; 3] = [0, 1, 9];

/// Analytics clusters later sites may join.
const ANALYTICS_CLUSTERS: u64 = 3;

const SITE_STEMS: &[&str] = &[
    "rosa", "luna", "stella", "bella", "nova", "aurora", "vida", "dolce", "amber", "velvet", "ivy",
    "coral", "opal", "jasmin", "lotus", "mira", "siena", "tiara", "viola", "zara",
];

const OPERATOR_STEMS: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Silverline",
    "Nightowl",
    "Redstone",
    "Goldleaf",
    "Moonrise",
    "Starlight",
    "Harbor",
    "Meridian",
    "Orchid",
    "Cobalt",
    "Juniper",
    "Lantern",
    "Marble",
    "Saffron",
];

/// Draws site `index` of the farm with `seed`.
pub(crate) fn draw_plan(seed: u64, index: usize) -> SitePlan {
    let mut random = SeededRandom::derive(seed, "site", index as u64);
    let template = TemplateKind::ALL[index % TemplateKind::ALL.len()];
    let showcase = SHOWCASE.get(index);

    let country: &'static Country = match showcase {
        Some(entry) => vocabulary::country(entry.country),
        None => random.pick(COUNTRIES),
    };
    let language = vocabulary::language(country.language);
    let home_city = random.pick(country.cities);
    let (encoding, charset_declaration) = match showcase {
        Some(entry) => (entry.encoding, entry.declaration),
        None => draw_encoding(&mut random, language.code),
    };
    let robots = match showcase {
        Some(entry) => entry.robots,
        None => draw_robots(&mut random),
    };

    let twin_of = TWIN_OF
        .iter()
        .find(|(twin, _)| *twin == index)
        .map(|(_, original)| *original);
    let operator_index = twin_of.unwrap_or(index);
    let mut operator_random = SeededRandom::derive(seed, "operator", operator_index as u64);
    let skin = if index < SHOWCASE_SITES {
        usize::from(index >= TemplateKind::ALL.len() && twin_of.is_none())
    } else {
        operator_random.below(crate::templates::SKINS_PER_TEMPLATE as u64) as usize
    };
    let operator = format!(
        "{} {}",
        operator_random.pick(OPERATOR_STEMS),
        language.labels.company_suffix
    );

    let stem = *random.pick(SITE_STEMS);
    let id = format!("{stem}-{}-{index}", template.id_infix());
    let host = format!("{id}.{FARM_DOMAIN}");
    let name = format!(
        "{} {} {}",
        capitalise(stem),
        template.site_word(language),
        home_city.display
    );
    let listing_prefix = template.listing_prefix(home_city.slug);
    let private_section = template.private_section(&listing_prefix);

    let (ads_per_page, live_target) = draw_size(&mut random, index);
    let mean_lifetime_days = random.between(7, 40);
    let births_per_day = (live_target / mean_lifetime_days).max(1);

    let traits = template.traits();
    let date_style = if index < SHOWCASE_SITES {
        traits.date_styles[usize::from(index >= TemplateKind::ALL.len())]
    } else {
        *random.pick(traits.date_styles)
    };
    let lexicon_rates = LexiconRates {
        youth: random.between(10, 60),
        trust: random.between(100, 300),
        movement: random.between(50, 200),
        third_party: match template {
            TemplateKind::Club | TemplateKind::MassageSalons => random.between(200, 400),
            _ => random.between(30, 150),
        },
        rental: random.between(10, 60),
        auction: if random.chance(1, 3) {
            random.between(5, 20)
        } else {
            0
        },
        multiple_providers: match template {
            TemplateKind::Club => random.between(200, 400),
            _ => random.between(20, 100),
        },
        nationality: random.between(100, 300),
    };
    let contact_mix = ContactMix {
        phone: traits.phone_permille,
        international: random.between(150, 300),
        obscured: random.between(80, 250),
        whatsapp: random.between(200, 400),
        telegram: random.between(100, 300),
        viber: random.between(50, 150),
        instagram: random.between(50, 200),
        onlyfans: random.between(20, 100),
        x: random.between(20, 100),
        travelling: random.between(20, 60),
    };
    let analytics_ids = draw_analytics(seed, &mut random, index);
    let shows_site_counter = matches!(
        template,
        TemplateKind::EscortDirectory
            | TemplateKind::Classifieds
            | TemplateKind::Aggregator
            | TemplateKind::SocialProfiles
    ) && index % 3 != 1;
    let json_ld = match template {
        TemplateKind::Aggregator => true,
        TemplateKind::EscortDirectory => skin == 0,
        TemplateKind::SocialProfiles => skin == 1,
        _ => false,
    };
    let copies_from =
        (template == TemplateKind::Aggregator && index >= 2).then(|| [index - 2, index - 1]);
    let contact_block = random.below(pool_size(country));
    let advertisers = (live_target * 85 / 100).max(1);
    let ad_id_base = random.between(100_000, 899_999);
    let private_ads = random.between(3, 8);

    let site = FarmSite {
        seeds: vec![format!("http://{host}{listing_prefix}")],
        listing_patterns: template.listing_patterns(&host, &listing_prefix),
        profile: template.profile(skin),
        id,
        name,
        host,
        template,
        language: language.code.to_owned(),
        country: country.code.to_owned(),
        category: template.category().to_owned(),
    };
    SitePlan {
        index,
        site,
        template,
        skin,
        country,
        language,
        home_city,
        encoding,
        charset_declaration,
        robots,
        listing_prefix,
        private_section,
        ads_per_page,
        births_per_day,
        mean_lifetime_days,
        ad_id_base,
        private_ads,
        lexicon_rates,
        contact_mix,
        date_style,
        analytics_ids,
        operator,
        shows_site_counter,
        json_ld,
        copies_from,
        contact_block,
        advertisers,
    }
}

/// Ads per page and the number of live ads the site aims at.
fn draw_size(random: &mut SeededRandom, index: usize) -> (usize, u64) {
    if index < SHOWCASE_SITES {
        let per_page = random.between_usize(10, 30);
        let live = random.between(per_page as u64, 3 * per_page as u64);
        return (per_page, live);
    }
    let per_page = random.between_usize(10, 100);
    let class = random.below(1000);
    let pages = if class < 700 {
        random.between(1, 5)
    } else if class < 950 {
        random.between(6, 50)
    } else {
        random.between(51, MAX_LISTING_PAGES as u64)
    };
    // Daily turnover moves the live count by a few per cent: aim below a
    // whole number of pages so that the largest sites stay within 500.
    let live = (pages * per_page as u64 * 94 / 100).max(1);
    (per_page, live)
}

fn draw_encoding(
    random: &mut SeededRandom,
    language_code: &str,
) -> (PageEncoding, CharsetDeclaration) {
    let declarations = [HeaderAndMeta, MetaOnly, HeaderOnly, Missing];
    match language_code {
        "ru" | "uk" if random.chance(1, 2) => (Windows1251, *random.pick(&declarations)),
        "pl" if random.chance(1, 5) => (Iso88592, HeaderAndMeta),
        _ => (
            Utf8,
            *random.pick(&[HeaderAndMeta, HeaderAndMeta, MetaOnly, HeaderOnly]),
        ),
    }
}

fn draw_robots(random: &mut SeededRandom) -> RobotsVariant {
    match random.below(100) {
        0..=49 => RobotsVariant::Standard,
        50..=64 => RobotsVariant::ProductGroup,
        65..=79 => RobotsVariant::CrawlDelay {
            millis: random.between(1, 8) * 250,
        },
        80..=87 => RobotsVariant::NotFound,
        88..=90 => RobotsVariant::ServerError,
        91..=93 => RobotsVariant::Redirect,
        94..=96 => RobotsVariant::Huge,
        _ => RobotsVariant::LongMultibyteLine,
    }
}

fn draw_analytics(seed: u64, random: &mut SeededRandom, index: usize) -> Vec<String> {
    let cluster = if SHOWCASE_ANALYTICS_CLUSTER.contains(&index) {
        Some(0)
    } else if index >= SHOWCASE_SITES && random.chance(1, 10) {
        Some(random.below(ANALYTICS_CLUSTERS))
    } else {
        None
    };
    if let Some(cluster) = cluster {
        let mut cluster_random = SeededRandom::derive(seed, "analytics-cluster", cluster);
        return vec![
            format!("UA-{}-1", cluster_random.between(10_000_000, 99_999_999)),
            format!("G-{}", alphanumeric(&mut cluster_random, 10)),
            format!("GTM-{}", alphanumeric(&mut cluster_random, 7)),
            format!(
                "ca-pub-{}{}",
                cluster_random.between(10_000_000, 99_999_999),
                cluster_random.between(10_000_000, 99_999_999)
            ),
        ];
    }
    let own = if index < SHOWCASE_SITES {
        index % 2 == 0
    } else {
        random.chance(1, 2)
    };
    if !own {
        return Vec::new();
    }
    let mut ids = vec![format!("G-{}", alphanumeric(random, 10))];
    if random.chance(1, 2) {
        ids.insert(
            0,
            format!(
                "UA-{}-{}",
                random.between(10_000_000, 99_999_999),
                random.between(1, 3)
            ),
        );
    }
    if random.chance(1, 3) {
        ids.push(format!(
            "ca-pub-{}{}",
            random.between(10_000_000, 99_999_999),
            random.between(10_000_000, 99_999_999)
        ));
    }
    ids
}

fn alphanumeric(random: &mut SeededRandom, length: usize) -> String {
    const CHARACTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..length)
        .map(|_| char::from(*random.pick(CHARACTERS)))
        .collect()
}

fn capitalise(word: &str) -> String {
    let mut characters = word.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}
