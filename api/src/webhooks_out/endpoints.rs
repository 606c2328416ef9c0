//! A business's webhook endpoints (owner and admin): registering, changing, rotating the signing
//! secret (the old one keeps signing beside the new for a day), removing; each endpoint's delivery
//! log, a resend, and a test event. Every change is audited.

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::partner_events::TYPES;
use crate::core::scope::Scope;
use crate::core::secrets::SecretBox;

/// How long the previous secret keeps signing after a rotation.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;
/// Endpoints a business may have.
pub const MAX_ENDPOINTS: i64 = 20;

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    /// The event types it receives; empty: all of them.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// Since when its deliveries fail (none: the last one succeeded).
    pub failing_since: Option<i64>,
    /// Until when the previous secret still signs, after a rotation.
    pub previous_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One delivery of an event to an endpoint, as its log shows it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `delivered`, `failed` or `skipped` (the endpoint was off).
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub next_at: i64,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

const COLUMNS: &str = "id, url, description, event_types, enabled, disabled_reason, failing_since, previous_until, created_at, updated_at";
const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, status, attempts, response_status, duration_ms, last_error, next_at, created_at, delivered_at";

fn endpoint(r: &sqlx::any::AnyRow) -> AppResult<Endpoint> {
    let types = rows::text(r, "event_types")?;
    Ok(Endpoint {
        id: rows::text(r, "id")?,
        url: rows::text(r, "url")?,
        description: rows::opt_text(r, "description")?,
        event_types: if types == "*" {
            Vec::new()
        } else {
            types
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        },
        enabled: rows::flag(r, "enabled")?,
        disabled_reason: rows::opt_text(r, "disabled_reason")?,
        failing_since: rows::opt_int(r, "failing_since")?,
        previous_until: rows::opt_int(r, "previous_until")?,
        created_at: rows::int(r, "created_at")?,
        updated_at: rows::int(r, "updated_at")?,
    })
}

pub(crate) fn delivery(r: &sqlx::any::AnyRow) -> AppResult<Delivery> {
    Ok(Delivery {
        id: rows::text(r, "id")?,
        endpoint_id: rows::text(r, "endpoint_id")?,
        event_id: rows::text(r, "event_id")?,
        event_type: rows::text(r, "event_type")?,
        status: rows::text(r, "status")?,
        attempts: rows::int(r, "attempts")?,
        response_status: rows::opt_int(r, "response_status")?,
        duration_ms: rows::opt_int(r, "duration_ms")?,
        last_error: rows::opt_text(r, "last_error")?,
        next_at: rows::int(r, "next_at")?,
        created_at: rows::int(r, "created_at")?,
        delivered_at: rows::opt_int(r, "delivered_at")?,
    })
}

/// The stored form of a list of event types: `*` for all, else `,a,b,` (see `partner_events`).
pub fn types_text(types: &[String]) -> AppResult<String> {
    if types.is_empty() {
        return Ok("*".into());
    }
    let mut sorted: Vec<&str> = Vec::new();
    for t in types {
        let t = t.trim();
        if !TYPES.contains(&t) {
            return Err(AppError::bad_input(
                "eventTypes",
                format!(
                    "unknown event type \"{}\"",
                    t.chars().take(40).collect::<String>()
                ),
            ));
        }
        if !sorted.contains(&t) {
            sorted.push(t);
        }
    }
    sorted.sort_unstable();
    Ok(format!(",{},", sorted.join(",")))
}

fn description(d: Option<String>) -> AppResult<Option<String>> {
    let d = d.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    if d.as_ref().is_some_and(|d| d.chars().count() > 200) {
        return Err(AppError::bad_input("description", "at most 200 characters"));
    }
    Ok(d)
}

/// What may change on an endpoint (`None`: unchanged).
#[derive(Debug, Default)]
pub struct EndpointChange {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

impl Store {
    /// Registers an endpoint; returns it and its signing secret (shown once).
    pub async fn create_webhook_endpoint(
        &self,
        scope: &Scope,
        sealer: &SecretBox,
        url: &str,
        desc: Option<String>,
        event_types: &[String],
        allow_private: bool,
    ) -> AppResult<(Endpoint, String)> {
        scope.require_admin()?;
        let url = super::target::check_url(url, allow_private)
            .map_err(|m| AppError::bad_input("url", m))?;
        let types = types_text(event_types)?;
        let desc = description(desc)?;
        let secret = super::signature::new_secret();
        let sealed = sealer.seal(&secret).map_err(AppError::Internal)?;
        let mut tx = self.write_scoped(scope).await?;
        let count = tx
            .fetch_one(
                sqlx::query("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE tenant_id = $1")
                    .bind(scope.tenant_id.clone()),
            )
            .await?;
        if rows::int(&count, "n")? >= MAX_ENDPOINTS {
            return Err(AppError::Conflict(format!(
                "a business has at most {MAX_ENDPOINTS} webhook endpoints"
            )));
        }
        let id = new_id();
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO webhook_endpoints (id, tenant_id, url, description, event_types, secret_enc, enabled, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(url.to_string())
            .bind(desc)
            .bind(types.clone())
            .bind(sealed)
            .bind(now),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "webhook_endpoint.created",
            "webhook_endpoint",
            &id,
            Some(serde_json::json!({ "url": url.to_string(), "events": types })),
        )
        .await?;
        let e = self.load_endpoint(&mut tx, scope, &id).await?;
        tx.commit().await?;
        Ok((e, secret))
    }

    async fn load_endpoint(
        &self,
        tx: &mut crate::core::db::Tx,
        scope: &Scope,
        id: &str,
    ) -> AppResult<Endpoint> {
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        row.as_ref()
            .map(endpoint)
            .transpose()?
            .ok_or(AppError::NotFound("webhook endpoint"))
    }

    /// The business's endpoints, oldest first (owner and admin).
    pub async fn webhook_endpoints(&self, scope: &Scope) -> AppResult<Vec<Endpoint>> {
        scope.require_admin()?;
        let mut tx = self.read_scoped(scope).await?;
        let found = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id"
                ))
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        found.iter().map(endpoint).collect()
    }

    /// Changes an endpoint. Turning it back on clears why it was off and its failing streak.
    pub async fn update_webhook_endpoint(
        &self,
        scope: &Scope,
        id: &str,
        change: EndpointChange,
        allow_private: bool,
    ) -> AppResult<Endpoint> {
        scope.require_admin()?;
        let url = change
            .url
            .as_deref()
            .map(|u| super::target::check_url(u, allow_private))
            .transpose()
            .map_err(|m| AppError::bad_input("url", m))?
            .map(|u| u.to_string());
        let types = change.event_types.as_deref().map(types_text).transpose()?;
        let desc = change.description.map(description).transpose()?;
        let mut tx = self.write_scoped(scope).await?;
        let before = self.load_endpoint(&mut tx, scope, id).await?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "UPDATE webhook_endpoints SET url = COALESCE($1, url), event_types = COALESCE($2, event_types), \
                 description = CASE WHEN $3 = 1 THEN $4 ELSE description END, \
                 enabled = COALESCE($5, enabled), \
                 disabled_reason = CASE WHEN $5 = 1 THEN NULL ELSE disabled_reason END, \
                 failing_since = CASE WHEN $5 = 1 THEN NULL ELSE failing_since END, updated_at = $6 \
                 WHERE tenant_id = $7 AND id = $8",
            )
            .bind(url)
            .bind(types)
            .bind(i64::from(desc.is_some()))
            .bind(desc.flatten())
            .bind(change.enabled.map(i64::from))
            .bind(now)
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?;
        let after = self.load_endpoint(&mut tx, scope, id).await?;
        let action = match (before.enabled, after.enabled) {
            (false, true) => "webhook_endpoint.enabled",
            (true, false) => "webhook_endpoint.disabled",
            _ => "webhook_endpoint.updated",
        };
        audit::record(
            &mut tx,
            scope,
            action,
            "webhook_endpoint",
            id,
            Some(serde_json::json!({ "url": after.url })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes an endpoint with its deliveries and their log; whether it existed.
    pub async fn delete_webhook_endpoint(&self, scope: &Scope, id: &str) -> AppResult<bool> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        for sql in [
            "DELETE FROM webhook_tries WHERE tenant_id = $1 AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2)",
            "DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2",
        ] {
            tx.execute(
                sqlx::query(sql)
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        }
        let n = tx
            .execute(
                sqlx::query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        if n > 0 {
            audit::record(
                &mut tx,
                scope,
                "webhook_endpoint.deleted",
                "webhook_endpoint",
                id,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    /// A new signing secret (returned once); the previous one keeps signing for a day.
    pub async fn rotate_webhook_secret(
        &self,
        scope: &Scope,
        sealer: &SecretBox,
        id: &str,
    ) -> AppResult<String> {
        scope.require_admin()?;
        let secret = super::signature::new_secret();
        let sealed = sealer.seal(&secret).map_err(AppError::Internal)?;
        let mut tx = self.write_scoped(scope).await?;
        let now = tx.now_ms();
        let n = tx
            .execute(
                sqlx::query(
                    "UPDATE webhook_endpoints SET previous_secret_enc = secret_enc, previous_until = $1, secret_enc = $2, updated_at = $3 \
                     WHERE tenant_id = $4 AND id = $5",
                )
                .bind(now + ROTATION_OVERLAP_MS)
                .bind(sealed)
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        if n == 0 {
            return Err(AppError::NotFound("webhook endpoint"));
        }
        audit::record(
            &mut tx,
            scope,
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint",
            id,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// An endpoint's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        scope: &Scope,
        endpoint_id: &str,
        limit: i64,
    ) -> AppResult<Vec<Delivery>> {
        scope.require_admin()?;
        let mut tx = self.read_scoped(scope).await?;
        let found = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 \
                     ORDER BY seq DESC LIMIT $3"
                ))
                .bind(scope.tenant_id.clone())
                .bind(endpoint_id.to_owned())
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        found.iter().map(delivery).collect()
    }

    /// Sends a delivery again, with the same id and payload, as soon as the sender gets to it.
    pub async fn resend_webhook_delivery(&self, scope: &Scope, id: &str) -> AppResult<Delivery> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        let now = tx.now_ms();
        let n = tx
            .execute(
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = 'pending', next_at = $1, attempts = 0, claimed_by = NULL, last_error = NULL \
                     WHERE tenant_id = $2 AND id = $3 AND status <> 'pending'",
                )
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        let d = row
            .as_ref()
            .map(delivery)
            .transpose()?
            .ok_or(AppError::NotFound("webhook delivery"))?;
        if n > 0 {
            audit::record(
                &mut tx,
                scope,
                "webhook_delivery.resent",
                "webhook_delivery",
                id,
                None,
            )
            .await?;
            tx.queued_webhooks();
        }
        tx.commit().await?;
        Ok(d)
    }

    /// Queues a `webhook.test` event for one endpoint (whatever types it receives).
    pub async fn send_test_webhook(&self, scope: &Scope, endpoint_id: &str) -> AppResult<Delivery> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        let e = self.load_endpoint(&mut tx, scope, endpoint_id).await?;
        let now = tx.now_ms();
        let id = new_id();
        let raw = id.replace('-', "");
        tx.execute(
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, object_kind, object_id, status, next_at, created_at) \
                 VALUES ($1, $2, $3, $4, 'webhook.test', 'webhook_endpoint', $3, 'pending', $5, $5)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(e.id.clone())
            .bind(format!("evt_{raw}"))
            .bind(now),
        )
        .await?;
        tx.queued_webhooks();
        let row = tx
            .fetch_one(
                sqlx::query(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(scope.tenant_id.clone())
                .bind(id),
            )
            .await?;
        tx.commit().await?;
        delivery(&row)
    }
}
