//! The database: pool, backend and transactions. One code path on `sqlx::AnyPool` for SQLite (embedded default)
//! and PostgreSQL. Every operation runs in a [`Tx`] opened for a tenant: on PostgreSQL the tenant is
//! also set for row-level security (`app.tenant_id`), on SQLite writes take the lock up front
//! (`BEGIN IMMEDIATE`). Every statement goes through `Tx`, which counts them (see `/metrics` and the
//! DataLoader test).

pub mod rows;
pub mod sql;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Connection as _, Executor as _, Transaction};

use crate::core::clock::Clock;
use crate::core::error::AppResult;
use crate::core::scope::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme; any other scheme is a clear error.
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => anyhow::bail!(
                "PORTICO_DATABASE_URL has unsupported scheme {other:?}: use sqlite://PATH or postgres://…"
            ),
        }
    }
}

/// The store: a pool, its backend and a statement counter.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    statements: Arc<AtomicU64>,
    /// The portal's public address (`PORTICO_BASE_URL`) and the businesses' host names, for
    /// links in the emails the store queues and for routing by `Host`.
    sites: Arc<crate::core::sites::Sites>,
    /// Every "now" the store and its transactions read.
    clock: Clock,
    /// Uploaded files (logos), beside the rows that name them.
    files: Option<crate::core::storage::Files>,
    /// Woken when a committed transaction queued partner webhook deliveries.
    webhooks_wake: Arc<tokio::sync::Notify>,
}

static MIGRATOR_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Store {
    /// The store with the portal's public address, for links in emails.
    pub fn with_base_url(self, base_url: &str) -> Store {
        self.with_sites(base_url, None)
    }

    /// The store with the portal's public address and the deployment's tenant domain
    /// (`PORTICO_TENANT_DOMAIN`: `acme.DOMAIN` is business `acme`).
    pub fn with_sites(mut self, base_url: &str, tenant_domain: Option<&str>) -> Store {
        self.sites = Arc::new(crate::core::sites::Sites::new(base_url, tenant_domain));
        self
    }

    pub(crate) fn sites(&self) -> &crate::core::sites::Sites {
        &self.sites
    }

    /// The store with its file store (uploads).
    pub fn with_files(mut self, files: crate::core::storage::Files) -> Store {
        self.files = Some(files);
        self
    }

    /// The file store; an error for a store built without one (a tool that reads only rows).
    pub fn files(&self) -> crate::core::error::AppResult<&crate::core::storage::Files> {
        self.files.as_ref().ok_or_else(|| {
            crate::core::error::AppError::Internal(anyhow::anyhow!("no file store configured"))
        })
    }

    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            if let Some(dir) = sqlite_parent_dir(url) {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating data directory {}", dir.display()))?;
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL, a busy timeout and foreign keys on every connection.
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .after_release(move |conn, _meta| {
                Box::pin(async move {
                    // A connection must come back outside any transaction. One whose work was
                    // dropped mid-way could still hold one (SQLite's worker applies a dropped
                    // transaction's rollback asynchronously: the ping waits for it), and with it
                    // SQLite's write lock: such a connection is closed, never pooled.
                    if backend == Backend::Sqlite {
                        conn.ping().await?;
                    }
                    if conn.is_in_transaction() {
                        tracing::warn!(
                            "a pooled connection came back inside a transaction: closed"
                        );
                        return Ok(false);
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await
            .with_context(|| format!("connecting to the {backend:?} database"))?;
        let store = Store {
            pool,
            backend,
            statements: Arc::new(AtomicU64::new(0)),
            sites: Arc::new(crate::core::sites::Sites::new("", None)),
            clock: Clock::system(),
            files: None,
            webhooks_wake: Arc::new(tokio::sync::Notify::new()),
        };
        if backend == Backend::Postgres {
            store.warn_if_rls_bypassed().await;
        }
        Ok(store)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &MIGRATOR_SQLITE,
            Backend::Postgres => &MIGRATOR_POSTGRES,
        };
        migrator
            .run(&self.pool)
            .await
            .context("running migrations")?;
        Ok(())
    }

    /// The store reading time from `clock` (tests share theirs to move time).
    /// What wakes the partner webhook sender (notified when a commit queued deliveries).
    pub fn webhooks_wake(&self) -> Arc<tokio::sync::Notify> {
        self.webhooks_wake.clone()
    }

    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The portal's public address, for links in the emails the store queues.
    pub fn base_url(&self) -> &str {
        self.sites.base_url()
    }

    /// The application's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, in milliseconds since the epoch, by the application's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Statements executed so far through this store.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Whether the database answers (`/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    async fn warn_if_rls_bypassed(&self) {
        let row: Result<(i64,), _> = sqlx::query_as(
            "SELECT CAST(CASE WHEN rolsuper OR rolbypassrls THEN 1 ELSE 0 END AS BIGINT) \
             FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&self.pool)
        .await;
        if let Ok((1,)) = row {
            tracing::warn!(
                "the database role bypasses row-level security (superuser or BYPASSRLS): \
                 tenant isolation then rests on the application's filters alone; \
                 connect as an ordinary role (see README)"
            );
        }
    }

    /// A read transaction for the scope's tenant.
    pub(crate) async fn read(&self, tenant_id: &str) -> AppResult<Tx> {
        self.open(tenant_id, "BEGIN").await
    }

    /// A write transaction for the scope's tenant (takes SQLite's write lock up front).
    pub(crate) async fn write(&self, tenant_id: &str) -> AppResult<Tx> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        self.open(tenant_id, begin).await
    }

    pub(crate) async fn read_scoped(&self, scope: &Scope) -> AppResult<Tx> {
        self.read(&scope.tenant_id).await
    }

    pub(crate) async fn write_scoped(&self, scope: &Scope) -> AppResult<Tx> {
        self.write(&scope.tenant_id).await
    }

    /// A transaction for the mail worker, which claims mail across tenants (on PostgreSQL the
    /// outbox policy admits `app.worker = 'outbox'`).
    pub(crate) async fn worker_tx(&self) -> AppResult<Tx> {
        self.worker_tx_as("outbox").await
    }

    /// A transaction for a worker that works rows of every tenant: on PostgreSQL, the policies
    /// of its tables admit `app.worker = worker` (`gateways`, `webhooks`, …).
    pub(crate) async fn worker_tx_as(&self, worker: &'static str) -> AppResult<Tx> {
        let mut tx = self.write("").await?;
        if self.backend == Backend::Postgres {
            tx.execute(
                sqlx::query("SELECT set_config('app.worker', $1, true)").bind(worker.to_owned()),
            )
            .await?;
        }
        Ok(tx)
    }

    async fn open(&self, tenant_id: &str, begin: &'static str) -> AppResult<Tx> {
        // `BEGIN` runs in its own task, so it always completes: a caller dropped while the database
        // was starting the transaction (a client that went away) would otherwise leave the
        // connection inside a transaction that nothing can end (sqlx 0.8 counts the transaction
        // only once `BEGIN`'s answer is read). Completed, the transaction is dropped with the
        // task's output and rolled back as usual.
        let pool = self.pool.clone();
        let inner = tokio::spawn(async move { pool.begin_with(begin).await })
            .await
            .map_err(|e| anyhow::anyhow!("starting a transaction: {e}"))??;
        let mut tx = Tx {
            inner,
            statements: self.statements.clone(),
            clock: self.clock.clone(),
            webhooks_wake: self.webhooks_wake.clone(),
            queued_webhooks: false,
        };
        if self.backend == Backend::Postgres {
            tx.execute(
                sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                    .bind(tenant_id.to_owned()),
            )
            .await?;
        }
        Ok(tx)
    }
}

/// A transaction bound to one tenant; every statement of the store goes through it.
pub(crate) struct Tx {
    inner: Transaction<'static, Any>,
    statements: Arc<AtomicU64>,
    clock: Clock,
    webhooks_wake: Arc<tokio::sync::Notify>,
    /// Whether this transaction queued partner webhook deliveries (the sender is woken on commit).
    queued_webhooks: bool,
}

pub(crate) type Q<'q> = Query<'q, Any, AnyArguments<'q>>;

impl Tx {
    /// Now, in milliseconds since the epoch, by the application's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn count(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    pub async fn fetch_all(&mut self, q: Q<'_>) -> AppResult<Vec<AnyRow>> {
        self.count();
        Ok(q.fetch_all(&mut *self.inner).await?)
    }

    pub async fn fetch_optional(&mut self, q: Q<'_>) -> AppResult<Option<AnyRow>> {
        self.count();
        Ok(q.fetch_optional(&mut *self.inner).await?)
    }

    pub async fn fetch_one(&mut self, q: Q<'_>) -> AppResult<AnyRow> {
        self.count();
        Ok(q.fetch_one(&mut *self.inner).await?)
    }

    /// Executes and returns the number of rows affected.
    pub async fn execute(&mut self, q: Q<'_>) -> AppResult<u64> {
        self.count();
        Ok(q.execute(&mut *self.inner).await?.rows_affected())
    }

    pub async fn commit(self) -> AppResult<()> {
        self.inner.commit().await?;
        if self.queued_webhooks {
            self.webhooks_wake.notify_one();
        }
        Ok(())
    }

    /// Notes that this transaction queued partner webhook deliveries.
    pub(crate) fn queued_webhooks(&mut self) {
        self.queued_webhooks = true;
    }
}

fn sqlite_parent_dir(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .map(|p| p.to_path_buf())
        .filter(|p| !p.as_os_str().is_empty())
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_comes_from_the_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        let err = Backend::from_url("mysql://u@h/db")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unsupported scheme \"mysql\""), "{err}");
    }

    #[test]
    fn the_sqlite_data_dir_comes_from_the_url() {
        assert_eq!(
            sqlite_parent_dir("sqlite://data/portico.db?mode=rwc"),
            Some("data".into())
        );
    }
}
