//! Editing a draft estimate: everything the staff editor shows, saved at once (client, currency,
//! dates, notes and every line). A sent estimate is no longer edited: the client may be deciding
//! on it.

use chrono::NaiveDate;
use portico_domain::{Currency, EstimateStatus};

use crate::core::audit;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::estimates::service::{load, store_totals};
use crate::estimates::Estimate;
use crate::invoicing::lines::{self, NewLine, MAX_LINES};
use crate::invoicing::service::tenant_rounding;

/// A draft estimate as the editor saves it (every field replaced).
#[derive(Debug, Clone)]
pub struct EstimateDraft {
    pub client_id: String,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<NewLine>,
}

impl Store {
    pub async fn update_estimate(
        &self,
        scope: &Scope,
        id: &str,
        draft: EstimateDraft,
    ) -> AppResult<Estimate> {
        scope.require_staff()?;
        if draft.lines.len() > MAX_LINES {
            return Err(AppError::bad_input(
                "lines",
                format!("at most {MAX_LINES} lines"),
            ));
        }
        if draft.valid_until.is_some_and(|v| v < draft.issue_date) {
            return Err(AppError::bad_input(
                "validUntil",
                "valid until is before the issue date",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let current = load(&mut tx, scope, id).await?;
        if current.status != EstimateStatus::Draft {
            return Err(AppError::bad_input(
                "id",
                "only a draft estimate can be edited",
            ));
        }
        tx.fetch_optional(
            sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                .bind(scope.tenant_id.clone())
                .bind(draft.client_id.clone()),
        )
        .await?
        .ok_or(AppError::NotFound("client"))?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "UPDATE estimates SET client_id = $1, currency = $2, issue_date = $3, valid_until = $4, notes = $5, \
                 updated_at = $6 WHERE tenant_id = $7 AND id = $8",
            )
            .bind(draft.client_id.clone())
            .bind(draft.currency.code())
            .bind(crate::core::db::rows::date_str(draft.issue_date))
            .bind(draft.valid_until.map(crate::core::db::rows::date_str))
            .bind(draft.notes)
            .bind(now)
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?;
        tx.execute(
            sqlx::query(
                "DELETE FROM lines WHERE tenant_id = $1 AND document_id = $2 AND document_kind = 'estimate'",
            )
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?;
        let rounding = tenant_rounding(&mut tx, &scope.tenant_id).await?;
        for (i, line) in draft.lines.iter().enumerate() {
            lines::insert(
                &mut tx,
                &lines::Doc {
                    tenant_id: &scope.tenant_id,
                    kind: "estimate",
                    id,
                    currency: draft.currency,
                    rounding,
                },
                i as i64,
                line,
            )
            .await?;
        }
        store_totals(&mut tx, scope, id, draft.currency).await?;
        audit::record(&mut tx, scope, "estimate.updated", "estimate", id, None).await?;
        let e = load(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(e)
    }
}
