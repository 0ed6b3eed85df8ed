//! Integration tests of the farm through its public API: determinism,
//! templates parsed back with their profiles, the server and its audit on
//! port 0, and the generated crawler config.

mod config;
mod determinism;
mod http_client;
mod server;
mod templates;
