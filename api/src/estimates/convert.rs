//! An accepted estimate becomes a draft invoice with the same client, currency, lines and notes
//! — once: the estimate keeps the invoice it became, in the same transaction that writes it.

use chrono::NaiveDate;
use portico_domain::EstimateStatus;

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::invoicing::service::insert_invoice;
use crate::invoicing::{Invoice, NewInvoice, NewLine};

impl Store {
    /// Staff: the draft invoice an accepted estimate becomes (dated `today`, due 30 days later).
    /// CONFLICT for an estimate that is not accepted or was already converted.
    pub async fn convert_estimate(
        &self,
        scope: &Scope,
        id: &str,
        today: NaiveDate,
    ) -> AppResult<Invoice> {
        scope.require_staff()?;
        let est = self
            .estimates(scope, None, Some(id), 1, 0)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound("estimate"))?;
        if est.effective_status(today) != EstimateStatus::Accepted {
            return Err(AppError::Conflict(
                "only an accepted estimate becomes an invoice".into(),
            ));
        }
        let lines = self.lines_for_documents(scope, &[id.to_owned()]).await?;
        let new = NewInvoice {
            client_id: est.client_id.clone(),
            number: None,
            reference: Some(est.number.clone()),
            currency: Some(est.currency),
            issue_date: today,
            due_date: None,
            notes: est.notes.clone(),
            terms: None,
            lines: lines
                .into_iter()
                .map(|l| NewLine {
                    description: l.description,
                    input: portico_domain::LineInput {
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
        let mut tx = self.write_scoped(scope).await?;
        let inv = insert_invoice(&mut tx, scope, new, today + chrono::Days::new(30)).await?;
        // Only one conversion wins: the estimate takes the invoice's id if it has none yet.
        let taken = tx
            .execute(
                sqlx::query(
                    "UPDATE estimates SET invoice_id = $1 WHERE tenant_id = $2 AND id = $3 AND invoice_id IS NULL",
                )
                .bind(inv.id.to_string())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        if taken != 1 {
            let row = tx
                .fetch_one(
                    sqlx::query(
                        "SELECT i.number FROM estimates e JOIN invoices i ON i.tenant_id = e.tenant_id AND i.id = e.invoice_id \
                         WHERE e.tenant_id = $1 AND e.id = $2",
                    )
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
                )
                .await?;
            return Err(AppError::Conflict(format!(
                "the estimate is already invoice {}",
                rows::text(&row, "number")?
            )));
        }
        audit::record(
            &mut tx,
            scope,
            "estimate.converted",
            "estimate",
            id,
            Some(serde_json::json!({ "invoice": inv.number })),
        )
        .await?;
        tx.commit().await?;
        Ok(inv)
    }
}
