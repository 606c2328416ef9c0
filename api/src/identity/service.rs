//! Identity: staff users, magic links, sessions, rate-limit counters and staff notifications.
//! Secrets (link and session tokens) are stored only as SHA-256 hashes.

use portico_domain::Email;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::outbox;
use crate::core::scope::{Role, Scope};
use crate::identity::api_tokens::contact_role_of;

pub const SESSION_IDLE_MS: i64 = 30 * 24 * 3_600_000;
pub const SESSION_ABSOLUTE_MS: i64 = 90 * 24 * 3_600_000;
pub const MAGIC_LINK_MS: i64 = 10 * 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Staff,
    Contact,
}

impl UserKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            UserKind::Staff => "staff",
            UserKind::Contact => "contact",
        }
    }

    fn parse(s: &str) -> AppResult<UserKind> {
        match s {
            "staff" => Ok(UserKind::Staff),
            "contact" => Ok(UserKind::Contact),
            other => Err(AppError::Internal(anyhow::anyhow!(
                "stored user kind {other:?}"
            ))),
        }
    }
}

/// Someone who can sign in.
#[derive(Debug, Clone)]
pub struct LoginUser {
    pub kind: UserKind,
    pub id: String,
    pub name: String,
    pub email: String,
    /// The language they chose (`en`, `el`), for the emails they get.
    pub locale: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}

/// Where a new session comes from (for the user's session list and the audit trail).
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl Store {
    pub async fn create_staff_user(
        &self,
        tenant_id: &str,
        email: &Email,
        name: &str,
        role: Role,
    ) -> AppResult<String> {
        if !matches!(role, Role::Owner | Role::Admin | Role::Member) {
            return Err(AppError::bad_input(
                "role",
                "staff are owner, admin or member",
            ));
        }
        let id = new_id();
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query(
                "INSERT INTO staff_users (id, tenant_id, email, name, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.clone())
            .bind(tenant_id.to_owned())
            .bind(email.as_str().to_owned())
            .bind(name.to_owned())
            .bind(role.as_str())
            .bind(tx.now_ms()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The enabled staff user or contact with this address (staff first).
    pub async fn find_login_user(
        &self,
        tenant_id: &str,
        email: &str,
    ) -> AppResult<Option<LoginUser>> {
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT 'staff' AS kind, id, name, email, locale, 0 AS rank FROM staff_users \
                     WHERE tenant_id = $1 AND email = $2 AND disabled_at IS NULL \
                     UNION ALL SELECT 'contact', id, name, email, locale, 1 FROM contacts \
                     WHERE tenant_id = $1 AND email = $2 AND disabled_at IS NULL ORDER BY rank LIMIT 1",
                )
                .bind(tenant_id.to_owned())
                .bind(email.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(LoginUser {
                kind: UserKind::parse(&rows::text(&r, "kind")?)?,
                id: rows::text(&r, "id")?,
                name: rows::text(&r, "name")?,
                email: rows::text(&r, "email")?,
                locale: rows::opt_text(&r, "locale")?,
            })
        })
        .transpose()
    }

    /// Stores a magic link (hash only) and queues its email, in one transaction.
    pub async fn create_magic_link(
        &self,
        tenant_id: &str,
        user: &LoginUser,
        token_hash: &str,
        email: &crate::core::mail::message::Email,
    ) -> AppResult<()> {
        self.create_login_link(tenant_id, user, token_hash, email, MAGIC_LINK_MS)
            .await
    }

    /// [`create_magic_link`] valid for `valid_ms` (a new owner's welcome link lasts days).
    pub async fn create_login_link(
        &self,
        tenant_id: &str,
        user: &LoginUser,
        token_hash: &str,
        email: &crate::core::mail::message::Email,
        valid_ms: i64,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query(
                "INSERT INTO magic_links (id, tenant_id, token_hash, purpose, user_kind, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, 'login', $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(tenant_id.to_owned())
            .bind(token_hash.to_owned())
            .bind(user.kind.as_str())
            .bind(user.id.clone())
            .bind(now)
            .bind(now + valid_ms),
        )
        .await?;
        outbox::queue_email(&mut tx, tenant_id, &user.email, email).await?;
        tx.commit().await
    }

    /// Uses a magic link once: returns its user if it exists, is unused and has not expired.
    pub async fn consume_magic_link(
        &self,
        tenant_id: &str,
        token_hash: &str,
    ) -> AppResult<Option<(UserKind, String)>> {
        let mut tx = self.write(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "UPDATE magic_links SET used_at = $1 WHERE tenant_id = $2 AND token_hash = $3 \
                     AND used_at IS NULL AND expires_at > $1 RETURNING user_kind, user_id",
                )
                .bind(tx.now_ms())
                .bind(tenant_id.to_owned())
                .bind(token_hash.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok((
                UserKind::parse(&rows::text(&r, "user_kind")?)?,
                rows::text(&r, "user_id")?,
            ))
        })
        .transpose()
    }

    /// Starts a session (the caller made a fresh random token; only its hash is stored).
    pub async fn create_session(
        &self,
        tenant_id: &str,
        kind: UserKind,
        user_id: &str,
        token_hash: &str,
        client: &Client,
    ) -> AppResult<String> {
        let now = self.now_ms();
        let id = new_id();
        let mut tx = self.write(tenant_id).await?;
        // The business's lifetimes (within the deployment's bounds).
        let life = tx
            .fetch_one(
                sqlx::query(
                    "SELECT session_idle_days, session_absolute_days FROM tenants WHERE id = $1",
                )
                .bind(tenant_id.to_owned()),
            )
            .await?;
        let idle =
            (rows::int(&life, "session_idle_days")? * 86_400_000).clamp(3_600_000, SESSION_IDLE_MS);
        let absolute = (rows::int(&life, "session_absolute_days")? * 86_400_000)
            .clamp(idle, SESSION_ABSOLUTE_MS);
        tx.execute(
            sqlx::query(
                "INSERT INTO sessions (id, tenant_id, token_hash, user_kind, user_id, created_at, last_seen_at, expires_at, \
                 absolute_expires_at, user_agent, ip, idle_ms) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id.clone())
            .bind(tenant_id.to_owned())
            .bind(token_hash.to_owned())
            .bind(kind.as_str())
            .bind(user_id.to_owned())
            .bind(now)
            .bind(now + idle)
            .bind(now + absolute)
            .bind(client.user_agent.clone().map(|u| u.chars().take(300).collect::<String>()))
            .bind(client.ip.clone())
            .bind(idle),
        )
        .await?;
        let scope = self
            .scope_for_user(&mut tx, tenant_id, kind, user_id, Some(id.clone()))
            .await?;
        if let Some(scope) = scope {
            audit::record(&mut tx, &scope, "session.created", "session", &id, None).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn scope_for_user(
        &self,
        tx: &mut crate::core::db::Tx,
        tenant_id: &str,
        kind: UserKind,
        user_id: &str,
        session_id: Option<String>,
    ) -> AppResult<Option<Scope>> {
        let sql = match kind {
            UserKind::Staff => {
                "SELECT u.name, u.role, NULL AS client_id, t.slug FROM staff_users u JOIN tenants t ON t.id = u.tenant_id \
                 WHERE u.tenant_id = $1 AND u.id = $2 AND u.disabled_at IS NULL"
            }
            UserKind::Contact => {
                "SELECT u.name, u.role, u.client_id, t.slug FROM contacts u JOIN tenants t ON t.id = u.tenant_id \
                 WHERE u.tenant_id = $1 AND u.id = $2 AND u.disabled_at IS NULL"
            }
        };
        let row = tx
            .fetch_optional(
                sqlx::query(sql)
                    .bind(tenant_id.to_owned())
                    .bind(user_id.to_owned()),
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let stored_role = rows::text(&row, "role")?;
        let role = match kind {
            UserKind::Staff => Role::parse(&stored_role)?,
            UserKind::Contact => contact_role_of(&stored_role)?,
        };
        Ok(Some(Scope {
            tenant_id: crate::core::ids::TenantId::from_raw(tenant_id.to_owned()),
            tenant_slug: rows::text(&row, "slug")?,
            role,
            actor_id: user_id.to_owned(),
            actor_name: rows::text(&row, "name")?,
            client_id: rows::opt_id(&row, "client_id")?,
            contact_id: (kind == UserKind::Contact)
                .then(|| crate::core::ids::ContactId::from_raw(user_id)),
            session_id,
            grants: crate::core::scope::Grants::ALL,
        }))
    }

    /// The scope of a live session, sliding its idle expiry (never past the absolute lifetime).
    pub async fn session_scope(
        &self,
        tenant_id: &str,
        token_hash: &str,
    ) -> AppResult<Option<Scope>> {
        let now = self.now_ms();
        // A read transaction on the hot path; the expiry slides (a write) at most once a minute.
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id, user_kind, user_id, last_seen_at, absolute_expires_at, idle_ms FROM sessions \
                     WHERE tenant_id = $1 AND token_hash = $2 AND revoked_at IS NULL AND expires_at > $3 \
                     AND absolute_expires_at > $3",
                )
                .bind(tenant_id.to_owned())
                .bind(token_hash.to_owned())
                .bind(now),
            )
            .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let id = rows::text(&row, "id")?;
        let kind = UserKind::parse(&rows::text(&row, "user_kind")?)?;
        let user_id = rows::text(&row, "user_id")?;
        let scope = self
            .scope_for_user(&mut tx, tenant_id, kind, &user_id, Some(id.clone()))
            .await?;
        tx.commit().await?;
        if scope.is_some() && now - rows::int(&row, "last_seen_at")? > 60_000 {
            let idle = rows::opt_int(&row, "idle_ms")?.unwrap_or(SESSION_IDLE_MS);
            let expires = (now + idle).min(rows::int(&row, "absolute_expires_at")?);
            let mut tx = self.write(tenant_id).await?;
            tx.execute(
                sqlx::query(
                    "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE tenant_id = $3 AND id = $4 \
                     AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(expires)
                .bind(tenant_id.to_owned())
                .bind(id),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(scope)
    }

    /// The caller's own live sessions, newest first.
    pub async fn my_sessions(&self, scope: &Scope) -> AppResult<Vec<SessionInfo>> {
        let Some(kind) = session_user_kind(scope) else {
            return Ok(Vec::new());
        };
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
                     WHERE tenant_id = $1 AND user_kind = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $4 \
                     ORDER BY created_at DESC LIMIT 100",
                )
                .bind(scope.tenant_id.clone())
                .bind(kind.as_str())
                .bind(scope.actor_id.clone())
                .bind(tx.now_ms()),
            )
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                let id = rows::text(r, "id")?;
                Ok(SessionInfo {
                    current: scope.session_id.as_deref() == Some(id.as_str()),
                    id,
                    created_at: rows::int(r, "created_at")?,
                    last_seen_at: rows::int(r, "last_seen_at")?,
                    expires_at: rows::int(r, "expires_at")?,
                    user_agent: rows::opt_text(r, "user_agent")?,
                    ip: rows::opt_text(r, "ip")?,
                })
            })
            .collect()
    }

    /// Revokes one of the caller's own sessions.
    pub async fn revoke_my_session(&self, scope: &Scope, session_id: &str) -> AppResult<()> {
        let kind = session_user_kind(scope).ok_or(AppError::NotFound("session"))?;
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND user_kind = $4 \
                     AND user_id = $5 AND revoked_at IS NULL",
                )
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(session_id.to_owned())
                .bind(kind.as_str())
                .bind(scope.actor_id.clone()),
            )
            .await?;
        if n != 1 {
            return Err(AppError::NotFound("session"));
        }
        audit::record(
            &mut tx,
            scope,
            "session.revoked",
            "session",
            session_id,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Revokes every session of a user (logout everywhere, revoked contact or invitation).
    pub(crate) async fn revoke_user_sessions(
        tx: &mut crate::core::db::Tx,
        tenant_id: &str,
        kind: UserKind,
        user_id: &str,
    ) -> AppResult<u64> {
        tx.execute(
            sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE tenant_id = $2 AND user_kind = $3 AND user_id = $4 AND revoked_at IS NULL",
            )
            .bind(tx.now_ms())
            .bind(tenant_id.to_owned())
            .bind(kind.as_str())
            .bind(user_id.to_owned()),
        )
        .await
    }

    /// Records an audit event for an actor that may not be signed in (`anonymous`).
    pub async fn audit_anonymous(
        &self,
        tenant_id: &str,
        action: &str,
        subject_kind: &str,
        subject_id: &str,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        let scope = anonymous(tenant_id);
        let mut tx = self.write(tenant_id).await?;
        audit::record(
            &mut tx,
            &scope,
            action,
            subject_kind,
            subject_id,
            Some(detail),
        )
        .await?;
        tx.commit().await
    }

    pub async fn notify_staff(
        &self,
        tenant_id: &str,
        kind: &str,
        message: &str,
        subject_id: Option<&str>,
        params: serde_json::Value,
    ) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        crate::core::notify::insert(&mut tx, tenant_id, kind, message, subject_id, params).await?;
        tx.commit().await
    }
}

/// The user kind behind a session-bearing scope.
fn session_user_kind(scope: &Scope) -> Option<UserKind> {
    scope.session_id.as_ref()?;
    Some(if scope.role.is_contact() {
        UserKind::Contact
    } else {
        UserKind::Staff
    })
}

/// The actor of events caused by someone not signed in.
pub fn anonymous(tenant_id: &str) -> Scope {
    Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant_id.to_owned()),
        tenant_slug: String::new(),
        role: Role::ContactViewer,
        actor_id: "anonymous".into(),
        actor_name: "anonymous".into(),
        client_id: Some(crate::core::ids::ClientId::default()),
        contact_id: None,
        session_id: None,
        grants: crate::core::scope::Grants::READ,
    }
}

impl Store {
    /// Ends the session with this token hash (logout, or a new login replacing it).
    /// Whether a session is still signed in (not ended, revoked or expired): live subscriptions
    /// opened with it stop when it is not.
    pub async fn session_alive(&self, tenant_id: &str, session_id: &str) -> AppResult<bool> {
        let now = self.now_ms();
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id FROM sessions WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL \
                     AND expires_at > $3 AND absolute_expires_at > $3",
                )
                .bind(tenant_id.to_owned())
                .bind(session_id.to_owned())
                .bind(now),
            )
            .await?;
        tx.commit().await?;
        Ok(row.is_some())
    }

    pub async fn end_session_by_token(&self, tenant_id: &str, token_hash: &str) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE tenant_id = $2 AND token_hash = $3 AND revoked_at IS NULL")
                .bind(tx.now_ms())
                .bind(tenant_id.to_owned())
                .bind(token_hash.to_owned()),
        )
        .await?;
        tx.commit().await
    }
}
