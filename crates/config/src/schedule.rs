//! Schedules for the daemon: a 5-field cron expression (minute, hour, day
//! of month, month, day of week) read in an explicit IANA time zone, on a
//! `[[site]]` (`schedule`, `timezone`) or on a `[[group]]` of sites (`id`,
//! `sites`, `schedule`, `timezone`). The time zone is never implied: a
//! server's local zone is an accident of its setup, and "3 a.m." must mean
//! the same after the server moves.
//!
//! Cron matching is croner's (POSIX/Vixie semantics: when both day fields
//! are restricted, either may match); time zones are chrono-tz's. Across a
//! daylight-saving change a local time that does not exist (the hour the
//! clocks skip) runs at the first instant after the gap, so a nightly crawl
//! is not lost that night, and one that exists twice runs once, at its
//! first occurrence.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use serde::{Serialize, Serializer};
use toml::de::DeValue;

use crate::diagnostic::DiagnosticSink;
use crate::reader::{nearest_name, Located, TableReader};
use crate::schema::GROUP;

/// A valid schedule: a 5-field cron expression in a named time zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    expression: String,
    timezone: Tz,
    cron: Cron,
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Schedule) -> bool {
        self.expression == other.expression && self.timezone == other.timezone
    }
}

impl Schedule {
    /// Parses `expression` (exactly five fields) in the IANA zone `timezone`.
    pub fn parse(expression: &str, timezone: &str) -> Result<Schedule, ScheduleError> {
        let timezone =
            Tz::from_str(timezone).map_err(|_| ScheduleError::UnknownTimezone(timezone.into()))?;
        let fields = expression.split_whitespace().count();
        if fields != 5 || expression.contains('@') {
            return Err(ScheduleError::NotFiveFields(expression.to_owned()));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build()
            .parse(expression)
            .map_err(|error| ScheduleError::BadExpression {
                expression: expression.to_owned(),
                reason: error.to_string(),
            })?;
        Ok(Schedule {
            expression: expression.trim().to_owned(),
            timezone,
            cron,
        })
    }

    /// The cron expression as written.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The IANA name of the zone the expression is read in.
    pub fn timezone(&self) -> &str {
        self.timezone.name()
    }

    /// The first slot strictly after `after`, if there is one within a year
    /// (an expression such as `0 0 31 2 *` has none).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.timezone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|slot| slot.with_timezone(&Utc))
    }

    /// The latest slot at or before `at`, if there is one within a year.
    pub fn latest_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&self.timezone);
        self.cron
            .find_previous_occurrence(&local, true)
            .ok()
            .map(|slot| slot.with_timezone(&Utc))
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("Schedule", 2)?;
        state.serialize_field("schedule", &self.expression)?;
        state.serialize_field("timezone", self.timezone.name())?;
        state.end()
    }
}

/// Why a schedule is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("'{0}' is not a 5-field cron expression")]
    NotFiveFields(String),
    #[error("bad cron expression '{expression}': {reason}")]
    BadExpression { expression: String, reason: String },
    #[error("unknown time zone '{0}'")]
    UnknownTimezone(String),
}

/// A `[[group]]`: sites crawled together on one schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSpec {
    /// Lowercase kebab-case, unique among groups.
    pub id: String,
    /// Ids of whitelisted sites, each once.
    pub sites: Vec<String>,
    #[serde(flatten)]
    pub schedule: Schedule,
}

/// The schedule of a table with `schedule` and `timezone` keys: `Some(None)`
/// when it has neither, `None` when a problem was reported.
pub(crate) fn read_schedule(
    reader: &TableReader<'_, '_>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<Option<Schedule>> {
    let expression = if reader.has("schedule") {
        Some(reader.non_empty_string("schedule", sink)?)
    } else {
        None
    };
    let timezone = if reader.has("timezone") {
        Some(reader.non_empty_string("timezone", sink)?)
    } else {
        None
    };
    match (expression, timezone) {
        (None, None) => Some(None),
        (Some(expression), None) => {
            sink.error(
                expression.span,
                format!(
                    "{} has no timezone: a schedule is read in an explicit time zone",
                    reader.describe("schedule")
                ),
                format!(
                    "add the IANA zone the times are meant in, e.g. {}",
                    reader.example("timezone")
                ),
            );
            None
        }
        (None, Some(timezone)) => {
            sink.error(
                timezone.span,
                format!(
                    "{} is given without a schedule",
                    reader.describe("timezone")
                ),
                format!(
                    "add a 5-field cron schedule, e.g. {}, or remove the timezone",
                    reader.example("schedule")
                ),
            );
            None
        }
        (Some(expression), Some(timezone)) => {
            match Schedule::parse(expression.value, timezone.value) {
                Ok(schedule) => Some(Some(schedule)),
                Err(error) => {
                    report_schedule_error(reader, &expression, &timezone, &error, sink);
                    None
                }
            }
        }
    }
}

fn report_schedule_error(
    reader: &TableReader<'_, '_>,
    expression: &Located<&str>,
    timezone: &Located<&str>,
    error: &ScheduleError,
    sink: &mut DiagnosticSink<'_>,
) {
    let five_fields = "write five fields: minute hour day-of-month month day-of-week, \
                       e.g. \"0 3 * * *\" for 03:00 every day";
    match error {
        ScheduleError::UnknownTimezone(_) => {
            let names: Vec<&str> = chrono_tz::TZ_VARIANTS
                .iter()
                .map(|zone| zone.name())
                .collect();
            let hint = match nearest_name(timezone.value, names.iter().copied()) {
                Some(nearest) => format!("did you mean \"{nearest}\"? use an IANA zone name"),
                None => format!("use an IANA zone name, e.g. {}", reader.example("timezone")),
            };
            sink.error(
                timezone.span.clone(),
                format!("{error}{}", reader.context()),
                hint,
            );
        }
        ScheduleError::NotFiveFields(_) | ScheduleError::BadExpression { .. } => {
            sink.error(
                expression.span.clone(),
                format!("{error}{}", reader.context()),
                five_fields.to_owned(),
            );
        }
    }
}

/// Every `[[group]]`, in file order. A group may name any site whose
/// `[[site]]` table is written with an id (a site with problems of its own
/// is reported there, not again here).
pub(crate) fn read_groups(
    root: &TableReader<'_, '_>,
    sink: &mut DiagnosticSink<'_>,
) -> Vec<GroupSpec> {
    let Some(value) = root.value("group") else {
        return Vec::new();
    };
    let written_site_ids = written_site_ids(root);
    let site_ids: HashSet<&str> = written_site_ids.iter().map(String::as_str).collect();
    let site_ids = &site_ids;
    let DeValue::Array(entries) = value.get_ref() else {
        sink.error(
            value.span(),
            "'group' must be an array of tables, one per group".to_owned(),
            "write the header with double brackets: [[group]]".to_owned(),
        );
        return Vec::new();
    };
    let mut first_offset_of_id: HashMap<String, usize> = HashMap::new();
    let mut groups = Vec::new();
    for entry in entries.iter() {
        let DeValue::Table(table) = entry.get_ref() else {
            root.report_wrong_type("group", "an array of tables", entry, sink);
            continue;
        };
        let mut reader = TableReader::new(table, &GROUP, entry.span(), sink);
        let id = reader
            .required_string("id", "; the daemon and `status` name the group by it", sink)
            .and_then(|id| {
                let is_kebab_case = !id.value.is_empty()
                    && id.value.chars().all(|character| {
                        character.is_ascii_lowercase()
                            || character.is_ascii_digit()
                            || character == '-'
                    });
                if !is_kebab_case {
                    sink.error(
                        id.span,
                        format!("bad group id '{}': ids are lowercase kebab-case", id.value),
                        "use lowercase letters, digits and '-', e.g. id = \"nightly\"".to_owned(),
                    );
                    return None;
                }
                if let Some(&first) = first_offset_of_id.get(id.value) {
                    sink.error(
                        id.span,
                        format!("duplicate group id '{}'", id.value),
                        format!(
                            "the first group with this id is on line {}; give each group its own id",
                            sink.line_of(first)
                        ),
                    );
                    return None;
                }
                first_offset_of_id.insert(id.value.to_owned(), id.span.start);
                Some(id.value.to_owned())
            });
        if let Some(id) = &id {
            reader.set_context(format!(" in group '{id}'"));
        }
        let sites = if reader.has("sites") {
            reader
                .string_array("sites", sink)
                .and_then(|sites| group_sites(&reader, sites, site_ids, sink))
        } else {
            reader.report_missing("sites", "", sink);
            None
        };
        let schedule = match read_schedule(&reader, sink) {
            Some(Some(schedule)) => Some(schedule),
            Some(None) => {
                reader.report_missing("schedule", "; a group exists to be scheduled", sink);
                None
            }
            None => None,
        };
        if let (Some(id), Some(sites), Some(schedule)) = (id, sites, schedule) {
            groups.push(GroupSpec {
                id,
                sites,
                schedule,
            });
        }
    }
    groups
}

/// The `id` of every `[[site]]` table as written.
fn written_site_ids(root: &TableReader<'_, '_>) -> Vec<String> {
    let Some(DeValue::Array(entries)) = root.value("site").map(|value| value.get_ref()) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| match entry.get_ref() {
            DeValue::Table(table) => match table.get("id").map(|id| id.get_ref()) {
                Some(DeValue::String(id)) => Some(id.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn group_sites(
    reader: &TableReader<'_, '_>,
    sites: Located<Vec<Located<&str>>>,
    site_ids: &HashSet<&str>,
    sink: &mut DiagnosticSink<'_>,
) -> Option<Vec<String>> {
    if sites.value.is_empty() {
        sink.error(
            sites.span,
            format!("{} is empty", reader.describe("sites")),
            format!(
                "name the sites the group crawls, e.g. {}",
                reader.example("sites")
            ),
        );
        return None;
    }
    let mut all_valid = true;
    let mut ids: Vec<String> = Vec::new();
    for site in &sites.value {
        if !site_ids.contains(site.value) {
            let hint = match nearest_name(site.value, site_ids.iter().copied()) {
                Some(nearest) => format!("did you mean \"{nearest}\"?"),
                None => "name a site by the id of its [[site]] table".to_owned(),
            };
            sink.error(
                site.span.clone(),
                format!(
                    "{} names '{}', which is no whitelisted site",
                    reader.describe("sites"),
                    site.value
                ),
                hint,
            );
            all_valid = false;
        } else if ids.iter().any(|id| id == site.value) {
            sink.error(
                site.span.clone(),
                format!("{} names '{}' twice", reader.describe("sites"), site.value),
                "name each site once".to_owned(),
            );
            all_valid = false;
        } else {
            ids.push(site.value.to_owned());
        }
    }
    all_valid.then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn next_slots_are_read_in_the_schedules_own_zone() {
        let check = |expression: &str, zone: &str, after: &str, expected: &str| {
            let schedule = Schedule::parse(expression, zone).unwrap();
            assert_eq!(
                schedule.next_after(utc(after)),
                Some(utc(expected)),
                "{expression} {zone} after {after}"
            );
        };
        // 03:00 in Vienna is 02:00 UTC in winter, 01:00 UTC in summer.
        check(
            "0 3 * * *",
            "Europe/Vienna",
            "2025-01-10T12:00:00Z",
            "2025-01-11T02:00:00Z",
        );
        check(
            "0 3 * * *",
            "Europe/Vienna",
            "2025-07-10T12:00:00Z",
            "2025-07-11T01:00:00Z",
        );
        // Strictly after: a slot exactly now is not the next one.
        check(
            "0 3 * * *",
            "UTC",
            "2025-01-10T03:00:00Z",
            "2025-01-11T03:00:00Z",
        );
        check(
            "*/15 * * * *",
            "UTC",
            "2025-01-10T03:07:00Z",
            "2025-01-10T03:15:00Z",
        );
        check(
            "0 9 * * 1-5",
            "America/New_York",
            "2025-01-10T15:00:00Z",
            "2025-01-13T14:00:00Z",
        );
        // The night the clocks go forward (Vienna, 2025-03-30, 02:00 → 03:00)
        // has no 02:30: that night's slot is the end of the gap, 03:00 local.
        check(
            "30 2 * * *",
            "Europe/Vienna",
            "2025-03-29T12:00:00Z",
            "2025-03-30T01:00:00Z",
        );
        check(
            "30 2 * * *",
            "Europe/Vienna",
            "2025-03-30T01:00:00Z",
            "2025-03-31T00:30:00Z",
        );
        // The night they go back (2025-10-26) has 02:30 twice: it runs once,
        // at the first (still summer time, 00:30 UTC).
        check(
            "30 2 * * *",
            "Europe/Vienna",
            "2025-10-25T12:00:00Z",
            "2025-10-26T00:30:00Z",
        );
        check(
            "30 2 * * *",
            "Europe/Vienna",
            "2025-10-26T00:30:00Z",
            "2025-10-27T01:30:00Z",
        );
    }

    #[test]
    fn the_latest_slot_at_or_before_a_time() {
        let schedule = Schedule::parse("0 3 * * *", "UTC").unwrap();
        let at = Utc.with_ymd_and_hms(2025, 1, 10, 3, 0, 0).unwrap();
        assert_eq!(schedule.latest_at_or_before(at), Some(at));
        assert_eq!(
            schedule.latest_at_or_before(at - chrono::Duration::seconds(1)),
            Some(at - chrono::Duration::days(1))
        );
    }

    #[test]
    fn bad_schedules_are_refused_with_the_reason() {
        let check = |expression: &str, zone: &str, expected: ScheduleError| {
            assert_eq!(
                Schedule::parse(expression, zone),
                Err(expected),
                "{expression}"
            );
        };
        check(
            "0 0 3 * * *",
            "UTC",
            ScheduleError::NotFiveFields("0 0 3 * * *".into()),
        );
        check(
            "@daily",
            "UTC",
            ScheduleError::NotFiveFields("@daily".into()),
        );
        check(
            "0 3 * *",
            "UTC",
            ScheduleError::NotFiveFields("0 3 * *".into()),
        );
        check(
            "0 3 * * *",
            "Europe/Wien",
            ScheduleError::UnknownTimezone("Europe/Wien".into()),
        );
        assert!(matches!(
            Schedule::parse("61 3 * * *", "UTC"),
            Err(ScheduleError::BadExpression { .. })
        ));
    }

    const HEAD: &str =
        "[crawler]\nuser_agent = \"cartograph\"\ncontact = \"mailto:u@example.org\"\n";

    fn site(id: &str, extra: &str) -> String {
        format!(
            "[[site]]\nid = \"{id}\"\nname = \"N\"\ncountry = \"AT\"\n\
             seeds = [\"http://{id}.example.test/l/\"]\n\
             listing = [\"http://{id}.example.test/l/*\"]\n{extra}"
        )
    }

    fn parse(text: &str) -> Result<crate::Loaded, Vec<(usize, String)>> {
        let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        crate::parse(text, std::path::Path::new("c.toml"), today).map_err(|error| match error {
            crate::LoadError::Invalid { diagnostics, .. } => diagnostics
                .into_iter()
                .map(|diagnostic| (diagnostic.line, diagnostic.message))
                .collect(),
            other => panic!("{other}"),
        })
    }

    #[test]
    fn sites_and_groups_carry_schedules_in_explicit_zones() {
        let text = format!(
            "{HEAD}{}{}\n[[group]]\nid = \"nightly\"\nsites = [\"a\", \"b\"]\n\
             schedule = \"0 3 * * *\"\ntimezone = \"Europe/Vienna\"\n",
            site("a", "schedule = \"*/30 * * * *\"\ntimezone = \"UTC\"\n"),
            site("b", "")
        );
        let config = parse(&text).unwrap().config;
        let a = config.site("a").unwrap().schedule.clone().unwrap();
        assert_eq!((a.expression(), a.timezone()), ("*/30 * * * *", "UTC"));
        assert_eq!(config.site("b").unwrap().schedule, None);
        assert_eq!(config.groups.len(), 1);
        assert_eq!(config.groups[0].sites, ["a", "b"]);
        assert_eq!(config.groups[0].schedule.timezone(), "Europe/Vienna");
    }

    #[test]
    fn schedule_problems_are_reported_where_they_are_written() {
        let text = format!(
            "{HEAD}{}{}{}\n[[group]]\nid = \"nightly\"\nsites = [\"a\", \"zz\"]\n\
             schedule = \"0 3 * * * *\"\ntimezone = \"Europe/Vienna\"\n\
             \n[[group]]\nid = \"weekly\"\nsites = [\"a\"]\n",
            site("a", "schedule = \"0 3 * * *\"\n"),
            site(
                "b",
                "schedule = \"0 3 * * *\"\ntimezone = \"Europe/Wien\"\n"
            ),
            site("c", "timezone = \"UTC\"\n"),
        );
        let problems = parse(&text).unwrap_err();
        let expect = |line: usize, fragment: &str| {
            assert!(
                problems
                    .iter()
                    .any(|(at, message)| *at == line && message.contains(fragment)),
                "no problem on line {line} about {fragment:?}: {problems:#?}"
            );
        };
        expect(10, "has no timezone");
        expect(18, "unknown time zone 'Europe/Wien'");
        expect(25, "without a schedule");
        expect(29, "'zz', which is no whitelisted site");
        expect(30, "not a 5-field cron expression");
        expect(33, "schedule");
        assert_eq!(problems.len(), 6, "{problems:#?}");
    }
}
