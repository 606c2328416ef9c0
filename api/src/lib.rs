pub mod auth;
pub mod config;
pub mod error;
pub mod store;
pub use portico_domain as domain;
