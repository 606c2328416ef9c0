//! Passkeys: registered credentials (serialised `webauthn_rs::Passkey`) per user, a stable random
//! user handle per user for discoverable sign-in, and the server-side state of ceremonies in
//! progress (taken once: a replayed response finds no state).

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::identity::service::UserKind;

pub const CEREMONY_MS: i64 = 5 * 60_000;

#[derive(Debug, Clone)]
pub struct StoredPasskey {
    pub id: String,
    pub user_kind: UserKind,
    pub user_id: String,
    pub name: String,
    pub passkey: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

fn passkey(row: &sqlx::any::AnyRow) -> AppResult<StoredPasskey> {
    Ok(StoredPasskey {
        id: rows::text(row, "id")?,
        user_kind: match rows::text(row, "user_kind")?.as_str() {
            "staff" => UserKind::Staff,
            _ => UserKind::Contact,
        },
        user_id: rows::text(row, "user_id")?,
        name: rows::text(row, "name")?,
        passkey: rows::text(row, "passkey")?,
        created_at: rows::int(row, "created_at")?,
        last_used_at: rows::opt_int(row, "last_used_at")?,
    })
}

const COLUMNS: &str = "id, user_kind, user_id, name, passkey, created_at, last_used_at";

/// The signed-in user behind a scope (passkeys belong to people, not tokens).
pub fn person(scope: &Scope) -> AppResult<(UserKind, &str)> {
    if scope.session_id.is_none() {
        return Err(AppError::forbidden(
            "passkeys belong to signed-in people, not API tokens",
        ));
    }
    Ok((
        if scope.role.is_contact() {
            UserKind::Contact
        } else {
            UserKind::Staff
        },
        &scope.actor_id,
    ))
}

impl Store {
    /// Saves a ceremony's state; returns its id.
    pub async fn save_ceremony(
        &self,
        tenant_id: &str,
        kind: &str,
        session_id: Option<&str>,
        state: &str,
    ) -> AppResult<String> {
        let id = new_id();
        let now = self.now_ms();
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query("DELETE FROM webauthn_states WHERE tenant_id = $1 AND expires_at < $2")
                .bind(tenant_id.to_owned())
                .bind(now),
        )
        .await?;
        tx.execute(
            sqlx::query(
                "INSERT INTO webauthn_states (id, tenant_id, kind, session_id, state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.clone())
            .bind(tenant_id.to_owned())
            .bind(kind.to_owned())
            .bind(session_id.map(str::to_owned))
            .bind(state.to_owned())
            .bind(now)
            .bind(now + CEREMONY_MS),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes a ceremony's state (once): `None` if unknown, used, expired or of another session.
    pub async fn take_ceremony(
        &self,
        tenant_id: &str,
        id: &str,
        kind: &str,
        session_id: Option<&str>,
    ) -> AppResult<Option<String>> {
        let mut tx = self.write(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "DELETE FROM webauthn_states WHERE tenant_id = $1 AND id = $2 AND kind = $3 AND expires_at > $4 \
                     AND (($5 IS NULL AND session_id IS NULL) OR session_id = $5) RETURNING state",
                )
                .bind(tenant_id.to_owned())
                .bind(id.to_owned())
                .bind(kind.to_owned())
                .bind(tx.now_ms())
                .bind(session_id.map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        row.map(|r| rows::text(&r, "state")).transpose()
    }

    /// The user's passkey handle, or a new random one if they have none yet.
    pub async fn user_handle(&self, scope: &Scope) -> AppResult<String> {
        let (kind, user) = person(scope)?;
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query("SELECT user_handle FROM passkeys WHERE tenant_id = $1 AND user_kind = $2 AND user_id = $3 LIMIT 1")
                    .bind(scope.tenant_id.clone())
                    .bind(kind.as_str())
                    .bind(user.to_owned()),
            )
            .await?;
        tx.commit().await?;
        match row {
            Some(r) => rows::text(&r, "user_handle"),
            None => Ok(uuid::Uuid::new_v4().to_string()),
        }
    }

    pub async fn my_passkeys(&self, scope: &Scope) -> AppResult<Vec<StoredPasskey>> {
        let (kind, user) = person(scope)?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM passkeys WHERE tenant_id = $1 AND user_kind = $2 AND user_id = $3 ORDER BY created_at"
                ))
                .bind(scope.tenant_id.clone())
                .bind(kind.as_str())
                .bind(user.to_owned()),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(passkey).collect()
    }

    /// Stores a new passkey; a credential id already registered (by anyone) is refused.
    pub async fn add_passkey(
        &self,
        scope: &Scope,
        handle: &str,
        credential_id: &str,
        name: &str,
        serialized: &str,
    ) -> AppResult<String> {
        let (kind, user) = person(scope)?;
        let id = new_id();
        let mut tx = self.write_scoped(scope).await?;
        let taken = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM passkeys WHERE tenant_id = $1 AND credential_id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(credential_id.to_owned()),
            )
            .await?;
        if taken.is_some() {
            return Err(AppError::Conflict(
                "this passkey is already registered".into(),
            ));
        }
        tx.execute(
            sqlx::query(
                "INSERT INTO passkeys (id, tenant_id, user_kind, user_id, user_handle, credential_id, name, passkey, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(kind.as_str())
            .bind(user.to_owned())
            .bind(handle.to_owned())
            .bind(credential_id.to_owned())
            .bind(name.to_owned())
            .bind(serialized.to_owned())
            .bind(tx.now_ms()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "passkey.registered",
            "passkey",
            &id,
            Some(serde_json::json!({ "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn remove_passkey(&self, scope: &Scope, id: &str) -> AppResult<()> {
        let (kind, user) = person(scope)?;
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query("DELETE FROM passkeys WHERE tenant_id = $1 AND id = $2 AND user_kind = $3 AND user_id = $4")
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned())
                    .bind(kind.as_str())
                    .bind(user.to_owned()),
            )
            .await?;
        if n != 1 {
            return Err(AppError::NotFound("passkey"));
        }
        audit::record(&mut tx, scope, "passkey.removed", "passkey", id, None).await?;
        tx.commit().await
    }

    /// A user's passkeys (email-first sign-in), if the user is enabled.
    pub async fn passkeys_of(
        &self,
        tenant_id: &str,
        kind: UserKind,
        user_id: &str,
    ) -> AppResult<Vec<StoredPasskey>> {
        let mut tx = self.read(tenant_id).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM passkeys WHERE tenant_id = $1 AND user_kind = $2 AND user_id = $3 ORDER BY created_at"
                ))
                .bind(tenant_id.to_owned())
                .bind(kind.as_str())
                .bind(user_id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(passkey).collect()
    }

    /// The passkeys registered under a user handle (discoverable sign-in), enabled users only.
    pub async fn passkeys_by_handle(
        &self,
        tenant_id: &str,
        handle: &str,
    ) -> AppResult<Vec<StoredPasskey>> {
        let mut tx = self.read(tenant_id).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM passkeys p WHERE tenant_id = $1 AND user_handle = $2 AND NOT EXISTS ( \
                       SELECT 1 FROM contacts c WHERE p.user_kind = 'contact' AND c.tenant_id = p.tenant_id AND c.id = p.user_id \
                       AND c.disabled_at IS NOT NULL) AND NOT EXISTS ( \
                       SELECT 1 FROM staff_users s WHERE p.user_kind = 'staff' AND s.tenant_id = p.tenant_id AND s.id = p.user_id \
                       AND s.disabled_at IS NOT NULL)"
                ))
                .bind(tenant_id.to_owned())
                .bind(handle.to_owned()),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(passkey).collect()
    }

    /// Records a sign-in with a passkey, storing its updated counter and backup flags.
    pub async fn passkey_used(
        &self,
        tenant_id: &str,
        id: &str,
        updated: Option<&str>,
    ) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query("UPDATE passkeys SET last_used_at = $1, passkey = COALESCE($2, passkey) WHERE tenant_id = $3 AND id = $4")
                .bind(tx.now_ms())
                .bind(updated.map(str::to_owned))
                .bind(tenant_id.to_owned())
                .bind(id.to_owned()),
        )
        .await?;
        tx.commit().await
    }
}
