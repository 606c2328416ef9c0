//! How a business takes payments: partial payments and their minimum, bank details, and its
//! gateway credentials (stored encrypted).

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct PaymentSettings {
    pub allow_partial: bool,
    pub min_partial: i64,
    pub bank_details: Option<String>,
}

pub(crate) async fn payment_settings(tx: &mut Tx, tenant_id: &str) -> AppResult<PaymentSettings> {
    let row = tx
        .fetch_one(
            sqlx::query("SELECT allow_partial_payments, min_partial_minor, bank_details FROM tenants WHERE id = $1")
                .bind(tenant_id.to_owned()),
        )
        .await?;
    Ok(PaymentSettings {
        allow_partial: rows::flag(&row, "allow_partial_payments")?,
        min_partial: rows::int(&row, "min_partial_minor")?,
        bank_details: rows::opt_text(&row, "bank_details")?,
    })
}

impl Store {
    pub async fn payment_settings(&self, tenant_id: &str) -> AppResult<PaymentSettings> {
        let mut tx = self.read(tenant_id).await?;
        let s = payment_settings(&mut tx, tenant_id).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Changes how clients may pay (owner and admin).
    pub async fn update_payment_settings(
        &self,
        scope: &Scope,
        settings: PaymentSettings,
        allow_link_payments: Option<bool>,
    ) -> AppResult<()> {
        scope.require_admin()?;
        if settings.min_partial < 0 {
            return Err(AppError::bad_input(
                "minimumPartialAmount",
                "cannot be negative",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query(
                "UPDATE tenants SET allow_partial_payments = $1, min_partial_minor = $2, bank_details = $3, \
                 allow_link_payments = COALESCE($4, allow_link_payments) WHERE id = $5",
            )
            .bind(i64::from(settings.allow_partial))
            .bind(settings.min_partial)
            .bind(settings.bank_details)
            .bind(allow_link_payments.map(i64::from))
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.payment_settings_changed",
            "tenant",
            &scope.tenant_id,
            None,
        )
        .await?;
        tx.commit().await
    }
}

#[derive(Debug, Clone)]
pub struct GatewayCredentials {
    pub secret_key_enc: String,
    pub webhook_secret_enc: String,
}

impl Store {
    /// Stores a tenant's (already encrypted) gateway credentials (owner and admin).
    pub async fn set_gateway_credentials(
        &self,
        scope: &Scope,
        provider: &str,
        creds: GatewayCredentials,
    ) -> AppResult<()> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query(
                "INSERT INTO gateway_credentials (tenant_id, provider, secret_key_enc, webhook_secret_enc, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, provider) DO UPDATE SET \
                 secret_key_enc = excluded.secret_key_enc, webhook_secret_enc = excluded.webhook_secret_enc, updated_at = excluded.updated_at",
            )
            .bind(scope.tenant_id.clone())
            .bind(provider.to_owned())
            .bind(creds.secret_key_enc)
            .bind(creds.webhook_secret_enc)
            .bind(tx.now_ms()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "gateway.credentials_set",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "provider": provider })),
        )
        .await?;
        tx.commit().await
    }

    /// Deletes a tenant's credentials for a gateway (owner and admin); whether there were any.
    pub async fn remove_gateway_credentials(
        &self,
        scope: &Scope,
        provider: &str,
    ) -> AppResult<bool> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query(
                    "DELETE FROM gateway_credentials WHERE tenant_id = $1 AND provider = $2",
                )
                .bind(scope.tenant_id.clone())
                .bind(provider.to_owned()),
            )
            .await?;
        if n > 0 {
            tx.execute(
                sqlx::query("DELETE FROM gateway_health WHERE tenant_id = $1 AND provider = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(provider.to_owned()),
            )
            .await?;
            audit::record(
                &mut tx,
                scope,
                "gateway.credentials_removed",
                "tenant",
                &scope.tenant_id,
                Some(serde_json::json!({ "provider": provider })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    pub async fn gateway_credentials(
        &self,
        tenant_id: &str,
        provider: &str,
    ) -> AppResult<Option<GatewayCredentials>> {
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query("SELECT secret_key_enc, webhook_secret_enc FROM gateway_credentials WHERE tenant_id = $1 AND provider = $2")
                    .bind(tenant_id.to_owned())
                    .bind(provider.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(GatewayCredentials {
                secret_key_enc: rows::text(&r, "secret_key_enc")?,
                webhook_secret_enc: rows::text(&r, "webhook_secret_enc")?,
            })
        })
        .transpose()
    }
}
