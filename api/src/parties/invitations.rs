//! Invitations: staff (or a client's admin contact) invite a person to a client's portal. The
//! contact stays disabled until the invitation is accepted; revoking it takes access away at once.
//! Statuses: pending, accepted, revoked, expired (a pending one past its expiry).

use portico_domain::Email;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::outbox;
use crate::core::scope::Scope;
use crate::identity::service::UserKind;

pub const INVITATION_MS: i64 = 7 * 24 * 3_600_000;

/// The refusal when the invited address already belongs to an active contact of the client.
pub const ALREADY_HAS_ACCESS: &str = "this person already has access to the portal";

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub contact_id: String,
    pub client_id: String,
    pub email: String,
    pub name: String,
    pub status: String,
    pub sent_count: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

pub struct NewInvitation {
    pub client_id: String,
    pub name: String,
    pub email: Email,
    /// `admin`, `payer` or `viewer`.
    pub role: String,
}

/// What the invitation page shows before it is accepted: who invited whom, to which client's
/// portal, with what role.
#[derive(Debug, Clone)]
pub struct InvitationPreview {
    pub name: String,
    pub email: String,
    pub role: String,
    pub client_name: String,
    /// A staff member's or the client's admin's name; `None` when a partner's token invited.
    pub invited_by: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub expires_at: i64,
}

/// What the invitation email needs: the link is made by the caller from a fresh token.
pub struct InvitationMail<'a> {
    pub token_hash: &'a str,
    pub email: &'a crate::core::mail::message::Email,
}

const COLUMNS: &str = "i.id, i.contact_id, c.client_id, i.email, c.name, i.sent_count, i.created_at, i.expires_at, \
     CASE WHEN i.status = 'pending' AND i.expires_at <= $2 THEN 'expired' ELSE i.status END AS status";

fn invitation(row: &sqlx::any::AnyRow) -> AppResult<Invitation> {
    Ok(Invitation {
        id: rows::text(row, "id")?,
        contact_id: rows::text(row, "contact_id")?,
        client_id: rows::text(row, "client_id")?,
        email: rows::text(row, "email")?,
        name: rows::text(row, "name")?,
        status: rows::text(row, "status")?,
        sent_count: rows::int(row, "sent_count")?,
        created_at: rows::int(row, "created_at")?,
        expires_at: rows::int(row, "expires_at")?,
    })
}

/// Who may invite people to `client_id`: staff, or that client's admin contact.
fn require_inviter(scope: &Scope, client_id: &str) -> AppResult<()> {
    match scope.role {
        crate::core::scope::Role::ContactAdmin if scope.client_filter() == Some(client_id) => {
            Ok(())
        }
        r if r.is_contact() => Err(AppError::forbidden(
            "only staff and the client's admin contacts can invite",
        )),
        _ => scope.require_staff(),
    }
}

async fn load(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Invitation> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM invitations i JOIN contacts c ON c.tenant_id = i.tenant_id AND c.id = i.contact_id \
                 WHERE i.tenant_id = $1 AND i.id = $3 AND ($4 IS NULL OR c.client_id = $4)"
            ))
            .bind(scope.tenant_id.clone())
            .bind(tx.now_ms())
            .bind(id.to_owned())
            .bind(scope.client_filter().map(str::to_owned)),
        )
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    invitation(&row)
}

impl Store {
    /// Invites a person: creates the (disabled) contact unless it exists, stores the invitation
    /// (or renews the pending one: one invitation per person) and queues its email, within the
    /// tenant's daily limit. A person who already has access is refused.
    pub async fn invite_contact(
        &self,
        scope: &Scope,
        new: NewInvitation,
        mail: InvitationMail<'_>,
    ) -> AppResult<Invitation> {
        require_inviter(scope, &new.client_id)?;
        if !matches!(new.role.as_str(), "admin" | "payer" | "viewer") {
            return Err(AppError::bad_input(
                "role",
                "a contact's role is admin, payer or viewer",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.write_scoped(scope).await?;
        let limits = tx
            .fetch_one(
                sqlx::query(
                    "SELECT invitation_daily_limit AS lim, \
                     (SELECT CAST(COUNT(*) AS BIGINT) FROM invitations WHERE tenant_id = $1 AND created_at > $2) AS used \
                     FROM tenants WHERE id = $1",
                )
                .bind(scope.tenant_id.clone())
                .bind(now - 86_400_000),
            )
            .await?;
        let (limit, used) = (rows::int(&limits, "lim")?, rows::int(&limits, "used")?);
        if used >= limit {
            return Err(AppError::Conflict(format!(
                "the daily limit of {limit} invitations is reached; try again tomorrow"
            )));
        }
        let client = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone()),
            )
            .await?;
        if client.is_none() {
            return Err(AppError::NotFound("client"));
        }
        let existing = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id, CASE WHEN disabled_at IS NULL THEN 1 ELSE 0 END AS active FROM contacts \
                     WHERE tenant_id = $1 AND client_id = $2 AND email = $3",
                )
                .bind(scope.tenant_id.clone())
                .bind(new.client_id.clone())
                .bind(new.email.as_str().to_owned()),
            )
            .await?;
        let contact_id = match existing {
            Some(r) if rows::int(&r, "active")? == 1 => {
                return Err(AppError::Conflict(ALREADY_HAS_ACCESS.into()));
            }
            Some(r) => {
                // Not yet (or no longer) active: the invitation is theirs, with the name and role
                // typed now.
                let id = rows::text(&r, "id")?;
                tx.execute(
                    sqlx::query(
                        "UPDATE contacts SET name = $1, role = $2 WHERE tenant_id = $3 AND id = $4",
                    )
                    .bind(new.name.clone())
                    .bind(new.role.clone())
                    .bind(scope.tenant_id.clone())
                    .bind(id.clone()),
                )
                .await?;
                id
            }
            None => {
                let id = new_id();
                tx.execute(
                    sqlx::query(
                        "INSERT INTO contacts (id, tenant_id, client_id, name, email, role, created_at, disabled_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    )
                    .bind(id.clone())
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone())
                    .bind(new.name.clone())
                    .bind(new.email.as_str().to_owned())
                    .bind(new.role.clone())
                    .bind(now),
                )
                .await?;
                id
            }
        };
        // A pending (or expired) invitation to the same person is sent again: one row per person.
        let open = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id FROM invitations WHERE tenant_id = $1 AND contact_id = $2 AND status = 'pending' \
                     ORDER BY created_at DESC LIMIT 1",
                )
                .bind(scope.tenant_id.clone())
                .bind(contact_id.clone()),
            )
            .await?;
        let id = match open {
            Some(r) => {
                let id = rows::text(&r, "id")?;
                tx.execute(
                    sqlx::query(
                        "UPDATE invitations SET token_hash = $1, expires_at = $2, sent_count = sent_count + 1 \
                         WHERE tenant_id = $3 AND id = $4",
                    )
                    .bind(mail.token_hash.to_owned())
                    .bind(now + INVITATION_MS)
                    .bind(scope.tenant_id.clone())
                    .bind(id.clone()),
                )
                .await?;
                id
            }
            None => {
                let id = new_id();
                tx.execute(
                    sqlx::query(
                        "INSERT INTO invitations (id, tenant_id, contact_id, email, token_hash, status, invited_by, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)",
                    )
                    .bind(id.clone())
                    .bind(scope.tenant_id.clone())
                    .bind(contact_id)
                    .bind(new.email.as_str().to_owned())
                    .bind(mail.token_hash.to_owned())
                    .bind(scope.actor_id.clone())
                    .bind(now)
                    .bind(now + INVITATION_MS),
                )
                .await?;
                id
            }
        };
        outbox::queue_email(&mut tx, &scope.tenant_id, new.email.as_str(), mail.email).await?;
        audit::record(
            &mut tx,
            scope,
            "invitation.sent",
            "invitation",
            &id,
            Some(serde_json::json!({ "email": new.email.as_str() })),
        )
        .await?;
        let inv = load(&mut tx, scope, &id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Sends a pending or expired invitation again with a new link and a new expiry.
    pub async fn resend_invitation(
        &self,
        scope: &Scope,
        id: &str,
        mail: InvitationMail<'_>,
    ) -> AppResult<Invitation> {
        let mut tx = self.write_scoped(scope).await?;
        let inv = load(&mut tx, scope, id).await?;
        require_inviter(scope, &inv.client_id)?;
        if !matches!(inv.status.as_str(), "pending" | "expired") {
            return Err(AppError::Conflict(format!(
                "an invitation that is {} cannot be resent",
                inv.status
            )));
        }
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "UPDATE invitations SET token_hash = $1, expires_at = $2, sent_count = sent_count + 1 \
                 WHERE tenant_id = $3 AND id = $4 AND status = 'pending'",
            )
            .bind(mail.token_hash.to_owned())
            .bind(now + INVITATION_MS)
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?;
        outbox::queue_email(&mut tx, &scope.tenant_id, &inv.email, mail.email).await?;
        audit::record(&mut tx, scope, "invitation.resent", "invitation", id, None).await?;
        let inv = load(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Revokes an invitation: the link stops working; revoking an accepted one also ends the
    /// contact's access at once.
    pub async fn revoke_invitation(&self, scope: &Scope, id: &str) -> AppResult<Invitation> {
        let mut tx = self.write_scoped(scope).await?;
        let inv = load(&mut tx, scope, id).await?;
        require_inviter(scope, &inv.client_id)?;
        if inv.status == "revoked" {
            return Err(AppError::Conflict(
                "the invitation is already revoked".into(),
            ));
        }
        let now = tx.now_ms();
        tx.execute(
            sqlx::query("UPDATE invitations SET status = 'revoked', revoked_at = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
        )
        .await?;
        // Revoking the invitation that gave access takes it away; revoking a pending one only
        // stops its link (a contact who has access keeps it).
        if inv.status == "accepted" {
            tx.execute(
                sqlx::query("UPDATE contacts SET disabled_at = COALESCE(disabled_at, $1) WHERE tenant_id = $2 AND id = $3")
                    .bind(now)
                    .bind(scope.tenant_id.clone())
                    .bind(inv.contact_id.clone()),
            )
            .await?;
            Store::revoke_user_sessions(
                &mut tx,
                &scope.tenant_id,
                UserKind::Contact,
                &inv.contact_id,
            )
            .await?;
        }
        audit::record(&mut tx, scope, "invitation.revoked", "invitation", id, None).await?;
        let inv = load(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Invitations of a client (or all, for staff), newest first.
    pub async fn invitations(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
    ) -> AppResult<Vec<Invitation>> {
        if scope.role.is_contact() && scope.role != crate::core::scope::Role::ContactAdmin {
            return Err(AppError::forbidden(
                "only staff and the client's admin contacts see invitations",
            ));
        }
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM invitations i JOIN contacts c ON c.tenant_id = i.tenant_id AND c.id = i.contact_id \
                     WHERE i.tenant_id = $1 AND ($3 IS NULL OR c.client_id = $3) AND ($4 IS NULL OR c.client_id = $4) \
                     ORDER BY i.created_at DESC LIMIT 200"
                ))
                .bind(scope.tenant_id.clone())
                .bind(tx.now_ms())
                .bind(client_id.map(str::to_owned))
                .bind(scope.client_filter().map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(invitation).collect()
    }

    /// Accepts an invitation by its link: enables the contact and returns its id.
    pub async fn accept_invitation(
        &self,
        tenant_id: &str,
        token_hash: &str,
    ) -> AppResult<Option<String>> {
        let now = self.now_ms();
        let mut tx = self.write(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "UPDATE invitations SET status = 'accepted', accepted_at = $1 WHERE tenant_id = $2 AND token_hash = $3 \
                     AND status = 'pending' AND expires_at > $1 RETURNING id, contact_id",
                )
                .bind(now)
                .bind(tenant_id.to_owned())
                .bind(token_hash.to_owned()),
            )
            .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let contact_id = rows::text(&row, "contact_id")?;
        tx.execute(
            sqlx::query("UPDATE contacts SET disabled_at = NULL WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id.to_owned())
                .bind(contact_id.clone()),
        )
        .await?;
        let scope = crate::identity::service::anonymous(tenant_id);
        audit::record(
            &mut tx,
            &scope,
            "invitation.accepted",
            "invitation",
            &rows::text(&row, "id")?,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(contact_id))
    }

    /// The invitation a link's token stands for, as its page shows it (no sign-in: the token is
    /// the secret). `None` for an unknown token.
    pub async fn invitation_preview(
        &self,
        tenant_id: &str,
        token_hash: &str,
    ) -> AppResult<Option<InvitationPreview>> {
        let mut tx = self.read(tenant_id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT c.name, i.email, c.role, cl.name AS client_name, i.expires_at, \
                     CASE WHEN i.status = 'pending' AND i.expires_at <= $3 THEN 'expired' ELSE i.status END AS status, \
                     COALESCE(su.name, ic.name) AS invited_by \
                     FROM invitations i \
                     JOIN contacts c ON c.tenant_id = i.tenant_id AND c.id = i.contact_id \
                     JOIN clients cl ON cl.tenant_id = c.tenant_id AND cl.id = c.client_id \
                     LEFT JOIN staff_users su ON su.tenant_id = i.tenant_id AND su.id = i.invited_by \
                     LEFT JOIN contacts ic ON ic.tenant_id = i.tenant_id AND ic.id = i.invited_by \
                     WHERE i.tenant_id = $1 AND i.token_hash = $2",
                )
                .bind(tenant_id.to_owned())
                .bind(token_hash.to_owned())
                .bind(tx.now_ms()),
            )
            .await?;
        tx.commit().await?;
        row.map(|r| {
            Ok(InvitationPreview {
                name: rows::text(&r, "name")?,
                email: rows::text(&r, "email")?,
                role: rows::text(&r, "role")?,
                client_name: rows::text(&r, "client_name")?,
                invited_by: rows::opt_text(&r, "invited_by")?,
                status: rows::text(&r, "status")?,
                expires_at: rows::int(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    /// Sets the tenant's daily invitation limit (owner and admin).
    pub async fn set_invitation_daily_limit(&self, scope: &Scope, limit: i64) -> AppResult<()> {
        scope.require_admin()?;
        if !(0..=10_000).contains(&limit) {
            return Err(AppError::bad_input(
                "invitationDailyLimit",
                "between 0 and 10000",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET invitation_daily_limit = $1 WHERE id = $2")
                .bind(limit)
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.settings_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "invitation_daily_limit": limit })),
        )
        .await?;
        tx.commit().await
    }
}
