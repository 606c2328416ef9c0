//! Message threads attached to an invoice, estimate or project, and their messages. A thread is
//! created with its first message; contacts can post only on their own client's documents (and
//! staff are notified). Each reader has a read marker per thread: messages by others after it are
//! unread.

use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::notify;
use crate::core::scope::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Invoice,
    Estimate,
    Project,
}

impl SubjectKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SubjectKind::Invoice => "invoice",
            SubjectKind::Estimate => "estimate",
            SubjectKind::Project => "project",
        }
    }

    fn table(&self) -> &'static str {
        match self {
            SubjectKind::Invoice => "invoices",
            SubjectKind::Estimate => "estimates",
            SubjectKind::Project => "projects",
        }
    }

    fn title_column(&self) -> &'static str {
        match self {
            SubjectKind::Project => "name",
            _ => "number",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub client_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub title: String,
    pub created_at: i64,
    pub last_message_at: i64,
    pub message_count: i64,
    /// Messages by others since the caller last opened the thread (all of them if never).
    pub unread_count: i64,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub author_kind: String,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

fn thread(row: &AnyRow) -> AppResult<Thread> {
    Ok(Thread {
        id: rows::text(row, "id")?,
        client_id: rows::text(row, "client_id")?,
        subject_kind: rows::text(row, "subject_kind")?,
        subject_id: rows::text(row, "subject_id")?,
        title: rows::text(row, "title")?,
        created_at: rows::int(row, "created_at")?,
        last_message_at: rows::int(row, "last_message_at")?,
        message_count: rows::int(row, "message_count")?,
        unread_count: rows::int(row, "unread_count")?,
    })
}

fn message(row: &AnyRow) -> AppResult<Message> {
    Ok(Message {
        id: rows::text(row, "id")?,
        thread_id: rows::text(row, "thread_id")?,
        author_kind: rows::text(row, "author_kind")?,
        author_name: rows::text(row, "author_name")?,
        body: rows::text(row, "body")?,
        created_at: rows::int(row, "created_at")?,
    })
}

/// The client and title of a document the caller may see (contacts: not drafts).
async fn subject(
    tx: &mut Tx,
    scope: &Scope,
    kind: SubjectKind,
    id: &str,
) -> AppResult<(String, String)> {
    let draft_rule = match kind {
        SubjectKind::Project => "",
        _ => " AND ($3 IS NULL OR status <> 'draft')",
    };
    let sql = format!(
        "SELECT client_id, {} AS title FROM {} WHERE tenant_id = $1 AND id = $2 AND ($3 IS NULL OR client_id = $3){draft_rule}",
        kind.title_column(),
        kind.table()
    );
    let row = tx
        .fetch_optional(
            sqlx::query(&sql)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(scope.client_filter().map(str::to_owned)),
        )
        .await?
        .ok_or(AppError::NotFound(kind.as_str()))?;
    Ok((rows::text(&row, "client_id")?, rows::text(&row, "title")?))
}

/// The thread columns with its message count and the reader's unread count; `kind` and `id` are
/// the placeholders of the reader's kind and id.
fn thread_columns(kind: &str, id: &str) -> String {
    format!(
        "t.id, t.client_id, t.subject_kind, t.subject_id, t.title, t.created_at, t.last_message_at, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM messages m WHERE m.tenant_id = t.tenant_id AND m.thread_id = t.id) AS message_count, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM messages m WHERE m.tenant_id = t.tenant_id AND m.thread_id = t.id \
            AND NOT (m.author_kind = {kind} AND COALESCE(m.author_id, '') = {id}) \
            AND m.created_at > COALESCE((SELECT r.read_at FROM thread_reads r WHERE r.tenant_id = t.tenant_id \
              AND r.thread_id = t.id AND r.reader_kind = {kind} AND r.reader_id = {id}), -1)) AS unread_count"
    )
}

/// Who the caller is as a reader and author of messages (`staff`, `contact` or `partner`, and id).
fn reader(scope: &Scope) -> (&'static str, String) {
    (scope.actor_kind(), scope.actor_id.clone())
}

/// Whether opening a thread records the caller's read marker: people and tokens that stand for a
/// staff role or a contact do; partners (systems) and contact views without a contact do not.
fn keeps_read_markers(scope: &Scope) -> bool {
    match scope.actor_kind() {
        "partner" => false,
        "contact" => scope.contact_id.is_some(),
        _ => true,
    }
}

impl Store {
    /// Posts a message on a document's thread, creating the thread on first use.
    pub async fn post_message(
        &self,
        scope: &Scope,
        kind: SubjectKind,
        subject_id: &str,
        body: String,
    ) -> AppResult<Message> {
        scope.require_can_post()?;
        let mut tx = self.write_scoped(scope).await?;
        let (client_id, title) = subject(&mut tx, scope, kind, subject_id).await?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO threads (id, tenant_id, client_id, subject_kind, subject_id, title, created_at, last_message_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (tenant_id, subject_kind, subject_id) DO NOTHING",
            )
            .bind(new_id())
            .bind(scope.tenant_id.clone())
            .bind(client_id)
            .bind(kind.as_str())
            .bind(subject_id.to_owned())
            .bind(format!("{} {title}", kind.as_str()))
            .bind(now),
        )
        .await?;
        let t = tx
            .fetch_one(
                sqlx::query("SELECT id, client_id, title FROM threads WHERE tenant_id = $1 AND subject_kind = $2 AND subject_id = $3")
                    .bind(scope.tenant_id.clone())
                    .bind(kind.as_str())
                    .bind(subject_id.to_owned()),
            )
            .await?;
        let thread_id = rows::text(&t, "id")?;
        let id = new_id();
        let row = tx
            .fetch_one(
                sqlx::query(
                    "INSERT INTO messages (id, tenant_id, thread_id, author_kind, author_id, author_name, body, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, thread_id, author_kind, author_name, body, created_at",
                )
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(thread_id.clone())
                .bind(scope.actor_kind())
                .bind(scope.actor_id.clone())
                .bind(scope.actor_name.clone())
                .bind(body)
                .bind(now),
            )
            .await?;
        tx.execute(
            sqlx::query("UPDATE threads SET last_message_at = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(now)
                .bind(scope.tenant_id.clone())
                .bind(thread_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "message.posted",
            kind.as_str(),
            subject_id,
            None,
        )
        .await?;
        crate::core::partner_events::emit(
            &mut tx,
            &scope.tenant_id,
            "message.posted",
            "thread",
            &thread_id,
        )
        .await?;
        if scope.role.is_contact() {
            let client =
                crate::parties::service::client_name(&mut tx, scope, &rows::text(&t, "client_id")?)
                    .await?;
            let text = format!(
                "{} ({client}) posted a message on {}",
                scope.actor_name,
                rows::text(&t, "title")?
            );
            let params = serde_json::json!({ "who": scope.actor_name, "client": client, "title": rows::text(&t, "title")? });
            notify::notify(
                &mut tx,
                scope,
                "message.posted",
                &text,
                Some(&thread_id),
                params,
            )
            .await?;
        }
        tx.commit().await?;
        message(&row)
    }

    /// Threads the caller may see, most recent activity first.
    pub async fn threads(
        &self,
        scope: &Scope,
        subject: Option<(SubjectKind, &str)>,
        id: Option<&str>,
    ) -> AppResult<Vec<Thread>> {
        let (reader_kind, reader_id) = reader(scope);
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {} FROM threads t WHERE t.tenant_id = $1 AND ($2 IS NULL OR t.client_id = $2) \
                     AND ($3 IS NULL OR t.subject_kind = $3) AND ($4 IS NULL OR t.subject_id = $4) \
                     AND ($5 IS NULL OR t.id = $5) ORDER BY t.last_message_at DESC, t.id LIMIT 200",
                    thread_columns("$6", "$7")
                ))
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(subject.map(|(k, _)| k.as_str()))
                .bind(subject.map(|(_, s)| s.to_owned()))
                .bind(id.map(str::to_owned))
                .bind(reader_kind)
                .bind(reader_id),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(thread).collect()
    }

    /// Messages of a thread the caller may see, oldest first.
    pub async fn messages(&self, scope: &Scope, thread_id: &str) -> AppResult<Vec<Message>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT m.id, m.thread_id, m.author_kind, m.author_name, m.body, m.created_at FROM messages m \
                     JOIN threads t ON t.tenant_id = m.tenant_id AND t.id = m.thread_id \
                     WHERE m.tenant_id = $1 AND m.thread_id = $2 AND ($3 IS NULL OR t.client_id = $3) \
                     ORDER BY m.created_at, m.id LIMIT 1000",
                )
                .bind(scope.tenant_id.clone())
                .bind(thread_id.to_owned())
                .bind(scope.client_filter().map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(message).collect()
    }
}

impl Store {
    /// A thread the caller may see, marking it read for the caller (see [`keeps_read_markers`]):
    /// its unread count is then zero. `None` when the caller may not see it.
    pub async fn open_thread(&self, scope: &Scope, id: &str) -> AppResult<Option<Thread>> {
        if !keeps_read_markers(scope) {
            return Ok(self
                .threads(scope, None, Some(id))
                .await?
                .into_iter()
                .next());
        }
        let (reader_kind, reader_id) = reader(scope);
        let mut tx = self.write_scoped(scope).await?;
        let visible = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT id FROM threads WHERE tenant_id = $1 AND id = $2 AND ($3 IS NULL OR client_id = $3)",
                )
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(scope.client_filter().map(str::to_owned)),
            )
            .await?;
        if visible.is_none() {
            tx.commit().await?;
            return Ok(None);
        }
        tx.execute(
            sqlx::query(
                "INSERT INTO thread_reads (tenant_id, thread_id, reader_kind, reader_id, read_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (tenant_id, thread_id, reader_kind, reader_id) DO UPDATE SET read_at = \
                 CASE WHEN excluded.read_at > thread_reads.read_at THEN excluded.read_at ELSE thread_reads.read_at END",
            )
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned())
            .bind(reader_kind)
            .bind(reader_id.clone())
            .bind(tx.now_ms()),
        )
        .await?;
        let row = tx
            .fetch_one(
                sqlx::query(&format!(
                    "SELECT {} FROM threads t WHERE t.tenant_id = $1 AND t.id = $2",
                    thread_columns("$3", "$4")
                ))
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(reader_kind)
                .bind(reader_id),
            )
            .await?;
        tx.commit().await?;
        thread(&row).map(Some)
    }

    /// Messages by others, in every thread the caller may see, since the caller last opened each
    /// thread (all of a thread's if never).
    pub async fn unread_messages(&self, scope: &Scope) -> AppResult<i64> {
        let (reader_kind, reader_id) = reader(scope);
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM messages m \
                     JOIN threads t ON t.tenant_id = m.tenant_id AND t.id = m.thread_id \
                     LEFT JOIN thread_reads r ON r.tenant_id = m.tenant_id AND r.thread_id = m.thread_id \
                       AND r.reader_kind = $3 AND r.reader_id = $4 \
                     WHERE m.tenant_id = $1 AND ($2 IS NULL OR t.client_id = $2) \
                     AND NOT (m.author_kind = $3 AND COALESCE(m.author_id, '') = $4) \
                     AND (r.read_at IS NULL OR m.created_at > r.read_at)",
                )
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(reader_kind)
                .bind(reader_id),
            )
            .await?;
        tx.commit().await?;
        rows::int(&row, "n")
    }
}
