//! Invoice, receipt, credit note and estimate PDFs.

use std::collections::HashMap;

use portico_domain::{CreditNoteStatus, EstimateStatus, InvoiceStatus, Money};
use portico_pdf::{Column, Document, Fact, Link, Note, Row, Table, Total};

use super::{brand, buyer, lines_table, money, stamp, sums, Drawn};
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::{InvoiceId, PaymentId};
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::documents::invoice_list::status_text;
use crate::documents::ledger_lists::method_text;

fn fact(label: &str, value: impl Into<String>) -> Fact {
    Fact {
        label: label.to_owned(),
        value: value.into(),
    }
}

fn note(title: &str, body: Option<&str>) -> Option<Note> {
    body.map(str::trim).filter(|b| !b.is_empty()).map(|b| Note {
        title: title.to_owned(),
        body: b.to_owned(),
    })
}

fn total(label: &str, amount: String, strong: bool) -> Total {
    Total {
        label: label.to_owned(),
        amount,
        strong,
    }
}

/// The business and the client a document is between, as it prints them.
pub(super) struct Parties {
    pub brand: super::Brand,
    pub buyer: portico_pdf::Party,
    pub tenant: crate::tenancy::Tenant,
}

pub(super) async fn parties(
    store: &Store,
    scope: &Scope,
    client_id: &str,
    lang: Lang,
) -> AppResult<Parties> {
    let tenant = store
        .tenant_by_id(scope.tenant_id.as_str())
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let client = store
        .client(scope, client_id)
        .await?
        .ok_or(AppError::NotFound("client"))?;
    let mut brand = brand(&tenant, lang);
    // An uploaded logo is read from the file store (one that cannot be read leaves the name).
    if let Ok(Some((bytes, format))) = store.logo_file(&tenant).await {
        brand.logo = Some(portico_pdf::Logo { bytes, format });
    }
    Ok(Parties {
        brand,
        buyer: buyer(&client, lang),
        tenant,
    })
}

fn document(
    p: Parties,
    lang: Lang,
    title: &str,
    number: &str,
) -> (Document, Option<portico_pdf::Logo>) {
    let Parties { brand, buyer, .. } = p;
    (
        Document {
            lang: lang.code().to_owned(),
            title: title.to_owned(),
            number: number.to_owned(),
            accent: brand.accent,
            seller: brand.seller,
            buyer: Some(buyer),
            buyer_label: lang.pick("Bill to", "Προς").to_owned(),
            facts: Vec::new(),
            tables: Vec::new(),
            totals: Vec::new(),
            stamp: None,
            link: None,
            notes: Vec::new(),
            footer: brand.footer,
        },
        brand.logo,
    )
}

/// An invoice as its page shows it. `pay_url`: where the QR code leads (the portal's pay page,
/// or the invoice link it was opened through).
pub async fn invoice(
    store: &Store,
    scope: &Scope,
    id: &InvoiceId,
    lang: Lang,
    pay_url: String,
) -> AppResult<Drawn> {
    let inv = store
        .invoice(scope, id)
        .await?
        .ok_or(AppError::NotFound("invoice"))?;
    let t = |en, el| lang.pick(en, el);
    let p = parties(store, scope, inv.client_id.as_str(), lang).await?;
    let tenant = p.tenant.clone();
    let lines = store
        .lines_for_documents(scope, &[inv.id.to_string()])
        .await?;
    let (mut doc, logo) = document(p, lang, t("Invoice", "Τιμολόγιο"), &inv.number);
    doc.facts
        .push(fact(t("Issued", "Έκδοση"), lang.date(inv.issue_date)));
    doc.facts
        .push(fact(t("Due", "Λήξη"), lang.date(inv.due_date)));
    if let Some(r) = inv.reference.as_deref().filter(|r| !r.is_empty()) {
        doc.facts.push(fact(t("Reference", "Αναφορά"), r));
    }
    doc.facts.push(fact(
        t("Status", "Κατάσταση"),
        status_text(lang, inv.status),
    ));
    doc.facts
        .push(fact(t("Balance due", "Υπόλοιπο"), money(lang, inv.balance)));
    doc.tables.push(lines_table(&lines, lang));
    doc.totals = sums(lang, &lines, inv.subtotal, inv.discount, inv.tax, inv.total);
    if inv.paid.minor != 0 {
        doc.totals.push(total(
            t("Paid", "Πληρώθηκαν"),
            money(lang, negative(inv.paid)),
            false,
        ));
    }
    if inv.credited.minor != 0 {
        doc.totals.push(total(
            t("Credited", "Πιστώθηκαν"),
            money(lang, negative(inv.credited)),
            false,
        ));
    }
    if inv.paid.minor != 0 || inv.credited.minor != 0 {
        doc.totals.push(total(
            t("Balance due", "Υπόλοιπο"),
            money(lang, inv.balance),
            true,
        ));
    }
    let paid_on = match inv.status {
        InvoiceStatus::Paid => paid_on(store, scope, &inv.id).await?,
        _ => None,
    };
    if let Some(d) = paid_on {
        doc.facts
            .push(fact(t("Paid on", "Εξοφλήθηκε"), lang.date(d)));
    }
    doc.stamp = match inv.status {
        InvoiceStatus::Void => stamp(
            t("VOID", "ΑΚΥΡΟ"),
            inv.voided_at.map(|ms| lang.date(day_of(ms))),
            "red",
        ),
        InvoiceStatus::Paid => stamp(
            t("PAID", "ΕΞΟΦΛΗΘΗΚΕ"),
            paid_on.map(|d| lang.date(d)),
            "green",
        ),
        InvoiceStatus::Draft => stamp(t("DRAFT", "ΠΡΟΧΕΙΡΟ"), None, "grey"),
        _ => None,
    };
    if matches!(
        inv.status,
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid
    ) && inv.balance.minor > 0
    {
        doc.link = Some(Link {
            label: t("Pay online", "Πληρωμή online").to_owned(),
            url: pay_url,
        });
    }
    doc.notes
        .extend(note(t("Notes", "Σημειώσεις"), inv.notes.as_deref()));
    doc.notes
        .extend(note(t("Terms", "Όροι"), inv.terms.as_deref()));
    if !matches!(inv.status, InvoiceStatus::Paid | InvoiceStatus::Void) {
        doc.notes
            .extend(super::payment_notes(&tenant, lang, inv.terms.is_some()));
    }
    Ok(Drawn {
        doc,
        logo,
        file_name: super::file_name(&inv.number, "pdf"),
    })
}

fn negative(m: Money) -> Money {
    Money::new(-m.minor, m.currency)
}

fn day_of(ms: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// The day the last payment towards an invoice was received.
async fn paid_on(
    store: &Store,
    scope: &Scope,
    id: &InvoiceId,
) -> AppResult<Option<chrono::NaiveDate>> {
    let allocations = store
        .allocations_for_invoices(scope, &[id.to_string()])
        .await?;
    let ids: Vec<String> = allocations
        .iter()
        .filter(|a| a.refund_id.is_none())
        .map(|a| a.payment_id.clone())
        .collect();
    let payments = store.payments_by_ids(scope, &ids).await?;
    Ok(payments.iter().map(|p| p.received_on).max())
}

/// A receipt: the payment and the invoices it paid.
pub async fn receipt(store: &Store, scope: &Scope, id: &PaymentId, lang: Lang) -> AppResult<Drawn> {
    let pay = store
        .payment(scope, id)
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    let t = |en, el| lang.pick(en, el);
    let p = parties(store, scope, pay.client_id.as_str(), lang).await?;
    let (mut doc, logo) = document(p, lang, t("Receipt", "Απόδειξη"), &pay.number);
    doc.buyer_label = t("Received from", "Λάβαμε από").to_owned();
    doc.facts.push(fact(
        t("Received", "Ημερομηνία"),
        lang.date(pay.received_on),
    ));
    doc.facts
        .push(fact(t("Method", "Τρόπος"), method_text(lang, pay.method)));
    if let Some(r) = pay.reference.as_deref().filter(|r| !r.is_empty()) {
        doc.facts.push(fact(t("Reference", "Αναφορά"), r));
    }
    doc.facts
        .push(fact(t("Amount", "Ποσό"), money(lang, pay.amount)));
    let allocations = store
        .allocations_for_payments(scope, &[pay.id.to_string()])
        .await?;
    let invoice_ids: Vec<String> = allocations.iter().map(|a| a.invoice_id.clone()).collect();
    let numbers: HashMap<String, String> = store
        .invoices_by_ids(scope, &invoice_ids)
        .await?
        .into_iter()
        .map(|i| (i.id.to_string(), i.number))
        .collect();
    let mut per_invoice: Vec<(String, Money)> = Vec::new();
    for a in &allocations {
        let number = numbers.get(&a.invoice_id).cloned().unwrap_or_default();
        match per_invoice.iter_mut().find(|(n, _)| *n == number) {
            Some((_, m)) => m.minor += a.amount.minor,
            None => per_invoice.push((number, a.amount)),
        }
    }
    doc.tables.push(Table {
        title: Some(t("Applied to", "Εξόφληση παραστατικών").to_owned()),
        columns: vec![
            Column::wide(t("Invoice", "Τιμολόγιο")),
            Column::amount(t("Amount", "Ποσό")),
        ],
        rows: per_invoice
            .into_iter()
            .filter(|(_, m)| m.minor != 0)
            .map(|(n, m)| Row::new(vec![n, money(lang, m)]))
            .collect(),
        empty: t(
            "Not applied to an invoice: kept as credit.",
            "Δεν αντιστοιχίστηκε σε τιμολόγιο: παραμένει ως πίστωση.",
        )
        .to_owned(),
    });
    doc.totals.push(total(
        t("Received", "Ποσό πληρωμής"),
        money(lang, pay.amount),
        true,
    ));
    if pay.unallocated.minor != 0 {
        doc.totals.push(total(
            t("Kept as credit", "Παραμένει ως πίστωση"),
            money(lang, pay.unallocated),
            false,
        ));
    }
    if pay.refunded.minor != 0 {
        doc.totals.push(total(
            t("Refunded", "Επιστράφηκαν"),
            money(lang, pay.refunded),
            false,
        ));
    }
    doc.notes
        .extend(note(t("Notes", "Σημειώσεις"), pay.notes.as_deref()));
    doc.notes.push(Note {
        title: t("Thank you", "Ευχαριστούμε").to_owned(),
        body: t(
            "This receipt confirms the payment above was received.",
            "Η απόδειξη αυτή επιβεβαιώνει ότι λάβαμε την παραπάνω πληρωμή.",
        )
        .to_owned(),
    });
    Ok(Drawn {
        doc,
        logo,
        file_name: super::file_name(&pay.number, "pdf"),
    })
}

/// A credit note: what it credits, how much of it is applied.
pub async fn credit_note(store: &Store, scope: &Scope, id: &str, lang: Lang) -> AppResult<Drawn> {
    let cn = store
        .credit_notes(scope, None, Some(id), 1, 0)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("credit note"))?;
    let t = |en, el| lang.pick(en, el);
    let p = parties(store, scope, &cn.client_id, lang).await?;
    let (mut doc, logo) = document(p, lang, t("Credit note", "Πιστωτικό σημείωμα"), &cn.number);
    doc.facts
        .push(fact(t("Issued", "Έκδοση"), lang.date(cn.issue_date)));
    let invoice_number = match &cn.invoice_id {
        Some(iid) => store
            .invoices_by_ids(scope, std::slice::from_ref(iid))
            .await?
            .into_iter()
            .next()
            .map(|i| i.number),
        None => None,
    };
    if let Some(n) = &invoice_number {
        doc.facts
            .push(fact(t("For invoice", "Για το τιμολόγιο"), n.clone()));
    }
    // The credit's VAT, split like its e-invoice over the credited invoice's rates.
    let invoice_lines = match &cn.invoice_id {
        Some(iid) if invoice_number.is_some() => {
            store
                .lines_for_documents(scope, std::slice::from_ref(iid))
                .await?
        }
        _ => Vec::new(),
    };
    let parts = crate::documents::ubl::build::split(&cn.reason, cn.total, &invoice_lines)?;
    doc.tables.push(Table {
        title: None,
        columns: vec![
            Column::wide(t("Reason", "Αιτιολογία")),
            Column::amount(t("Amount", "Ποσό")),
        ],
        rows: vec![Row::new(vec![cn.reason.clone(), money(lang, cn.total)])],
        empty: String::new(),
    });
    doc.totals
        .push(total(t("Credit", "Πίστωση"), money(lang, cn.total), true));
    for p in parts.iter().filter(|p| p.tax.minor != 0) {
        doc.totals.push(total(
            &format!(
                "{} {}% {} {}",
                t("of which VAT", "εκ των οποίων ΦΠΑ"),
                super::number(lang, p.rate),
                t("on", "επί"),
                money(lang, p.net)
            ),
            money(lang, p.tax),
            false,
        ));
    }
    doc.totals.push(total(
        t("Applied", "Συμψηφίστηκαν"),
        money(lang, cn.applied),
        false,
    ));
    doc.totals.push(total(
        t("Remaining", "Υπόλοιπο"),
        money(lang, cn.remaining()),
        false,
    ));
    doc.stamp = match cn.status {
        CreditNoteStatus::Void => stamp(t("VOID", "ΑΚΥΡΟ"), None, "red"),
        CreditNoteStatus::Draft => stamp(t("DRAFT", "ΠΡΟΧΕΙΡΟ"), None, "grey"),
        _ => None,
    };
    Ok(Drawn {
        doc,
        logo,
        file_name: super::file_name(&cn.number, "pdf"),
    })
}

/// An estimate, with the link where it is accepted.
pub async fn estimate(
    store: &Store,
    scope: &Scope,
    id: &str,
    lang: Lang,
    accept_url: String,
) -> AppResult<Drawn> {
    let est = store
        .estimates(scope, None, Some(id), 1, 0)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("estimate"))?;
    let t = |en, el| lang.pick(en, el);
    let p = parties(store, scope, &est.client_id, lang).await?;
    let lines = store
        .lines_for_documents(scope, std::slice::from_ref(&est.id))
        .await?;
    let (mut doc, logo) = document(p, lang, t("Estimate", "Προσφορά"), &est.number);
    doc.buyer_label = t("Prepared for", "Προς").to_owned();
    doc.facts
        .push(fact(t("Issued", "Έκδοση"), lang.date(est.issue_date)));
    if let Some(v) = est.valid_until {
        doc.facts
            .push(fact(t("Valid until", "Ισχύει έως"), lang.date(v)));
    }
    let status = est.effective_status(store.clock().today_utc());
    doc.tables.push(lines_table(&lines, lang));
    doc.totals = sums(lang, &lines, est.subtotal, est.discount, est.tax, est.total);
    doc.stamp = match status {
        EstimateStatus::Accepted => stamp(
            t("ACCEPTED", "ΕΓΚΡΙΘΗΚΕ"),
            est.decided_at.map(|ms| lang.date(day_of(ms))),
            "green",
        ),
        EstimateStatus::Rejected => stamp(t("DECLINED", "ΑΠΟΡΡΙΦΘΗΚΕ"), None, "red"),
        EstimateStatus::Expired => stamp(t("EXPIRED", "ΕΛΗΞΕ"), None, "grey"),
        EstimateStatus::Draft => stamp(t("DRAFT", "ΠΡΟΧΕΙΡΟ"), None, "grey"),
        EstimateStatus::Sent => None,
    };
    if status == EstimateStatus::Sent {
        doc.link = Some(Link {
            label: t("Accept online", "Αποδοχή online").to_owned(),
            url: accept_url,
        });
    }
    doc.notes
        .extend(note(t("Notes", "Σημειώσεις"), est.notes.as_deref()));
    Ok(Drawn {
        doc,
        logo,
        file_name: super::file_name(&est.number, "pdf"),
    })
}
