//! Invoicing: invoices and their lines (shared with estimates and credit notes), listing with
//! filters and cursors, and the shareable invoice links.

pub mod drafts;
pub mod graphql;
pub mod lines;
pub mod links;
pub mod listing;
pub mod mail;
pub mod sending;
pub mod service;

pub use drafts::{InvoicePatch, Preview, PreviewLine};
pub use lines::{Line, NewLine};
pub use links::InvoiceLink;
pub use listing::{InvoiceFilter, InvoiceOrder, InvoicePage, InvoiceSort};
pub use sending::Sent;
pub use service::{Invoice, NewInvoice};
