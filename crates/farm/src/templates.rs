//! The eight site templates, one per kind of platform the OSCE methodology
//! analyses. [`TemplateKind`] decides a site's URL layout (listing prefix,
//! pagination, premium section, ad pages, listing patterns), its class-name
//! skins and the extraction profile that matches them, and the traits the
//! ads and pages draw on (dates, prices, phones, promoted blocks, counters).
//! The markup of each lives in its own file under `templates/`; what every
//! template shares (document shell, navigation, footers, banners, contact
//! links) in `templates/chrome.rs`.

mod aggregator;
pub(crate) mod chrome;
mod classifieds;
mod club;
mod escort_directory;
mod forum;
mod massage;
mod social;
mod sugar_dating;

use serde::{Deserialize, Serialize};

use crate::dates::DateStyle;
use crate::pagination::PaginationStyle;
use crate::prices::PriceUnit;
use crate::site::Profile;

pub(crate) use chrome::ListingView;

/// Which template a site is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateKind {
    /// Div cards under `/{city}/`, `?page=N`, VIP strip, JSON-LD on one skin.
    EscortDirectory,
    /// Table rows in a personal-services section, `/page/N/`, top ads
    /// repeated in the same markup, sponsored rows.
    Classifieds,
    /// `li` items re-posting ads of two other farm sites, `?offset=K`,
    /// JSON-LD ItemList, sponsored `li`s.
    Aggregator,
    /// Review threads as `li`s next to sticky non-ad `li`s, "next" only.
    Forum,
    /// A profile grid with a "load more" link.
    SugarDating,
    /// Salon cards with price tables, `?page=N`.
    MassageSalons,
    /// A club page: house facts, then the roster as `li`s, `/page/N/`.
    Club,
    /// Profile tiles with handles and "suggested" tiles, cursor pagination.
    SocialProfiles,
}

/// Where a template puts promoted (VIP, top) repeats of its ads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PromotedBlock {
    None,
    /// A block in its own markup, which the profile does not match.
    Separate,
    /// Rows in the card markup itself, which the profile matches.
    SameMarkup,
}

/// What a template's ads and pages are like.
#[derive(Debug)]
pub(crate) struct TemplateTraits {
    pub(crate) date_styles: &'static [DateStyle],
    pub(crate) price_units: &'static [PriceUnit],
    /// Share of ads naming a price, per mille.
    pub(crate) price_permille: u64,
    /// Share of ads with a phone number, per mille.
    pub(crate) phone_permille: u64,
    pub(crate) shows_age: bool,
    pub(crate) promoted: PromotedBlock,
    /// A "showing N ads" line on each page (which counts the promoted too).
    pub(crate) page_counter: bool,
    /// A banner after every this many cards (0: none).
    pub(crate) banner_every: usize,
    /// Non-ad items in the list itself (sticky threads, sponsored rows).
    pub(crate) non_ad_items: usize,
}

/// The class names one skin of a template uses. Sites of one template with
/// the same skin share a template fingerprint.
#[derive(Debug)]
pub(crate) struct Skin {
    pub(crate) card: &'static str,
    pub(crate) title: &'static str,
    pub(crate) date: &'static str,
    pub(crate) price: &'static str,
    pub(crate) location: &'static str,
    pub(crate) phone: &'static str,
    pub(crate) text: &'static str,
    pub(crate) list: &'static str,
}

/// Skins per template.
pub(crate) const SKINS_PER_TEMPLATE: usize = 3;

/// `[card, title, date, price, location, phone, text, list]`.
const fn skin(classes: [&'static str; 8]) -> Skin {
    let [card, title, date, price, location, phone, text, list] = classes;
    Skin {
        card,
        title,
        date,
        price,
        location,
        phone,
        text,
        list,
    }
}

const SKINS: [[Skin; SKINS_PER_TEMPLATE]; 8] = [
    [
        skin([
            "ad", "title", "posted", "price", "city", "phone", "text", "ads",
        ]),
        skin([
            "card",
            "card-title",
            "card-date",
            "card-rate",
            "card-place",
            "card-tel",
            "card-body",
            "cards",
        ]),
        skin([
            "profile-box",
            "pb-name",
            "pb-time",
            "pb-price",
            "pb-loc",
            "pb-phone",
            "pb-desc",
            "profiles",
        ]),
    ],
    [
        skin([
            "listing", "subject", "posted", "price", "location", "phone", "excerpt", "listings",
        ]),
        skin([
            "row",
            "row-link",
            "row-date",
            "row-price",
            "row-where",
            "row-tel",
            "row-text",
            "results",
        ]),
        skin([
            "ad-row",
            "ad-title",
            "ad-date",
            "ad-cost",
            "ad-city",
            "ad-phone",
            "ad-snippet",
            "board",
        ]),
    ],
    [
        skin([
            "item",
            "item-link",
            "item-date",
            "item-price",
            "item-city",
            "item-phone",
            "item-text",
            "feed",
        ]),
        skin([
            "entry",
            "entry-title",
            "entry-time",
            "entry-rate",
            "entry-loc",
            "entry-tel",
            "entry-body",
            "entries",
        ]),
        skin([
            "post",
            "post-link",
            "post-date",
            "post-price",
            "post-city",
            "post-phone",
            "post-text",
            "posts",
        ]),
    ],
    [
        skin([
            "topic",
            "topic-title",
            "last-post",
            "topic-price",
            "topic-city",
            "topic-phone",
            "topic-excerpt",
            "topics",
        ]),
        skin([
            "thread",
            "thread-link",
            "thread-date",
            "thread-rate",
            "thread-town",
            "thread-tel",
            "thread-preview",
            "threads",
        ]),
        skin([
            "row",
            "row-title",
            "row-when",
            "row-price",
            "row-city",
            "row-phone",
            "row-text",
            "forum-rows",
        ]),
    ],
    [
        skin([
            "member",
            "member-name",
            "member-seen",
            "member-allowance",
            "member-city",
            "member-phone",
            "member-about",
            "members",
        ]),
        skin([
            "profile",
            "profile-link",
            "profile-date",
            "profile-budget",
            "profile-loc",
            "profile-tel",
            "profile-bio",
            "grid",
        ]),
        skin([
            "tile",
            "tile-name",
            "tile-date",
            "tile-price",
            "tile-city",
            "tile-phone",
            "tile-text",
            "tiles",
        ]),
    ],
    [
        skin([
            "salon",
            "salon-name",
            "salon-updated",
            "salon-price",
            "salon-address",
            "salon-phone",
            "salon-about",
            "salons",
        ]),
        skin([
            "studio",
            "studio-link",
            "studio-date",
            "studio-rate",
            "studio-city",
            "studio-tel",
            "studio-text",
            "studios",
        ]),
        skin([
            "spa",
            "spa-title",
            "spa-date",
            "spa-price",
            "spa-where",
            "spa-phone",
            "spa-desc",
            "spas",
        ]),
    ],
    [
        skin([
            "lady",
            "lady-name",
            "lady-date",
            "lady-price",
            "lady-city",
            "lady-phone",
            "lady-text",
            "roster",
        ]),
        skin([
            "girl-card",
            "gc-link",
            "gc-date",
            "gc-price",
            "gc-city",
            "gc-phone",
            "gc-about",
            "team",
        ]),
        skin([
            "person",
            "person-name",
            "person-date",
            "person-rate",
            "person-city",
            "person-tel",
            "person-bio",
            "staff-list",
        ]),
    ],
    [
        skin([
            "tile", "handle", "active", "rate", "place", "tel", "bio", "explore",
        ]),
        skin([
            "creator",
            "creator-handle",
            "creator-active",
            "creator-rate",
            "creator-city",
            "creator-tel",
            "creator-bio",
            "creators",
        ]),
        skin([
            "account",
            "account-name",
            "account-seen",
            "account-price",
            "account-loc",
            "account-phone",
            "account-text",
            "accounts",
        ]),
    ],
];

impl TemplateKind {
    /// Every template, in the order sites cycle through them.
    pub const ALL: [TemplateKind; 8] = [
        TemplateKind::EscortDirectory,
        TemplateKind::Classifieds,
        TemplateKind::Aggregator,
        TemplateKind::Forum,
        TemplateKind::SugarDating,
        TemplateKind::MassageSalons,
        TemplateKind::Club,
        TemplateKind::SocialProfiles,
    ];

    fn position(self) -> usize {
        TemplateKind::ALL
            .iter()
            .position(|kind| *kind == self)
            .unwrap_or(0)
    }

    /// Kebab-case name (`escort-directory`).
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::EscortDirectory => "escort-directory",
            TemplateKind::Classifieds => "classifieds",
            TemplateKind::Aggregator => "aggregator",
            TemplateKind::Forum => "forum",
            TemplateKind::SugarDating => "sugar-dating",
            TemplateKind::MassageSalons => "massage-salons",
            TemplateKind::Club => "club",
            TemplateKind::SocialProfiles => "social-profiles",
        }
    }

    /// The site category (DESIGN.md's kebab-case list) of sites of this template.
    pub fn category(self) -> &'static str {
        match self {
            TemplateKind::EscortDirectory => "escort-directory",
            TemplateKind::Classifieds => "classifieds",
            TemplateKind::Aggregator => "aggregator",
            TemplateKind::Forum => "forum",
            TemplateKind::SugarDating => "sugar-dating",
            TemplateKind::MassageSalons => "massage",
            TemplateKind::Club => "club",
            TemplateKind::SocialProfiles => "social-profiles",
        }
    }

    /// Middle part of site ids (`dir` in `rosa-dir-0`).
    pub(crate) fn id_infix(self) -> &'static str {
        match self {
            TemplateKind::EscortDirectory => "dir",
            TemplateKind::Classifieds => "ads",
            TemplateKind::Aggregator => "agg",
            TemplateKind::Forum => "board",
            TemplateKind::SugarDating => "sugar",
            TemplateKind::MassageSalons => "spa",
            TemplateKind::Club => "club",
            TemplateKind::SocialProfiles => "social",
        }
    }

    pub(crate) fn site_word(self, language: &crate::vocabulary::Language) -> &'static str {
        language.labels.site_words[self.position()]
    }

    pub(crate) fn pagination(self) -> PaginationStyle {
        match self {
            TemplateKind::EscortDirectory | TemplateKind::MassageSalons => {
                PaginationStyle::PageQuery
            }
            TemplateKind::Classifieds | TemplateKind::Club => PaginationStyle::PathSegment,
            TemplateKind::Aggregator => PaginationStyle::Offset,
            TemplateKind::Forum => PaginationStyle::NextOnly,
            TemplateKind::SugarDating => PaginationStyle::LoadMore,
            TemplateKind::SocialProfiles => PaginationStyle::Cursor,
        }
    }

    /// Path of the first listing page; every listing page lives under it.
    pub(crate) fn listing_prefix(self, city_slug: &str) -> String {
        match self {
            TemplateKind::EscortDirectory => format!("/{city_slug}/"),
            TemplateKind::Classifieds => "/listings/personal/".to_owned(),
            TemplateKind::Aggregator => "/latest/".to_owned(),
            TemplateKind::Forum => "/board/reviews/".to_owned(),
            TemplateKind::SugarDating => "/members/".to_owned(),
            TemplateKind::MassageSalons => format!("/salons/{city_slug}/"),
            TemplateKind::Club => "/roster/".to_owned(),
            TemplateKind::SocialProfiles => "/explore/".to_owned(),
        }
    }

    /// The premium section inside the listing: in scope, linked from every
    /// listing page, disallowed by robots.txt (its `rules` page excepted).
    pub(crate) fn private_section(self, prefix: &str) -> String {
        let name = match self {
            TemplateKind::EscortDirectory => "vip",
            TemplateKind::Classifieds | TemplateKind::SugarDating => "premium",
            TemplateKind::Aggregator => "hidden",
            TemplateKind::Forum => "members-only",
            TemplateKind::MassageSalons => "partner",
            TemplateKind::Club => "staff",
            TemplateKind::SocialProfiles => "following",
        };
        format!("{prefix}{name}/")
    }

    /// Path of an ad's own page (never inside the listing patterns).
    pub(crate) fn ad_path(self, prefix: &str, ad_id: &str) -> String {
        match self {
            TemplateKind::EscortDirectory => format!("{prefix}ad/{ad_id}"),
            TemplateKind::Classifieds => format!("/ad/{ad_id}.html"),
            TemplateKind::Aggregator => format!("/item/{ad_id}"),
            TemplateKind::Forum => format!("/thread/{ad_id}/"),
            TemplateKind::SugarDating => format!("/profile/{ad_id}"),
            TemplateKind::MassageSalons => format!("/salon/{ad_id}"),
            TemplateKind::Club => format!("/person/{ad_id}"),
            TemplateKind::SocialProfiles => format!("/u/{ad_id}"),
        }
    }

    /// The ad id in `path`, if it is an ad page of this template.
    pub(crate) fn parse_ad_path<'path>(self, prefix: &str, path: &'path str) -> Option<&'path str> {
        let id = match self {
            TemplateKind::EscortDirectory => path.strip_prefix(prefix)?.strip_prefix("ad/")?,
            TemplateKind::Classifieds => path.strip_prefix("/ad/")?.strip_suffix(".html")?,
            TemplateKind::Aggregator => path.strip_prefix("/item/")?,
            TemplateKind::Forum => path.strip_prefix("/thread/")?.strip_suffix('/')?,
            TemplateKind::SugarDating => path.strip_prefix("/profile/")?,
            TemplateKind::MassageSalons => path.strip_prefix("/salon/")?,
            TemplateKind::Club => path.strip_prefix("/person/")?,
            TemplateKind::SocialProfiles => path.strip_prefix("/u/")?,
        };
        (!id.is_empty() && id.bytes().all(|byte| byte.is_ascii_digit())).then_some(id)
    }

    /// Whole-URL patterns covering the listing pages and the premium
    /// section, never ad pages.
    pub(crate) fn listing_patterns(self, host: &str, prefix: &str) -> Vec<String> {
        match self {
            // Ad pages share the city prefix, so the section is spelled out.
            TemplateKind::EscortDirectory => vec![
                format!("http://{host}{prefix}"),
                format!("http://{host}{prefix}?page=*"),
                format!("http://{host}{}*", self.private_section(prefix)),
            ],
            _ => vec![format!("http://{host}{prefix}*")],
        }
    }

    pub(crate) fn skin(self, skin: usize) -> &'static Skin {
        &SKINS[self.position()][skin % SKINS_PER_TEMPLATE]
    }

    /// The CSS profile that picks exactly the ad cards of a skin.
    pub(crate) fn profile(self, skin: usize) -> Profile {
        let classes = self.skin(skin);
        let ad = match self {
            TemplateKind::EscortDirectory | TemplateKind::SugarDating => {
                format!("div.{}", classes.card)
            }
            TemplateKind::Classifieds => format!("tr.{}", classes.card),
            TemplateKind::Aggregator => format!("li.{}", classes.card),
            TemplateKind::Forum => format!("li.{}[data-thread]", classes.card),
            TemplateKind::MassageSalons => format!("article.{}", classes.card),
            TemplateKind::Club => format!("ul.{} > li.{}", classes.list, classes.card),
            TemplateKind::SocialProfiles => format!("div.{}:not(.suggested)", classes.card),
        };
        Profile {
            ad,
            link: format!("a.{}", classes.title),
            date: format!(".{}", classes.date),
            price: format!(".{}", classes.price),
            location: format!(".{}", classes.location),
            next: "a[rel=next]".to_owned(),
            phone: format!(".{}", classes.phone),
            text: format!(".{}", classes.text),
        }
    }

    pub(crate) fn traits(self) -> &'static TemplateTraits {
        use DateStyle::*;
        use PriceUnit::*;
        match self {
            TemplateKind::EscortDirectory => &TemplateTraits {
                date_styles: &[Relative, NumericWithTime, Long],
                price_units: &[Hour, Hour, Hour, Night, Night, Day],
                price_permille: 900,
                phone_permille: 900,
                shows_age: true,
                promoted: PromotedBlock::Separate,
                page_counter: true,
                banner_every: 6,
                non_ad_items: 0,
            },
            TemplateKind::Classifieds => &TemplateTraits {
                date_styles: &[Numeric, DayWordOrNumeric, NumericWithTime],
                price_units: &[Hour, Hour, Night, SevenDays, FourteenDays, TwentyOneDays],
                price_permille: 700,
                phone_permille: 850,
                shows_age: true,
                promoted: PromotedBlock::SameMarkup,
                page_counter: false,
                banner_every: 0,
                non_ad_items: 2,
            },
            TemplateKind::Aggregator => &TemplateTraits {
                date_styles: &[Relative, Numeric, Long],
                price_units: &[Hour, Night],
                price_permille: 800,
                phone_permille: 900,
                shows_age: true,
                promoted: PromotedBlock::None,
                page_counter: false,
                banner_every: 0,
                non_ad_items: 2,
            },
            TemplateKind::Forum => &TemplateTraits {
                date_styles: &[DayWordOrNumeric, Relative, NumericWithTime],
                price_units: &[Hour, Night],
                price_permille: 400,
                phone_permille: 250,
                shows_age: false,
                promoted: PromotedBlock::None,
                page_counter: false,
                banner_every: 0,
                non_ad_items: 2,
            },
            TemplateKind::SugarDating => &TemplateTraits {
                date_styles: &[Relative, Absent, Long],
                price_units: &[Month, Month, Night, Day],
                price_permille: 500,
                phone_permille: 300,
                shows_age: true,
                promoted: PromotedBlock::Separate,
                page_counter: true,
                banner_every: 8,
                non_ad_items: 0,
            },
            TemplateKind::MassageSalons => &TemplateTraits {
                date_styles: &[Numeric, Long, Absent],
                price_units: &[Hour],
                price_permille: 950,
                phone_permille: 950,
                shows_age: false,
                promoted: PromotedBlock::Separate,
                page_counter: true,
                banner_every: 5,
                non_ad_items: 0,
            },
            TemplateKind::Club => &TemplateTraits {
                date_styles: &[Absent, DayWordOrNumeric, Numeric],
                price_units: &[Hour, Night],
                price_permille: 300,
                phone_permille: 400,
                shows_age: true,
                promoted: PromotedBlock::None,
                page_counter: false,
                banner_every: 0,
                non_ad_items: 1,
            },
            TemplateKind::SocialProfiles => &TemplateTraits {
                date_styles: &[Relative, Relative, Absent],
                price_units: &[Hour, Month],
                price_permille: 200,
                phone_permille: 150,
                shows_age: false,
                promoted: PromotedBlock::None,
                page_counter: false,
                banner_every: 0,
                non_ad_items: 2,
            },
        }
    }

    /// The listing page markup.
    pub(crate) fn render_listing(self, view: &ListingView<'_>) -> String {
        match self {
            TemplateKind::EscortDirectory => escort_directory::render(view),
            TemplateKind::Classifieds => classifieds::render(view),
            TemplateKind::Aggregator => aggregator::render(view),
            TemplateKind::Forum => forum::render(view),
            TemplateKind::SugarDating => sugar_dating::render(view),
            TemplateKind::MassageSalons => massage::render(view),
            TemplateKind::Club => club::render(view),
            TemplateKind::SocialProfiles => social::render(view),
        }
    }
}
