//! Progress on a terminal: one status line rewritten in place while pages
//! come in, and a line per site when it finishes. Nothing when stderr is
//! not a terminal (logs and the final summary say enough there).

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use cartograph_crawl::{NoProgress, Progress, SiteReport};

/// Terminal progress if stderr is a terminal, else none.
pub(crate) fn for_terminal() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Arc::new(TerminalProgress)
    } else {
        Arc::new(NoProgress)
    }
}

struct TerminalProgress;

impl Progress for TerminalProgress {
    fn page_done(&self, site_id: &str, pages_done: u64, outcome: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K{site_id}: {pages_done} pages, last {outcome}"
        );
        let _ = stderr.flush();
    }

    fn site_finished(&self, report: &SiteReport) {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "\r\x1b[2K{}: done, {} pages, {} ads{}",
            report.site_id,
            report.pages_fetched,
            report.ads_seen,
            report
                .reason
                .as_ref()
                .map(|reason| format!(" ({reason})"))
                .unwrap_or_default()
        );
    }
}
