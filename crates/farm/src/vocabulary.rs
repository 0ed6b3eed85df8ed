//! The words the farm writes with: countries and their cities, fictional phone
//! number plans, first names, neutral taglines and sentences, and the interface
//! labels of each language. Everything here is deliberately non-explicit; the
//! risk wording that lexicons must catch is added by later templates on purpose,
//! never by accident.

/// A country the farm places sites in.
#[derive(Debug)]
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2 code, as the crawler config's `country`.
    pub(crate) code: &'static str,
    /// BCP 47 language of the sites placed here.
    pub(crate) language: &'static str,
    pub(crate) currency: Currency,
    /// First entry is the most common; the site's home city is drawn from all.
    pub(crate) cities: &'static [City],
    pub(crate) phone_plan: PhonePlan,
}

#[derive(Debug)]
pub(crate) struct City {
    /// Lowercase ASCII, used in URLs (`/wien/`).
    pub(crate) slug: &'static str,
    pub(crate) display: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Currency {
    Euro,
    PoundSterling,
}

impl Currency {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Currency::Euro => "EUR",
            Currency::PoundSterling => "GBP",
        }
    }
}

/// Fictional number ranges, formatted the way locals write them.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PhonePlan {
    /// +43 664 0xx xxxx: a mobile prefix with a subscriber block not handed out.
    AustriaMobile,
    /// +49 155 5xx xxxx: a mobile prefix with a block not handed out.
    GermanyMobile,
    /// 07700 900xxx: Ofcom's range reserved for drama.
    UnitedKingdomDrama,
}

impl PhonePlan {
    /// The number as displayed on an ad and in E.164, from a subscriber draw.
    pub(crate) fn format(self, draw: u64) -> (String, String) {
        match self {
            PhonePlan::AustriaMobile => {
                let block = draw % 100;
                let line = (draw / 100) % 10_000;
                (
                    format!("+43 664 0{block:02} {line:04}"),
                    format!("+436640{block:02}{line:04}"),
                )
            }
            PhonePlan::GermanyMobile => {
                let block = draw % 100;
                let line = (draw / 100) % 10_000;
                (
                    format!("+49 155 5{block:02} {line:04}"),
                    format!("+491555{block:02}{line:04}"),
                )
            }
            PhonePlan::UnitedKingdomDrama => {
                let line = draw % 1_000;
                (
                    format!("07700 900{line:03}"),
                    format!("+447700900{line:03}"),
                )
            }
        }
    }
}

pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "AT",
        language: "de",
        currency: Currency::Euro,
        cities: &[
            City {
                slug: "wien",
                display: "Wien",
            },
            City {
                slug: "graz",
                display: "Graz",
            },
            City {
                slug: "linz",
                display: "Linz",
            },
            City {
                slug: "salzburg",
                display: "Salzburg",
            },
            City {
                slug: "innsbruck",
                display: "Innsbruck",
            },
        ],
        phone_plan: PhonePlan::AustriaMobile,
    },
    Country {
        code: "DE",
        language: "de",
        currency: Currency::Euro,
        cities: &[
            City {
                slug: "berlin",
                display: "Berlin",
            },
            City {
                slug: "hamburg",
                display: "Hamburg",
            },
            City {
                slug: "muenchen",
                display: "München",
            },
            City {
                slug: "koeln",
                display: "Köln",
            },
            City {
                slug: "frankfurt",
                display: "Frankfurt",
            },
        ],
        phone_plan: PhonePlan::GermanyMobile,
    },
    Country {
        code: "GB",
        language: "en",
        currency: Currency::PoundSterling,
        cities: &[
            City {
                slug: "london",
                display: "London",
            },
            City {
                slug: "manchester",
                display: "Manchester",
            },
            City {
                slug: "birmingham",
                display: "Birmingham",
            },
            City {
                slug: "leeds",
                display: "Leeds",
            },
            City {
                slug: "bristol",
                display: "Bristol",
            },
        ],
        phone_plan: PhonePlan::UnitedKingdomDrama,
    },
];

/// Word stems for site names and ids (`anna-dir-0`).
pub(crate) const SITE_STEMS: &[&str] = &[
    "anna", "bella", "velvet", "rose", "luna", "amber", "ruby", "sophia", "jade", "iris", "nova",
    "stella", "coral", "lotus", "pearl", "ivy",
];

/// Everything a page needs to say in one language.
#[derive(Debug)]
pub(crate) struct Language {
    pub(crate) code: &'static str,
    pub(crate) first_names: &'static [&'static str],
    pub(crate) taglines: &'static [&'static str],
    pub(crate) sentences: &'static [&'static str],
    pub(crate) labels: Labels,
}

/// Interface wording of a template, per language.
#[derive(Debug)]
pub(crate) struct Labels {
    pub(crate) home: &'static str,
    pub(crate) about: &'static str,
    pub(crate) post_ad: &'static str,
    pub(crate) partners: &'static str,
    pub(crate) vip_offers: &'static str,
    pub(crate) next: &'static str,
    pub(crate) previous: &'static str,
    pub(crate) page: &'static str,
    pub(crate) escort_directory: &'static str,
    pub(crate) classifieds: &'static str,
    pub(crate) per_hour: &'static str,
    pub(crate) per_night: &'static str,
    pub(crate) posted: &'static str,
    pub(crate) price: &'static str,
    pub(crate) location: &'static str,
    pub(crate) phone: &'static str,
    pub(crate) title: &'static str,
    pub(crate) not_found: &'static str,
    pub(crate) about_text: &'static str,
    pub(crate) post_ad_text: &'static str,
    pub(crate) vip_text: &'static str,
    pub(crate) copyright_holder: &'static str,
}

pub(crate) const ENGLISH: Language = Language {
    code: "en",
    first_names: &[
        "Amy", "Chloe", "Emma", "Grace", "Holly", "Jessica", "Lucy", "Megan", "Olivia", "Sophie",
        "Zoe", "Ella", "Daisy", "Ruby",
    ],
    taglines: &[
        "new in town",
        "companion for dinner",
        "discreet meetings",
        "100% real photos",
        "elegant and friendly",
        "available for events",
        "city centre, by appointment",
    ],
    sentences: &[
        "Friendly and well-mannered companion for dinners and events.",
        "Discreet meetings in a private apartment.",
        "Photos are 100% real and recent.",
        "Call or send a message for an appointment.",
        "Visiting for a few days only.",
        "Relaxed conversation and good company.",
        "Appointments with at least one hour notice.",
    ],
    labels: Labels {
        home: "Home",
        about: "About us",
        post_ad: "Post an ad",
        partners: "Partner sites",
        vip_offers: "VIP offers",
        next: "Next",
        previous: "Previous",
        page: "Page",
        escort_directory: "Escort Directory",
        classifieds: "Classifieds",
        per_hour: "per hour",
        per_night: "per night",
        posted: "Posted",
        price: "Price",
        location: "Location",
        phone: "Phone",
        title: "Ad",
        not_found: "Page not found",
        about_text:
            "We are an independent advertising platform. Advertisers are responsible for their ads.",
        post_ad_text: "Advertisers can place an ad after registration. Prices on request.",
        vip_text: "Premium listings for registered members.",
        copyright_holder: "Example Media Ltd",
    },
};

pub(crate) const GERMAN: Language = Language {
    code: "de",
    first_names: &[
        "Anna", "Lena", "Marie", "Sophie", "Julia", "Laura", "Nina", "Sara", "Elena", "Mia",
        "Katja", "Vanessa", "Lisa", "Jana",
    ],
    taglines: &[
        "neu in der Stadt",
        "Begleitung zum Abendessen",
        "diskrete Treffen",
        "100% echte Fotos",
        "elegant und freundlich",
        "Begleitung für Veranstaltungen",
        "Zentrum, nur mit Termin",
    ],
    sentences: &[
        "Freundliche und gepflegte Begleitung für Abendessen und Veranstaltungen.",
        "Diskrete Treffen in privater Wohnung.",
        "Die Fotos sind 100% echt und aktuell.",
        "Termine bitte per Anruf oder Nachricht.",
        "Nur für wenige Tage in der Stadt.",
        "Entspannte Gespräche und gute Gesellschaft.",
        "Termine mit mindestens einer Stunde Vorlauf.",
    ],
    labels: Labels {
        home: "Startseite",
        about: "Über uns",
        post_ad: "Inserat aufgeben",
        partners: "Partnerseiten",
        vip_offers: "VIP-Angebote",
        next: "Weiter",
        previous: "Zurück",
        page: "Seite",
        escort_directory: "Escort Verzeichnis",
        classifieds: "Kleinanzeigen",
        per_hour: "pro Stunde",
        per_night: "pro Nacht",
        posted: "Eingestellt",
        price: "Preis",
        location: "Ort",
        phone: "Telefon",
        title: "Inserat",
        not_found: "Seite nicht gefunden",
        about_text: "Wir sind eine unabhängige Werbeplattform. Für Inserate sind die Inserenten verantwortlich.",
        post_ad_text: "Inserenten können nach der Registrierung ein Inserat aufgeben. Preise auf Anfrage.",
        vip_text: "Premium-Inserate für registrierte Mitglieder.",
        copyright_holder: "Beispiel Medien GmbH",
    },
};

/// The language with `code`, English when the farm knows no other.
pub(crate) fn language(code: &str) -> &'static Language {
    match code {
        "de" => &GERMAN,
        _ => &ENGLISH,
    }
}

/// A price as a site of `currency` and `language` would print it.
pub(crate) fn format_price(
    amount: u32,
    currency: Currency,
    per_night: bool,
    language: &Language,
) -> String {
    let unit = if per_night {
        language.labels.per_night
    } else {
        language.labels.per_hour
    };
    match currency {
        Currency::Euro => format!("{amount} € {unit}"),
        Currency::PoundSterling => format!("£{amount} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::PhonePlan;

    #[test]
    fn phone_numbers_are_formatted_in_fictional_ranges() {
        let check = |plan: PhonePlan, draw: u64, display: &str, e164: &str| {
            assert_eq!(plan.format(draw), (display.to_owned(), e164.to_owned()));
        };
        check(
            PhonePlan::AustriaMobile,
            345_612,
            "+43 664 012 3456",
            "+436640123456",
        );
        check(
            PhonePlan::GermanyMobile,
            12_07,
            "+49 155 507 0012",
            "+491555070012",
        );
        check(
            PhonePlan::UnitedKingdomDrama,
            42,
            "07700 900042",
            "+447700900042",
        );
    }
}
