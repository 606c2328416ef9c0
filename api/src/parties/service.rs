//! Clients (customer organisations of a tenant) and their contacts (people who log in).

use portico_domain::{Currency, Email};
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub place: Place,
    pub currency: Currency,
    pub created_at: i64,
}

/// Changes to a client (staff); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub address: Option<String>,
    pub tax_id: Option<String>,
    pub place: Place,
}

/// The rest of a legal address: city, postal code, ISO country (validated at the edge).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub email: Option<Email>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub place: Place,
    pub currency: Currency,
}

/// A client's billing details as its admin contact sets them (every field replaced).
#[derive(Debug, Clone)]
pub struct BillingDetails {
    pub name: String,
    pub email: Option<Email>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub place: Place,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
    /// When staff or the client's admin turned the contact's access off.
    pub disabled_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewContact {
    pub client_id: String,
    pub name: String,
    pub email: Email,
    /// `admin`, `payer` or `viewer`.
    pub role: String,
}

const CLIENT_COLUMNS: &str =
    "id, name, email, tax_id, address, city, postal_code, country, currency, created_at";
const CONTACT_COLUMNS: &str = "id, client_id, name, email, role, created_at, disabled_at";

fn client(row: &AnyRow) -> AppResult<Client> {
    Ok(Client {
        id: rows::text(row, "id")?,
        name: rows::text(row, "name")?,
        email: rows::opt_text(row, "email")?,
        tax_id: rows::opt_text(row, "tax_id")?,
        address: rows::opt_text(row, "address")?,
        place: Place {
            city: rows::opt_text(row, "city")?,
            postal_code: rows::opt_text(row, "postal_code")?,
            country: rows::opt_text(row, "country")?,
        },
        currency: rows::currency(row, "currency")?,
        created_at: rows::int(row, "created_at")?,
    })
}

fn contact(row: &AnyRow) -> AppResult<Contact> {
    Ok(Contact {
        id: rows::text(row, "id")?,
        client_id: rows::text(row, "client_id")?,
        name: rows::text(row, "name")?,
        email: rows::text(row, "email")?,
        role: rows::text(row, "role")?,
        created_at: rows::int(row, "created_at")?,
        disabled_at: rows::opt_int(row, "disabled_at")?,
    })
}

impl Store {
    pub async fn create_client(&self, scope: &Scope, new: NewClient) -> AppResult<Client> {
        scope.require_staff()?;
        let id = new_id();
        let now = self.now_ms();
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_one(
                sqlx::query(&format!(
                    "INSERT INTO clients (id, tenant_id, name, email, tax_id, address, currency, created_at, updated_at, \
                     city, postal_code, country) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING {CLIENT_COLUMNS}"
                ))
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(new.name)
                .bind(new.email.map(|e| e.as_str().to_owned()))
                .bind(new.tax_id)
                .bind(new.address)
                .bind(new.currency.code())
                .bind(now)
                .bind(new.place.city)
                .bind(new.place.postal_code)
                .bind(new.place.country),
            )
            .await?;
        audit::record(&mut tx, scope, "client.created", "client", &id, None).await?;
        tx.commit().await?;
        client(&row)
    }

    /// Changes a client's details (staff). `None` leaves a field as it is.
    pub async fn update_client(
        &self,
        scope: &Scope,
        id: &str,
        patch: ClientPatch,
    ) -> AppResult<Client> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "UPDATE clients SET name = COALESCE($1, name), email = COALESCE($2, email), \
                     address = COALESCE($3, address), updated_at = $4, tax_id = COALESCE($5, tax_id), \
                     city = COALESCE($6, city), postal_code = COALESCE($7, postal_code), \
                     country = COALESCE($8, country) \
                     WHERE tenant_id = $9 AND id = $10 RETURNING {CLIENT_COLUMNS}"
                ))
                .bind(patch.name)
                .bind(patch.email.map(|e| e.as_str().to_owned()))
                .bind(patch.address)
                .bind(tx.now_ms())
                .bind(patch.tax_id)
                .bind(patch.place.city)
                .bind(patch.place.postal_code)
                .bind(patch.place.country)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("client"))?;
        audit::record(&mut tx, scope, "client.updated", "client", id, None).await?;
        tx.commit().await?;
        client(&row)
    }

    /// A client's admin contact replaces its billing details (name, email, tax id, address;
    /// `None` clears a field). Nobody else may, staff included: they use `update_client`.
    pub async fn update_billing_details(
        &self,
        scope: &Scope,
        details: BillingDetails,
    ) -> AppResult<Client> {
        let client_id = match (scope.role, scope.client_filter()) {
            (crate::core::scope::Role::ContactAdmin, Some(c)) if scope.grants.write => c.to_owned(),
            _ => {
                return Err(AppError::forbidden(
                    "only the client's admin contacts change its billing details",
                ))
            }
        };
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "UPDATE clients SET name = $1, email = $2, tax_id = $3, address = $4, updated_at = $5, \
                     city = $6, postal_code = $7, country = $8 \
                     WHERE tenant_id = $9 AND id = $10 RETURNING {CLIENT_COLUMNS}"
                ))
                .bind(details.name)
                .bind(details.email.map(|e| e.as_str().to_owned()))
                .bind(details.tax_id)
                .bind(details.address)
                .bind(tx.now_ms())
                .bind(details.place.city)
                .bind(details.place.postal_code)
                .bind(details.place.country)
                .bind(scope.tenant_id.clone())
                .bind(client_id.clone()),
            )
            .await?
            .ok_or(AppError::NotFound("client"))?;
        audit::record(
            &mut tx,
            scope,
            "client.billing_details_updated",
            "client",
            &client_id,
            None,
        )
        .await?;
        tx.commit().await?;
        client(&row)
    }

    /// Clients the caller may see, by name (a contact sees only its own client).
    pub async fn clients(&self, scope: &Scope, limit: i64, offset: i64) -> AppResult<Vec<Client>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {CLIENT_COLUMNS} FROM clients WHERE tenant_id = $1 AND ($2 IS NULL OR id = $2) \
                     ORDER BY name, id LIMIT $3 OFFSET $4"
                ))
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(limit)
                .bind(offset),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(client).collect()
    }

    pub async fn clients_by_ids(&self, scope: &Scope, ids: &[String]) -> AppResult<Vec<Client>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE tenant_id = $1 AND ($2 IS NULL OR id = $2) AND id IN ({})",
            rows::placeholders(3, ids.len())
        );
        let mut q = sqlx::query(&sql)
            .bind(scope.tenant_id.clone())
            .bind(scope.client_filter().map(str::to_owned));
        for id in ids {
            q = q.bind(id.clone());
        }
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx.fetch_all(q).await?;
        tx.commit().await?;
        rows.iter().map(client).collect()
    }

    pub async fn client(&self, scope: &Scope, id: &str) -> AppResult<Option<Client>> {
        Ok(self
            .clients_by_ids(scope, &[id.to_owned()])
            .await?
            .into_iter()
            .next())
    }

    pub async fn create_contact(&self, scope: &Scope, new: NewContact) -> AppResult<Contact> {
        scope.require_staff()?;
        if !matches!(new.role.as_str(), "admin" | "payer" | "viewer") {
            return Err(AppError::bad_input(
                "role",
                "a contact's role is admin, payer or viewer",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let exists = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone()),
            )
            .await?;
        if exists.is_none() {
            return Err(AppError::NotFound("client"));
        }
        let id = new_id();
        let row = tx
            .fetch_one(
                sqlx::query(&format!(
                    "INSERT INTO contacts (id, tenant_id, client_id, name, email, role, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {CONTACT_COLUMNS}"
                ))
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(new.client_id)
                .bind(new.name)
                .bind(new.email.as_str().to_owned())
                .bind(new.role)
                .bind(tx.now_ms()),
            )
            .await?;
        audit::record(&mut tx, scope, "contact.created", "contact", &id, None).await?;
        tx.commit().await?;
        contact(&row)
    }

    pub async fn contacts_of(&self, scope: &Scope, client_id: &str) -> AppResult<Vec<Contact>> {
        if !scope.can_see_client(client_id) {
            return Ok(Vec::new());
        }
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE tenant_id = $1 AND client_id = $2 ORDER BY name, id"
                ))
                .bind(scope.tenant_id.clone())
                .bind(client_id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(contact).collect()
    }

    pub async fn contact(&self, scope: &Scope, id: &str) -> AppResult<Option<Contact>> {
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE tenant_id = $1 AND id = $2 \
                     AND ($3 IS NULL OR client_id = $3)"
                ))
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(scope.client_filter().map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        row.as_ref().map(contact).transpose()
    }
}

impl Store {
    /// An operator lookup (CLI): the id of the first contact with this email in a tenant.
    pub async fn contact_id_by_email(
        &self,
        tenant_id: &str,
        email: &str,
    ) -> AppResult<Option<String>> {
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM contacts WHERE tenant_id = $1 AND email = $2 ORDER BY created_at LIMIT 1")
                    .bind(tenant_id.to_owned())
                    .bind(email.trim().to_lowercase()),
            )
            .await?;
        tx.commit().await?;
        row.as_ref().map(|r| rows::text(r, "id")).transpose()
    }

    /// Whether any tenant exists (the demo seeds an empty database only).
    pub async fn is_empty(&self) -> AppResult<bool> {
        Ok(self.tenants().await?.is_empty())
    }
}

impl Store {
    /// Changes a contact's name or role (staff). `None` leaves a field as it is.
    pub async fn update_contact(
        &self,
        scope: &Scope,
        id: &str,
        name: Option<String>,
        role: Option<String>,
    ) -> AppResult<Contact> {
        let client_id = contact_client(self, scope, id).await?;
        scope.require_contact_manager(&client_id)?;
        if role
            .as_deref()
            .is_some_and(|r| !matches!(r, "admin" | "payer" | "viewer"))
        {
            return Err(AppError::bad_input(
                "role",
                "a contact's role is admin, payer or viewer",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "UPDATE contacts SET name = COALESCE($1, name), role = COALESCE($2, role) \
                     WHERE tenant_id = $3 AND id = $4 RETURNING {CONTACT_COLUMNS}"
                ))
                .bind(name)
                .bind(role.clone())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("contact"))?;
        if let Some(role) = role {
            // Tokens bound to the contact follow its role.
            let token_role = crate::identity::api_tokens::contact_role_of(&role)?;
            tx.execute(
                sqlx::query(
                    "UPDATE api_tokens SET role = $1 WHERE tenant_id = $2 AND contact_id = $3",
                )
                .bind(token_role.as_str())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        }
        audit::record(&mut tx, scope, "contact.updated", "contact", id, None).await?;
        tx.commit().await?;
        contact(&row)
    }
}

impl Store {
    /// Takes a contact's access away at once: disabled, every session and API token revoked.
    pub async fn disable_contact(&self, scope: &Scope, id: &str) -> AppResult<Contact> {
        let client_id = contact_client(self, scope, id).await?;
        scope.require_contact_manager(&client_id)?;
        let now = self.now_ms();
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "UPDATE contacts SET disabled_at = COALESCE(disabled_at, $1) WHERE tenant_id = $2 AND id = $3 \
                     RETURNING {CONTACT_COLUMNS}"
                ))
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("contact"))?;
        let ended = Store::revoke_user_sessions(
            &mut tx,
            &scope.tenant_id,
            crate::identity::UserKind::Contact,
            id,
        )
        .await?;
        tx.execute(
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND contact_id = $3 AND revoked_at IS NULL")
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "contact.disabled",
            "contact",
            id,
            Some(serde_json::json!({ "sessions_ended": ended })),
        )
        .await?;
        tx.commit().await?;
        contact(&row)
    }
}

/// The client a contact belongs to, if the caller may see it.
async fn contact_client(store: &Store, scope: &Scope, id: &str) -> AppResult<String> {
    Ok(store
        .contact(scope, id)
        .await?
        .ok_or(AppError::NotFound("contact"))?
        .client_id)
}

/// A client's name, for notification messages.
pub(crate) async fn client_name(
    tx: &mut crate::core::db::Tx,
    scope: &Scope,
    client_id: &str,
) -> AppResult<String> {
    let row = tx
        .fetch_optional(
            sqlx::query("SELECT name FROM clients WHERE tenant_id = $1 AND id = $2")
                .bind(scope.tenant_id.clone())
                .bind(client_id.to_owned()),
        )
        .await?;
    Ok(match row {
        Some(r) => rows::text(&r, "name")?,
        None => "unknown client".to_owned(),
    })
}
