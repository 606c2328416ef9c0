//! Portico: a multi-tenant client portal for accounts receivable. This library holds everything;
//! `main.rs` is a thin CLI over [`app::App`], the composition root that tests use too.
//!
//! The code is cut by business area on a small core (see `docs/ARCHITECTURE.md`): `core` knows no
//! area; each area folder (`tenancy` … `reporting`) holds its types, rules and SQL; `graphql` and
//! `http` assemble the areas; `cli` holds the demo, the benches and the soak.

pub mod app;
pub mod core;

pub mod credit;
pub mod documents;
pub mod estimates;
pub mod help;
pub mod identity;
pub mod invoicing;
pub mod notifications;
pub mod parties;
pub mod payments;
pub mod projects;
pub mod reporting;
pub mod tenancy;
pub mod threads;
pub mod webhooks_out;

pub mod graphql;
pub mod http;

pub mod cli;

pub use portico_domain as domain;
