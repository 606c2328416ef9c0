//! Editing draft invoices as the staff editor saves them (every field and all the lines at once,
//! in one transaction), duplicating an invoice into a new draft, and the live totals the editor
//! shows while lines are typed.

use chrono::NaiveDate;
use portico_domain::{self as domain, compute_line, totals, Currency, InvoiceTotals, LineAmounts};
use rust_decimal::Decimal;

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::{ClientId, InvoiceId};
use crate::core::scope::Scope;
use crate::invoicing::lines::{self, NewLine, MAX_LINES};
use crate::invoicing::service::{load_for_update, refresh_search, store_totals, tenant_rounding};
use crate::invoicing::{Invoice, NewInvoice};

/// Changes to a draft. `None` leaves a field as it is; `Some(None)` clears an optional text.
#[derive(Debug, Clone, Default)]
pub struct InvoicePatch {
    /// Moves the draft to another client of the business.
    pub client_id: Option<ClientId>,
    /// A new currency (only together with `lines`, whose prices are in it).
    pub currency: Option<Currency>,
    pub reference: Option<Option<String>>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<Option<String>>,
    pub terms: Option<Option<String>>,
    /// Replaces every line, in this order.
    pub lines: Option<Vec<NewLine>>,
}

/// One line of a preview: its amounts, or why it cannot be computed yet.
#[derive(Debug, Clone)]
pub enum PreviewLine {
    Ok(LineAmounts),
    Refused { field: String, message: String },
}

/// What the editor shows under the lines: each line's amounts and the totals of the good ones.
#[derive(Debug, Clone)]
pub struct Preview {
    pub lines: Vec<PreviewLine>,
    pub totals: InvoiceTotals,
}

impl Store {
    /// Changes a draft: its client, currency, reference, dates, notes, terms and lines, all or
    /// nothing. Refused once the invoice is issued.
    pub async fn update_invoice(
        &self,
        scope: &Scope,
        id: &InvoiceId,
        patch: InvoicePatch,
    ) -> AppResult<Invoice> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        domain::ensure_editable(inv.status)?;
        let issue = patch.issue_date.unwrap_or(inv.issue_date);
        let due = patch.due_date.unwrap_or(inv.due_date);
        if due < issue {
            return Err(AppError::bad_input(
                "dueDate",
                "the due date is before the issue date",
            ));
        }
        let currency = patch.currency.unwrap_or(inv.currency);
        if currency != inv.currency && patch.lines.is_none() {
            return Err(AppError::bad_input(
                "currency",
                "give the lines again when changing the currency",
            ));
        }
        if let Some(client) = &patch.client_id {
            let found = tx
                .fetch_optional(
                    sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                        .bind(scope.tenant_id.clone())
                        .bind(client.to_string()),
                )
                .await?;
            if found.is_none() {
                return Err(AppError::NotFound("client"));
            }
        }
        let keep = |new: Option<Option<String>>, old: &Option<String>| match new {
            Some(v) => v,
            None => old.clone(),
        };
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE invoices SET client_id = $1, currency = $2, reference = $3, issue_date = $4, due_date = $5, \
                     notes = $6, terms = $7, updated_at = $8 WHERE tenant_id = $9 AND id = $10 AND status = 'draft'",
                )
                .bind(patch.client_id.as_ref().unwrap_or(&inv.client_id).to_string())
                .bind(currency.code())
                .bind(keep(patch.reference, &inv.reference))
                .bind(rows::date_str(issue))
                .bind(rows::date_str(due))
                .bind(keep(patch.notes, &inv.notes))
                .bind(keep(patch.terms, &inv.terms))
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_string()),
            )
            .await?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "the invoice changed meanwhile; try again".into(),
            ));
        }
        let replaced = patch.lines.is_some();
        if let Some(new_lines) = patch.lines {
            replace_lines(&mut tx, scope, id, currency, &new_lines).await?;
        }
        let inv = load_for_update(&mut tx, scope, id).await?;
        if replaced {
            store_totals(&mut tx, scope, &inv).await?;
        } else {
            refresh_search(&mut tx, &scope.tenant_id, id).await?;
        }
        audit::record(&mut tx, scope, "invoice.updated", "invoice", id, None).await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// A new draft with the same client, currency, lines, notes and terms as invoice `id`, dated
    /// `today` and due as many days later as the original was.
    pub async fn duplicate_invoice(
        &self,
        scope: &Scope,
        id: &InvoiceId,
        today: NaiveDate,
    ) -> AppResult<Invoice> {
        scope.require_staff()?;
        let original = self
            .invoice(scope, id)
            .await?
            .ok_or(AppError::NotFound("invoice"))?;
        let old_lines = self.lines_for_documents(scope, &[id.to_string()]).await?;
        let days = (original.due_date - original.issue_date).num_days().max(0) as u64;
        let new = NewInvoice {
            client_id: original.client_id.to_string(),
            number: None,
            reference: original.reference.clone(),
            currency: Some(original.currency),
            issue_date: today,
            due_date: Some(today + chrono::Days::new(days)),
            notes: original.notes.clone(),
            terms: original.terms.clone(),
            lines: old_lines
                .into_iter()
                .map(|l| NewLine {
                    description: l.description,
                    input: domain::LineInput {
                        quantity: l.quantity,
                        unit_price_minor: l.unit_price.minor,
                        tax_rate: l.tax_rate,
                        discount: l.discount,
                    },
                    vat_category: l.vat_category,
                    vat_exemption: l.vat_exemption,
                })
                .collect(),
        };
        let copy = self.create_invoice(scope, new).await?;
        let mut tx = self.write_scoped(scope).await?;
        audit::record(
            &mut tx,
            scope,
            "invoice.duplicated",
            "invoice",
            &copy.id,
            Some(serde_json::json!({ "from": original.number })),
        )
        .await?;
        tx.commit().await?;
        Ok(copy)
    }

    /// The amounts of `lines` (each parsed, or refused with its field and message) and the totals
    /// of the good ones, with the business's rounding: what the invoice would say if saved.
    pub async fn preview_lines(
        &self,
        scope: &Scope,
        currency: Currency,
        lines: Vec<AppResult<NewLine>>,
    ) -> AppResult<Preview> {
        scope.require_staff()?;
        let mut tx = self.read_scoped(scope).await?;
        let rounding = tenant_rounding(&mut tx, &scope.tenant_id).await?;
        tx.commit().await?;
        if lines.len() > MAX_LINES {
            return Err(AppError::bad_input(
                "lines",
                format!("at most {MAX_LINES} lines"),
            ));
        }
        let mut out = Vec::with_capacity(lines.len());
        let mut good: Vec<LineAmounts> = Vec::new();
        let mut rates: Vec<Decimal> = Vec::new();
        for line in lines {
            let computed = line.and_then(|l| {
                l.vat_category
                    .check(l.input.tax_rate, l.vat_exemption.as_deref())?;
                Ok((
                    compute_line(&l.input, currency, rounding)?,
                    l.input.tax_rate,
                ))
            });
            match computed {
                Ok((amounts, rate)) => {
                    good.push(amounts);
                    rates.push(rate);
                    out.push(PreviewLine::Ok(amounts));
                }
                Err(e) => out.push(PreviewLine::Refused {
                    field: e.field().unwrap_or("").to_owned(),
                    message: e.to_string(),
                }),
            }
        }
        Ok(Preview {
            lines: out,
            totals: totals(currency, &good, &rates)?,
        })
    }
}

/// Deletes a draft's lines and writes `new_lines` in their place.
async fn replace_lines(
    tx: &mut crate::core::db::Tx,
    scope: &Scope,
    id: &InvoiceId,
    currency: Currency,
    new_lines: &[NewLine],
) -> AppResult<()> {
    if new_lines.len() > MAX_LINES {
        return Err(AppError::bad_input(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    let rounding = tenant_rounding(tx, &scope.tenant_id).await?;
    tx.execute(
        sqlx::query(
            "DELETE FROM lines WHERE tenant_id = $1 AND document_id = $2 AND document_kind = 'invoice'",
        )
        .bind(scope.tenant_id.clone())
        .bind(id.to_string()),
    )
    .await?;
    for (i, line) in new_lines.iter().enumerate() {
        lines::insert(
            tx,
            &lines::Doc {
                tenant_id: &scope.tenant_id,
                kind: "invoice",
                id,
                currency,
                rounding,
            },
            i as i64,
            line,
        )
        .await?;
    }
    Ok(())
}
