//! The integration tests: one binary, one module per file in this folder, found by
//! `automod` (a new file here is compiled and run without any other change). Each runs on SQLite
//! and on PostgreSQL + Redis (`both_backends!`); the shared harness is `tests/common`.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

automod::dir!("../tests/it");
