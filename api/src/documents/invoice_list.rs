//! The invoice list as a table: the same invoices, filters and order as the invoices page and
//! the `invoices` query, fetched a page at a time.

use chrono::NaiveDate;

use super::ledger_lists::{client_names, col, name_cell};
use super::table::{Cell, Column, Kind};
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::mail::message::Lang;
use crate::core::pagination::MAX_PAGE;
use crate::core::scope::Scope;
use crate::invoicing::{InvoiceFilter, InvoiceOrder};

/// The columns, titled in the reader's language.
pub fn columns(lang: Lang) -> Vec<Column> {
    let t = |en: &'static str, el: &'static str| lang.pick(en, el);
    vec![
        col(t("Number", "Αριθμός"), Kind::Text, 16.0),
        col(t("Reference", "Αναφορά"), Kind::Text, 16.0),
        col(t("Client", "Πελάτης"), Kind::Text, 28.0),
        col(t("Status", "Κατάσταση"), Kind::Text, 14.0),
        col(t("Issue date", "Ημερομηνία έκδοσης"), Kind::Date, 12.0),
        col(t("Due date", "Ημερομηνία λήξης"), Kind::Date, 12.0),
        col(t("Currency", "Νόμισμα"), Kind::Text, 9.0),
        col(t("Subtotal", "Καθαρό ποσό"), Kind::Money, 14.0),
        col(t("Tax", "Φόρος"), Kind::Money, 12.0),
        col(t("Total", "Σύνολο"), Kind::Money, 14.0),
        col(t("Paid", "Πληρωμένο"), Kind::Money, 14.0),
        col(t("Balance", "Υπόλοιπο"), Kind::Money, 14.0),
    ]
}

pub(super) fn status_text(lang: Lang, s: portico_domain::InvoiceStatus) -> &'static str {
    use portico_domain::InvoiceStatus::*;
    match s {
        Draft => lang.pick("Draft", "Πρόχειρο"),
        Issued => lang.pick("Issued", "Εκδόθηκε"),
        PartiallyPaid => lang.pick("Partially paid", "Μερικώς πληρωμένο"),
        Paid => lang.pick("Paid", "Πληρωμένο"),
        Void => lang.pick("Void", "Ακυρωμένο"),
    }
}

/// Reads the list page by page: each call returns the next rows (none at the end).
pub struct InvoiceRows {
    store: Store,
    scope: Scope,
    filter: InvoiceFilter,
    order: InvoiceOrder,
    today: NaiveDate,
    lang: Lang,
    after: Option<String>,
    done: bool,
    /// Rows so far (for the audit entry and the tests).
    pub count: u64,
}

impl InvoiceRows {
    pub fn new(
        store: Store,
        scope: Scope,
        filter: InvoiceFilter,
        order: InvoiceOrder,
        today: NaiveDate,
        lang: Lang,
    ) -> InvoiceRows {
        InvoiceRows {
            store,
            scope,
            filter,
            order,
            today,
            lang,
            after: None,
            done: false,
            count: 0,
        }
    }

    pub async fn next_page(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        if self.done {
            return Ok(Vec::new());
        }
        let page = self
            .store
            .list_invoices(
                &self.scope,
                &self.filter,
                self.order,
                i64::from(MAX_PAGE),
                self.after.as_deref(),
                self.today,
            )
            .await?;
        self.done = !page.has_next;
        self.after = page.items.last().map(|(cursor, _)| cursor.clone());
        let names = client_names(
            &self.store,
            &self.scope,
            page.items.iter().map(|(_, i)| i.client_id.to_string()),
        )
        .await?;
        let lang = self.lang;
        let rows: Vec<Vec<Cell>> = page
            .items
            .into_iter()
            .map(|(_, i)| {
                vec![
                    Cell::Text(i.number),
                    i.reference.map(Cell::Text).unwrap_or(Cell::Empty),
                    name_cell(&names, &i.client_id),
                    Cell::Text(status_text(lang, i.status).to_owned()),
                    Cell::Date(i.issue_date),
                    Cell::Date(i.due_date),
                    Cell::Text(i.currency.code().to_owned()),
                    Cell::Money(i.subtotal),
                    Cell::Money(i.tax),
                    Cell::Money(i.total),
                    Cell::Money(i.paid),
                    Cell::Money(i.balance),
                ]
            })
            .collect();
        self.count += rows.len() as u64;
        Ok(rows)
    }
}
