//! Where farm sites are: countries with their language, currency, cities and
//! the phone number blocks ads there use. Blocks are reserved for drama and
//! fiction where the regulator has such ranges and they are valid numbers
//! (Ofcom's geographic drama ranges for GB; ARCEP's fiction ranges for FR);
//! elsewhere they are blocks the `phonenumber` crate accepts as valid for
//! the country, chosen from low subscriber numbers of one prefix. A test
//! parses every number the farm can produce back with `phonenumber`.

/// A country the farm places sites in.
#[derive(Debug)]
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2, as the crawler config's `country`.
    pub(crate) code: &'static str,
    /// ISO 639-1 of the sites placed here.
    pub(crate) language: &'static str,
    pub(crate) currency: Currency,
    pub(crate) cities: &'static [City],
    pub(crate) phone_plan: PhonePlan,
}

#[derive(Debug)]
pub(crate) struct City {
    /// Lowercase ASCII, used in URLs (`/wien/`).
    pub(crate) slug: &'static str,
    /// As locals write it (`Москва`, `Kraków`).
    pub(crate) display: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Currency {
    Euro,
    PoundSterling,
    Rouble,
    Hryvnia,
    Zloty,
    Leu,
    Lira,
}

impl Currency {
    /// ISO 4217.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Currency::Euro => "EUR",
            Currency::PoundSterling => "GBP",
            Currency::Rouble => "RUB",
            Currency::Hryvnia => "UAH",
            Currency::Zloty => "PLN",
            Currency::Leu => "RON",
            Currency::Lira => "TRY",
        }
    }

    /// Local units per euro, roughly: prices are drawn in euros and scaled.
    pub(crate) fn per_euro(self) -> f64 {
        match self {
            Currency::Euro => 1.0,
            Currency::PoundSterling => 0.85,
            Currency::Rouble => 100.0,
            Currency::Hryvnia => 45.0,
            Currency::Zloty => 4.3,
            Currency::Leu => 5.0,
            Currency::Lira => 35.0,
        }
    }

    /// `amount` (already grouped) with the symbol where locals put it.
    pub(crate) fn attach(self, grouped_amount: &str, language_code: &str) -> String {
        match self {
            Currency::Euro if language_code == "en" => format!("€{grouped_amount}"),
            Currency::Euro => format!("{grouped_amount} €"),
            Currency::PoundSterling => format!("£{grouped_amount}"),
            Currency::Rouble => format!("{grouped_amount} ₽"),
            Currency::Hryvnia => format!("{grouped_amount} грн"),
            Currency::Zloty => format!("{grouped_amount} zł"),
            Currency::Leu => format!("{grouped_amount} lei"),
            Currency::Lira => format!("{grouped_amount} TL"),
        }
    }
}

/// The numbers ads in one country use.
#[derive(Debug)]
pub(crate) struct PhonePlan {
    /// Country calling code without `+` (`44`).
    pub(crate) calling_code: &'static str,
    /// Dialled before a national number (`0`, `8` in Russia, none in Italy).
    pub(crate) trunk_prefix: &'static str,
    pub(crate) blocks: &'static [PhoneBlock],
    /// True when the blocks are the regulator's ranges for drama and fiction.
    pub(crate) reserved_for_fiction: bool,
}

/// A run of numbers: `prefix` then `free_digits` digits of national
/// significant number, written in `groups` (lengths of the national
/// significant number's digit groups).
#[derive(Debug)]
pub(crate) struct PhoneBlock {
    pub(crate) prefix: &'static str,
    pub(crate) free_digits: u32,
    pub(crate) groups: &'static [usize],
}

const fn block(prefix: &'static str, free_digits: u32, groups: &'static [usize]) -> PhoneBlock {
    PhoneBlock {
        prefix,
        free_digits,
        groups,
    }
}

const fn city(slug: &'static str, display: &'static str) -> City {
    City { slug, display }
}

const UK_AREA_3: &[usize] = &[3, 3, 4];
const UK_AREA_2: &[usize] = &[2, 4, 4];

pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "AT",
        language: "de",
        currency: Currency::Euro,
        cities: &[
            city("wien", "Wien"),
            city("graz", "Graz"),
            city("linz", "Linz"),
            city("salzburg", "Salzburg"),
            city("innsbruck", "Innsbruck"),
        ],
        phone_plan: PhonePlan {
            calling_code: "43",
            trunk_prefix: "0",
            blocks: &[block("6640", 6, &[3, 7])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "DE",
        language: "de",
        currency: Currency::Euro,
        cities: &[
            city("berlin", "Berlin"),
            city("hamburg", "Hamburg"),
            city("muenchen", "München"),
            city("koeln", "Köln"),
            city("frankfurt", "Frankfurt am Main"),
        ],
        phone_plan: PhonePlan {
            calling_code: "49",
            trunk_prefix: "0",
            blocks: &[block("15550", 6, &[5, 6])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "GB",
        language: "en",
        currency: Currency::PoundSterling,
        cities: &[
            city("london", "London"),
            city("manchester", "Manchester"),
            city("birmingham", "Birmingham"),
            city("leeds", "Leeds"),
            city("glasgow", "Glasgow"),
        ],
        phone_plan: PhonePlan {
            calling_code: "44",
            trunk_prefix: "0",
            // Ofcom's drama ranges that libphonenumber accepts as valid;
            // 07700 900xxx (mobile) and 0115 496 0xxx are reserved too but
            // rejected by it, so ads here show drama landlines.
            blocks: &[
                block("2079460", 3, UK_AREA_2),
                block("1134960", 3, UK_AREA_3),
                block("1144960", 3, UK_AREA_3),
                block("1164960", 3, UK_AREA_3),
                block("1174960", 3, UK_AREA_3),
                block("1184960", 3, UK_AREA_3),
                block("1214960", 3, UK_AREA_3),
                block("1314960", 3, UK_AREA_3),
                block("1414960", 3, UK_AREA_3),
                block("1514960", 3, UK_AREA_3),
                block("1614960", 3, UK_AREA_3),
                block("1914980", 3, UK_AREA_3),
                block("2920180", 3, UK_AREA_2),
                block("2896496", 3, UK_AREA_2),
            ],
            reserved_for_fiction: true,
        },
    },
    Country {
        code: "FR",
        language: "fr",
        currency: Currency::Euro,
        cities: &[
            city("paris", "Paris"),
            city("lyon", "Lyon"),
            city("marseille", "Marseille"),
            city("toulouse", "Toulouse"),
            city("nice", "Nice"),
        ],
        phone_plan: PhonePlan {
            calling_code: "33",
            trunk_prefix: "0",
            // ARCEP's ranges for fiction (the mobile one, 06 39 98, is not
            // accepted as valid by libphonenumber).
            blocks: &[
                block("19900", 4, &[1, 2, 2, 2, 2]),
                block("26191", 4, &[1, 2, 2, 2, 2]),
                block("35301", 4, &[1, 2, 2, 2, 2]),
                block("46571", 4, &[1, 2, 2, 2, 2]),
                block("53649", 4, &[1, 2, 2, 2, 2]),
            ],
            reserved_for_fiction: true,
        },
    },
    Country {
        code: "ES",
        language: "es",
        currency: Currency::Euro,
        cities: &[
            city("madrid", "Madrid"),
            city("barcelona", "Barcelona"),
            city("valencia", "Valencia"),
            city("sevilla", "Sevilla"),
            city("malaga", "Málaga"),
        ],
        phone_plan: PhonePlan {
            calling_code: "34",
            trunk_prefix: "",
            blocks: &[block("6000", 5, &[3, 2, 2, 2])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "IT",
        language: "it",
        currency: Currency::Euro,
        cities: &[
            city("roma", "Roma"),
            city("milano", "Milano"),
            city("napoli", "Napoli"),
            city("torino", "Torino"),
            city("bologna", "Bologna"),
        ],
        phone_plan: PhonePlan {
            calling_code: "39",
            trunk_prefix: "",
            blocks: &[block("3120", 6, &[3, 3, 4])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "RU",
        language: "ru",
        currency: Currency::Rouble,
        cities: &[
            city("moskva", "Москва"),
            city("sankt-peterburg", "Санкт-Петербург"),
            city("kazan", "Казань"),
            city("sochi", "Сочи"),
            city("novosibirsk", "Новосибирск"),
        ],
        phone_plan: PhonePlan {
            calling_code: "7",
            trunk_prefix: "8",
            blocks: &[block("9990", 6, &[3, 3, 2, 2])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "UA",
        language: "uk",
        currency: Currency::Hryvnia,
        cities: &[
            city("kyiv", "Київ"),
            city("odesa", "Одеса"),
            city("lviv", "Львів"),
            city("kharkiv", "Харків"),
            city("dnipro", "Дніпро"),
        ],
        phone_plan: PhonePlan {
            calling_code: "380",
            trunk_prefix: "0",
            blocks: &[block("990", 6, &[2, 3, 4])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "PL",
        language: "pl",
        currency: Currency::Zloty,
        cities: &[
            city("warszawa", "Warszawa"),
            city("krakow", "Kraków"),
            city("wroclaw", "Wrocław"),
            city("gdansk", "Gdańsk"),
            city("poznan", "Poznań"),
        ],
        phone_plan: PhonePlan {
            calling_code: "48",
            trunk_prefix: "",
            blocks: &[block("7990", 5, &[3, 3, 3])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "RO",
        language: "ro",
        currency: Currency::Leu,
        cities: &[
            city("bucuresti", "București"),
            city("cluj-napoca", "Cluj-Napoca"),
            city("timisoara", "Timișoara"),
            city("iasi", "Iași"),
            city("constanta", "Constanța"),
        ],
        phone_plan: PhonePlan {
            calling_code: "40",
            trunk_prefix: "0",
            blocks: &[block("7990", 5, &[3, 3, 3])],
            reserved_for_fiction: false,
        },
    },
    Country {
        code: "TR",
        language: "tr",
        currency: Currency::Lira,
        cities: &[
            city("istanbul", "İstanbul"),
            city("ankara", "Ankara"),
            city("izmir", "İzmir"),
            city("antalya", "Antalya"),
            city("bursa", "Bursa"),
        ],
        phone_plan: PhonePlan {
            calling_code: "90",
            trunk_prefix: "0",
            blocks: &[block("5050", 6, &[3, 3, 2, 2])],
            reserved_for_fiction: false,
        },
    },
];

/// The country with ISO code `code`; the first one for an unknown code (the
/// farm only ever asks for codes from [`COUNTRIES`]).
pub(crate) fn country(code: &str) -> &'static Country {
    COUNTRIES
        .iter()
        .find(|country| country.code == code)
        .unwrap_or(&COUNTRIES[0])
}
