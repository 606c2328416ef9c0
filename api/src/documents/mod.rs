//! Documents: what a business and its clients take away from the portal. Today: spreadsheet
//! exports (XLSX and CSV) of the invoice list, built on one table model per kind so the page,
//! the spreadsheet and (next) the PDF and e-invoice show the same figures. Downloads are
//! authorised exactly like the page they come from and audited.

pub mod attachments;
pub mod downloads;
pub mod invoice_list;
pub mod ledger_lists;
pub mod pdf;
pub mod routes;
pub mod table;
pub mod ubl;
