//! Invoice links: an unguessable, revocable, optionally expiring link that lets its recipient view
//! one issued invoice without signing in. Every view is audited and notifies staff.

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::{Role, Scope};

#[derive(Debug, Clone)]
pub struct InvoiceLink {
    pub id: String,
    pub invoice_id: crate::core::ids::InvoiceId,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

fn link(row: &sqlx::any::AnyRow) -> AppResult<InvoiceLink> {
    Ok(InvoiceLink {
        id: rows::text(row, "id")?,
        invoice_id: rows::id(row, "invoice_id")?,
        created_at: rows::int(row, "created_at")?,
        expires_at: rows::opt_int(row, "expires_at")?,
        revoked_at: rows::opt_int(row, "revoked_at")?,
    })
}

impl Store {
    /// Stores a link (hash only) to an issued invoice.
    pub async fn create_invoice_link(
        &self,
        scope: &Scope,
        invoice_id: &crate::core::ids::InvoiceId,
        token_hash: &str,
        expires_at: Option<i64>,
    ) -> AppResult<InvoiceLink> {
        scope.require_staff()?;
        if expires_at.is_some_and(|e| e <= self.now_ms()) {
            return Err(AppError::bad_input(
                "expiresAt",
                "the expiry is in the past",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let inv = crate::invoicing::service::load_for_update(&mut tx, scope, invoice_id).await?;
        if matches!(
            inv.status,
            portico_domain::InvoiceStatus::Draft | portico_domain::InvoiceStatus::Void
        ) {
            return Err(AppError::Conflict(format!(
                "a {} invoice cannot be shared",
                inv.status.as_str()
            )));
        }
        let id = new_id();
        let row = tx
            .fetch_one(
                sqlx::query(
                    "INSERT INTO invoice_links (id, tenant_id, invoice_id, token_hash, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, invoice_id, created_at, expires_at, revoked_at",
                )
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(invoice_id.to_owned())
                .bind(token_hash.to_owned())
                .bind(scope.actor_id.clone())
                .bind(tx.now_ms())
                .bind(expires_at),
            )
            .await?;
        audit::record(
            &mut tx,
            scope,
            "invoice_link.created",
            "invoice",
            invoice_id,
            Some(serde_json::json!({ "link": id })),
        )
        .await?;
        tx.commit().await?;
        link(&row)
    }

    pub async fn revoke_invoice_link(&self, scope: &Scope, id: &str) -> AppResult<InvoiceLink> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "UPDATE invoice_links SET revoked_at = COALESCE(revoked_at, $1) WHERE tenant_id = $2 AND id = $3 \
                     RETURNING id, invoice_id, created_at, expires_at, revoked_at",
                )
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("invoice link"))?;
        audit::record(
            &mut tx,
            scope,
            "invoice_link.revoked",
            "invoice",
            &rows::text(&row, "invoice_id")?,
            None,
        )
        .await?;
        tx.commit().await?;
        link(&row)
    }

    pub async fn invoice_links(
        &self,
        scope: &Scope,
        invoice_id: &str,
    ) -> AppResult<Vec<InvoiceLink>> {
        scope.require_staff()?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, invoice_id, created_at, expires_at, revoked_at FROM invoice_links \
                     WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY created_at DESC",
                )
                .bind(scope.tenant_id.clone())
                .bind(invoice_id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(link).collect()
    }

    /// The invoice a link shows and a read-only scope limited to its client, or `None` when the
    /// link is unknown, revoked or expired (or its invoice void). Changes nothing.
    pub async fn invoice_link_scope(
        &self,
        tenant_id: &str,
        token_hash: &str,
    ) -> AppResult<Option<(String, Scope)>> {
        let mut tx = self.read(tenant_id).await?;
        let found = link_row(&mut tx, tenant_id, token_hash).await?;
        tx.commit().await?;
        Ok(found.map(|(invoice_id, scope, _)| (invoice_id, scope)))
    }

    /// Opens a link: the invoice id and a read-only scope limited to its client, or `None` when
    /// the link is unknown, revoked or expired. The view is audited and staff are notified.
    pub async fn open_invoice_link(
        &self,
        tenant_id: &str,
        token_hash: &str,
        ip: &str,
    ) -> AppResult<Option<(String, Scope)>> {
        let mut tx = self.write(tenant_id).await?;
        let Some((invoice_id, scope, number)) = link_row(&mut tx, tenant_id, token_hash).await?
        else {
            tx.commit().await?;
            return Ok(None);
        };
        audit::record(
            &mut tx,
            &scope,
            "invoice_link.viewed",
            "invoice",
            &invoice_id,
            Some(serde_json::json!({ "ip": ip })),
        )
        .await?;
        crate::core::notify::insert(
            &mut tx,
            tenant_id,
            "invoice.viewed",
            &format!("Invoice {number} was viewed through its link"),
            Some(&invoice_id),
            serde_json::json!({ "number": number, "via": "link" }),
        )
        .await?;
        tx.commit().await?;
        Ok(Some((invoice_id, scope)))
    }
}

/// A usable link's invoice id, the scope it grants, and the invoice's number.
async fn link_row(
    tx: &mut Tx,
    tenant_id: &str,
    token_hash: &str,
) -> AppResult<Option<(String, Scope, String)>> {
    let row = tx
        .fetch_optional(
            sqlx::query(
                "SELECT l.id, l.invoice_id, i.client_id, i.number, t.slug FROM invoice_links l \
                 JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id \
                 JOIN tenants t ON t.id = l.tenant_id \
                 WHERE l.tenant_id = $1 AND l.token_hash = $2 AND l.revoked_at IS NULL \
                 AND (l.expires_at IS NULL OR l.expires_at > $3) AND i.status <> 'void'",
            )
            .bind(tenant_id.to_owned())
            .bind(token_hash.to_owned())
            .bind(tx.now_ms()),
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let link_id = rows::text(&row, "id")?;
    let scope = Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant_id.to_owned()),
        tenant_slug: rows::text(&row, "slug")?,
        role: Role::ContactViewer,
        actor_id: format!("invoice-link:{link_id}"),
        actor_name: "invoice link".into(),
        client_id: Some(rows::id(&row, "client_id")?),
        contact_id: None,
        session_id: None,
        grants: crate::core::scope::Grants::READ,
    };
    Ok(Some((
        rows::text(&row, "invoice_id")?,
        scope,
        rows::text(&row, "number")?,
    )))
}

impl Store {
    /// A contact opened an invoice: staff are notified (and the view audited), at most once per
    /// contact and invoice within [`crate::core::notify::VIEW_NOTICE_WINDOW_MS`]. Other callers change nothing.
    pub async fn note_invoice_view(
        &self,
        scope: &Scope,
        invoice_id: &str,
        number: &str,
        client_id: &str,
    ) -> AppResult<()> {
        if !scope.role.is_contact() || scope.contact_id.is_none() {
            return Ok(());
        }
        let now = self.now_ms();
        let mut tx = self.write_scoped(scope).await?;
        let client = crate::parties::service::client_name(&mut tx, scope, client_id).await?;
        let message = format!(
            "Invoice {number} was viewed by {} ({client})",
            scope.actor_name
        );
        let recent = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id FROM notifications WHERE tenant_id = $1 AND kind = 'invoice.viewed' AND subject_id = $2 \
                     AND message = $3 AND created_at > $4 LIMIT 1",
                )
                .bind(scope.tenant_id.clone())
                .bind(invoice_id.to_owned())
                .bind(message.clone())
                .bind(now - crate::core::notify::VIEW_NOTICE_WINDOW_MS),
            )
            .await?;
        if recent.is_none() {
            let params =
                serde_json::json!({ "number": number, "who": scope.actor_name, "client": client });
            crate::core::notify::notify(
                &mut tx,
                scope,
                "invoice.viewed",
                &message,
                Some(invoice_id),
                params,
            )
            .await?;
            crate::core::audit::record(
                &mut tx,
                scope,
                "invoice.viewed",
                "invoice",
                invoice_id,
                None,
            )
            .await?;
        }
        tx.commit().await
    }
}
