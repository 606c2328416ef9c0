//! API tokens: created by operators (CLI) or admins, looked up by hash inside their tenant.

use super::{new_id, now_ms, rows, Store};
use crate::auth::{tokens, Role, Scope};
use crate::error::{AppError, AppResult};

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
                "INSERT INTO api_tokens (id, tenant_id, token_hash, name, role, contact_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.clone())
            .bind(tenant_id.to_owned())
            .bind(hash)
            .bind(name.to_owned())
            .bind(role.as_str())
            .bind(contact_id.map(str::to_owned))
            .bind(now_ms()),
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
                    "SELECT t.id, t.name, t.role, t.contact_id, c.client_id, c.name AS contact_name, \
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
            tenant_id,
            tenant_slug: rows::text(&row, "slug")?,
            role,
            actor_id: contact_id.clone().unwrap_or(rows::text(&row, "id")?),
            actor_name: rows::opt_text(&row, "contact_name")?.unwrap_or(rows::text(&row, "name")?),
            client_id: rows::opt_text(&row, "client_id")?,
            contact_id,
            session_id: None,
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
