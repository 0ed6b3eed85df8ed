//! The known keys of every table of the config file, in one place. To add a
//! setting, add its key here (one line) and read it in `validate.rs`; a key
//! that is read but missing here trips a debug assertion, and a key written
//! in a file but missing here is reported as unknown, with the nearest known
//! key as the hint.

/// One table of the config file and the keys it may hold.
#[derive(Debug)]
pub(crate) struct TableSchema {
    /// How diagnostics name the table: `[crawler]`, `[[site]]`, `the top level`.
    pub(crate) title: &'static str,
    /// Every key the table may hold.
    pub(crate) keys: &'static [KeySpec],
}

/// One known key and a sample value, written as it would appear in the file;
/// hints show it when the key is missing or has the wrong type.
#[derive(Debug)]
pub(crate) struct KeySpec {
    /// The key as written in the file.
    pub(crate) name: &'static str,
    /// A valid value as written in the file, quotes included: hints show
    /// `name = example` so the fix can be copied.
    pub(crate) example: &'static str,
}

const fn key(name: &'static str, example: &'static str) -> KeySpec {
    KeySpec { name, example }
}

impl TableSchema {
    /// Where a key of this table is, for messages: ` in [crawler]`, ` at the top level`.
    pub(crate) fn location(&self) -> String {
        if self.title == TOP_LEVEL.title {
            format!(" at {}", self.title)
        } else {
            format!(" in {}", self.title)
        }
    }

    pub(crate) fn key(&self, name: &str) -> Option<&'static KeySpec> {
        self.keys.iter().find(|known| known.name == name)
    }
}

pub(crate) const TOP_LEVEL: TableSchema = TableSchema {
    title: "the top level",
    keys: &[
        key("crawler", "[crawler]"),       // who the tool says it is
        key("politeness", "[politeness]"), // how hard a site may be loaded
        key("store", "[store]"),           // where captures and indicators go
        key("network", "[network]"),       // address policy and test overrides
        key("site", "[[site]]"),           // the whitelist, one table per site
        key("evidence", "[evidence]"),     // signing key and retention of the evidence
        key("group", "[[group]]"),         // sites scheduled together by the daemon
        key("extract", "[extract]"),       // lexicons and the contact linkage key
    ],
};

pub(crate) const CRAWLER: TableSchema = TableSchema {
    title: "[crawler]",
    keys: &[
        key("user_agent", r#""cartograph""#), // product token; robots.txt group
        key("contact", r#""mailto:unit@example.org""#), // required; goes into the User-Agent
        key("max_concurrent_hosts", "64"),    // hosts crawled at once
    ],
};

pub(crate) const POLITENESS: TableSchema = TableSchema {
    title: "[politeness]",
    keys: &[
        key("min_interval", r#""5s""#),     // per host; humantime duration
        key("max_pages_per_site", "200"),   // cap per site per run
        key("max_crawl_delay", r#""60s""#), // largest Crawl-delay / Retry-After honoured
        key("max_retries", "3"), // retries of one request after 429, 503 or a connection error
        key("failures_before_pause", "5"), // failures in a row that pause a host for the run
        key("max_query_variants", "20"), // distinct queries per path per run (traps)
    ],
};

pub(crate) const STORE: TableSchema = TableSchema {
    title: "[store]",
    keys: &[
        key("path", r#""data""#), // relative to the config file
    ],
};

pub(crate) const NETWORK: TableSchema = TableSchema {
    title: "[network]",
    keys: &[
        key("allow_private_addresses", "false"), // loopback etc.; tests and demo
        key("resolve", r#"{ "ads.example.test" = "127.0.0.1:8080" }"#), // like curl --resolve
        key("max_body_bytes", "10485760"),       // body bytes kept per response
        key("max_decompressed_bytes", "20971520"), // decoded bytes handed to extraction
        key("request_timeout", r#""30s""#),      // whole request, body included
        key("first_byte_timeout", r#""15s""#),   // until the response headers arrive
        key("max_redirects", "5"),               // redirect hops followed per URL
        key("max_url_length", "2048"),           // longer URLs are never fetched
        key("tracking_parameters", r#"["utm_source", "fbclid"]"#), // query keys dropped
    ],
};

pub(crate) const SITE: TableSchema = TableSchema {
    title: "[[site]]",
    keys: &[
        key("id", r#""example-dir""#), // kebab-case, recorded in every capture
        key("name", r#""Example Directory""#), // mapping sheet field a
        key("country", r#""AT""#),     // ISO 3166-1 alpha-2
        key("seeds", r#"["http://ads.example.test/wien/"]"#), // where a crawl of the site starts
        key("listing", r#"["http://ads.example.test/wien/*"]"#), // the scope: URL patterns with *
        key("category_hint", r#""escort-directory""#), // mapping sheet field l
        key("language_hint", r#""de""#), // ISO 639-1
        key("notes", r#""free text for the analyst""#), // mapping sheet field h
        key("mandate", r#""case 2026/0417, approved by the unit head""#), // the authority
        key("authorized_until", "2027-06-30"), // after this date the site is skipped
        key("min_interval", r#""10s""#), // per-site override of the global interval
        key("max_pages", "50"),        // per-site override of max_pages_per_site
        key("profile", r#"{ ad = "article.ad" }"#), // optional CSS selectors
        key("schedule", r#""0 3 * * *""#), // daemon: 5-field cron, read in `timezone`
        key("timezone", r#""Europe/Vienna""#), // IANA zone of `schedule`; required with it
    ],
};

pub(crate) const SITE_PROFILE: TableSchema = TableSchema {
    title: "[site.profile]",
    keys: &[
        key("ad", r#""article.ad""#),    // required: one ad card
        key("link", r#""a.title""#),     // link to the ad page
        key("date", r#"".posted""#),     // posting date
        key("price", r#"".price""#),     // price text
        key("location", r#"".city""#),   // city or region
        key("next", r#""a[rel=next]""#), // next listing page
    ],
};

pub(crate) const EVIDENCE: TableSchema = TableSchema {
    title: "[evidence]",
    keys: &[
        key("signing_key", r#""keys/signing.key""#), // Ed25519 key file, relative to the config file
        key("retention", r#""365d""#),               // captures older than this are pruned
    ],
};

pub(crate) const EXTRACT: TableSchema = TableSchema {
    title: "[extract]",
    keys: &[
        key("lexicons", r#""lexicons""#), // directory of <lang>.toml lexicons, relative to the config file
        key("linkage_key", r#""keys/linkage.key""#), // HMAC key of contact pseudonyms, created on first use
    ],
};

pub(crate) const GROUP: TableSchema = TableSchema {
    title: "[[group]]",
    keys: &[
        key("id", r#""nightly""#), // kebab-case; named by the daemon and `status`
        key("sites", r#"["example-dir"]"#), // ids of whitelisted sites
        key("schedule", r#""0 3 * * *""#), // 5-field cron, read in `timezone`
        key("timezone", r#""Europe/Vienna""#), // IANA zone of `schedule`
    ],
};

/// Every table, so that a key written in the wrong table can be pointed to
/// the right one.
pub(crate) const ALL_TABLES: &[&TableSchema] = &[
    &TOP_LEVEL,
    &CRAWLER,
    &POLITENESS,
    &STORE,
    &NETWORK,
    &SITE,
    &SITE_PROFILE,
    &EVIDENCE,
    &GROUP,
];
