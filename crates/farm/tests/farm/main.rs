//! Integration tests of the farm through its public API: the server and its
//! audit on port 0, and the generated crawler config.

mod config;
mod determinism;
mod http_client;
mod phones;
mod robots;
mod server;
mod templates;
