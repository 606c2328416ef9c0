//! A new business's first steps, as the owner's and admins' dashboard lists them until all are
//! done: a logo or brand colour of its own, a way to be paid, a first client, a first invoice.

use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::scope::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GettingStarted {
    pub branding: bool,
    pub payment_method: bool,
    pub first_client: bool,
    pub first_invoice: bool,
}

impl Store {
    /// Owner and admin.
    pub async fn getting_started(&self, scope: &Scope) -> AppResult<GettingStarted> {
        scope.require_admin()?;
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT \
                     CAST(CASE WHEN t.logo_file IS NOT NULL OR t.logo IS NOT NULL OR t.brand_color <> '#1f4e79' THEN 1 ELSE 0 END AS BIGINT) AS branding, \
                     CAST(CASE WHEN t.iban IS NOT NULL OR t.bank_details IS NOT NULL \
                          OR EXISTS (SELECT 1 FROM gateway_credentials g WHERE g.tenant_id = t.id) THEN 1 ELSE 0 END AS BIGINT) AS payment_method, \
                     CAST(CASE WHEN EXISTS (SELECT 1 FROM clients c WHERE c.tenant_id = t.id) THEN 1 ELSE 0 END AS BIGINT) AS first_client, \
                     CAST(CASE WHEN EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id) THEN 1 ELSE 0 END AS BIGINT) AS first_invoice \
                     FROM tenants t WHERE t.id = $1",
                )
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        Ok(GettingStarted {
            branding: rows::flag(&row, "branding")?,
            payment_method: rows::flag(&row, "payment_method")?,
            first_client: rows::flag(&row, "first_client")?,
            first_invoice: rows::flag(&row, "first_invoice")?,
        })
    }
}
