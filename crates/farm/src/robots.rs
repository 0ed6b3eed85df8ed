//! robots.txt on the farm: the file each site serves, and a small evaluator
//! of that same file (RFC 9309 subset: groups by product token else `*`,
//! Allow/Disallow, `*` and `$`, longest match wins, Allow wins ties) that the
//! auditor uses to count requests a crawler should not have made. It reads
//! the served text, so what is audited is exactly what was published.

use crate::wildcard::wildcard_matches;

/// The robots.txt of a site whose listing has `disallowed_section` (`/wien/private/`).
pub(crate) fn robots_txt(site_name: &str, disallowed_section: &str) -> String {
    format!(
        "# robots.txt for {site_name}\n\
         \n\
         User-agent: archive-bot\n\
         Disallow: /\n\
         \n\
         User-agent: *\n\
         Disallow: {disallowed_section}\n\
         Disallow: /post-ad\n\
         Disallow: /*?sort=\n\
         Allow: {disallowed_section}rules$\n"
    )
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
    use super::{robots_txt, RobotsRules};

    #[test]
    fn farm_robots_decisions() {
        let rules = RobotsRules::parse(&robots_txt("Anna", "/wien/private/"));
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
        check("cartograph", "/wien/private/offers/", false);
        check("cartograph", "/wien/private/rules", true);
        check("cartograph", "/wien/private/rules/more", false);
        check("cartograph", "/post-ad", false);
        check("cartograph", "/post-ad/form", false);
        check("cartograph", "/wien/?sort=price", false);
        check("Cartograph", "/wien/?page=2&x=1?sort=new", false);
        check("archive-bot", "/wien/", false);
        check("ARCHIVE-BOT", "/robots.txt", true);
        assert_eq!(
            rules.disallowed_patterns("cartograph"),
            vec!["/wien/private/", "/post-ad", "/*?sort="]
        );
        assert_eq!(rules.disallowed_patterns("archive-bot"), vec!["/"]);
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
