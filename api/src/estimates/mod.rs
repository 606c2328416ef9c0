//! Estimates: quotes a client accepts or declines, and their conversion into invoices.

pub mod convert;
pub mod drafts;
pub mod graphql;
pub mod service;

pub use service::{Estimate, NewEstimate};
