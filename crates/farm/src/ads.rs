//! One ad, drawn from its site's plan and its serial: name, age, text with
//! risk-lexicon phrases at the site's rates, price, place, phone in one of
//! its printed forms, messenger and social links, posting time, reposts and
//! aggregator copies. The same ad is drawn the same way every time, on
//! every page and for the truth, so pages and truth cannot disagree.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use crate::dates::show_date;
use crate::phones::{number_at, PhoneFormat, PhoneNumber};
use crate::plan::SitePlan;
use crate::population::{ad_id, born_day, lifetime, ListedAd};
use crate::prices::{draw_amount, price_text};
use crate::seeded::SeededRandom;
use crate::truth::{
    AdConnections, AdSource, AdTruth, LexiconHit, LinkTruth, LocationTruth, PhoneTruth, PriceTruth,
};
use crate::vocabulary::{City, Country, COUNTRIES};

/// The farm's day 0.
pub(crate) fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The date of farm day `day`.
pub(crate) fn date_of(day: i64) -> NaiveDate {
    let base = epoch();
    if day >= 0 {
        base.checked_add_days(Days::new(day as u64))
    } else {
        base.checked_sub_days(Days::new(day.unsigned_abs()))
    }
    .unwrap_or(base)
}

/// Hour of the farm's "now" on its day: ads of today are posted before it.
const NOW_HOUR: u32 = 20;

/// The farm's "now" on `day`.
pub(crate) fn now_of(day: i64) -> NaiveDateTime {
    date_of(day).and_time(NaiveTime::from_hms_opt(NOW_HOUR, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// How many travelling contacts the farm has: numbers that turn up on
/// several sites, in several cities and countries.
const TRAVELLERS: u64 = 6;

/// What drawing an ad needs to know about the farm.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdContext<'farm> {
    pub(crate) seed: u64,
    pub(crate) plans: &'farm [SitePlan],
    pub(crate) day: i64,
}

/// An ad's content: what reposts and copies share.
struct Content {
    display_name: String,
    age: Option<u32>,
    title: String,
    text: String,
    price: Option<PriceTruth>,
    price_text: Option<String>,
    location: LocationTruth,
    phone: Option<PhoneTruth>,
    messengers: Vec<LinkTruth>,
    social: Vec<LinkTruth>,
    contact_groups: Vec<String>,
    lexicon_hits: Vec<LexiconHit>,
    travelling: bool,
    /// The number behind `phone`, to print it again on another site.
    number: PhoneNumber,
}

fn repost_capable(seed: u64, plan: &SitePlan, serial: u64) -> bool {
    SeededRandom::hash_item(seed, "repost", plan.index as u64, serial) % 12 == 0
}

/// The earlier serial whose text ad `serial` repeats, if it is a repost.
pub(crate) fn repost_target(seed: u64, plan: &SitePlan, serial: u64) -> Option<u64> {
    if !repost_capable(seed, plan, serial) {
        return None;
    }
    let draw = SeededRandom::hash_item(seed, "repost-back", plan.index as u64, serial);
    let back = plan.births_per_day * (1 + draw % plan.mean_lifetime_days);
    let target = serial.checked_sub(back)?;
    (!repost_capable(seed, plan, target)).then_some(target)
}

impl AdContext<'_> {
    /// The full truth of `listed` as site `index` lists it.
    pub(crate) fn ad(&self, index: usize, listed: ListedAd, behind_robots: bool) -> AdTruth {
        let plan = &self.plans[index];
        let now = now_of(self.day);
        let (origin_plan, origin_serial, private) = match listed {
            ListedAd::Own { serial } => (plan, serial, false),
            ListedAd::Copied {
                slot,
                source_serial,
            } => {
                let source = plan.copies_from.map_or(index, |sources| sources[slot]);
                (&self.plans[source], source_serial, false)
            }
            ListedAd::Private { number } => (plan, number, true),
        };
        let repost_of = if private {
            None
        } else {
            repost_target(self.seed, origin_plan, origin_serial)
        };
        let content_serial = repost_of.unwrap_or(origin_serial);
        let mut content = self.content(origin_plan, content_serial, private);
        if let Some(phone) = content.phone.as_mut() {
            if !std::ptr::eq(content.number.country, plan.country) && !phone.e164.is_empty() {
                // An aggregator reprints a foreign number internationally,
                // so that it still reads with its own country code.
                let (shown, format) =
                    content
                        .number
                        .show(PhoneFormat::International, plan.language, 0);
                phone.shown = shown;
                phone.format = format;
                phone.obscured = false;
            }
        }

        let (posted, first_day, last_day) = if private {
            let days_back = ((origin_serial * 3 + 1) % 25) as i64;
            let posted = self.posted_at(origin_plan, origin_serial, self.day - days_back, true);
            (posted, self.day - days_back, None)
        } else {
            let born = born_day(origin_plan, origin_serial);
            let last = born + lifetime(self.seed, origin_plan, origin_serial) - 1;
            (
                self.posted_at(origin_plan, origin_serial, born, false),
                born,
                Some(last),
            )
        };
        let (date_shown, date_text) = show_date(plan.date_style, plan.language, posted, now);
        let id = ad_id(plan, listed);
        let connections = AdConnections {
            repost_of: repost_of.map(|target| ad_id(origin_plan, ListedAd::Own { serial: target })),
            copied_from: matches!(listed, ListedAd::Copied { .. }).then(|| {
                let source_id = ad_id(
                    origin_plan,
                    ListedAd::Own {
                        serial: origin_serial,
                    },
                );
                AdSource {
                    url: format!(
                        "http://{}{}",
                        origin_plan.site.host,
                        origin_plan
                            .template
                            .ad_path(&origin_plan.listing_prefix, &source_id)
                    ),
                    site_id: origin_plan.site.id.clone(),
                    ad_id: source_id,
                }
            }),
            travelling_contact: content.travelling,
        };
        AdTruth {
            url_path: plan.template.ad_path(&plan.listing_prefix, &id),
            ad_id: id,
            title: content.title,
            display_name: content.display_name,
            age: content.age,
            text: content.text,
            language: origin_plan.language.code.to_owned(),
            category: origin_plan.template.category().to_owned(),
            posted,
            posted_days_ago: (now.date() - posted.date()).num_days(),
            date_shown,
            date_text,
            price: content.price,
            price_text: content.price_text,
            location: content.location,
            phone: content.phone,
            messengers: content.messengers,
            social: content.social,
            contact_groups: content.contact_groups,
            lexicon_hits: content.lexicon_hits,
            connections,
            behind_robots,
            first_day,
            last_day,
        }
    }

    fn posted_at(&self, plan: &SitePlan, serial: u64, day: i64, private: bool) -> NaiveDateTime {
        let label = if private { "posted-private" } else { "posted" };
        let draw = SeededRandom::hash_item(self.seed, label, plan.index as u64, serial);
        let hour = (draw % u64::from(NOW_HOUR)) as u32;
        let minute = ((draw >> 16) % 60) as u32;
        date_of(day).and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
    }

    fn content(&self, plan: &SitePlan, serial: u64, private: bool) -> Content {
        let label = if private { "private-ad" } else { "ad" };
        let mut random = SeededRandom::derive_item(self.seed, label, plan.index as u64, serial);
        let language = plan.language;
        let traits = plan.template.traits();

        let display_name = (*random.pick(language.first_names)).to_owned();
        let age = traits.shows_age.then(|| random.between(21, 45) as u32);
        let tagline = *random.pick(language.taglines);
        let title = match age {
            Some(age) => format!("{display_name}, {age} – {tagline}"),
            None => format!("{display_name} – {tagline}"),
        };

        let first_sentence = random.below(language.sentences.len() as u64) as usize;
        let offset = 1 + random.below(language.sentences.len() as u64 - 1) as usize;
        let second_sentence = (first_sentence + offset) % language.sentences.len();
        let lexicon_hits = draw_lexicon(&mut random, plan);
        let mut text = language.sentences[first_sentence].to_owned();
        for hit in &lexicon_hits {
            text.push(' ');
            text.push_str(&hit.phrase);
            text.push('!');
        }
        text.push(' ');
        text.push_str(language.sentences[second_sentence]);

        let (price, price_text) = if random.below(1000) < traits.price_permille {
            let unit = *random.pick(traits.price_units);
            let amount = draw_amount(&mut random, unit, plan.country.currency);
            let starting_from = random.chance(1, 5);
            let text = price_text(amount, plan.country.currency, unit, starting_from, language);
            (
                Some(PriceTruth {
                    amount,
                    currency: plan.country.currency.code().to_owned(),
                    unit,
                    starting_from,
                    text: text.clone(),
                }),
                Some(text),
            )
        } else if random.chance(1, 2) {
            (None, Some(language.units.on_request.to_owned()))
        } else {
            (None, None)
        };

        let mix = plan.contact_mix;
        let travelling = random.below(1000) < mix.travelling;
        let (number, home_of_contact) = if travelling {
            let traveller = random.below(TRAVELLERS);
            let country = traveller_country(self.seed, traveller);
            let position = SeededRandom::hash_item(self.seed, "traveller", traveller, 0);
            (number_at(country, position), country)
        } else {
            let position = plan.contact_block + random.below(plan.advertisers);
            (number_at(plan.country, position), plan.country)
        };
        let location = draw_location(&mut random, plan, travelling.then_some(home_of_contact));

        let has_phone = travelling || random.below(1000) < mix.phone;
        let phone = has_phone.then(|| {
            let draw = random.below(1000);
            let wanted = if !std::ptr::eq(number.country, plan.country) {
                // A foreign number only recovers with its own country code.
                PhoneFormat::International
            } else if draw < mix.obscured {
                [
                    PhoneFormat::Words,
                    PhoneFormat::Separators,
                    PhoneFormat::LookAlike,
                    PhoneFormat::Mixed,
                ][random.below(4) as usize]
            } else if draw < mix.obscured + mix.international {
                PhoneFormat::International
            } else {
                PhoneFormat::National
            };
            phone_truth(&number, wanted, plan, random.next_u64())
        });

        let identity = match &phone {
            Some(phone) => phone.e164.clone(),
            None => format!("{}-{}-{serial}", plan.index, u8::from(private)),
        };
        let handle = handle_for(self.seed, &identity);
        let digits: String = number.e164().chars().filter(char::is_ascii_digit).collect();
        let mut messengers = Vec::new();
        let mut social = Vec::new();
        let mut contact_groups = Vec::new();
        if let Some(phone) = &phone {
            contact_groups.push(format!("tel:{}", phone.e164));
            if random.below(1000) < mix.whatsapp {
                messengers.push(link("whatsapp", format!("https://wa.me/{digits}")));
            }
            if random.below(1000) < mix.viber {
                messengers.push(link("viber", format!("viber://chat?number=%2B{digits}")));
            }
        }
        if random.below(1000) < mix.telegram {
            messengers.push(link("telegram", format!("https://t.me/{handle}")));
            contact_groups.push(format!("telegram:{handle}"));
        }
        if random.below(1000) < mix.instagram {
            social.push(link(
                "instagram",
                format!("https://www.instagram.com/{handle}/"),
            ));
            contact_groups.push(format!("instagram:{handle}"));
        }
        if random.below(1000) < mix.onlyfans {
            social.push(link("onlyfans", format!("https://onlyfans.com/{handle}")));
            contact_groups.push(format!("onlyfans:{handle}"));
        }
        if random.below(1000) < mix.x {
            social.push(link("x", format!("https://x.com/{handle}")));
            contact_groups.push(format!("x:{handle}"));
        }

        Content {
            display_name,
            age,
            title,
            text,
            price,
            price_text,
            location,
            phone,
            messengers,
            social,
            contact_groups,
            lexicon_hits,
            travelling,
            number,
        }
    }
}

fn link(kind: &str, href: String) -> LinkTruth {
    LinkTruth {
        kind: kind.to_owned(),
        href,
    }
}

fn phone_truth(
    number: &PhoneNumber,
    wanted: PhoneFormat,
    plan: &SitePlan,
    variant: u64,
) -> PhoneTruth {
    let (shown, format) = number.show(wanted, plan.language, variant);
    PhoneTruth {
        e164: number.e164(),
        country: number.country.code.to_owned(),
        shown,
        format,
        obscured: format.is_obscured(),
        reserved_for_fiction: number.country.phone_plan.reserved_for_fiction,
    }
}

/// The home country of travelling contact `traveller`.
fn traveller_country(seed: u64, traveller: u64) -> &'static Country {
    let position = (SeededRandom::hash_item(seed, "traveller-home", traveller, 0)
        % COUNTRIES.len() as u64) as usize;
    &COUNTRIES[position]
}

/// A messenger or social handle for a contact: the same contact (E.164)
/// has the same handle on every site.
fn handle_for(seed: u64, identity: &str) -> String {
    const WORDS: &[&str] = &[
        "luna", "rose", "star", "velvet", "angel", "mila", "sunny", "coco", "bella", "ivy", "nova",
        "skye",
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in identity.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut random = SeededRandom::derive(seed, "handle", hash);
    let first = random.pick(WORDS);
    let second = random.pick(WORDS);
    format!("{first}_{second}_{:04}", random.below(10_000))
}

fn draw_location(
    random: &mut SeededRandom,
    plan: &SitePlan,
    travelling_from: Option<&'static Country>,
) -> LocationTruth {
    let roll = random.below(100);
    let (country, city): (&'static Country, &'static City) = match travelling_from {
        Some(home) if roll < 50 && !std::ptr::eq(home, plan.country) => {
            (home, random.pick(home.cities))
        }
        _ if roll < 65 => (plan.country, plan.home_city),
        _ if roll < 90 => (plan.country, random.pick(plan.country.cities)),
        _ => {
            let abroad = random.pick(COUNTRIES);
            (abroad, random.pick(abroad.cities))
        }
    };
    LocationTruth {
        city: city.display.to_owned(),
        city_slug: city.slug.to_owned(),
        country: country.code.to_owned(),
        abroad: !std::ptr::eq(country, plan.country),
    }
}

fn draw_lexicon(random: &mut SeededRandom, plan: &SitePlan) -> Vec<LexiconHit> {
    let lexicon = &plan.language.lexicon;
    let rates = plan.lexicon_rates;
    let mut hits = Vec::new();
    let mut simple = |random: &mut SeededRandom, category: &str, rate: u64, phrases: &[&str]| {
        if random.below(1000) < rate {
            hits.push(LexiconHit {
                category: category.to_owned(),
                phrase: (*random.pick(phrases)).to_owned(),
                detail: None,
            });
        }
    };
    simple(random, "youth", rates.youth, lexicon.youth);
    simple(random, "trust", rates.trust, lexicon.trust);
    simple(random, "movement", rates.movement, lexicon.movement);
    simple(
        random,
        "third-party",
        rates.third_party,
        lexicon.third_party,
    );
    simple(random, "auction", rates.auction, lexicon.auction);
    simple(
        random,
        "multiple-providers",
        rates.multiple_providers,
        lexicon.multiple_providers,
    );
    if random.below(1000) < rates.rental {
        let days = *random.pick(&[7u64, 14, 21]);
        let forms = random.pick(lexicon.rental);
        hits.push(LexiconHit {
            category: "rental".to_owned(),
            phrase: plan.language.plural.phrase(forms, days),
            detail: Some(days.to_string()),
        });
    }
    if random.below(1000) < rates.nationality {
        let (origin, phrase) = *random.pick(lexicon.nationality);
        hits.push(LexiconHit {
            category: "nationality".to_owned(),
            phrase: phrase.to_owned(),
            detail: Some(origin.to_owned()),
        });
    }
    hits
}
