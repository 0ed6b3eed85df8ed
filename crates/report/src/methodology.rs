//! The words every report carries next to its figures: what each indicator
//! means and what the research says about how much it tells. Kept in one
//! place so the HTML report and the mapping sheet's "About" tab say the
//! same thing.

/// What the research behind the methodology found (DESIGN.md), to be read
/// next to the figures.
pub const RESEARCH_FINDINGS: &str = "In a study of 1,263 ads with known case outcomes, only four \
indicators predicted trafficking: trust-building language (\"100% real\"), an obscured phone \
number (digits written as words or split up), youth wording, and stated ethnicity or \
nationality. Ads saying \"new in town\" were less likely to be trafficking, not more. Single \
indicators rarely occur together, so cartograph reports shares and counts per site and never \
a score per person or per ad.";

/// Why counts are de-duplicated.
pub const DEDUPLICATION: &str = "Reposts inflate raw ad counts up to tenfold in real data, so \
ads are de-duplicated before anything is counted: by the ad's own id or URL, and by a \
fingerprint of the card text. Shares are of distinct ads.";

/// What the connection evidence does and does not show.
pub const CONNECTIONS: &str = "Connections between sites are evidence, not conclusions: the same \
page template (DOM structure, not text), the same analytics or ad-network account, the same \
company named as copyright holder, the same contacts advertised on ads that are not copies of each other, and ads copied from one site to \
another (the same card text). Each edge names the captures it was seen in. One kind alone has \
innocent explanations (an off-the-shelf theme, one advertiser on two platforms, an aggregator), \
so \"same operator\" is only stated where at least two independent kinds agree.";

/// What movement counts are.
pub const MOVEMENT: &str = "Movement counts distinct contacts (keyed pseudonyms of phone numbers \
and handles, never the numbers) seen in more than one city or country, per site, per pair of \
sites and per pair of countries, ordered by the run they were first seen in. No output names or \
describes a single contact.";

/// What the report never contains.
pub const PRIVACY: &str = "This report holds no phone number, handle, pseudonym, ad text or \
image. Text that came from crawled pages (page titles, company names) is shown as inert text.";

/// One indicator explained: its mapping field, meaning and strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorNote {
    pub field: &'static str,
    pub indicator: &'static str,
    pub meaning: &'static str,
    /// What the research says about how much it tells, or how to read it.
    pub strength: &'static str,
}

/// Every indicator of the reports, in mapping-field order.
pub const INDICATOR_NOTES: &[IndicatorNote] = &[
    IndicatorNote {
        field: "a, b",
        indicator: "name, URL",
        meaning: "the whitelist entry and the title its listing pages give themselves",
        strength: "identification only",
    },
    IndicatorNote {
        field: "c",
        indicator: "distinct ads, cards, pages, site counter, new ads per day",
        meaning:
            "size and evidence of use; the site's own counter is shown next to what was seen, \
                  because counters include hidden or premium ads",
        strength: "volume, not risk; compare a site with itself over runs",
    },
    IndicatorNote {
        field: "d",
        indicator: "services, prices",
        meaning:
            "share of ads naming a service; price per currency and unit (hour, night, 7/14/21 days)",
        strength:
            "rental for 7, 14 or 21 days is a risk signal of the methodology; prices alone are not",
    },
    IndicatorNote {
        field: "e",
        indicator: "geographical scope",
        meaning: "local, regional, national or international, from the places named on the ads",
        strength: "context for movement",
    },
    IndicatorNote {
        field: "f",
        indicator: "stated ethnicity or nationality",
        meaning:
            "share of ads stating an ethnicity or nationality, and of those naming another country",
        strength: "one of the four indicators that predicted trafficking in the research",
    },
    IndicatorNote {
        field: "g",
        indicator: "phone, messenger, social links; obscured phone; contacts",
        meaning: "shares of ads with each kind of contact; distinct contacts and ads per contact \
                  (many ads per contact hints at a third party)",
        strength: "an obscured phone number is one of the four predictive indicators",
    },
    IndicatorNote {
        field: "h",
        indicator: "notes",
        meaning: "the analyst's own words from the whitelist",
        strength: "",
    },
    IndicatorNote {
        field: "i",
        indicator: "connections",
        meaning: "same template, shared analytics ids, same company named, shared contacts, \
                  copied ads; same operator only where two kinds agree",
        strength: "evidence of links between sites, not of what happens on them",
    },
    IndicatorNote {
        field: "j",
        indicator: "company affiliation",
        meaning: "the copyright holder named on the pages",
        strength: "as claimed by the site; unverified",
    },
    IndicatorNote {
        field: "k",
        indicator: "language",
        meaning: "languages detected in the ad text, against the language expected",
        strength: "ads in a language foreign to the market are context for origin and movement",
    },
    IndicatorNote {
        field: "l",
        indicator: "category",
        meaning: "the analyst's category next to the lexicon classifier's",
        strength: "a disagreement is worth a look",
    },
    IndicatorNote {
        field: "m",
        indicator: "risk lingo",
        meaning: "share of ads with a hit per risk-lexicon category: youth, trust-building, \
                  movement, third party, rental period, auction, multiple providers, nationality",
        strength: "trust-building and youth wording predicted trafficking in the research; \
                   \"new in town\" (movement) ads were less likely to be trafficking",
    },
    IndicatorNote {
        field: "n",
        indicator: "ad space",
        meaning: "whether the site rents ad space to advertisers (a post-an-ad page is linked)",
        strength: "context for who publishes",
    },
];
