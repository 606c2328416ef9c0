//! Using a client's credit on chosen invoices: what the client chooses on the pay page before
//! paying the rest online (or instead of paying, when the credit covers it). Credit is money
//! already held for the client: unallocated parts of payments (over-payments), then the unapplied
//! rest of open credit notes, oldest first. Both go through the same ledger rules as staff
//! allocations and credit-note applications (`settle`, conditional updates), in one transaction,
//! audited, with a notification for staff.

use chrono::NaiveDate;
use portico_domain::{self as domain, Currency, Money};

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::notify;
use crate::core::scope::Scope;
use crate::credit::service as credit_notes;
use crate::invoicing::service::{self as invoices, Invoice};
use crate::payments::ledger::{apply_allocations, take_unallocated};

/// At most this many invoices in one use of credit (the pay page lists at most 100).
pub const MAX_CREDIT_INVOICES: usize = 100;

/// What using credit did.
#[derive(Debug, Clone)]
pub struct CreditUse {
    /// The credit put on the invoices.
    pub applied: Money,
    /// The chosen invoices after it, in the order credit reached them.
    pub invoices: Vec<Invoice>,
    /// What is still due on them.
    pub remaining: Money,
    /// Credit the client still has in this currency.
    pub credit_left: Money,
}

/// A source of credit: a payment's unallocated part or a credit note's unapplied rest.
struct Source {
    kind: &'static str,
    id: String,
    available: Money,
}

async fn sources(
    tx: &mut Tx,
    scope: &Scope,
    client_id: &str,
    currency: Currency,
) -> AppResult<Vec<Source>> {
    let mut out = Vec::new();
    let payments = tx
        .fetch_all(
            sqlx::query(
                "SELECT id, unallocated_minor FROM payments WHERE tenant_id = $1 AND client_id = $2 \
                 AND currency = $3 AND unallocated_minor > 0 ORDER BY received_on, id",
            )
            .bind(scope.tenant_id.clone())
            .bind(client_id.to_owned())
            .bind(currency.code()),
        )
        .await?;
    for r in &payments {
        let unallocated = rows::int(r, "unallocated_minor")?;
        out.push(Source {
            kind: "payment",
            id: rows::text(r, "id")?,
            available: Money::new(unallocated, currency),
        });
    }
    let notes = tx
        .fetch_all(
            sqlx::query(
                "SELECT id, total_minor, applied_minor FROM credit_notes WHERE tenant_id = $1 AND client_id = $2 \
                 AND currency = $3 AND status = 'open' AND total_minor > applied_minor ORDER BY issue_date, id",
            )
            .bind(scope.tenant_id.clone())
            .bind(client_id.to_owned())
            .bind(currency.code()),
        )
        .await?;
    for r in &notes {
        let (total, applied) = (rows::int(r, "total_minor")?, rows::int(r, "applied_minor")?);
        out.push(Source {
            kind: "credit_note",
            id: rows::text(r, "id")?,
            available: Money::new(total - applied, currency),
        });
    }
    Ok(out)
}

impl Store {
    /// Uses the client's credit on `invoice_ids` (open invoices of one client and currency), due
    /// first. Contacts who may pay (admin, payer) use their own client's credit; staff with the
    /// payments grant may do it for any client.
    pub async fn use_client_credit(
        &self,
        scope: &Scope,
        invoice_ids: &[String],
        today: NaiveDate,
    ) -> AppResult<CreditUse> {
        match scope.client_filter() {
            Some(_) => {
                scope
                    .require_contact_decider()
                    .map_err(|_| AppError::forbidden("viewers cannot use the client's credit"))?;
            }
            None => scope.require_payments()?,
        }
        if invoice_ids.is_empty() {
            return Err(AppError::bad_input(
                "invoiceIds",
                "choose at least one invoice",
            ));
        }
        if invoice_ids.len() > MAX_CREDIT_INVOICES {
            return Err(AppError::bad_input(
                "invoiceIds",
                format!("at most {MAX_CREDIT_INVOICES} invoices at a time"),
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let mut chosen: Vec<Invoice> = Vec::with_capacity(invoice_ids.len());
        for id in invoice_ids {
            if chosen.iter().any(|i| &i.id == id) {
                continue;
            }
            let inv = invoices::load_for_update(&mut tx, scope, id).await?;
            if !scope.can_see_client(&inv.client_id) {
                return Err(AppError::NotFound("invoice"));
            }
            if !matches!(
                inv.status,
                domain::InvoiceStatus::Issued | domain::InvoiceStatus::PartiallyPaid
            ) || !inv.balance.is_positive()
            {
                return Err(AppError::bad_input(
                    "invoiceIds",
                    "an invoice is not open for payment",
                ));
            }
            if let Some(first) = chosen.first() {
                if first.client_id != inv.client_id || first.currency != inv.currency {
                    return Err(AppError::bad_input(
                        "invoiceIds",
                        "pay invoices of one currency at a time",
                    ));
                }
            }
            chosen.push(inv);
        }
        // Due first, then oldest.
        chosen.sort_by(|a, b| {
            (a.due_date, a.issue_date, &a.number).cmp(&(b.due_date, b.issue_date, &b.number))
        });
        let (client_id, currency) = (chosen[0].client_id.clone(), chosen[0].currency);
        let credit = sources(&mut tx, scope, &client_id, currency).await?;
        let total_credit = credit
            .iter()
            .try_fold(Money::zero(currency), |acc, s| acc.checked_add(s.available))?;
        if !total_credit.is_positive() {
            return Err(AppError::Conflict("there is no credit to use".into()));
        }
        let mut applied = Money::zero(currency);
        for source in credit.iter() {
            let mut plan = Vec::new();
            let mut left = source.available;
            for inv in chosen.iter() {
                let planned: i64 = plan
                    .iter()
                    .filter(|a: &&domain::Allocation| a.invoice_id == inv.id)
                    .map(|a| a.amount.minor)
                    .sum();
                let open = inv.balance.minor - planned;
                let take = left.minor.min(open);
                if take > 0 {
                    plan.push(domain::Allocation {
                        invoice_id: inv.id.to_string(),
                        amount: Money::new(take, currency),
                    });
                    left = Money::new(left.minor - take, currency);
                }
            }
            if plan.is_empty() {
                continue;
            }
            let used = Money::new(source.available.minor - left.minor, currency);
            match source.kind {
                "payment" => {
                    take_unallocated(&mut tx, scope, &source.id, used, source.available).await?;
                    for inv in apply_allocations(&mut tx, scope, &source.id, &plan).await? {
                        if let Some(slot) = chosen.iter_mut().find(|c| c.id == inv.id) {
                            *slot = inv;
                        }
                    }
                }
                _ => {
                    for a in &plan {
                        let Some(pos) = chosen.iter().position(|c| c.id == a.invoice_id) else {
                            continue;
                        };
                        // Read again each time: the note's applied total moves as it is used.
                        let cn = credit_notes::load(&mut tx, scope, &source.id).await?;
                        chosen[pos] = credit_notes::apply_tx(
                            &mut tx,
                            scope,
                            &cn,
                            &chosen[pos],
                            a.amount,
                            today,
                        )
                        .await?;
                    }
                }
            }
            applied = applied.checked_add(used)?;
            audit::record(
                &mut tx,
                scope,
                "credit.used",
                source.kind,
                &source.id,
                Some(serde_json::json!({
                    "amount": used.amount_string(),
                    "invoices": plan.iter().map(|a| serde_json::json!({
                        "invoice": a.invoice_id, "amount": a.amount.amount_string()
                    })).collect::<Vec<_>>(),
                })),
            )
            .await?;
        }
        let remaining = chosen
            .iter()
            .try_fold(Money::zero(currency), |acc, i| acc.checked_add(i.balance))?;
        let credit_left = total_credit.checked_sub(applied)?;
        if scope.client_filter().is_some() {
            let numbers: Vec<&str> = chosen.iter().map(|i| i.number.as_str()).collect();
            let name = crate::parties::service::client_name(&mut tx, scope, &client_id).await?;
            let message = format!("{name} used {applied} of credit on {}", numbers.join(", "));
            let params = serde_json::json!({
                "client": name, "amount": applied.amount_string(), "currency": currency.code(),
                "numbers": numbers.join(", "),
            });
            notify::notify(
                &mut tx,
                scope,
                "credit.used",
                &message,
                Some(&chosen[0].id),
                params,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(CreditUse {
            applied,
            invoices: chosen,
            remaining,
            credit_left,
        })
    }
}
