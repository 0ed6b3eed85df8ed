//! The hostile-server farm: one host per fault a crawler must survive
//! (429 and 503 with Retry-After, resets, slow and endless bodies, lying
//! Content-Length, gzip bombs, huge pages, redirect loops and escapes,
//! calendar traps, flaky or moved robots.txt, non-HTML content, invalid
//! header bytes), served by a raw HTTP/1.1 server on loopback so every byte
//! and every misbehaviour is under the test's control, with the farm's
//! politeness audit extended by the Retry-After each fault asked for.

mod farm;
mod faults;
mod server;

pub use farm::{HostileAudit, HostileConfig, HostileFarm, RunningHostileFarm};
pub use faults::{Fault, HOSTILE_DOMAIN};
