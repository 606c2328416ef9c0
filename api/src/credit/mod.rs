//! Credit: credit notes, and applying a client's credit (notes and unapplied payments) to invoices.

pub mod apply;
pub mod graphql;
pub mod service;

pub use apply::{CreditUse, MAX_CREDIT_INVOICES};
pub use service::{CreditNote, NewCreditNote};
