//! Lines for the operator on stderr: plain text, or with
//! `--log-format json` one JSON log event per line (through tracing), so a
//! unit's log stack never meets a line it cannot parse from the commands
//! that run unattended (`crawl`, `recrawl`, `daemon`).

use std::sync::atomic::{AtomicBool, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);

/// Switches every later notice to JSON log events.
pub(crate) fn use_json(json: bool) {
    JSON.store(json, Ordering::Relaxed);
}

/// Says `text` (one or more lines) to the operator.
pub(crate) fn say(text: &str) {
    for line in text.lines().filter(|line| !line.is_empty()) {
        if JSON.load(Ordering::Relaxed) {
            tracing::info!(target: "cartograph", "{line}");
        } else {
            eprintln!("{line}");
        }
    }
}

/// Says that something failed.
pub(crate) fn error(text: &str) {
    if JSON.load(Ordering::Relaxed) {
        tracing::error!(target: "cartograph", "{text}");
    } else {
        eprintln!("error: {text}");
    }
}
