//! Exit codes, documented in `--help`. Scripts and the unit's scheduler
//! rely on them; never renumber one.

/// Everything asked for was done. A run that completed exits with this even
/// when some sites failed; the summary says which.
pub(crate) const SUCCESS: u8 = 0;
/// Something went wrong that stopped the command (store, I/O, …).
pub(crate) const FAILURE: u8 = 1;
/// The config is invalid; every problem was printed.
pub(crate) const CONFIG_INVALID: u8 = 3;
/// Some requested sites or seeds were refused (outside the whitelist,
/// authorization expired); the rest were crawled.
pub(crate) const REFUSED: u8 = 4;
/// The run was interrupted before it finished.
pub(crate) const INTERRUPTED: u8 = 5;
/// `verify` found a check that failed; every failure was printed.
pub(crate) const VERIFY_FAILED: u8 = 6;
/// The store is in use by another cartograph process (named with its pid).
pub(crate) const BUSY: u8 = 7;

/// The text `--help` shows after the options.
pub(crate) const HELP: &str = "\
Exit codes:
  0  success (a completed run, even if some sites failed: the summary names them)
  1  failure (store, I/O or other error)
  2  usage error (bad command line)
  3  the config is invalid (every problem is printed as PATH:LINE:COL)
  4  some requested sites or seeds were refused (the rest were crawled)
  5  the run was interrupted (it resumes on the next crawl or daemon start)
  6  verify found damage (each failed check is printed as a FAIL line)
  7  the store is in use by another cartograph process (its pid is named)";
