//! Payment history, credit notes and a client's statement as tables: the same rows the
//! payments, credit notes and statement pages show, in the reader's language.

use std::collections::HashMap;

use chrono::NaiveDate;
use portico_domain::{CreditNoteStatus, Currency, LedgerKind, PaymentMethod};

use super::table::{Cell, Column, Kind};
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::mail::message::Lang;
use crate::core::pagination::MAX_PAGE;
use crate::core::scope::Scope;

pub(super) fn col(title: &'static str, kind: Kind, width: f64) -> Column {
    Column {
        title,
        kind,
        width,
        total: kind == Kind::Money,
    }
}

pub(super) async fn client_names(
    store: &Store,
    scope: &Scope,
    ids: impl Iterator<Item = String>,
) -> AppResult<HashMap<String, String>> {
    let mut keys: Vec<String> = ids.collect();
    keys.sort();
    keys.dedup();
    Ok(store
        .clients_by_ids(scope, &keys)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

pub(super) fn name_cell(names: &HashMap<String, String>, id: &str) -> Cell {
    names
        .get(id)
        .cloned()
        .map(Cell::Text)
        .unwrap_or(Cell::Empty)
}

pub(super) fn method_text(lang: Lang, m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::BankTransfer => lang.pick("Bank transfer", "Τραπεζική μεταφορά"),
        PaymentMethod::Card => lang.pick("Card", "Κάρτα"),
        PaymentMethod::Cash => lang.pick("Cash", "Μετρητά"),
        PaymentMethod::Cheque => lang.pick("Cheque", "Επιταγή"),
        PaymentMethod::Crypto => lang.pick("Crypto", "Κρυπτονόμισμα"),
        PaymentMethod::DirectDebit => lang.pick("Direct debit", "Άμεση χρέωση"),
        PaymentMethod::Other => lang.pick("Other", "Άλλο"),
    }
}

/// The lists read by offset, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetList {
    /// The payment history.
    Payments,
    /// Credit notes (contacts never see drafts).
    CreditNotes,
}

impl OffsetList {
    pub fn columns(self, lang: Lang) -> Vec<Column> {
        let t = |en, el| lang.pick(en, el);
        let number = col(t("Number", "Αριθμός"), Kind::Text, 16.0);
        let client = col(t("Client", "Πελάτης"), Kind::Text, 28.0);
        let currency = col(t("Currency", "Νόμισμα"), Kind::Text, 9.0);
        match self {
            OffsetList::Payments => vec![
                number,
                client,
                col(t("Received on", "Ημερομηνία είσπραξης"), Kind::Date, 12.0),
                col(t("Method", "Τρόπος"), Kind::Text, 18.0),
                col(t("Reference", "Αναφορά"), Kind::Text, 18.0),
                currency,
                col(t("Amount", "Ποσό"), Kind::Money, 14.0),
                col(t("Unallocated", "Αδιάθετο"), Kind::Money, 14.0),
                col(t("Refunded", "Επιστράφηκε"), Kind::Money, 14.0),
            ],
            OffsetList::CreditNotes => vec![
                number,
                client,
                col(t("Issue date", "Ημερομηνία έκδοσης"), Kind::Date, 12.0),
                col(t("Status", "Κατάσταση"), Kind::Text, 12.0),
                col(t("Reason", "Αιτία"), Kind::Text, 30.0),
                currency,
                col(t("Total", "Σύνολο"), Kind::Money, 14.0),
                col(t("Applied", "Εφαρμόστηκε"), Kind::Money, 14.0),
                col(t("Remaining", "Υπόλοιπο"), Kind::Money, 14.0),
            ],
        }
    }
}

/// One of the `OffsetList`s, read a page at a time.
pub struct OffsetRows {
    store: Store,
    scope: Scope,
    list: OffsetList,
    client_id: Option<String>,
    lang: Lang,
    offset: i64,
    done: bool,
}

impl OffsetRows {
    pub fn new(
        store: Store,
        scope: Scope,
        list: OffsetList,
        client_id: Option<String>,
        lang: Lang,
    ) -> OffsetRows {
        OffsetRows {
            store,
            scope,
            list,
            client_id,
            lang,
            offset: 0,
            done: false,
        }
    }

    pub async fn next_page(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        if self.done {
            return Ok(Vec::new());
        }
        let (store, scope, lang) = (&self.store, &self.scope, self.lang);
        let (client, limit) = (self.client_id.as_deref(), i64::from(MAX_PAGE));
        let rows: Vec<(String, Vec<Cell>)> = match self.list {
            OffsetList::Payments => store
                .payments(scope, client, limit, self.offset)
                .await?
                .into_iter()
                .map(|p| {
                    let cells = vec![
                        Cell::Text(p.number),
                        Cell::Empty,
                        Cell::Date(p.received_on),
                        Cell::Text(method_text(lang, p.method).to_owned()),
                        p.reference.map(Cell::Text).unwrap_or(Cell::Empty),
                        Cell::Text(p.amount.currency.code().to_owned()),
                        Cell::Money(p.amount),
                        Cell::Money(p.unallocated),
                        Cell::Money(p.refunded),
                    ];
                    (p.client_id.into_string(), cells)
                })
                .collect(),
            OffsetList::CreditNotes => store
                .credit_notes(scope, client, None, limit, self.offset)
                .await?
                .into_iter()
                .map(|c| {
                    let status = match c.status {
                        CreditNoteStatus::Draft => lang.pick("Draft", "Πρόχειρο"),
                        CreditNoteStatus::Open => lang.pick("Open", "Ανοιχτό"),
                        CreditNoteStatus::Applied => lang.pick("Applied", "Εφαρμόστηκε"),
                        CreditNoteStatus::Void => lang.pick("Void", "Ακυρωμένο"),
                    };
                    let remaining = c.remaining();
                    let cells = vec![
                        Cell::Text(c.number),
                        Cell::Empty,
                        Cell::Date(c.issue_date),
                        Cell::Text(status.to_owned()),
                        Cell::Text(c.reason),
                        Cell::Text(c.currency.code().to_owned()),
                        Cell::Money(c.total),
                        Cell::Money(c.applied),
                        Cell::Money(remaining),
                    ];
                    (c.client_id, cells)
                })
                .collect(),
        };
        self.offset += rows.len() as i64;
        self.done = (rows.len() as i64) < limit;
        // Every list's second column is the client, named with one query per page.
        let names = client_names(store, scope, rows.iter().map(|(c, _)| c.clone())).await?;
        Ok(rows
            .into_iter()
            .map(|(client, mut cells)| {
                cells[1] = name_cell(&names, &client);
                cells
            })
            .collect())
    }
}

/// A client's statement for a period: the opening balance, every line with the running
/// balance, the closing balance, then the aging of what is open.
pub async fn statement(
    store: &Store,
    scope: &Scope,
    client_id: &str,
    currency: Option<Currency>,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> AppResult<(Vec<Column>, Vec<Vec<Cell>>)> {
    let s = store
        .statement(scope, client_id, currency, from, to)
        .await?;
    let t = |en, el| lang.pick(en, el);
    let money = |title, total| Column {
        title,
        kind: Kind::Money,
        width: 14.0,
        total,
    };
    let columns = vec![
        col(t("Date", "Ημερομηνία"), Kind::Date, 12.0),
        col(t("Document", "Παραστατικό"), Kind::Text, 16.0),
        col(t("Reference", "Αναφορά"), Kind::Text, 20.0),
        money(t("Debit", "Χρέωση"), true),
        money(t("Credit", "Πίστωση"), true),
        money(t("Balance", "Υπόλοιπο"), false),
    ];
    let text = |s: &str| Cell::Text(s.to_owned());
    let mut rows = vec![vec![
        Cell::Date(s.from),
        text(t("Opening balance", "Υπόλοιπο έναρξης")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(s.opening_balance),
    ]];
    for l in s.lines {
        let kind = ledger_kind_text(lang, l.kind);
        rows.push(vec![
            Cell::Date(l.date),
            text(kind),
            Cell::Text(l.reference),
            Cell::Money(l.debit),
            Cell::Money(l.credit),
            Cell::Money(l.balance),
        ]);
    }
    rows.push(vec![
        Cell::Date(s.to),
        text(t("Closing balance", "Υπόλοιπο τέλους περιόδου")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(s.closing_balance),
    ]);
    let a = s.aging;
    for (label, amount) in [
        (
            t("Aging: not yet due", "Χρονική ανάλυση: μη ληξιπρόθεσμα"),
            a.current,
        ),
        (
            t("Aging: 1–30 days", "Χρονική ανάλυση: 1–30 ημέρες"),
            a.days_1_30,
        ),
        (
            t("Aging: 31–60 days", "Χρονική ανάλυση: 31–60 ημέρες"),
            a.days_31_60,
        ),
        (
            t("Aging: 61–90 days", "Χρονική ανάλυση: 61–90 ημέρες"),
            a.days_61_90,
        ),
        (
            t("Aging: over 90 days", "Χρονική ανάλυση: πάνω από 90 ημέρες"),
            a.days_over_90,
        ),
        (t("Aging: total", "Χρονική ανάλυση: σύνολο"), a.total),
    ] {
        rows.push(vec![
            Cell::Empty,
            text(label),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(amount),
        ]);
    }
    Ok((columns, rows))
}

/// A statement line's kind as the reader says it.
pub(super) fn ledger_kind_text(lang: Lang, kind: LedgerKind) -> &'static str {
    match kind {
        LedgerKind::Invoice => lang.pick("Invoice", "Τιμολόγιο"),
        LedgerKind::Payment => lang.pick("Payment", "Πληρωμή"),
        LedgerKind::CreditNote => lang.pick("Credit note", "Πιστωτικό"),
        LedgerKind::Refund => lang.pick("Refund", "Επιστροφή"),
    }
}

/// Time entries of the caller's projects (or one project), oldest first.
pub async fn time_entries(
    store: &Store,
    scope: &Scope,
    project_id: Option<&str>,
    billable_only: bool,
    lang: Lang,
) -> AppResult<(Vec<Column>, Vec<Vec<Cell>>)> {
    let t = |en, el| lang.pick(en, el);
    let columns = vec![
        col(t("Project", "Έργο"), Kind::Text, 24.0),
        col(t("Date", "Ημερομηνία"), Kind::Date, 12.0),
        col(t("Task", "Εργασία"), Kind::Text, 24.0),
        col(t("Person", "Άτομο"), Kind::Text, 18.0),
        Column {
            title: t("Hours", "Ώρες"),
            kind: Kind::Number,
            width: 9.0,
            total: true,
        },
        col(t("Billable", "Χρεώσιμη"), Kind::Text, 10.0),
        col(t("Billed", "Τιμολογήθηκε"), Kind::Text, 12.0),
        col(t("Note", "Σημείωση"), Kind::Text, 30.0),
    ];
    let projects = store.projects(scope, None, project_id).await?;
    if project_id.is_some() && projects.is_empty() {
        return Err(crate::core::error::AppError::NotFound("project"));
    }
    let names: HashMap<String, String> = projects
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let ids: Vec<String> = projects.into_iter().map(|p| p.id).collect();
    let yes_no = |b: bool| {
        Cell::Text(
            if b {
                t("Yes", "Ναι")
            } else {
                t("No", "Όχι")
            }
            .to_owned(),
        )
    };
    let rows = store
        .time_entries_for_projects(scope, &ids)
        .await?
        .into_iter()
        .filter(|e| !billable_only || e.billable)
        .map(|e| {
            vec![
                name_cell(&names, &e.project_id),
                Cell::Date(e.date),
                Cell::Text(e.task),
                Cell::Text(e.assignee),
                Cell::Number(e.hours),
                yes_no(e.billable),
                yes_no(e.billed),
                e.note.map(Cell::Text).unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    Ok((columns, rows))
}
