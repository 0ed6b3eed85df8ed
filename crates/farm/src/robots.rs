//! robots.txt on the farm: the variants sites serve (plain rules, a group for
//! our product token that differs from `*`, Crawl-delay, 404, 503, a
//! redirect, a file over 500 KiB, a long line of multi-byte characters), the
//! policy a crawler following DESIGN.md's rules must derive from each, and a
//! small evaluator of the served text (RFC 9309 subset: groups by product
//! token else `*`, Allow/Disallow, `*` and `$`, longest match wins, Allow
//! wins ties) that the auditor and the truth use. It reads the served text,
//! so what is audited is exactly what was published.

use serde::{Deserialize, Serialize};

use crate::wildcard::wildcard_matches;

/// The product token the truth is computed for: the one the generated
/// crawler config names.
pub const ROBOTS_TOKEN: &str = "cartograph";

/// Where the redirecting variant sends `/robots.txt`.
pub(crate) const ROBOTS_REDIRECT_TARGET: &str = "/robots/main-robots.txt";

/// Which robots.txt a site serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum RobotsVariant {
    /// A `*` group: the premium section disallowed, its rules page allowed
    /// by a `$` rule, `*` rules for sorting and scripts; a stricter group
    /// for another bot.
    Standard,
    /// `*` may not fetch the listing at all; a `cartograph` group may.
    ProductGroup,
    /// Standard rules plus `Crawl-delay` (in milliseconds here; written in
    /// seconds).
    CrawlDelay { millis: u64 },
    /// `/robots.txt` answers 404: everything is allowed.
    NotFound,
    /// `/robots.txt` answers 503: nothing may be fetched.
    ServerError,
    /// `/robots.txt` answers 301 to a file with the standard rules
    /// (RFC 9309: follow up to five redirects).
    Redirect,
    /// The standard rules followed by more than 500 KiB of archive rules.
    Huge,
    /// The standard rules followed by a 20 KiB comment line of Cyrillic
    /// text, which makes the `robotstxt` crate panic (its issue #5); the
    /// design treats that as unreadable: nothing may be fetched.
    LongMultibyteLine,
}

/// What a crawler following DESIGN.md must conclude from a site's robots.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RobotsPolicy {
    AllowAll,
    DisallowAll,
    Rules(RobotsRules),
}

impl RobotsPolicy {
    pub(crate) fn is_allowed(&self, token: &str, path_and_query: &str) -> bool {
        match self {
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::DisallowAll => path_and_query == "/robots.txt",
            RobotsPolicy::Rules(rules) => rules.is_allowed(token, path_and_query),
        }
    }

    /// The truth's word for it.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            RobotsPolicy::AllowAll => "allow-all",
            RobotsPolicy::DisallowAll => "disallow-all",
            RobotsPolicy::Rules(_) => "rules",
        }
    }
}

/// What the farm answers for `/robots.txt` (or the redirect target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RobotsResponse {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
}

/// The paths a site's robots.txt talks about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RobotsPaths<'site> {
    pub(crate) site_name: &'site str,
    /// The listing prefix (`/wien/`).
    pub(crate) listing_prefix: &'site str,
    /// The premium section (`/wien/vip/`); its `rules` page is allowed.
    pub(crate) private_section: &'site str,
}

impl RobotsVariant {
    /// The response to `GET /robots.txt`.
    pub(crate) fn response(self, paths: RobotsPaths<'_>) -> RobotsResponse {
        let ok = |body: String| RobotsResponse {
            status: 200,
            location: None,
            body,
        };
        match self {
            RobotsVariant::Standard => ok(standard_text(paths, None)),
            RobotsVariant::CrawlDelay { millis } => ok(standard_text(paths, Some(millis))),
            RobotsVariant::ProductGroup => ok(product_group_text(paths)),
            RobotsVariant::NotFound => RobotsResponse {
                status: 404,
                location: None,
                body: "not found\n".to_owned(),
            },
            RobotsVariant::ServerError => RobotsResponse {
                status: 503,
                location: None,
                body: "service unavailable\n".to_owned(),
            },
            RobotsVariant::Redirect => RobotsResponse {
                status: 301,
                location: Some(ROBOTS_REDIRECT_TARGET.to_owned()),
                body: String::new(),
            },
            RobotsVariant::Huge => ok(huge_text(paths)),
            RobotsVariant::LongMultibyteLine => ok(long_line_text(paths)),
        }
    }

    /// The response to `GET` [`ROBOTS_REDIRECT_TARGET`], if the site has one.
    pub(crate) fn redirect_target_response(self, paths: RobotsPaths<'_>) -> Option<RobotsResponse> {
        (self == RobotsVariant::Redirect).then(|| RobotsResponse {
            status: 200,
            location: None,
            body: standard_text(paths, None),
        })
    }

    /// The policy DESIGN.md's crawler must apply.
    pub(crate) fn policy(self, paths: RobotsPaths<'_>) -> RobotsPolicy {
        match self {
            RobotsVariant::NotFound => RobotsPolicy::AllowAll,
            RobotsVariant::ServerError | RobotsVariant::LongMultibyteLine => {
                RobotsPolicy::DisallowAll
            }
            RobotsVariant::Redirect => {
                RobotsPolicy::Rules(RobotsRules::parse(&standard_text(paths, None)))
            }
            RobotsVariant::Huge => {
                // Only the first 500 KiB count (RFC 9309 §2.5); the rules
                // that matter come first anyway.
                let text = huge_text(paths);
                let mut cut = text.len().min(500 * 1024);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                RobotsPolicy::Rules(RobotsRules::parse(&text[..cut]))
            }
            other => RobotsPolicy::Rules(RobotsRules::parse(&other.response(paths).body)),
        }
    }

    /// The Crawl-delay the file asks of [`ROBOTS_TOKEN`].
    pub(crate) fn crawl_delay_millis(self) -> Option<u64> {
        match self {
            RobotsVariant::CrawlDelay { millis } => Some(millis),
            _ => None,
        }
    }
}

fn standard_groups(paths: RobotsPaths<'_>, crawl_delay_millis: Option<u64>) -> String {
    let mut text = format!(
        "User-agent: archive-bot\nDisallow: /\n\n\
         User-agent: *\n\
         Disallow: {private}\n\
         Allow: {private}rules$\n\
         Disallow: /search\n\
         Disallow: /*?sort=\n\
         Disallow: /*.php$\n",
        private = paths.private_section
    );
    if let Some(millis) = crawl_delay_millis {
        text.push_str(&format!("Crawl-delay: {}\n", seconds_text(millis)));
    }
    text
}

fn standard_text(paths: RobotsPaths<'_>, crawl_delay_millis: Option<u64>) -> String {
    format!(
        "# robots.txt for {}\n\n{}",
        paths.site_name,
        standard_groups(paths, crawl_delay_millis)
    )
}

fn product_group_text(paths: RobotsPaths<'_>) -> String {
    format!(
        "# robots.txt for {name}\n\n\
         User-agent: *\nDisallow: {prefix}\nDisallow: /search\n\n\
         User-agent: {ROBOTS_TOKEN}\nDisallow: {private}\nAllow: {private}rules$\nDisallow: /search\n",
        name = paths.site_name,
        prefix = paths.listing_prefix,
        private = paths.private_section,
    )
}

/// Over 500 KiB: the standard rules, then archive rules nobody needs.
fn huge_text(paths: RobotsPaths<'_>) -> String {
    let mut text = standard_text(paths, None);
    let mut archive = 0u64;
    while text.len() <= 520 * 1024 {
        text.push_str(&format!("Disallow: /archive/{archive}/\n"));
        archive += 1;
    }
    text
}

/// The standard rules, then one 20 KiB comment line of Cyrillic text.
fn long_line_text(paths: RobotsPaths<'_>) -> String {
    let mut text = standard_text(paths, None);
    text.push_str("# ");
    // 10,001 two-byte characters: past the parser's 16,664-byte line limit,
    // with an odd count so that its byte arithmetic lands inside a character.
    text.push_str(&"ж".repeat(10_001));
    text.push('\n');
    text
}

fn seconds_text(millis: u64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        let text = format!("{}.{:03}", millis / 1000, millis % 1000);
        text.trim_end_matches('0').to_owned()
    }
}

/// Parsed robots.txt groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RobotsRules {
    groups: Vec<RobotsGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct RobotsGroup {
    /// Lower-cased product tokens (`*` for any).
    agents: Vec<String>,
    rules: Vec<RobotsRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RobotsRule {
    allow: bool,
    pattern: String,
}

impl RobotsRules {
    pub(crate) fn parse(text: &str) -> RobotsRules {
        let mut groups: Vec<RobotsGroup> = Vec::new();
        let mut current = RobotsGroup::default();
        let mut previous_line_was_agent = false;
        for raw_line in text.lines() {
            let line = raw_line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !previous_line_was_agent && !current.agents.is_empty() {
                        groups.push(std::mem::take(&mut current));
                    }
                    current.agents.push(value.to_ascii_lowercase());
                    previous_line_was_agent = true;
                }
                "allow" | "disallow" => {
                    previous_line_was_agent = false;
                    // Rules before any user-agent line belong to no group;
                    // an empty Disallow allows everything, as no rule does.
                    if current.agents.is_empty() || value.is_empty() {
                        continue;
                    }
                    current.rules.push(RobotsRule {
                        allow: key == "allow",
                        pattern: value.to_owned(),
                    });
                }
                _ => previous_line_was_agent = false,
            }
        }
        if !current.agents.is_empty() {
            groups.push(current);
        }
        RobotsRules { groups }
    }

    /// Whether a crawler with product token `token` may fetch `path_and_query`.
    pub(crate) fn is_allowed(&self, token: &str, path_and_query: &str) -> bool {
        if path_and_query == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in self.rules_for(token) {
            if !rule_matches(&rule.pattern, path_and_query) {
                continue;
            }
            let length = rule.pattern.len();
            best = match best {
                Some((best_length, best_allow))
                    if best_length > length || (best_length == length && best_allow) =>
                {
                    Some((best_length, best_allow))
                }
                _ => Some((length, rule.allow)),
            };
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The `Disallow` patterns of the groups that apply to `token`.
    #[cfg(test)]
    pub(crate) fn disallowed_patterns(&self, token: &str) -> Vec<String> {
        self.rules_for(token)
            .filter(|rule| !rule.allow)
            .map(|rule| rule.pattern.clone())
            .collect()
    }

    fn rules_for<'rules>(&'rules self, token: &str) -> impl Iterator<Item = &'rules RobotsRule> {
        let token = token.to_ascii_lowercase();
        let named = self
            .groups
            .iter()
            .any(|group| group.agents.contains(&token));
        let wanted = if named { token } else { "*".to_owned() };
        self.groups
            .iter()
            .filter(move |group| group.agents.contains(&wanted))
            .flat_map(|group| group.rules.iter())
    }
}

/// A robots pattern matches a prefix of the path, or all of it with `$`.
fn rule_matches(pattern: &str, path_and_query: &str) -> bool {
    match pattern.strip_suffix('$') {
        Some(anchored) => wildcard_matches(anchored, path_and_query),
        None => wildcard_matches(&format!("{pattern}*"), path_and_query),
    }
}

#[cfg(test)]
mod tests {
    use super::{RobotsPaths, RobotsPolicy, RobotsRules, RobotsVariant, ROBOTS_TOKEN};

    const PATHS: RobotsPaths<'static> = RobotsPaths {
        site_name: "Anna",
        listing_prefix: "/wien/",
        private_section: "/wien/vip/",
    };

    #[test]
    fn farm_robots_decisions() {
        let RobotsPolicy::Rules(rules) = RobotsVariant::Standard.policy(PATHS) else {
            panic!("standard robots has rules");
        };
        let check = |token: &str, path: &str, expected: bool| {
            assert_eq!(
                rules.is_allowed(token, path),
                expected,
                "{token} fetching {path}"
            );
        };
        check("cartograph", "/robots.txt", true);
        check("cartograph", "/wien/", true);
        check("cartograph", "/wien/?page=2", true);
        check("cartograph", "/wien/vip/", false);
        check("cartograph", "/wien/vip/rules", true);
        check("cartograph", "/wien/vip/rules/more", false);
        check("cartograph", "/search?q=1", false);
        check("cartograph", "/wien/?sort=price", false);
        check("cartograph", "/index.php", false);
        check("cartograph", "/index.php?x=1", true);
        check("archive-bot", "/wien/", false);
        assert_eq!(
            rules.disallowed_patterns("cartograph"),
            vec!["/wien/vip/", "/search", "/*?sort=", "/*.php$"]
        );
    }

    #[test]
    fn each_variant_has_its_policy() {
        let allowed = |variant: RobotsVariant, path: &str| {
            variant.policy(PATHS).is_allowed(ROBOTS_TOKEN, path)
        };
        assert!(!allowed(RobotsVariant::ProductGroup, "/wien/vip/"));
        assert!(allowed(RobotsVariant::ProductGroup, "/wien/?page=3"));
        let RobotsPolicy::Rules(product) = RobotsVariant::ProductGroup.policy(PATHS) else {
            panic!("rules");
        };
        assert!(!product.is_allowed("otherbot", "/wien/?page=3"));
        assert!(allowed(RobotsVariant::NotFound, "/wien/vip/"));
        assert!(!allowed(RobotsVariant::ServerError, "/wien/"));
        assert!(!allowed(RobotsVariant::LongMultibyteLine, "/wien/"));
        assert!(allowed(RobotsVariant::Redirect, "/wien/"));
        assert!(!allowed(RobotsVariant::Redirect, "/wien/vip/"));
        assert!(allowed(RobotsVariant::Huge, "/wien/"));
        assert!(!allowed(RobotsVariant::Huge, "/archive/12/"));
        let huge = RobotsVariant::Huge.response(PATHS);
        assert!(huge.body.len() > 512 * 1024);
        let long = RobotsVariant::LongMultibyteLine.response(PATHS);
        assert!(long.body.lines().any(|line| line.len() > 16 * 1024));
        let delayed = RobotsVariant::CrawlDelay { millis: 250 }.response(PATHS);
        assert!(
            delayed.body.contains("Crawl-delay: 0.25\n"),
            "{}",
            delayed.body
        );
        let redirect = RobotsVariant::Redirect.response(PATHS);
        assert_eq!((redirect.status, redirect.location.is_some()), (301, true));
    }

    #[test]
    fn groups_merge_and_comments_and_empty_disallow() {
        let text = "User-agent: a\nUser-agent: b # two agents\nDisallow: /x\n\n\
                    User-agent: *\nDisallow:\n\nUser-agent: a\nDisallow: /y\nAllow: /y/ok\n";
        let rules = RobotsRules::parse(text);
        assert!(!rules.is_allowed("a", "/x/1"));
        assert!(!rules.is_allowed("a", "/y/1"));
        assert!(rules.is_allowed("a", "/y/ok/1"));
        assert!(!rules.is_allowed("b", "/x"));
        assert!(rules.is_allowed("b", "/y"));
        assert!(rules.is_allowed("other", "/x"));
    }
}
