//! The daemon's memory of its schedules: per schedule (a site's own or a
//! group's), the last slot it fired for, so that a daemon restarted after a
//! slot it missed runs that slot once (not once per missed slot) and a slot
//! is never fired twice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

const SCHEDULES_TREE: &str = "schedules";

/// One schedule's last firing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleStateRecord {
    /// `site:ID` or `group:ID`.
    pub schedule_id: String,
    /// The slot (the schedule's own time, in UTC) last fired for.
    pub last_slot: DateTime<Utc>,
}

impl Store {
    /// Records a schedule's firing.
    pub fn put_schedule_state(&self, record: &ScheduleStateRecord) -> Result<(), StoreError> {
        let tree = self.schedules_tree()?;
        // Invariant: a plain record always serializes.
        let bytes = serde_json::to_vec(record).expect("store records serialize");
        tree.insert(record.schedule_id.as_bytes(), bytes)
            .map(|_| ())
            .map_err(|source| self.database_error(source))
    }

    /// Every schedule's last firing.
    pub fn schedule_states(&self) -> Result<Vec<ScheduleStateRecord>, StoreError> {
        let tree = self.schedules_tree()?;
        self.scan_json(&tree, &[], "schedule state")
    }

    fn schedules_tree(&self) -> Result<sled::Tree, StoreError> {
        self.db
            .open_tree(SCHEDULES_TREE)
            .map_err(|source| self.database_error(source))
    }
}
