//! The mail outbox: rows written in the same transaction as the change that causes them, claimed
//! and marked by the mail queue's runner (see `mail::worker` and `core::jobs`).

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::AppResult;
use crate::core::mail::attachments::Attachment;
use crate::core::mail::message::Email;

#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: String,
    pub tenant_id: String,
    pub recipient: String,
    pub subject: String,
    /// The plain-text rendering.
    pub body: String,
    /// The HTML rendering (none for mail queued before emails had one).
    pub html: Option<String>,
    pub status: String,
    pub attempts: i64,
    /// When it was queued (ms): mail is retried for `mail::worker::POLICY.give_up_after` from then.
    pub created_at: i64,
    /// A document to draw and attach when it is sent.
    pub attachment: Option<Attachment>,
}

/// Queues `email` for `recipient` in the caller's transaction: it goes only if the change that
/// causes it commits.
pub(crate) async fn queue_email(
    tx: &mut Tx,
    tenant_id: &str,
    recipient: &str,
    email: &Email,
) -> AppResult<()> {
    queue_email_with(tx, tenant_id, recipient, email, None).await
}

/// [`queue_email`] with a document attached.
pub(crate) async fn queue_email_with(
    tx: &mut Tx,
    tenant_id: &str,
    recipient: &str,
    email: &Email,
    attachment: Option<&Attachment>,
) -> AppResult<()> {
    let now = tx.now_ms();
    let attachment = attachment
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| crate::core::error::AppError::Internal(e.into()))?;
    tx.execute(
        sqlx::query(
            "INSERT INTO outbox (id, tenant_id, kind, recipient, subject, body, html, status, next_attempt_at, created_at, attachment) \
             VALUES ($1, $2, 'email', $3, $4, $5, $6, 'pending', $7, $7, $8)",
        )
        .bind(new_id())
        .bind(tenant_id.to_owned())
        .bind(recipient.to_owned())
        .bind(email.subject.clone())
        .bind(email.text.clone())
        .bind(email.html.clone())
        .bind(now)
        .bind(attachment),
    )
    .await?;
    Ok(())
}

fn item(row: &sqlx::any::AnyRow) -> AppResult<OutboxItem> {
    Ok(OutboxItem {
        id: rows::text(row, "id")?,
        tenant_id: rows::text(row, "tenant_id")?,
        recipient: rows::text(row, "recipient")?,
        subject: rows::text(row, "subject")?,
        body: rows::text(row, "body")?,
        html: rows::opt_text(row, "html")?,
        status: rows::text(row, "status")?,
        attempts: rows::int(row, "attempts")?,
        created_at: rows::int(row, "created_at")?,
        // An unreadable reference sends the email without it rather than never.
        attachment: rows::opt_text(row, "attachment")?.and_then(|a| serde_json::from_str(&a).ok()),
    })
}

impl Store {
    /// Claims up to `limit` messages due at `now` for `worker`, taking over claims made before
    /// `stale` (see `core::jobs`).
    pub async fn claim_outbox(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale: i64,
    ) -> AppResult<Vec<OutboxItem>> {
        let mut tx = self.worker_tx().await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "UPDATE outbox SET claimed_by = $1, claimed_at = $2 \
                     WHERE status = 'pending' AND next_attempt_at <= $2 AND (claimed_by IS NULL OR claimed_at < $3) \
                     AND id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                                AND (claimed_by IS NULL OR claimed_at < $3) ORDER BY next_attempt_at LIMIT $4) \
                     RETURNING id, tenant_id, recipient, subject, body, html, status, attempts, created_at, attachment",
                )
                .bind(worker.to_owned())
                .bind(now)
                .bind(stale)
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(item).collect()
    }

    pub async fn outbox_sent(&self, worker: &str, id: &str) -> AppResult<()> {
        let mut tx = self.worker_tx().await?;
        tx.execute(
            sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, claimed_by = NULL \
                 WHERE id = $2 AND claimed_by = $3",
            )
            .bind(tx.now_ms())
            .bind(id.to_owned())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    /// Records a failed attempt and schedules the next one at `next` (ms).
    pub async fn outbox_failed(
        &self,
        worker: &str,
        id: &str,
        error: &str,
        next: i64,
    ) -> AppResult<()> {
        let mut tx = self.worker_tx().await?;
        tx.execute(
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_by = NULL \
                 WHERE id = $3 AND claimed_by = $4",
            )
            .bind(error.chars().take(500).collect::<String>())
            .bind(next)
            .bind(id.to_owned())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    /// Gives up on a message that could not be sent for the whole retry period: it is marked
    /// failed and the tenant's staff are told whom it was for and what it was, in one transaction
    /// (so a message is never dropped without anyone knowing).
    pub async fn outbox_gave_up(
        &self,
        worker: &str,
        item: &OutboxItem,
        error: &str,
    ) -> AppResult<()> {
        let mut tx = self.write(&item.tenant_id).await?;
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_by = NULL, status = 'failed' \
                     WHERE id = $2 AND claimed_by = $3 AND tenant_id = $4",
                )
                .bind(error.chars().take(500).collect::<String>())
                .bind(item.id.clone())
                .bind(worker.to_owned())
                .bind(item.tenant_id.clone()),
            )
            .await?;
        if changed == 1 {
            crate::core::notify::insert(
                &mut tx,
                &item.tenant_id,
                "mail.failed",
                &format!(
                    "The email \"{}\" to {} could not be sent for 3 days and was given up.",
                    item.subject, item.recipient
                ),
                Some(&item.id),
                serde_json::json!({ "recipient": item.recipient, "subject": item.subject }),
            )
            .await?;
        }
        tx.commit().await
    }

    /// A tenant's outbox, newest first (operators and tests).
    pub async fn outbox(&self, tenant_id: &str, limit: i64) -> AppResult<Vec<OutboxItem>> {
        let mut tx = self.read(tenant_id).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, tenant_id, recipient, subject, body, html, status, attempts, created_at, attachment FROM outbox \
                     WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                )
                .bind(tenant_id.to_owned())
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(item).collect()
    }
}
