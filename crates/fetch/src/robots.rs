//! robots.txt: what a host's file (or its absence) allows, per RFC 9309.
//!
//! The verdict comes from the `robotstxt` crate (Google's matcher, as the
//! unit asked for). That crate panics on some inputs (a long line with
//! multi-byte characters, its issue #5), so every call into it runs under
//! `catch_unwind`, on at most [`MAX_ROBOTS_BYTES`] of the file, and a panic
//! makes the file "unreadable": disallow all, reported. The crate has no
//! Crawl-delay support, so we collect groups and their `crawl-delay` lines
//! ourselves through its parse callbacks, and use the same callbacks to name
//! the rule behind each verdict for the capture's politeness record.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use robotstxt::matcher::{LongestMatchRobotsMatchStrategy, RobotsMatchStrategy};
use robotstxt::{DefaultMatcher, RobotsParseHandler};
use url::Url;

/// Only this much of a robots.txt is parsed (Google's limit is 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// What a host's robots.txt says, as far as the crawler is concerned.
#[derive(Debug, Clone)]
pub struct RobotsPolicy {
    kind: PolicyKind,
    /// The `Crawl-delay` of the group that applies to our token, if any.
    crawl_delay: Option<Duration>,
}

#[derive(Debug, Clone)]
enum PolicyKind {
    /// No restrictions (4xx, or an empty file), with the reason.
    AllowAll(String),
    /// Nothing may be fetched (5xx, unreachable, unreadable), with the reason.
    DisallowAll(String),
    /// A parsed file.
    Rules(Arc<ParsedRobots>),
}

#[derive(Debug)]
struct ParsedRobots {
    body: String,
    groups: Vec<Group>,
}

/// One group: its user-agent lines and rules, with line numbers.
#[derive(Debug, Default, Clone)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

#[derive(Debug, Clone)]
struct Rule {
    line: u32,
    allow: bool,
    pattern: String,
}

/// The verdict for one URL, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsVerdict {
    Allowed(String),
    Disallowed(String),
}

impl RobotsVerdict {
    pub fn is_allowed(&self) -> bool {
        matches!(self, RobotsVerdict::Allowed(_))
    }

    /// The reason in words, for the politeness record.
    pub fn reason(&self) -> &str {
        match self {
            RobotsVerdict::Allowed(reason) | RobotsVerdict::Disallowed(reason) => reason,
        }
    }
}

impl RobotsPolicy {
    /// The policy a robots.txt response implies (RFC 9309 §2.3.1): 2xx is
    /// parsed; 4xx allows all, except 429, which like 5xx (and like an
    /// unfollowed redirect) disallows all until it can be read.
    pub fn from_response(status: u16, body: &[u8], token: &str) -> RobotsPolicy {
        match status {
            200..=299 => RobotsPolicy::parse(body, token),
            400..=499 if status != 429 => RobotsPolicy {
                kind: PolicyKind::AllowAll(format!("robots.txt answered {status}: allow all")),
                crawl_delay: None,
            },
            _ => RobotsPolicy::unavailable(format!("robots.txt answered {status}")),
        }
    }

    /// No robots.txt could be read (5xx, timeout, connection error).
    pub fn unavailable(reason: String) -> RobotsPolicy {
        RobotsPolicy {
            kind: PolicyKind::DisallowAll(format!("{reason}: disallow all until it can be read")),
            crawl_delay: None,
        }
    }

    /// Parses a robots.txt body for `token`.
    pub fn parse(body: &[u8], token: &str) -> RobotsPolicy {
        let cut = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        // A UTF-8 byte order mark is not part of the first line (RFC 9309
        // §2.2; Google's peer suite, BOM-characters). The crate takes text
        // and would read the mark as part of "User-Agent".
        let cut = cut.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cut);
        let body = String::from_utf8_lossy(cut).into_owned();
        let collected = catch_unwind(AssertUnwindSafe(|| {
            let mut collector = GroupCollector::default();
            robotstxt::parse_robotstxt(&body, &mut collector);
            collector.finish()
        }));
        let Ok(groups) = collected else {
            return RobotsPolicy::unavailable(
                "robots.txt could not be parsed (parser panic)".to_owned(),
            );
        };
        let parsed = ParsedRobots { body, groups };
        let crawl_delay = parsed.group_for(token).and_then(|group| group.crawl_delay);
        RobotsPolicy {
            kind: PolicyKind::Rules(Arc::new(parsed)),
            crawl_delay,
        }
    }

    /// The `Crawl-delay` asked of our token, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }

    /// Whether the host's robots.txt could be read at all.
    pub fn is_available(&self) -> bool {
        !matches!(self.kind, PolicyKind::DisallowAll(_))
    }

    /// Whether `token` may fetch `url`.
    pub fn verdict(&self, token: &str, url: &Url) -> RobotsVerdict {
        let parsed = match &self.kind {
            PolicyKind::AllowAll(reason) => return RobotsVerdict::Allowed(reason.clone()),
            PolicyKind::DisallowAll(reason) => return RobotsVerdict::Disallowed(reason.clone()),
            PolicyKind::Rules(parsed) => parsed,
        };
        let allowed = catch_unwind(AssertUnwindSafe(|| {
            let mut matcher = DefaultMatcher::default();
            matcher.one_agent_allowed_by_robots(&parsed.body, token, url.as_str())
        }));
        let Ok(allowed) = allowed else {
            return RobotsVerdict::Disallowed(
                "robots.txt could not be evaluated (matcher panic): disallow all".to_owned(),
            );
        };
        let rule = parsed.explain(token, url);
        if allowed {
            RobotsVerdict::Allowed(match rule {
                Some(rule) if rule.allow => format!(
                    "allowed by robots.txt line {}: Allow: {}",
                    rule.line, rule.pattern
                ),
                _ => "allowed: no matching robots.txt rule".to_owned(),
            })
        } else {
            RobotsVerdict::Disallowed(match rule {
                Some(rule) if !rule.allow => format!(
                    "disallowed by robots.txt line {}: Disallow: {}",
                    rule.line, rule.pattern
                ),
                _ => "disallowed by robots.txt".to_owned(),
            })
        }
    }
}

impl ParsedRobots {
    /// The group for `token` if one names it, else the `*` group.
    fn group_for(&self, token: &str) -> Option<Group> {
        let merged = |wanted: &dyn Fn(&str) -> bool| {
            let mut merged: Option<Group> = None;
            for group in self
                .groups
                .iter()
                .filter(|group| group.agents.iter().any(|agent| wanted(agent)))
            {
                let target = merged.get_or_insert_with(Group::default);
                target.rules.extend(group.rules.iter().cloned());
                target.crawl_delay = target.crawl_delay.or(group.crawl_delay);
            }
            merged
        };
        merged(&|agent| agent_token(agent).eq_ignore_ascii_case(token))
            .or_else(|| merged(&|agent| agent == "*"))
    }

    /// The longest rule matching `url` in the group that applies (allow wins
    /// a tie), to name in the politeness record.
    fn explain(&self, token: &str, url: &Url) -> Option<Rule> {
        let path = robotstxt::get_path_params_query(url.as_str()).into_owned();
        let group = self.group_for(token)?;
        group
            .rules
            .into_iter()
            .filter(|rule| {
                !rule.pattern.is_empty()
                    && LongestMatchRobotsMatchStrategy::matches(&path, &rule.pattern)
            })
            .max_by_key(|rule| (rule.pattern.len(), rule.allow))
    }
}

/// The product token part of a user-agent line (`Googlebot/2.1` → `Googlebot`).
fn agent_token(agent: &str) -> &str {
    let end = agent
        .find(|character: char| {
            !(character.is_ascii_alphabetic() || character == '-' || character == '_')
        })
        .unwrap_or(agent.len());
    &agent[..end]
}

/// Parse callbacks that collect groups, rules and crawl delays.
#[derive(Default)]
struct GroupCollector {
    groups: Vec<Group>,
    current: Option<Group>,
    /// True while consecutive user-agent lines open one group.
    in_agent_lines: bool,
}

impl GroupCollector {
    fn finish(mut self) -> Vec<Group> {
        self.groups.extend(self.current.take());
        self.groups
    }

    fn rule(&mut self, line: u32, allow: bool, value: &str) {
        self.in_agent_lines = false;
        if let Some(group) = self.current.as_mut() {
            group.rules.push(Rule {
                line,
                allow,
                pattern: value.to_owned(),
            });
        }
    }
}

impl RobotsParseHandler for GroupCollector {
    fn handle_robots_start(&mut self) {}

    fn handle_robots_end(&mut self) {}

    fn handle_user_agent(&mut self, _line: u32, user_agent: &str) {
        if !self.in_agent_lines {
            self.groups.extend(self.current.take());
            self.current = Some(Group::default());
            self.in_agent_lines = true;
        }
        if let Some(group) = self.current.as_mut() {
            group.agents.push(user_agent.trim().to_owned());
        }
    }

    fn handle_allow(&mut self, line: u32, value: &str) {
        self.rule(line, true, value);
    }

    fn handle_disallow(&mut self, line: u32, value: &str) {
        self.rule(line, false, value);
    }

    fn handle_sitemap(&mut self, _line: u32, _value: &str) {}

    fn handle_unknown_action(&mut self, _line: u32, action: &str, value: &str) {
        self.in_agent_lines = false;
        if action.trim().eq_ignore_ascii_case("crawl-delay") {
            if let (Some(group), Ok(seconds)) = (self.current.as_mut(), value.trim().parse::<f64>())
            {
                if seconds.is_finite() && seconds >= 0.0 {
                    group.crawl_delay = Some(Duration::from_secs_f64(seconds.min(86_400.0)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, url: &str, expect_allowed: bool, expect_reason: &str) {
        let policy = RobotsPolicy::from_response(200, body.as_bytes(), "cartograph");
        let verdict = policy.verdict("cartograph", &Url::parse(url).unwrap());
        assert_eq!(
            verdict.is_allowed(),
            expect_allowed,
            "{body:?} {url}: {verdict:?}"
        );
        assert!(
            verdict.reason().contains(expect_reason),
            "{verdict:?} lacks {expect_reason:?}"
        );
    }

    #[test]
    fn verdicts_name_their_rule() {
        let body = "User-agent: *\nDisallow: /private/\nAllow: /private/open/\n";
        check(body, "http://h.test/list/", true, "no matching");
        check(
            body,
            "http://h.test/private/x",
            false,
            "line 2: Disallow: /private/",
        );
        check(
            body,
            "http://h.test/private/open/x",
            true,
            "line 3: Allow: /private/open/",
        );
        let specific = "User-agent: *\nDisallow: /\n\nUser-agent: cartograph\nDisallow: /secret\n";
        check(specific, "http://h.test/list/", true, "no matching");
        check(specific, "http://h.test/secret/1", false, "line 5");
        check(
            "User-agent: *\nDisallow: /*.php$\n",
            "http://h.test/a.php",
            false,
            "/*.php$",
        );
        check(
            "User-agent: *\nDisallow: /*.php$\n",
            "http://h.test/a.php?x=1",
            true,
            "no matching",
        );
    }

    #[test]
    fn status_classes_follow_rfc_9309() {
        let url = Url::parse("http://h.test/x").unwrap();
        assert!(RobotsPolicy::from_response(404, b"", "cartograph")
            .verdict("cartograph", &url)
            .is_allowed());
        assert!(!RobotsPolicy::from_response(503, b"", "cartograph")
            .verdict("cartograph", &url)
            .is_allowed());
        assert!(!RobotsPolicy::unavailable("timed out".into())
            .verdict("cartograph", &url)
            .is_allowed());
    }

    #[test]
    fn crawl_delay_comes_from_the_group_that_applies() {
        let body = "User-agent: *\nCrawl-delay: 2\n\nUser-agent: cartograph\nCrawl-delay: 7.5\nDisallow: /x\n";
        let policy = RobotsPolicy::parse(body.as_bytes(), "cartograph");
        assert_eq!(policy.crawl_delay(), Some(Duration::from_millis(7500)));
        let other = RobotsPolicy::parse(body.as_bytes(), "otherbot");
        assert_eq!(other.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_line() {
        let body = b"\xEF\xBB\xBFUser-Agent: *\nDisallow: /x\n";
        let policy = RobotsPolicy::parse(body, "cartograph");
        let url = Url::parse("http://h.test/x").unwrap();
        assert!(!policy.verdict("cartograph", &url).is_allowed());
    }

    #[test]
    fn long_multibyte_line_does_not_panic_out() {
        let mut body = String::from("User-agent: *\nDisallow: /");
        body.push_str(&"é".repeat(20_000));
        body.push('\n');
        let policy = RobotsPolicy::parse(body.as_bytes(), "cartograph");
        // Whatever the crate does with it, we get a verdict, not a panic.
        let _ = policy.verdict("cartograph", &Url::parse("http://h.test/x").unwrap());
    }
}
