//! Invoicing: invoices and their lines (shared with estimates and credit notes), listing with
//! filters and cursors, and the shareable invoice links.

pub mod graphql;
pub mod lines;
pub mod links;
pub mod listing;
pub mod service;

pub use lines::{Line, NewLine};
pub use links::InvoiceLink;
pub use listing::{InvoiceFilter, InvoiceOrder, InvoicePage, InvoiceSort};
pub use service::{Invoice, InvoicePatch, NewInvoice};
