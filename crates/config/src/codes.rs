//! The closed vocabularies a site entry is checked against: ISO 3166-1
//! alpha-2 country codes (`CountryCode`), ISO 639-1 language codes, and the
//! site categories of the OSCE mapping sheet (`SiteCategory`). Each list is a
//! const here so that a reader can see exactly what is accepted.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A country as an ISO 3166-1 alpha-2 code: two upper-case ASCII letters that
/// are an assigned code (`AT`, `DE`, `GB`, never `UK` or `EL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts an assigned ISO 3166-1 alpha-2 code written in upper case.
    pub fn parse(text: &str) -> Option<CountryCode> {
        if !ISO_3166_1_ALPHA_2.contains(&text) {
            return None;
        }
        // Every entry of the list is two ASCII letters, so both indexes exist.
        let bytes = text.as_bytes();
        Some(CountryCode([bytes[0], bytes[1]]))
    }

    /// The two letters.
    pub fn as_str(&self) -> &str {
        // Only `parse` builds a CountryCode, and it copies two ASCII letters
        // from the list, so the bytes are always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What kind of site an entry is, in the words of the OSCE mapping
/// methodology (field l); written in kebab-case in the config and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteCategory {
    /// Profiles of individual sex workers, by city.
    EscortDirectory,
    /// General classified-ads sites with an adult section.
    Classifieds,
    /// Sites that gather ads from other sites.
    Aggregator,
    /// Hobby boards and review boards.
    Forum,
    /// Sugar-dating platforms.
    SugarDating,
    /// Dating sites used to advertise.
    Dating,
    /// Massage parlours and their listings.
    Massage,
    /// Brothel or club rosters.
    Club,
    /// Social-network profiles used as ads.
    SocialProfiles,
    /// Anything else, explained in the entry's notes.
    Other,
}

impl SiteCategory {
    /// Every category, in the order of the design document.
    pub const ALL: [SiteCategory; 10] = [
        SiteCategory::EscortDirectory,
        SiteCategory::Classifieds,
        SiteCategory::Aggregator,
        SiteCategory::Forum,
        SiteCategory::SugarDating,
        SiteCategory::Dating,
        SiteCategory::Massage,
        SiteCategory::Club,
        SiteCategory::SocialProfiles,
        SiteCategory::Other,
    ];

    /// The kebab-case name used in the config file and in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            SiteCategory::EscortDirectory => "escort-directory",
            SiteCategory::Classifieds => "classifieds",
            SiteCategory::Aggregator => "aggregator",
            SiteCategory::Forum => "forum",
            SiteCategory::SugarDating => "sugar-dating",
            SiteCategory::Dating => "dating",
            SiteCategory::Massage => "massage",
            SiteCategory::Club => "club",
            SiteCategory::SocialProfiles => "social-profiles",
            SiteCategory::Other => "other",
        }
    }
}

impl fmt::Display for SiteCategory {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for SiteCategory {
    type Err = UnknownSiteCategory;

    fn from_str(text: &str) -> Result<SiteCategory, UnknownSiteCategory> {
        SiteCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == text)
            .ok_or_else(|| UnknownSiteCategory(text.to_owned()))
    }
}

/// A category name that is not one of `SiteCategory::ALL`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown site category '{0}'")]
pub struct UnknownSiteCategory(pub String);

/// Whether `text` is an ISO 639-1 language code in lower case.
pub(crate) fn is_iso_639_1(text: &str) -> bool {
    ISO_639_1.contains(&text)
}

/// Every assigned ISO 3166-1 alpha-2 code (249), from the Debian iso-codes
/// tables. User-assigned codes such as `XK` are not in it.
pub(crate) const ISO_3166_1_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Every ISO 639-1 two-letter language code (184), from the Debian iso-codes
/// tables.
pub(crate) const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_have_their_sizes_and_are_sorted() {
        assert_eq!(ISO_3166_1_ALPHA_2.len(), 249);
        assert_eq!(ISO_639_1.len(), 184);
        assert!(ISO_3166_1_ALPHA_2.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ISO_639_1.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn country_codes() {
        let cases: &[(&str, bool)] = &[
            ("AT", true),
            ("GB", true),
            ("UK", false),
            ("XK", false),
            ("at", false),
            ("AUT", false),
            ("", false),
        ];
        for &(text, expected) in cases {
            assert_eq!(CountryCode::parse(text).is_some(), expected, "{text}");
        }
        let austria = CountryCode::parse("AT").expect("AT is assigned");
        assert_eq!(austria.to_string(), "AT");
        assert_eq!(
            serde_json::to_string(&austria).expect("serialises"),
            "\"AT\""
        );
    }

    #[test]
    fn categories_round_trip() {
        for category in SiteCategory::ALL {
            assert_eq!(category.as_str().parse::<SiteCategory>(), Ok(category));
            let json = serde_json::to_string(&category).expect("serialises");
            assert_eq!(json, format!("\"{}\"", category.as_str()));
        }
        assert!("Escort-Directory".parse::<SiteCategory>().is_err());
    }
}
