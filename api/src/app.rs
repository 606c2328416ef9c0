//! The composition root: config → store (migrated) → event bus → schema → router. The binary and
//! the tests build the application through the same function; it starts no worker
//! (`start_workers` does, for `serve`, `demo` and the tests).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::core::clock::Clock;
use crate::core::config::Config;
use crate::core::db::Store;
use crate::core::events::EventBus;
use crate::core::jobs::Workers;
use crate::core::mail::Mailer;
use crate::core::state::AppState;
use crate::graphql::{build_schema, PorticoSchema};
use crate::http::{router, HttpState};

#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub store: Store,
    pub bus: EventBus,
    pub schema: PorticoSchema,
    pub mailer: Mailer,
    /// Wakes the mail worker when a transaction queued mail.
    pub mail_wake: Arc<tokio::sync::Notify>,
    pub webauthn: Option<Arc<webauthn_rs::Webauthn>>,
    pub secrets: Option<crate::core::secrets::SecretBox>,
}

impl App {
    /// Connects, migrates and wires everything.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let store = Store::connect(&config.database_url, config.max_connections)
            .await?
            .with_sites(&config.base_url, config.tenant_domain.as_deref())
            .with_files(crate::core::storage::Files::open(&config.files)?);
        migrate(&store).await?;
        let bus = match &config.redis_url {
            Some(url) => EventBus::redis(url, store.clone()).await?,
            None => EventBus::in_process(store.clone()),
        };
        let mailer = Mailer::new(config.smtp_url.as_deref(), &config.mail_from)?.with_attachments(
            Arc::new(crate::documents::attachments::DocumentAttachments {
                store: store.clone(),
            }),
        );
        let mail_wake = Arc::new(tokio::sync::Notify::new());
        let webauthn = match crate::identity::relying_party::relying_party(&config) {
            Ok(w) => Some(Arc::new(w)),
            Err(e) => {
                tracing::warn!(error = %e, base_url = %config.base_url, "passkeys are off: PORTICO_BASE_URL needs a host name");
                None
            }
        };
        let secrets = config
            .secret_key
            .as_deref()
            .map(crate::core::secrets::SecretBox::from_hex)
            .transpose()?;
        let shared = AppState {
            store: store.clone(),
            bus: bus.clone(),
            config: Arc::new(config.clone()),
            mail_wake: mail_wake.clone(),
            webauthn: webauthn.clone(),
            secrets: secrets.clone(),
            mailer: mailer.clone(),
        };
        let schema = build_schema(shared);
        Ok(App {
            config,
            store,
            bus,
            schema,
            mailer,
            mail_wake,
            webauthn,
            secrets,
        })
    }

    /// Starts the background workers (the mail queue's runner); they stop when the returned
    /// value is dropped. `build` starts none, so `portico migrate` or a one-off command sends
    /// nothing; `serve` and `demo` call this.
    pub fn start_workers(&self) -> Workers {
        let mut workers = Workers::default();
        let mail = crate::core::mail::worker::runner(self.store.clone(), self.mailer.clone());
        workers.spawn(mail.run(self.mail_wake.clone()));
        let idle = Arc::new(tokio::sync::Notify::new());
        let checks = crate::payments::checks::runner(self.shared());
        workers.spawn(checks.run(idle.clone()));
        let probes = crate::payments::health::runner(self.shared());
        workers.spawn(probes.run(idle));
        let webhooks = crate::webhooks_out::deliver::runner(self.shared(), self.renderer());
        workers.spawn(webhooks.run(self.store.webhooks_wake()));
        workers
    }

    /// What renders partner webhook payloads: the schema, read as a partner.
    pub fn renderer(&self) -> Arc<dyn crate::webhooks_out::Render> {
        Arc::new(crate::webhooks_out::graphql::SchemaRender(
            self.schema.clone(),
        ))
    }

    /// The application's clock (tests move it).
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    pub fn shared(&self) -> AppState {
        AppState {
            store: self.store.clone(),
            bus: self.bus.clone(),
            config: Arc::new(self.config.clone()),
            mail_wake: self.mail_wake.clone(),
            webauthn: self.webauthn.clone(),
            secrets: self.secrets.clone(),
            mailer: self.mailer.clone(),
        }
    }

    pub fn router(&self) -> axum::Router {
        router(HttpState {
            schema: self.schema.clone(),
            shared: self.shared(),
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Binds the configured address.
    pub async fn bind(&self) -> anyhow::Result<TcpListener> {
        TcpListener::bind(self.config.listen)
            .await
            .with_context(|| format!("binding {}", self.config.listen))
    }

    /// Starts the workers and serves until Ctrl-C / SIGTERM.
    pub async fn serve(self, listener: TcpListener) -> anyhow::Result<()> {
        let _workers = self.start_workers();
        axum::serve(
            listener,
            self.router()
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await?;
        Ok(())
    }
}

/// Runs the migrations, then fills what areas derive from rows written before they kept it
/// (a no-op once done).
pub async fn migrate(store: &Store) -> anyhow::Result<()> {
    store.migrate().await?;
    store
        .fill_search_text()
        .await
        .map_err(|e| anyhow::anyhow!("filling invoices' search text: {e}"))?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
