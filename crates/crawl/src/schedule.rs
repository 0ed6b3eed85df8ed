//! The daemon's decisions, kept pure so they are tested with an injected
//! clock: which schedules are due at an instant, which of their sites may
//! run (never two runs of one site at once: a site whose run is still going
//! at its next slot is not started again, it skips that slot), and when to
//! wake next.
//!
//! Every slot fires at most once. A daemon that was down over one or more
//! slots of a schedule fires it once on start (the latest missed slot), not
//! once per missed slot; a schedule the store has no record of starts from
//! the daemon's start (no catch-up).

use std::collections::{BTreeMap, BTreeSet};

use cartograph_config::{Config, Schedule};
use chrono::{DateTime, Utc};

/// One schedule: a site's own or a group's.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleEntry {
    /// `site:ID` or `group:ID`.
    pub id: String,
    pub sites: Vec<String>,
    pub schedule: Schedule,
}

impl ScheduleEntry {
    /// Every schedule in `config`: sites' own first, then groups.
    pub fn from_config(config: &Config) -> Vec<ScheduleEntry> {
        let sites = config.sites.iter().filter_map(|site| {
            site.schedule.as_ref().map(|schedule| ScheduleEntry {
                id: format!("site:{}", site.id),
                sites: vec![site.id.clone()],
                schedule: schedule.clone(),
            })
        });
        let groups = config.groups.iter().map(|group| ScheduleEntry {
            id: format!("group:{}", group.id),
            sites: group.sites.clone(),
            schedule: group.schedule.clone(),
        });
        sites.chain(groups).collect()
    }
}

/// A slot that is due now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub schedule_id: String,
    pub slot: DateTime<Utc>,
    /// Sites to run now.
    pub sites: Vec<String>,
    /// Sites of the schedule whose run is still going (or that another
    /// schedule due at the same time already takes): not run for this slot.
    pub busy: Vec<String>,
}

/// The schedules and the last slot each fired for.
#[derive(Debug, Clone)]
pub struct Scheduler {
    entries: Vec<ScheduleEntry>,
    last_slot: BTreeMap<String, DateTime<Utc>>,
}

impl Scheduler {
    /// `last_fired` is the store's memory of each schedule's last slot;
    /// `now` is the daemon's start.
    pub fn new(
        entries: Vec<ScheduleEntry>,
        last_fired: &BTreeMap<String, DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Scheduler {
        let last_slot = entries
            .iter()
            .map(|entry| {
                let last = last_fired.get(&entry.id).copied().unwrap_or(now);
                (entry.id.clone(), last)
            })
            .collect();
        Scheduler { entries, last_slot }
    }

    pub fn entries(&self) -> &[ScheduleEntry] {
        &self.entries
    }

    /// The slots due at `now`, each schedule's latest one; sites in `busy`
    /// (a run of them is going) are not run again.
    pub fn due(&mut self, now: DateTime<Utc>, busy: &BTreeSet<String>) -> Vec<Firing> {
        let mut taken: BTreeSet<String> = busy.clone();
        let mut firings = Vec::new();
        for entry in &self.entries {
            let Some(latest) = entry.schedule.latest_at_or_before(now) else {
                continue;
            };
            let last = self.last_slot.get(&entry.id).copied();
            if last.is_some_and(|last| latest <= last) {
                continue;
            }
            self.last_slot.insert(entry.id.clone(), latest);
            let (busy_sites, sites): (Vec<String>, Vec<String>) = entry
                .sites
                .iter()
                .cloned()
                .partition(|site| taken.contains(site));
            taken.extend(sites.iter().cloned());
            firings.push(Firing {
                schedule_id: entry.id.clone(),
                slot: latest,
                sites,
                busy: busy_sites,
            });
        }
        firings
    }

    /// When the next slot of any schedule comes after `now`.
    pub fn next_wake(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entries
            .iter()
            .filter_map(|entry| entry.schedule.next_after(now))
            .min()
    }

    /// The next slot of every schedule after `now`.
    pub fn next_slots(&self, now: DateTime<Utc>) -> Vec<(String, Option<DateTime<Utc>>)> {
        self.entries
            .iter()
            .map(|entry| (entry.id.clone(), entry.schedule.next_after(now)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn entry(id: &str, sites: &[&str], cron: &str, zone: &str) -> ScheduleEntry {
        ScheduleEntry {
            id: id.to_owned(),
            sites: sites.iter().map(|site| (*site).to_owned()).collect(),
            schedule: Schedule::parse(cron, zone).unwrap(),
        }
    }

    fn busy(sites: &[&str]) -> BTreeSet<String> {
        sites.iter().map(|site| (*site).to_owned()).collect()
    }

    /// (schedule, slot, sites run, sites busy) of each firing.
    fn summary(firings: &[Firing]) -> Vec<(String, String, Vec<String>, Vec<String>)> {
        firings
            .iter()
            .map(|firing| {
                (
                    firing.schedule_id.clone(),
                    firing.slot.to_rfc3339(),
                    firing.sites.clone(),
                    firing.busy.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_nightly_group_fires_at_its_local_slot_once() {
        let mut scheduler = Scheduler::new(
            vec![entry(
                "group:nightly",
                &["a", "b"],
                "0 3 * * *",
                "Europe/Vienna",
            )],
            &BTreeMap::new(),
            at("2025-01-10T12:00:00Z"),
        );
        assert_eq!(
            scheduler.next_wake(at("2025-01-10T12:00:00Z")),
            Some(at("2025-01-11T02:00:00Z"))
        );
        assert!(scheduler
            .due(at("2025-01-11T01:59:59Z"), &busy(&[]))
            .is_empty());
        let firings = scheduler.due(at("2025-01-11T02:00:00Z"), &busy(&[]));
        assert_eq!(
            summary(&firings),
            [(
                "group:nightly".to_owned(),
                "2025-01-11T02:00:00+00:00".to_owned(),
                vec!["a".to_owned(), "b".to_owned()],
                vec![]
            )]
        );
        // The same slot never fires twice.
        assert!(scheduler
            .due(at("2025-01-11T02:00:30Z"), &busy(&[]))
            .is_empty());
        assert!(scheduler
            .due(at("2025-01-11T14:00:00Z"), &busy(&[]))
            .is_empty());
    }

    #[test]
    fn a_site_still_running_at_its_next_slot_is_not_started_again() {
        let mut scheduler = Scheduler::new(
            vec![entry("site:a", &["a"], "*/10 * * * *", "UTC")],
            &BTreeMap::new(),
            at("2025-01-10T12:00:00Z"),
        );
        let first = scheduler.due(at("2025-01-10T12:10:00Z"), &busy(&[]));
        assert_eq!(first[0].sites, ["a"]);
        // The run of a overlaps the 12:20 slot: skipped, not doubled, and
        // not made up for when the run ends.
        let second = scheduler.due(at("2025-01-10T12:20:00Z"), &busy(&["a"]));
        assert_eq!(summary(&second)[0].2, Vec::<String>::new());
        assert_eq!(summary(&second)[0].3, ["a"]);
        assert!(scheduler
            .due(at("2025-01-10T12:25:00Z"), &busy(&[]))
            .is_empty());
        assert_eq!(
            scheduler.due(at("2025-01-10T12:30:00Z"), &busy(&[]))[0].sites,
            ["a"]
        );
    }

    #[test]
    fn two_schedules_due_together_run_a_shared_site_once() {
        let mut scheduler = Scheduler::new(
            vec![
                entry("site:a", &["a"], "0 * * * *", "UTC"),
                entry("group:all", &["a", "b"], "0 * * * *", "UTC"),
            ],
            &BTreeMap::new(),
            at("2025-01-10T12:30:00Z"),
        );
        let firings = scheduler.due(at("2025-01-10T13:00:00Z"), &busy(&[]));
        assert_eq!(firings[0].sites, ["a"]);
        assert_eq!(firings[1].sites, ["b"]);
        assert_eq!(firings[1].busy, ["a"]);
    }

    #[test]
    fn a_restart_after_missed_slots_fires_once_and_a_new_schedule_waits() {
        let last = BTreeMap::from([("group:nightly".to_owned(), at("2025-01-08T02:00:00Z"))]);
        let mut scheduler = Scheduler::new(
            vec![
                entry("group:nightly", &["a"], "0 3 * * *", "Europe/Vienna"),
                entry("site:b", &["b"], "0 3 * * *", "Europe/Vienna"),
            ],
            &last,
            at("2025-01-10T12:00:00Z"),
        );
        // Down over the 9th and 10th: one catch-up, for the latest slot.
        let firings = scheduler.due(at("2025-01-10T12:00:00Z"), &busy(&[]));
        assert_eq!(
            summary(&firings),
            [(
                "group:nightly".to_owned(),
                "2025-01-10T02:00:00+00:00".to_owned(),
                vec!["a".to_owned()],
                vec![]
            )]
        );
        assert!(scheduler
            .due(at("2025-01-10T12:01:00Z"), &busy(&[]))
            .is_empty());
        assert_eq!(
            scheduler.next_slots(at("2025-01-10T12:01:00Z")),
            [
                ("group:nightly".to_owned(), Some(at("2025-01-11T02:00:00Z"))),
                ("site:b".to_owned(), Some(at("2025-01-11T02:00:00Z")))
            ]
        );
    }
}
