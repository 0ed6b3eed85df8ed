//! The config crate through its public API: the documented example file, the
//! shipped `config/cartograph.toml`, one file broken in many ways at once,
//! and one case per kind of diagnostic through a single `check` helper.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cartograph_config::{parse, Diagnostic, LoadError, Loaded, Severity, SiteCategory};
use chrono::NaiveDate;
use url::Url;

/// The example of the design brief, verbatim.
const BRIEF_EXAMPLE: &str = r#"[crawler]
user_agent = "cartograph"                # product token; also matched against robots.txt groups
contact = "mailto:thb-unit@example.org"  # required; goes into the User-Agent
max_concurrent_hosts = 64

[politeness]
min_interval = "5s"          # per host; humantime durations
max_pages_per_site = 200

[store]
path = "data"                # relative to the config file

[network]
allow_private_addresses = false
# resolve = { "ads.example.test" = "127.0.0.1:8080" }   # like curl --resolve

[[site]]
id = "example-dir"
name = "Example Directory"
country = "AT"                                   # ISO 3166-1 alpha-2
seeds = ["http://ads.example.test/wien/"]
listing = ["http://ads.example.test/wien/*"]     # '*' matches any run of characters, '/' included
category_hint = "escort-directory"
language_hint = "de"
notes = "free text for the analyst"
mandate = "case 2026/0417, approved by the unit head"   # optional: under what authority it is crawled
authorized_until = 2027-06-30                           # optional: after this date the site is not crawled
# min_interval = "10s"
# max_pages = 50
# [site.profile]              # optional CSS selectors
# ad = "article.ad"
# link = "a.title"
# date = ".posted"
# price = ".price"
# location = ".city"
# next = "a[rel=next]"
"#;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("a real date")
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("a valid test URL")
}

fn parse_ok(text: &str, path: &str) -> Loaded {
    match parse(text, Path::new(path), today()) {
        Ok(loaded) => loaded,
        Err(error) => panic!("{error}:\n{}", rendered(&diagnostics_of(&error))),
    }
}

fn diagnostics_of(error: &LoadError) -> Vec<Diagnostic> {
    match error {
        LoadError::Invalid { diagnostics, .. } => diagnostics.clone(),
        LoadError::Read { .. } => panic!("unexpected read error: {error}"),
    }
}

fn rendered(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| format!("{diagnostic}\n"))
        .collect()
}

/// Parses `text` as `c.toml` and compares every diagnostic, errors and
/// warnings, as the user would see them.
fn check(text: &str, expected: &[&str]) {
    let diagnostics = match parse(text, Path::new("c.toml"), today()) {
        Ok(loaded) => loaded.warnings,
        Err(error) => diagnostics_of(&error),
    };
    let actual: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(actual, expected, "for config:\n{text}");
}

#[test]
fn brief_example_parses_with_every_value() {
    let loaded = parse_ok(BRIEF_EXAMPLE, "config/cartograph.toml");
    assert!(loaded.warnings.is_empty(), "{}", rendered(&loaded.warnings));
    let config = loaded.config;

    assert_eq!(config.source, PathBuf::from("config/cartograph.toml"));
    assert_eq!(config.digest.len(), 64);
    assert!(config
        .digest
        .chars()
        .all(|character| matches!(character, '0'..='9' | 'a'..='f')));
    assert_eq!(config.crawler.user_agent, "cartograph");
    assert_eq!(config.crawler.contact, "mailto:thb-unit@example.org");
    assert_eq!(config.crawler.max_concurrent_hosts, 64);
    assert_eq!(
        config.user_agent_header(),
        format!(
            "cartograph/{} (+mailto:thb-unit@example.org)",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(config.politeness.min_interval, Duration::from_secs(5));
    assert_eq!(config.politeness.max_pages_per_site, 200);
    assert_eq!(config.store.path, Path::new("config").join("data"));
    assert!(!config.network.allow_private_addresses);
    assert!(config.network.resolve.is_empty());

    assert_eq!(config.sites.len(), 1);
    let site = config.site("example-dir").expect("the site is there");
    assert_eq!(site.name, "Example Directory");
    assert_eq!(site.country.as_str(), "AT");
    assert_eq!(site.seeds, vec![url("http://ads.example.test/wien/")]);
    let listing: Vec<&str> = site
        .listing
        .iter()
        .map(|pattern| pattern.as_str())
        .collect();
    assert_eq!(listing, ["http://ads.example.test/wien/*"]);
    assert_eq!(site.listing[0].host(), Some("ads.example.test"));
    assert_eq!(site.category_hint, Some(SiteCategory::EscortDirectory));
    assert_eq!(site.language_hint.as_deref(), Some("de"));
    assert_eq!(site.notes.as_deref(), Some("free text for the analyst"));
    assert_eq!(
        site.mandate.as_deref(),
        Some("case 2026/0417, approved by the unit head")
    );
    assert_eq!(site.authorized_until, NaiveDate::from_ymd_opt(2027, 6, 30));
    assert_eq!(site.min_interval, None);
    assert_eq!(site.max_pages, None);
    assert!(site.profile.is_none());
    assert_eq!(
        site.min_interval(&config.politeness),
        Duration::from_secs(5)
    );
    assert_eq!(site.max_pages(&config.politeness), 200);

    assert!(site.is_authorized_on(today()));
    assert!(site.is_authorized_on(NaiveDate::from_ymd_opt(2027, 6, 30).expect("a real date")));
    assert!(!site.is_authorized_on(NaiveDate::from_ymd_opt(2027, 7, 1).expect("a real date")));
    assert!(site.in_scope(&url("HTTP://ADS.example.test:80/wien/page/2/?sort=new#top")));
    assert!(!site.in_scope(&url("http://ads.example.test/graz/")));
    assert_eq!(
        config
            .site_for_url(&url("http://ads.example.test/wien/x"))
            .map(|site| site.id.as_str()),
        Some("example-dir")
    );
    assert!(config
        .site_for_url(&url("http://ads.example.test/"))
        .is_none());
    assert!(config.site("nope").is_none());

    let json = serde_json::to_value(&config).expect("the config serialises");
    assert_eq!(json["politeness"]["min_interval"], "5s");
    assert_eq!(json["sites"][0]["country"], "AT");
    assert_eq!(json["sites"][0]["category_hint"], "escort-directory");
    assert_eq!(
        json["sites"][0]["listing"][0],
        "http://ads.example.test/wien/*"
    );
    assert_eq!(json["sites"][0]["authorized_until"], "2027-06-30");
}

#[test]
fn digest_is_the_sha256_of_the_text() {
    let loaded = parse_ok(
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:a@example.org\"\n",
        "c.toml",
    );
    // `sha256sum` of exactly that text.
    assert_eq!(
        loaded.config.digest,
        "57ea6a51cd0e88f0df46a1643fd8dc022dd333bda91b37ff2c0bc66f5629e483"
    );
}

#[test]
fn shipped_example_config_parses_without_warnings() {
    let text = include_str!("../../../config/cartograph.toml");
    let loaded = parse_ok(text, "config/cartograph.toml");
    assert!(loaded.warnings.is_empty(), "{}", rendered(&loaded.warnings));
    let config = loaded.config;
    assert_eq!(config.sites.len(), 2);
    let profile = config.sites[0]
        .profile
        .as_ref()
        .expect("the first site has a profile");
    assert_eq!(profile.ad, "article.ad");
    assert_eq!(profile.next.as_deref(), Some("a[rel=next]"));
    let classifieds = config.site("example-classifieds").expect("second site");
    assert_eq!(
        classifieds.min_interval(&config.politeness),
        Duration::from_secs(10)
    );
    assert_eq!(classifieds.max_pages(&config.politeness), 50);
    for site in &config.sites {
        for seed in &site.seeds {
            assert!(site.in_scope(seed), "{seed}");
            assert!(seed
                .host_str()
                .is_some_and(|host| host.ends_with(".example.test")));
        }
    }
}

#[test]
fn defaults_apply_when_tables_are_absent() {
    let text = "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"https://example.org/crawler\"\n\n[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"DE\"\nseeds = [\"https://a.example.test\"]\nlisting = [\"https://a.example.test/*\"]\n";
    let config = parse_ok(text, "/etc/cartograph/c.toml").config;
    assert_eq!(config.crawler.max_concurrent_hosts, 64);
    assert_eq!(config.politeness.min_interval, Duration::from_secs(5));
    assert_eq!(config.politeness.max_pages_per_site, 200);
    assert_eq!(config.store.path, PathBuf::from("/etc/cartograph/data"));
    assert!(!config.network.allow_private_addresses);
    assert!(config.network.resolve.is_empty());
    assert_eq!(config.sites[0].seeds, vec![url("https://a.example.test/")]);
}

#[test]
fn network_settings_come_through() {
    let text = r#"[crawler]
user_agent = "cartograph"
contact = "mailto:unit@example.org"
[politeness]
min_interval = "50ms"
[store]
path = "/var/lib/cartograph"
[network]
allow_private_addresses = true
resolve = { "ADS.Example.test" = "127.0.0.1:8080", "b.example.test" = "[::1]:9000" }
"#;
    let config = parse_ok(text, "c.toml").config;
    assert_eq!(config.politeness.min_interval, Duration::from_millis(50));
    assert_eq!(config.store.path, PathBuf::from("/var/lib/cartograph"));
    assert!(config.network.allow_private_addresses);
    let resolve: Vec<(&str, SocketAddr)> = config
        .network
        .resolve
        .iter()
        .map(|(host, address)| (host.as_str(), *address))
        .collect();
    assert_eq!(
        resolve,
        [
            (
                "ads.example.test",
                "127.0.0.1:8080".parse().expect("socket address")
            ),
            (
                "b.example.test",
                "[::1]:9000".parse().expect("socket address")
            ),
        ]
    );
}

#[test]
fn expired_authorization_is_a_warning_and_the_site_is_kept() {
    let text = r#"[crawler]
user_agent = "cartograph"
contact = "mailto:unit@example.org"

[[site]]
id = "x"
name = "X"
country = "AT"
seeds = ["http://x.example.test/"]
listing = ["http://x.example.test/*"]
authorized_until = 2026-01-01
"#;
    let loaded = parse_ok(text, "c.toml");
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["c.toml:11:20: warning: site 'x' authorization expired on 2026-01-01; it will be skipped — renew the mandate or remove the site"]
    );
    assert_eq!(loaded.warnings[0].severity, Severity::Warning);
    let site = loaded.config.site("x").expect("an expired site is kept");
    assert!(!site.is_authorized_on(today()));
}

/// Ten different problems at once, each reported on its own line.
const BROKEN: &str = r#"[crawler]
user_agnet = "cartograph"
max_concurrent_hosts = 0

[politeness]
min_interval = "soon"
max_pages_per_site = "many"

[network]
resolve = { "ads.example.test" = "127.0.0.1" }

[[site]]
id = "Example Dir"
name = "Example"
country = "XX"
seeds = ["ftp://ads.example.test/"]
listing = ["http://ads.example.test/wien/*"]
category_hint = "escort"
authorized_until = "2027-06-30"

[[site]]
id = "second"
name = "Second"
country = "AT"
seeds = ["http://b.example.test/other/"]
listing = ["http://b.example.test/listing/*"]
language_hint = "deu"
min_interval = "100ms"

[[site]]
id = "second"
name = "Third"
country = "AT"
seeds = ["http://c.example.test/"]
listing = ["http://c.example.test/*"]
"#;

#[test]
fn broken_file_reports_every_problem_in_file_order() {
    let error =
        parse(BROKEN, Path::new("config/broken.toml"), today()).expect_err("the file is broken");
    let diagnostics = diagnostics_of(&error);
    let text = rendered(&diagnostics);
    let prefixes: Vec<String> = diagnostics
        .iter()
        .map(|diagnostic| {
            format!(
                "{}:{}:{}",
                diagnostic.path.display(),
                diagnostic.line,
                diagnostic.column
            )
        })
        .collect();
    assert_eq!(
        prefixes,
        [
            "config/broken.toml:1:1",   // missing contact, at the [crawler] header
            "config/broken.toml:1:1",   // missing user_agent
            "config/broken.toml:2:1",   // unknown key user_agnet
            "config/broken.toml:3:24",  // max_concurrent_hosts = 0
            "config/broken.toml:6:16",  // bad duration
            "config/broken.toml:7:22",  // wrong type
            "config/broken.toml:10:34", // bad resolve entry
            "config/broken.toml:13:6",  // bad id
            "config/broken.toml:15:11", // bad country
            "config/broken.toml:16:10", // bad seed URL
            "config/broken.toml:18:17", // bad category
            "config/broken.toml:19:20", // quoted date
            "config/broken.toml:25:10", // seed outside listing
            "config/broken.toml:27:17", // bad language
            "config/broken.toml:28:16", // interval below the floor
            "config/broken.toml:31:6",  // duplicate id
        ],
        "{text}"
    );
    assert!(diagnostics
        .iter()
        .all(|diagnostic| diagnostic.severity == Severity::Error));
    assert!(text.contains(
        "config/broken.toml:2:1: unknown key 'user_agnet' in [crawler] — did you mean 'user_agent'?\n"
    ));
    assert!(text.contains(
        "config/broken.toml:31:6: duplicate site id 'second' — the first site with this id is on line 22; give each site its own id\n"
    ));
    assert_eq!(
        error.to_string(),
        "invalid config file config/broken.toml: 16 error(s)"
    );
}

#[test]
fn toml_syntax_errors() {
    check(
        "[crawler]\nuser_agent = \"cartograph\ncontact = mailto\n",
        &[
            "c.toml:2:25: invalid TOML: invalid basic string, expected `\"` — close the string with the quote it opened with, on the same line (use \"\"\" for several lines)",
            "c.toml:3:11: invalid TOML: string values must be quoted, expected literal string — put text in double quotes, e.g. name = \"Example Directory\"",
        ],
    );
    check(
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:a@example.org\"\ncontact = \"mailto:b@example.org\"\n",
        &["c.toml:4:1: invalid TOML: duplicate key — a key may appear once per table; remove or rename one of them"],
    );
}

const CRAWLER: &str =
    "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:unit@example.org\"\n";

/// A valid site on lines 4 to 9 when it follows `CRAWLER`; line 10 is free.
const SITE: &str = "[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"AT\"\nseeds = [\"http://a.example.test/x/\"]\nlisting = [\"http://a.example.test/x/*\"]\n";

#[test]
fn unknown_keys() {
    check(
        &format!("[crawler]\nuser_agnet = \"cartograph\"\ncontact = \"mailto:unit@example.org\"\n{SITE}"),
        &[
            "c.toml:1:1: missing required key 'user_agent' in [crawler] — add user_agent = \"cartograph\"; cartograph must name itself to the sites it reads",
            "c.toml:2:1: unknown key 'user_agnet' in [crawler] — did you mean 'user_agent'?",
        ],
    );
    check(
        &format!("{CRAWLER}min_interval = \"5s\"\n{SITE}"),
        &["c.toml:4:1: unknown key 'min_interval' in [crawler] — 'min_interval' belongs in [politeness]"],
    );
    check(
        &format!("{CRAWLER}colour = \"red\"\n{SITE}"),
        &["c.toml:4:1: unknown key 'colour' in [crawler] — remove it; [crawler] knows user_agent, contact, max_concurrent_hosts"],
    );
    check(
        &format!("{CRAWLER}[politenes]\nmin_interval = \"5s\"\n{SITE}"),
        &["c.toml:4:2: unknown table [politenes] — did you mean [politeness]?"],
    );
    check(
        &format!("{CRAWLER}{SITE}seed = [\"http://a.example.test/x/\"]\n"),
        &["c.toml:10:1: unknown key 'seed' in [[site]] — did you mean 'seeds'?"],
    );
    check(
        &format!("{CRAWLER}{SITE}[site.profile]\nad = \"article\"\nlnk = \"a\"\n"),
        &["c.toml:12:1: unknown key 'lnk' in [site.profile] — did you mean 'link'?"],
    );
}

#[test]
fn wrong_types() {
    check(
        &format!("{CRAWLER}max_concurrent_hosts = \"64\"\n{SITE}"),
        &["c.toml:4:24: wrong type for 'max_concurrent_hosts' in [crawler]: expected an integer, got a string — write it as max_concurrent_hosts = 64"],
    );
    check(
        &format!("[crawler]\nuser_agent = \"cartograph\"\ncontact = 42\n{SITE}"),
        &["c.toml:3:11: wrong type for 'contact' in [crawler]: expected a string, got an integer — write it as contact = \"mailto:unit@example.org\""],
    );
    check(
        &format!("{CRAWLER}[network]\nallow_private_addresses = \"yes\"\n{SITE}"),
        &["c.toml:5:27: wrong type for 'allow_private_addresses' in [network]: expected a boolean (true or false, no quotes), got a string — write it as allow_private_addresses = false"],
    );
    check(
        &format!("{CRAWLER}{SITE}notes = [\"a\"]\n"),
        &["c.toml:10:9: wrong type for 'notes' in site 'a': expected a string, got an array — write it as notes = \"free text for the analyst\""],
    );
    check(
        &format!("{CRAWLER}[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"AT\"\nseeds = \"http://a.example.test/x/\"\nlisting = [\"http://a.example.test/x/*\", 7]\n"),
        &[
            "c.toml:8:9: wrong type for 'seeds' in site 'a': expected an array of strings, got a string — write it as seeds = [\"http://ads.example.test/wien/\"]",
            "c.toml:9:41: wrong type for 'listing' in site 'a': expected an array of strings, got an integer — write it as listing = [\"http://ads.example.test/wien/*\"]",
        ],
    );
    check(
        &format!("{CRAWLER}[site]\nid = \"a\"\n"),
        &["c.toml:4:1: 'site' must be an array of tables, one per site — write the header with double brackets: [[site]]"],
    );
}

#[test]
fn missing_required_keys() {
    check(
        &format!("[crawler]\nuser_agent = \"cartograph\"\n{SITE}"),
        &["c.toml:1:1: missing required key 'contact' in [crawler] — add contact = \"mailto:unit@example.org\"; the User-Agent must say how to reach the people crawling"],
    );
    check(
        &format!("# no crawler table\n\n[politeness]\nmin_interval = \"5s\"\n\n{SITE}"),
        &[
            "c.toml:1:1: missing required key 'user_agent' in [crawler] — add a [crawler] table with user_agent = \"cartograph\"; cartograph must name itself to the sites it reads",
            "c.toml:1:1: missing required key 'contact' in [crawler] — add a [crawler] table with contact = \"mailto:unit@example.org\"; the User-Agent must say how to reach the people crawling",
        ],
    );
    check(
        &format!("{CRAWLER}\n[[site]]\nname = \"A\"\nseeds = []\n"),
        &[
            "c.toml:5:1: missing required key 'id' in the [[site]] on line 5 — add id = \"example-dir\"; captures and reports name the site by it",
            "c.toml:5:1: missing required key 'country' in the [[site]] on line 5 — add country = \"AT\" (ISO 3166-1 alpha-2)",
            "c.toml:5:1: missing required key 'listing' in the [[site]] on line 5 — add listing = [\"http://ads.example.test/wien/*\"]",
            "c.toml:7:9: 'seeds' in the [[site]] on line 5 is empty — give at least one, e.g. seeds = [\"http://ads.example.test/wien/\"]",
        ],
    );
    check(
        &format!("{CRAWLER}{SITE}[site.profile]\nlink = \"a\"\n"),
        &["c.toml:10:1: missing required key 'ad' in the profile of site 'a' — add ad = \"article.ad\"; a profile starts from the ad card"],
    );
}

#[test]
fn crawler_identity() {
    check(
        &format!("[crawler]\nuser_agent = \"carto graph/1.0\"\ncontact = \"call me\"\n{SITE}"),
        &[
            "c.toml:2:14: bad user_agent 'carto graph/1.0' in [crawler]: not a robots.txt product token — use only letters, '_' and '-' (RFC 9309); the version is added by cartograph, e.g. user_agent = \"cartograph\"",
            "c.toml:3:11: bad contact 'call me' in [crawler]: not a mailto: address or an http(s) URL — write how a site operator can reach you, without spaces or parentheses, e.g. contact = \"mailto:unit@example.org\" or \"https://example.org/crawler\"",
        ],
    );
}

#[test]
fn numbers_below_one() {
    check(
        &format!("{CRAWLER}max_concurrent_hosts = 0\n[politeness]\nmax_pages_per_site = -3\n{SITE}max_pages = 0\n"),
        &[
            "c.toml:4:24: 'max_concurrent_hosts' in [crawler] must be at least 1, got 0 — write a positive whole number, e.g. max_concurrent_hosts = 64",
            "c.toml:6:22: 'max_pages_per_site' in [politeness] must be at least 1, got -3 — write a positive whole number, e.g. max_pages_per_site = 200",
            "c.toml:13:13: 'max_pages' in site 'a' must be at least 1, got 0 — write a positive whole number, e.g. max_pages = 50",
        ],
    );
    check(
        &format!("{CRAWLER}[politeness]\nmax_pages_per_site = 5_000_000_000\n{SITE}"),
        &["c.toml:5:22: 'max_pages_per_site' in [politeness] is too large — write a smaller number, e.g. max_pages_per_site = 200"],
    );
}

#[test]
fn bad_urls_in_seeds_and_listing() {
    check(
        &format!("{CRAWLER}[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"AT\"\nseeds = [\"ftp://a.example.test/\", \"a.example.test/x/\", \"http://user:pw@a.example.test/x/\"]\nlisting = [\"a.example.test/*\", \"http://*/*\", \"http://a.example.test/x/#top\", \"http://a.example.test:*/\"]\n"),
        &[
            "c.toml:8:10: bad seed URL 'ftp://a.example.test/' in site 'a': the scheme is 'ftp', not http or https — write a whole http:// or https:// URL with a host, e.g. \"http://ads.example.test/wien/\"",
            "c.toml:8:35: bad seed URL 'a.example.test/x/' in site 'a': relative URL without a base — write a whole http:// or https:// URL with a host, e.g. \"http://ads.example.test/wien/\"",
            "c.toml:8:56: bad seed URL 'http://user:pw@a.example.test/x/' in site 'a': it contains a user name or password, and cartograph never logs in — write a whole http:// or https:// URL with a host, e.g. \"http://ads.example.test/wien/\"",
            "c.toml:9:12: bad listing pattern 'a.example.test/*' in site 'a': it does not start with http:// or https:// — start the pattern with http:// or https://, e.g. \"http://ads.example.test/wien/*\"",
            "c.toml:9:32: bad listing pattern 'http://*/*' in site 'a': it does not name a host — name the site's host; '*' may stand for a part of it, e.g. \"http://*.example.test/*\"",
            "c.toml:9:46: bad listing pattern 'http://a.example.test/x/#top' in site 'a': it contains a fragment ('#'), which normalised URLs never have — remove the '#' and what follows it",
            "c.toml:9:78: bad listing pattern 'http://a.example.test:*/' in site 'a': it is not a valid URL (invalid port number) — write a whole URL in which '*' stands for any text, e.g. \"http://ads.example.test/wien/*\"",
        ],
    );
}

#[test]
fn seed_outside_its_own_listing() {
    check(
        &format!("{CRAWLER}[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"AT\"\nseeds = [\"http://a.example.test/x/\", \"http://a.example.test/y/list.html?page=1\"]\nlisting = [\"http://a.example.test/x/*\"]\n"),
        &["c.toml:8:38: seed 'http://a.example.test/y/list.html?page=1' matches none of the listing patterns of site 'a' — add a listing pattern that covers it, such as \"http://a.example.test/y/*\", or correct the seed"],
    );
    check(
        &format!("{CRAWLER}[[site]]\nid = \"a\"\nname = \"A\"\ncountry = \"AT\"\nseeds = [\"http://a.example.test/x\"]\nlisting = [\"http://a.example.test/x/*\"]\n"),
        &["c.toml:8:10: seed 'http://a.example.test/x' matches none of the listing patterns of site 'a' — add a listing pattern that covers it, such as \"http://a.example.test/*\", or correct the seed"],
    );
}

#[test]
fn site_ids() {
    check(
        &format!("{CRAWLER}{SITE}{}", SITE.replace("a.example", "b.example")),
        &["c.toml:11:6: duplicate site id 'a' — the first site with this id is on line 5; give each site its own id"],
    );
    check(
        &format!("{CRAWLER}{}", SITE.replace("id = \"a\"", "id = \"My_Site\"")),
        &["c.toml:5:6: bad site id 'My_Site': ids are lowercase kebab-case — use lowercase letters, digits and '-', starting with a letter or digit, e.g. id = \"my-site\""],
    );
    check(
        &format!("{CRAWLER}{}", SITE.replace("id = \"a\"", "id = \"-a\"")),
        &["c.toml:5:6: bad site id '-a': ids are lowercase kebab-case — use lowercase letters, digits and '-', starting with a letter or digit, e.g. id = \"a\""],
    );
}

#[test]
fn durations_and_the_interval_floor() {
    check(
        &format!("{CRAWLER}[politeness]\nmin_interval = \"5 parsecs\"\n{SITE}min_interval = 10\n"),
        &[
            "c.toml:5:16: bad duration '5 parsecs' for 'min_interval' in [politeness]: unknown time unit \"parsecs\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations) — write a duration such as \"5s\", \"1500ms\" or \"1m 30s\", e.g. min_interval = \"5s\"",
            "c.toml:12:16: wrong type for 'min_interval' in site 'a': expected a string, got an integer — write it as min_interval = \"10s\"",
        ],
    );
    check(
        &format!("{CRAWLER}[politeness]\nmin_interval = \"500ms\"\n{SITE}min_interval = \"0s\"\n"),
        &[
            "c.toml:5:16: 'min_interval' in [politeness] is 500ms, below the 1s floor — use at least \"1s\"; shorter intervals are only for the synthetic test farm, with network.allow_private_addresses = true",
            "c.toml:12:16: 'min_interval' in site 'a' is 0s, below the 1s floor — use at least \"1s\"; shorter intervals are only for the synthetic test farm, with network.allow_private_addresses = true",
        ],
    );
    check(
        &format!("{CRAWLER}[politeness]\nmin_interval = \"10ms\"\n[network]\nallow_private_addresses = true\n{SITE}min_interval = \"1ms\"\n"),
        &[],
    );
}

#[test]
fn country_codes() {
    let cases: &[(&str, &str)] = &[
        ("at", "c.toml:7:11: bad country code 'at' in site 'a': not an ISO 3166-1 alpha-2 code — write it in upper case: country = \"AT\""),
        ("UK", "c.toml:7:11: bad country code 'UK' in site 'a': not an ISO 3166-1 alpha-2 code — the ISO 3166-1 code of the United Kingdom is GB: country = \"GB\""),
        ("XK", "c.toml:7:11: bad country code 'XK' in site 'a': not an ISO 3166-1 alpha-2 code — use an assigned two-letter ISO 3166-1 alpha-2 code in upper case, e.g. country = \"AT\""),
        ("AUT", "c.toml:7:11: bad country code 'AUT' in site 'a': not an ISO 3166-1 alpha-2 code — use an assigned two-letter ISO 3166-1 alpha-2 code in upper case, e.g. country = \"AT\""),
    ];
    for (code, expected) in cases {
        check(
            &format!(
                "{CRAWLER}{}",
                SITE.replace("\"AT\"", &format!("\"{code}\""))
            ),
            &[expected],
        );
    }
}

#[test]
fn categories_and_languages() {
    check(
        &format!("{CRAWLER}{SITE}category_hint = \"escort\"\n"),
        &["c.toml:10:17: bad category 'escort' in site 'a' — did you mean 'escort-directory'? The categories are escort-directory, classifieds, aggregator, forum, sugar-dating, dating, massage, club, social-profiles, other"],
    );
    check(
        &format!("{CRAWLER}{SITE}category_hint = \"brothel\"\n"),
        &["c.toml:10:17: bad category 'brothel' in site 'a' — use one of escort-directory, classifieds, aggregator, forum, sugar-dating, dating, massage, club, social-profiles, other"],
    );
    check(
        &format!("{CRAWLER}{SITE}language_hint = \"DE\"\n"),
        &["c.toml:10:17: bad language code 'DE' in site 'a': not an ISO 639-1 code — write it in lower case: language_hint = \"de\""],
    );
    check(
        &format!("{CRAWLER}{SITE}language_hint = \"xx\"\n"),
        &["c.toml:10:17: bad language code 'xx' in site 'a': not an ISO 639-1 code — use a two-letter ISO 639-1 code in lower case, e.g. \"de\", \"en\" or \"ro\""],
    );
}

#[test]
fn dates() {
    check(
        &format!("{CRAWLER}{SITE}authorized_until = \"2027-06-30\"\n"),
        &["c.toml:10:20: bad date '2027-06-30' for 'authorized_until' in site 'a': dates are written without quotes — write a TOML date as YYYY-MM-DD without quotes, e.g. authorized_until = 2027-06-30"],
    );
    check(
        &format!("{CRAWLER}{SITE}authorized_until = 2027-06-30T12:00:00Z\n"),
        &["c.toml:10:20: bad date '2027-06-30T12:00:00Z' for 'authorized_until' in site 'a': expected a calendar date only — write the day alone as YYYY-MM-DD, e.g. authorized_until = 2027-06-30"],
    );
    check(
        &format!("{CRAWLER}{SITE}authorized_until = 2027-02-30\n"),
        &["c.toml:10:20: invalid TOML: invalid date, expected day between 01 and 28 — write dates as YYYY-MM-DD, with a day that exists in that month"],
    );
    check(
        &format!("{CRAWLER}{SITE}authorized_until = 2026-11-28\n"),
        &[],
    );
}

#[test]
fn resolve_entries() {
    check(
        &format!("{CRAWLER}[network]\nresolve = {{ \"a.example.test\" = \"127.0.0.1\", \"b.example.test\" = 8080, \"http://c.example.test\" = \"127.0.0.1:80\" }}\n{SITE}"),
        &[
            "c.toml:5:32: bad resolve entry for 'a.example.test': '127.0.0.1' is not an IP:PORT socket address — write it as \"a.example.test\" = \"127.0.0.1:8080\": an IP address and a port, like curl --resolve",
            "c.toml:5:64: bad resolve entry for 'b.example.test': an integer is not an IP:PORT socket address — write it as \"b.example.test\" = \"127.0.0.1:8080\": an IP address and a port, like curl --resolve",
            "c.toml:5:70: bad resolve entry: 'http://c.example.test' is not a host name — write the host alone, without scheme, port or path, e.g. \"ads.example.test\" = \"127.0.0.1:8080\"",
        ],
    );
    check(
        &format!("{CRAWLER}[network]\nresolve = 5\n{SITE}"),
        &["c.toml:5:11: wrong type for 'resolve' in [network]: expected a table, got an integer — write it as resolve = { \"ads.example.test\" = \"127.0.0.1:8080\" }"],
    );
}

#[test]
fn extraction_profile() {
    check(
        &format!("{CRAWLER}{SITE}[site.profile]\nad = \"article.ad\"\nprice = \"span[\"\nnext = 3\n"),
        &[
            "c.toml:12:9: bad CSS selector 'span[' for 'price' in the profile of site 'a': Unexpected EOL — write a CSS selector that a browser would accept, e.g. price = \".price\"",
            "c.toml:13:8: wrong type for 'next' in the profile of site 'a': expected a string, got an integer — write it as next = \"a[rel=next]\"",
        ],
    );
    let loaded = parse(
        &format!("{CRAWLER}{SITE}profile = {{ ad = \"li.card\", location = \".city\" }}\n"),
        Path::new("c.toml"),
        today(),
    )
    .expect("an inline profile is fine");
    let profile = loaded.config.sites[0].profile.clone().expect("profile");
    assert_eq!(profile.ad, "li.card");
    assert_eq!(profile.location.as_deref(), Some(".city"));
    assert_eq!(profile.link, None);
}

#[test]
fn no_sites_is_a_warning() {
    check(CRAWLER, &["c.toml:1:1: warning: no [[site]] entries: nothing will be crawled — add a [[site]] table for each whitelisted site"]);
}

#[test]
fn load_reads_the_file_or_names_it() {
    let missing = Path::new("/nonexistent/cartograph.toml");
    let error = cartograph_config::load(missing, today()).expect_err("no such file");
    assert_eq!(
        error.to_string(),
        "failed to read config file /nonexistent/cartograph.toml"
    );
    assert!(matches!(error, LoadError::Read { .. }));
}

#[test]
fn every_prefix_of_the_example_is_handled_without_panicking() {
    let text = include_str!("../../../config/cartograph.toml");
    for (end, _) in text.char_indices() {
        let prefix = &text[..end];
        match parse(prefix, Path::new("c.toml"), today()) {
            Ok(loaded) => assert!(loaded.warnings.iter().all(|warning| !warning.is_error())),
            Err(error) => {
                let diagnostics = diagnostics_of(&error);
                assert!(
                    diagnostics.iter().any(Diagnostic::is_error),
                    "{end}: {error}"
                );
                let lines = prefix.lines().count().max(1);
                assert!(
                    diagnostics
                        .iter()
                        .all(|diagnostic| diagnostic.line <= lines + 1),
                    "{end}"
                );
            }
        }
    }
}

#[test]
fn evidence_settings_resolve_against_the_config_file_and_default_sensibly() {
    let base =
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"https://example.org/crawler\"\n";
    let config = parse_ok(base, "/etc/cartograph/c.toml").config;
    assert_eq!(
        config.evidence.signing_key,
        PathBuf::from("/etc/cartograph/keys/signing.key")
    );
    assert_eq!(config.evidence.retention, None);
    let text =
        format!("{base}\n[evidence]\nsigning_key = \"/secure/unit.key\"\nretention = \"365d\"\n");
    let config = parse_ok(&text, "/etc/cartograph/c.toml").config;
    assert_eq!(
        config.evidence.signing_key,
        PathBuf::from("/secure/unit.key")
    );
    assert_eq!(
        config.evidence.retention,
        Some(Duration::from_secs(365 * 24 * 3600))
    );
    let text = format!("{base}\n[evidence]\nretention = \"a year\"\nsigning_kee = \"k\"\n");
    let diagnostics = match parse(&text, Path::new("c.toml"), today()) {
        Ok(_) => panic!("a bad retention must not load"),
        Err(error) => rendered(&diagnostics_of(&error)),
    };
    assert!(diagnostics.contains("c.toml:6:"), "{diagnostics}");
    assert!(diagnostics.contains("retention"), "{diagnostics}");
    assert!(diagnostics.contains("signing_key"), "{diagnostics}");
}

#[test]
fn extract_paths_resolve_beside_the_config_and_bad_ones_are_named() {
    let base =
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"https://example.org/crawler\"\n";
    let config = parse_ok(base, "/etc/cartograph/c.toml").config;
    assert_eq!(
        config.extract.lexicons, None,
        "built-in lexicons by default"
    );
    assert_eq!(
        config.extract.linkage_key,
        PathBuf::from("/etc/cartograph/keys/linkage.key")
    );
    let text =
        format!("{base}\n[extract]\nlexicons = \"lexicons\"\nlinkage_key = \"/secure/link.key\"\n");
    let config = parse_ok(&text, "/etc/cartograph/c.toml").config;
    assert_eq!(
        config.extract.lexicons,
        Some(PathBuf::from("/etc/cartograph/lexicons"))
    );
    assert_eq!(
        config.extract.linkage_key,
        PathBuf::from("/secure/link.key")
    );
    let text = format!("{base}\n[extract]\nlexicons = \"\"\nlinkage_kee = \"k\"\n");
    let diagnostics = match parse(&text, Path::new("c.toml"), today()) {
        Ok(_) => panic!("an empty lexicon directory must not load"),
        Err(error) => rendered(&diagnostics_of(&error)),
    };
    assert!(diagnostics.contains("c.toml:6:"), "{diagnostics}");
    assert!(diagnostics.contains("lexicons"), "{diagnostics}");
    assert!(diagnostics.contains("linkage_key"), "{diagnostics}");
}
