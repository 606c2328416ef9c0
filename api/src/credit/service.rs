//! Credit notes: issued to a client, then applied (in part or whole) to its open invoices.

use chrono::NaiveDate;
use portico_domain::{self as domain, CreditNoteStatus, Currency, Money};
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::invoicing::service::{self as invoices, Invoice};
use crate::payments::ledger::settle;
use crate::tenancy::repo::next_number;

#[derive(Debug, Clone)]
pub struct CreditNote {
    pub id: String,
    pub client_id: String,
    pub invoice_id: Option<String>,
    pub number: String,
    pub status: CreditNoteStatus,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub reason: String,
    pub total: Money,
    pub applied: Money,
    pub created_at: i64,
}

impl CreditNote {
    pub fn remaining(&self) -> Money {
        Money::new(self.total.minor - self.applied.minor, self.currency)
    }
}

#[derive(Debug, Clone)]
pub struct NewCreditNote {
    pub client_id: String,
    pub invoice_id: Option<String>,
    pub amount: Money,
    pub reason: String,
    pub issue_date: NaiveDate,
}

const COLUMNS: &str =
    "c.id, c.client_id, c.invoice_id, c.number, c.status, c.currency, c.issue_date, c.reason, \
     c.total_minor, c.applied_minor, c.created_at";

fn credit_note(row: &AnyRow) -> AppResult<CreditNote> {
    let c = rows::currency(row, "currency")?;
    Ok(CreditNote {
        id: rows::text(row, "id")?,
        client_id: rows::text(row, "client_id")?,
        invoice_id: rows::opt_text(row, "invoice_id")?,
        number: rows::text(row, "number")?,
        status: rows::parsed(row, "status", CreditNoteStatus::parse)?,
        currency: c,
        issue_date: rows::date(row, "issue_date")?,
        reason: rows::text(row, "reason")?,
        total: rows::money(row, "total_minor", c)?,
        applied: rows::money(row, "applied_minor", c)?,
        created_at: rows::int(row, "created_at")?,
    })
}

/// Puts `amount` of credit note `cn` (as read in this transaction) on `inv`, in the caller's
/// transaction: the note's applied total (a conditional update on what was read), the invoice's
/// settlement and the application row. Staff applications and clients using their credit share it.
pub(crate) async fn apply_tx(
    tx: &mut Tx,
    scope: &Scope,
    cn: &CreditNote,
    inv: &Invoice,
    amount: Money,
    today: NaiveDate,
) -> AppResult<Invoice> {
    let next = domain::apply_credit(cn.status, cn.total, cn.applied, amount, inv.balance)?;
    let changed = tx
        .execute(
            sqlx::query(
                "UPDATE credit_notes SET applied_minor = applied_minor + $1, status = $2, updated_at = $3 \
                 WHERE tenant_id = $4 AND id = $5 AND applied_minor = $6 AND status = 'open'",
            )
            .bind(amount.minor)
            .bind(next.as_str())
            .bind(tx.now_ms())
            .bind(scope.tenant_id.clone())
            .bind(cn.id.clone())
            .bind(cn.applied.minor),
        )
        .await?;
    if changed != 1 {
        return Err(AppError::Conflict(
            "the credit note changed meanwhile; try again".into(),
        ));
    }
    let inv = settle(tx, scope, inv, "credited_minor", amount).await?;
    tx.execute(
        sqlx::query(
            "INSERT INTO credit_applications (id, tenant_id, credit_note_id, invoice_id, amount_minor, applied_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(scope.tenant_id.clone())
        .bind(cn.id.clone())
        .bind(inv.id.clone())
        .bind(amount.minor)
        .bind(rows::date_str(today))
        .bind(tx.now_ms()),
    )
    .await?;
    Ok(inv)
}

pub(crate) async fn load(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<CreditNote> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM credit_notes c WHERE c.tenant_id = $1 AND c.id = $2"
            ))
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?
        .ok_or(AppError::NotFound("credit note"))?;
    credit_note(&row)
}

impl Store {
    pub async fn create_credit_note(
        &self,
        scope: &Scope,
        new: NewCreditNote,
    ) -> AppResult<CreditNote> {
        scope.require_staff()?;
        if !new.amount.is_positive() {
            return Err(AppError::bad_input(
                "amount",
                "a credit note must be more than zero",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let client = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone()),
            )
            .await?;
        if client.is_none() {
            return Err(AppError::NotFound("client"));
        }
        if let Some(inv_id) = &new.invoice_id {
            let inv = invoices::load_for_update(&mut tx, scope, inv_id).await?;
            if inv.client_id != new.client_id {
                return Err(AppError::bad_input(
                    "invoiceId",
                    "the invoice belongs to another client",
                ));
            }
        }
        let id = new_id();
        let number = next_number(
            &mut tx,
            &scope.tenant_id,
            "credit_note",
            chrono::Datelike::year(&new.issue_date),
        )
        .await?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO credit_notes (id, tenant_id, client_id, invoice_id, number, status, currency, issue_date, \
                 reason, total_minor, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $10)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(new.client_id)
            .bind(new.invoice_id)
            .bind(number)
            .bind(new.amount.currency.code())
            .bind(rows::date_str(new.issue_date))
            .bind(new.reason)
            .bind(new.amount.minor)
            .bind(now),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "credit_note.created",
            "credit_note",
            &id,
            None,
        )
        .await?;
        let cn = load(&mut tx, scope, &id).await?;
        tx.commit().await?;
        Ok(cn)
    }

    pub async fn issue_credit_note(&self, scope: &Scope, id: &str) -> AppResult<CreditNote> {
        self.transition_credit_note(scope, id, "issued", |cn| {
            domain::issue_credit_note(cn.status, cn.total)
        })
        .await
    }

    pub async fn void_credit_note(&self, scope: &Scope, id: &str) -> AppResult<CreditNote> {
        self.transition_credit_note(scope, id, "voided", |cn| {
            domain::void_credit_note(cn.status, cn.applied)
        })
        .await
    }

    async fn transition_credit_note(
        &self,
        scope: &Scope,
        id: &str,
        verb: &str,
        rule: impl Fn(&CreditNote) -> Result<CreditNoteStatus, domain::DomainError>,
    ) -> AppResult<CreditNote> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let cn = load(&mut tx, scope, id).await?;
        let next = rule(&cn)?;
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE credit_notes SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 AND status = $5 \
                     AND applied_minor = $6",
                )
                .bind(next.as_str())
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(cn.status.as_str())
                .bind(cn.applied.minor),
            )
            .await?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "the credit note changed meanwhile; try again".into(),
            ));
        }
        audit::record(
            &mut tx,
            scope,
            &format!("credit_note.{verb}"),
            "credit_note",
            id,
            None,
        )
        .await?;
        let cn = load(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(cn)
    }

    /// Applies `amount` of an open credit note to an invoice of the same client.
    pub async fn apply_credit_note(
        &self,
        scope: &Scope,
        id: &str,
        invoice_id: &str,
        amount: Money,
        today: NaiveDate,
    ) -> AppResult<(CreditNote, Invoice)> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let cn = load(&mut tx, scope, id).await?;
        let inv = invoices::load_for_update(&mut tx, scope, invoice_id).await?;
        if inv.client_id != cn.client_id {
            return Err(AppError::bad_input(
                "invoiceId",
                "the invoice belongs to another client",
            ));
        }
        domain::ensure_can_settle(inv.status)?;
        let inv = apply_tx(&mut tx, scope, &cn, &inv, amount, today).await?;
        let detail = serde_json::json!({ "invoice": invoice_id, "amount": amount.amount_string() });
        audit::record(
            &mut tx,
            scope,
            "credit_note.applied",
            "credit_note",
            id,
            Some(detail),
        )
        .await?;
        let cn = load(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok((cn, inv))
    }

    /// Credit notes the caller may see (contacts: their client's, never drafts), newest first.
    pub async fn credit_notes(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<CreditNote>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM credit_notes c WHERE c.tenant_id = $1 \
                     AND ($2 IS NULL OR (c.client_id = $2 AND c.status <> 'draft')) \
                     AND ($3 IS NULL OR c.client_id = $3) AND ($4 IS NULL OR c.id = $4) \
                     ORDER BY c.issue_date DESC, c.id DESC LIMIT $5 OFFSET $6"
                ))
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(client_id.map(str::to_owned))
                .bind(id.map(str::to_owned))
                .bind(limit)
                .bind(offset),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(credit_note).collect()
    }
}
