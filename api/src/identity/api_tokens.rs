//! API tokens: created by operators (CLI) or admins, looked up by hash inside their tenant.

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::{Grants, Role, Scope};
use crate::core::tokens;

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub role: String,
    pub scopes: String,
    pub contact_id: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub id: String,
    pub token: String,
}

impl Store {
    /// Creates a token for a staff/partner role, or bound to a contact (contact roles need one).
    pub async fn create_token(
        &self,
        tenant_id: &str,
        name: &str,
        role: Role,
        contact_id: Option<&str>,
    ) -> AppResult<CreatedToken> {
        self.create_token_with(tenant_id, name, role, contact_id, Grants::ALL)
            .await
    }

    /// Creates a token with explicit scopes.
    pub async fn create_token_with(
        &self,
        tenant_id: &str,
        name: &str,
        role: Role,
        contact_id: Option<&str>,
        grants: Grants,
    ) -> AppResult<CreatedToken> {
        if role.is_contact() != contact_id.is_some() {
            return Err(AppError::bad_input(
                "contact",
                "contact roles need a contact, staff and partner roles must not have one",
            ));
        }
        let mut tx = self.write(tenant_id).await?;
        if let Some(contact) = contact_id {
            let row = tx
                .fetch_optional(
                    sqlx::query("SELECT role FROM contacts WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant_id.to_owned())
                        .bind(contact.to_owned()),
                )
                .await?
                .ok_or(AppError::NotFound("contact"))?;
            let contact_role = rows::text(&row, "role")?;
            if contact_role_of(&contact_role)? != role {
                return Err(AppError::bad_input(
                    "role",
                    format!("the contact's role is {contact_role}"),
                ));
            }
        }
        let (token, hash) = tokens::generate(tenant_id);
        let id = new_id();
        tx.execute(
            sqlx::query(
                "INSERT INTO api_tokens (id, tenant_id, token_hash, name, role, contact_id, created_at, scopes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id.clone())
            .bind(tenant_id.to_owned())
            .bind(hash)
            .bind(name.to_owned())
            .bind(role.as_str())
            .bind(contact_id.map(str::to_owned))
            .bind(tx.now_ms())
            .bind(grants.as_scopes()),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedToken { id, token })
    }

    /// The scope of a bearer token, or `None` if it is unknown, malformed or revoked.
    pub async fn authenticate_token(&self, token: &str) -> AppResult<Option<Scope>> {
        let Some(tenant_id) = tokens::tenant_of(token) else {
            return Ok(None);
        };
        let mut tx = self.read(&tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT t.id, t.name, t.role, t.scopes, t.contact_id, c.client_id, c.name AS contact_name, \
                            ten.slug \
                     FROM api_tokens t \
                     JOIN tenants ten ON ten.id = t.tenant_id \
                     LEFT JOIN contacts c ON c.tenant_id = t.tenant_id AND c.id = t.contact_id \
                     WHERE t.tenant_id = $1 AND t.token_hash = $2 AND t.revoked_at IS NULL",
                )
                .bind(tenant_id.clone())
                .bind(tokens::hash(token)),
            )
            .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let contact_id = rows::opt_text(&row, "contact_id")?;
        let role = Role::parse(&rows::text(&row, "role")?)?;
        Ok(Some(Scope {
            tenant_id: crate::core::ids::TenantId::from_raw(tenant_id),
            tenant_slug: rows::text(&row, "slug")?,
            role,
            actor_id: contact_id.clone().unwrap_or(rows::text(&row, "id")?),
            actor_name: rows::opt_text(&row, "contact_name")?.unwrap_or(rows::text(&row, "name")?),
            client_id: rows::opt_id(&row, "client_id")?,
            contact_id: contact_id.map(crate::core::ids::ContactId::from_raw),
            session_id: None,
            grants: crate::core::scope::Grants::parse(&rows::text(&row, "scopes")?),
        }))
    }
}

/// Maps a contact's stored role to the token role.
pub(crate) fn contact_role_of(stored: &str) -> AppResult<Role> {
    match stored {
        "admin" => Ok(Role::ContactAdmin),
        "payer" => Ok(Role::ContactPayer),
        "viewer" => Ok(Role::ContactViewer),
        other => Err(AppError::bad_input(
            "role",
            format!("unknown contact role {other:?}"),
        )),
    }
}

impl Store {
    /// The tenant's API tokens (owner and admin), newest first; secrets are never shown again.
    pub async fn api_tokens(&self, scope: &Scope) -> AppResult<Vec<ApiToken>> {
        scope.require_admin()?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, name, role, scopes, contact_id, created_at, last_used_at, revoked_at FROM api_tokens \
                     WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 500",
                )
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: rows::text(r, "id")?,
                    name: rows::text(r, "name")?,
                    role: rows::text(r, "role")?,
                    scopes: rows::text(r, "scopes")?,
                    contact_id: rows::opt_text(r, "contact_id")?,
                    created_at: rows::int(r, "created_at")?,
                    last_used_at: rows::opt_int(r, "last_used_at")?,
                    revoked_at: rows::opt_int(r, "revoked_at")?,
                })
            })
            .collect()
    }

    /// Issues a staff or partner token (owner and admin); an admin cannot mint an owner token.
    pub async fn issue_api_token(
        &self,
        scope: &Scope,
        name: &str,
        role: Role,
        grants: Grants,
    ) -> AppResult<CreatedToken> {
        scope.require_admin()?;
        if role.is_contact() {
            return Err(AppError::bad_input(
                "role",
                "contact tokens are bound to a contact: use the CLI or invitations",
            ));
        }
        if role == Role::Owner && scope.role != Role::Owner {
            return Err(AppError::forbidden("only an owner can create owner tokens"));
        }
        let created = self
            .create_token_with(&scope.tenant_id, name, role, None, grants)
            .await?;
        let mut tx = self.write_scoped(scope).await?;
        crate::core::audit::record(
            &mut tx,
            scope,
            "api_token.created",
            "api_token",
            &created.id,
            Some(serde_json::json!({ "role": role.as_str(), "scopes": grants.as_scopes() })),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Revokes a token at once (owner and admin).
    pub async fn revoke_api_token(&self, scope: &Scope, id: &str) -> AppResult<()> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL")
                    .bind(tx.now_ms())
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        if n != 1 {
            return Err(AppError::NotFound("api token"));
        }
        crate::core::audit::record(&mut tx, scope, "api_token.revoked", "api_token", id, None)
            .await?;
        tx.commit().await
    }
}
