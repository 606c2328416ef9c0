//! Portico: a multi-tenant client portal for accounts receivable. This library holds everything;
//! `main.rs` is a thin CLI over [`app::App`], the composition root that tests use too.

pub mod app;
pub mod auth;
pub mod bench;
pub mod bench_webhooks;
pub mod client_ip;
pub mod config;
pub mod demo;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod pages;
pub mod payments;
pub mod portal;
pub mod soak;
pub mod store;
pub mod time_zone;

pub use portico_domain as domain;
