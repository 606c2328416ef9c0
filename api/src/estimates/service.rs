//! Estimates (quotes): drafted with lines, sent, then accepted with a comment or rejected with a
//! reason by the client's contacts (staff are notified). A sent estimate past its validity reads
//! as expired.

use chrono::NaiveDate;
use portico_domain::{self as domain, Currency, DocumentNumber, EstimateStatus, Money};
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::notify;
use crate::core::scope::Scope;
use crate::invoicing::lines::{self, NewLine, MAX_LINES};
use crate::invoicing::service::tenant_rounding;
use crate::tenancy::repo::next_number;

#[derive(Debug, Clone)]
pub struct Estimate {
    pub id: String,
    pub client_id: String,
    pub number: String,
    pub status: EstimateStatus,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub notes: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub created_at: i64,
    /// The invoice this estimate became, once converted.
    pub invoice_id: Option<String>,
}

impl Estimate {
    pub fn effective_status(&self, today: NaiveDate) -> EstimateStatus {
        domain::effective_estimate_status(self.status, self.valid_until, today)
    }
}

#[derive(Debug, Clone)]
pub struct NewEstimate {
    pub client_id: String,
    pub number: Option<DocumentNumber>,
    pub currency: Option<Currency>,
    pub issue_date: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<NewLine>,
}

const COLUMNS: &str = "e.id, e.client_id, e.number, e.status, e.currency, e.issue_date, e.valid_until, e.subtotal_minor, \
     e.discount_minor, e.tax_minor, e.total_minor, e.notes, e.decision_comment, e.decided_at, e.decided_by, e.created_at, e.invoice_id";

fn estimate(row: &AnyRow) -> AppResult<Estimate> {
    let c = rows::currency(row, "currency")?;
    Ok(Estimate {
        id: rows::text(row, "id")?,
        client_id: rows::text(row, "client_id")?,
        number: rows::text(row, "number")?,
        status: rows::parsed(row, "status", EstimateStatus::parse)?,
        currency: c,
        issue_date: rows::date(row, "issue_date")?,
        valid_until: rows::opt_date(row, "valid_until")?,
        subtotal: rows::money(row, "subtotal_minor", c)?,
        discount: rows::money(row, "discount_minor", c)?,
        tax: rows::money(row, "tax_minor", c)?,
        total: rows::money(row, "total_minor", c)?,
        notes: rows::opt_text(row, "notes")?,
        decision_comment: rows::opt_text(row, "decision_comment")?,
        decided_at: rows::opt_int(row, "decided_at")?,
        decided_by: rows::opt_text(row, "decided_by")?,
        created_at: rows::int(row, "created_at")?,
        invoice_id: rows::opt_text(row, "invoice_id")?,
    })
}

/// Loads an estimate the caller may act on (contacts: their client's, not drafts).
pub(crate) async fn load(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Estimate> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM estimates e WHERE e.tenant_id = $1 AND e.id = $2 \
                 AND ($3 IS NULL OR (e.client_id = $3 AND e.status <> 'draft'))"
            ))
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned())
            .bind(scope.client_filter().map(str::to_owned)),
        )
        .await?
        .ok_or(AppError::NotFound("estimate"))?;
    estimate(&row)
}

/// Stores an estimate's totals from its lines.
pub(crate) async fn store_totals(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    currency: Currency,
) -> AppResult<()> {
    let (_, t) = lines::document_totals(tx, &scope.tenant_id, id, currency).await?;
    tx.execute(
        sqlx::query(
            "UPDATE estimates SET subtotal_minor = $1, discount_minor = $2, tax_minor = $3, total_minor = $4 \
             WHERE tenant_id = $5 AND id = $6",
        )
        .bind(t.subtotal.minor)
        .bind(t.discount.minor)
        .bind(t.tax.minor)
        .bind(t.total.minor)
        .bind(scope.tenant_id.clone())
        .bind(id.to_owned()),
    )
    .await?;
    Ok(())
}

impl Store {
    pub async fn create_estimate(&self, scope: &Scope, new: NewEstimate) -> AppResult<Estimate> {
        scope.require_staff()?;
        if new.lines.len() > MAX_LINES {
            return Err(AppError::bad_input(
                "lines",
                format!("at most {MAX_LINES} lines"),
            ));
        }
        if new.valid_until.is_some_and(|v| v < new.issue_date) {
            return Err(AppError::bad_input(
                "validUntil",
                "valid until is before the issue date",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let client = tx
            .fetch_optional(
                sqlx::query("SELECT currency FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone()),
            )
            .await?
            .ok_or(AppError::NotFound("client"))?;
        let currency = match new.currency {
            Some(c) => c,
            None => rows::currency(&client, "currency")?,
        };
        let rounding = tenant_rounding(&mut tx, &scope.tenant_id).await?;
        let number = match new.number {
            Some(n) => n.as_str().to_owned(),
            None => {
                next_number(
                    &mut tx,
                    &scope.tenant_id,
                    "estimate",
                    chrono::Datelike::year(&new.issue_date),
                )
                .await?
            }
        };
        let id = new_id();
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO estimates (id, tenant_id, client_id, number, status, currency, issue_date, valid_until, notes, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $9)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(new.client_id)
            .bind(number)
            .bind(currency.code())
            .bind(rows::date_str(new.issue_date))
            .bind(new.valid_until.map(rows::date_str))
            .bind(new.notes)
            .bind(now),
        )
        .await?;
        for (i, line) in new.lines.iter().enumerate() {
            lines::insert(
                &mut tx,
                &lines::Doc {
                    tenant_id: &scope.tenant_id,
                    kind: "estimate",
                    id: &id,
                    currency,
                    rounding,
                },
                i as i64,
                line,
            )
            .await?;
        }
        store_totals(&mut tx, scope, &id, currency).await?;
        audit::record(&mut tx, scope, "estimate.created", "estimate", &id, None).await?;
        let e = load(&mut tx, scope, &id).await?;
        tx.commit().await?;
        Ok(e)
    }

    pub async fn send_estimate(&self, scope: &Scope, id: &str) -> AppResult<Estimate> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let e = load(&mut tx, scope, id).await?;
        let (count, _) = lines::document_totals(&mut tx, &scope.tenant_id, id, e.currency).await?;
        let next = domain::send_estimate(e.status, count)?;
        self.decide(tx, scope, e, next, None, "estimate.sent").await
    }

    /// A contact (admin or payer) accepts a sent estimate, with an optional comment.
    pub async fn accept_estimate(
        &self,
        scope: &Scope,
        id: &str,
        comment: Option<String>,
        today: NaiveDate,
    ) -> AppResult<Estimate> {
        scope.require_contact_decider()?;
        let mut tx = self.write_scoped(scope).await?;
        let e = load(&mut tx, scope, id).await?;
        let next = domain::accept_estimate(e.status, e.valid_until, today)?;
        self.decide(tx, scope, e, next, comment, "estimate.accepted")
            .await
    }

    /// A contact (admin or payer) rejects a sent estimate, giving a reason.
    pub async fn reject_estimate(
        &self,
        scope: &Scope,
        id: &str,
        reason: String,
        today: NaiveDate,
    ) -> AppResult<Estimate> {
        scope.require_contact_decider()?;
        let mut tx = self.write_scoped(scope).await?;
        let e = load(&mut tx, scope, id).await?;
        let next = domain::reject_estimate(e.status, e.valid_until, today, &reason)?;
        self.decide(tx, scope, e, next, Some(reason), "estimate.rejected")
            .await
    }

    async fn decide(
        &self,
        mut tx: Tx,
        scope: &Scope,
        e: Estimate,
        next: EstimateStatus,
        comment: Option<String>,
        action: &str,
    ) -> AppResult<Estimate> {
        let deciding = scope.role.is_contact();
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE estimates SET status = $1, decision_comment = CASE WHEN $2 = 1 THEN $3 ELSE decision_comment END, \
                     decided_at = CASE WHEN $2 = 1 THEN $4 ELSE decided_at END, \
                     decided_by = CASE WHEN $2 = 1 THEN $5 ELSE decided_by END, updated_at = $4 \
                     WHERE tenant_id = $6 AND id = $7 AND status = $8",
                )
                .bind(next.as_str())
                .bind(i64::from(deciding))
                .bind(comment.clone())
                .bind(tx.now_ms())
                .bind(scope.actor_name.clone())
                .bind(scope.tenant_id.clone())
                .bind(e.id.clone())
                .bind(e.status.as_str()),
            )
            .await?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "the estimate changed meanwhile; try again".into(),
            ));
        }
        audit::record(&mut tx, scope, action, "estimate", &e.id, None).await?;
        if deciding {
            let client = crate::parties::service::client_name(&mut tx, scope, &e.client_id).await?;
            let verb = match next {
                EstimateStatus::Accepted => "accepted",
                _ => "rejected",
            };
            let mut text = format!(
                "Estimate {} was {verb} by {} ({client})",
                e.number, scope.actor_name
            );
            if let Some(c) = comment.as_deref().filter(|c| !c.trim().is_empty()) {
                text.push_str(&format!(": \u{201c}{c}\u{201d}"));
            }
            let params = serde_json::json!({ "number": e.number, "who": scope.actor_name, "client": client, "comment": comment });
            notify::notify(&mut tx, scope, action, &text, Some(&e.id), params).await?;
        }
        let e = load(&mut tx, scope, &e.id).await?;
        tx.commit().await?;
        Ok(e)
    }

    pub async fn estimates(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<Estimate>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM estimates e WHERE e.tenant_id = $1 \
                     AND ($2 IS NULL OR (e.client_id = $2 AND e.status <> 'draft')) \
                     AND ($3 IS NULL OR e.client_id = $3) AND ($4 IS NULL OR e.id = $4) \
                     ORDER BY e.issue_date DESC, e.id DESC LIMIT $5 OFFSET $6"
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
        rows.iter().map(estimate).collect()
    }
}
