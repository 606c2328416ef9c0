//! The e-invoice of an invoice or credit note, read with the caller's scope (so it is
//! authorised exactly like the page), with the document's PDF embedded.

use portico_domain::{InvoiceStatus, Money, VatCategory};
use rust_decimal::Decimal;

use super::{EInvoice, EntryLine, Kind, Party};
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::InvoiceId;
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::documents::pdf;

/// An invoice as UBL, with its PDF; and the file name (`INV-2026-00117.xml`).
pub async fn invoice(
    store: &Store,
    scope: &Scope,
    id: &InvoiceId,
    lang: Lang,
    pay_url: String,
) -> AppResult<(Vec<u8>, String)> {
    let inv = store
        .invoice(scope, id)
        .await?
        .ok_or(AppError::NotFound("invoice"))?;
    if matches!(inv.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
        return Err(AppError::Conflict(
            "only issued invoices have an e-invoice".into(),
        ));
    }
    let tenant = store
        .tenant_by_id(scope.tenant_id.as_str())
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let client = store
        .client(scope, inv.client_id.as_str())
        .await?
        .ok_or(AppError::NotFound("client"))?;
    let lines = store
        .lines_for_documents(scope, &[inv.id.to_string()])
        .await?;
    let (pdf_bytes, pdf_name) =
        pdf::render(pdf::invoice(store, scope, id, lang, pay_url).await?).await?;
    let e = EInvoice {
        kind: Kind::Invoice,
        number: inv.number.clone(),
        issue_date: inv.issue_date,
        due_date: Some(inv.due_date),
        currency: inv.currency,
        note: inv.notes.clone(),
        buyer_reference: inv.reference.clone().unwrap_or_else(|| inv.number.clone()),
        invoice_reference: None,
        seller: Party::seller(&tenant),
        buyer: Party::buyer(&client),
        iban: tenant.documents.iban.clone(),
        bic: tenant.documents.bic.clone(),
        bank_name: tenant.documents.bank_name.clone(),
        terms: inv
            .terms
            .clone()
            .or_else(|| tenant.documents.payment_terms.clone()),
        lines: lines.iter().map(EntryLine::from_line).collect(),
        prepaid: inv.paid.checked_add(inv.credited)?,
        pdf: Some((pdf_name, pdf_bytes)),
    };
    Ok((e.to_xml()?, pdf::file_name(&inv.number, "xml")))
}

/// A credit note as UBL. Its amount includes VAT: when it credits an invoice it is split over
/// that invoice's VAT categories and rates in proportion to their totals; without one it is
/// zero-rated.
pub async fn credit_note(
    store: &Store,
    scope: &Scope,
    id: &str,
    lang: Lang,
) -> AppResult<(Vec<u8>, String)> {
    let cn = store
        .credit_notes(scope, None, Some(id), 1, 0)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("credit note"))?;
    if matches!(
        cn.status,
        portico_domain::CreditNoteStatus::Draft | portico_domain::CreditNoteStatus::Void
    ) {
        return Err(AppError::Conflict(
            "only issued credit notes have an e-invoice".into(),
        ));
    }
    let tenant = store
        .tenant_by_id(scope.tenant_id.as_str())
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let client = store
        .client(scope, &cn.client_id)
        .await?
        .ok_or(AppError::NotFound("client"))?;
    let invoice = match &cn.invoice_id {
        Some(iid) => store
            .invoices_by_ids(scope, std::slice::from_ref(iid))
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let invoice_lines = match &invoice {
        Some(i) => {
            store
                .lines_for_documents(scope, &[i.id.to_string()])
                .await?
        }
        None => Vec::new(),
    };
    let lines = split(&cn.reason, cn.total, &invoice_lines)?;
    let (pdf_bytes, pdf_name) =
        pdf::render(pdf::credit_note(store, scope, id, lang).await?).await?;
    let e = EInvoice {
        kind: Kind::CreditNote,
        number: cn.number.clone(),
        issue_date: cn.issue_date,
        due_date: None,
        currency: cn.currency,
        note: Some(cn.reason.clone()),
        buyer_reference: invoice
            .as_ref()
            .and_then(|i| i.reference.clone())
            .unwrap_or_else(|| cn.number.clone()),
        invoice_reference: invoice.as_ref().map(|i| (i.number.clone(), i.issue_date)),
        seller: Party::seller(&tenant),
        buyer: Party::buyer(&client),
        iban: None,
        bic: None,
        bank_name: None,
        terms: None,
        lines,
        prepaid: Money::zero(cn.currency),
        pdf: Some((pdf_name, pdf_bytes)),
    };
    Ok((e.to_xml()?, pdf::file_name(&cn.number, "xml")))
}

/// Splits a credit's gross `total` over the VAT groups of the invoice it credits, in
/// proportion to each group's gross; the last group takes the rounding remainder.
pub(crate) fn split(
    reason: &str,
    total: Money,
    invoice_lines: &[crate::invoicing::lines::Line],
) -> AppResult<Vec<EntryLine>> {
    let cur = total.currency;
    let mut groups: Vec<((VatCategory, Decimal), i64, Option<String>)> = Vec::new();
    for l in invoice_lines {
        let key = (l.vat_category, l.tax_rate.normalize());
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, gross, _)) => *gross += l.amounts.total.minor,
            None => groups.push((key, l.amounts.total.minor, l.vat_exemption.clone())),
        }
    }
    let all: i64 = groups.iter().map(|(_, g, _)| *g).sum();
    if groups.is_empty() || all <= 0 {
        groups = vec![((VatCategory::ZeroRated, Decimal::ZERO), 1, None)];
    }
    let all: i128 = groups.iter().map(|(_, g, _)| i128::from(*g)).sum();
    let mut left = total.minor;
    let count = groups.len();
    let mut out = Vec::new();
    for (i, ((category, rate), gross, reason_text)) in groups.into_iter().enumerate() {
        let share = if i + 1 == count {
            left
        } else {
            i64::try_from(i128::from(total.minor) * i128::from(gross) / all)
                .map_err(|_| AppError::Domain(portico_domain::DomainError::Overflow))?
        };
        left -= share;
        // net = gross / (1 + rate / 100), rounded half away from zero.
        let divisor = Decimal::ONE + rate / Decimal::from(100);
        let net_minor = (Decimal::from(share) / divisor)
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let net_minor = i64::try_from(net_minor)
            .map_err(|_| AppError::Domain(portico_domain::DomainError::Overflow))?;
        let net = Money::new(net_minor, cur);
        out.push(EntryLine {
            name: reason.to_owned(),
            quantity: Decimal::ONE,
            price: net,
            gross: net,
            discount: Money::zero(cur),
            net,
            category,
            rate,
            tax: Money::new(share - net_minor, cur),
            reason: reason_text,
        });
    }
    Ok(out)
}
