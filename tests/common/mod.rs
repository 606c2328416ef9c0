//! Test harness: one fresh database per test on either backend, the real router, helpers to call
//! GraphQL as a given token. PostgreSQL tests use a database owned by `portico_app`, an ordinary
//! role (no superuser, no BYPASSRLS), so row-level security applies; they also use Redis for the
//! event bus. When PostgreSQL or Redis is unreachable the test fails under `CI=true` and is
//! skipped with a message otherwise.
#![allow(dead_code)]

pub mod passimpay;
pub mod s3;
pub mod smtp;
pub mod webdriver;
pub mod ws;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use portico::app::App;
use portico::core::config::Config;
use portico::core::scope::Role;
use portico::domain::{Currency, Slug};
use portico::tenancy::NewTenant;
use serde_json::{json, Value};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub kind: Kind,
    pub app: App,
    pub router: axum::Router,
    pub database_url: String,
    dir: Option<std::path::PathBuf>,
    /// The app's workers (the mail queue), stopped with the test app or by `stop_workers`.
    workers: Option<portico::core::jobs::Workers>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The key that encrypts gateway credentials in tests.
pub const TEST_SECRET_KEY: &str =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub fn pg_admin_url() -> String {
    std::env::var("PORTICO_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn redis_url() -> String {
    std::env::var("PORTICO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> Option<TestApp> {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{what} is required under CI=true but unavailable: {e}");
    }
    eprintln!(
        "SKIPPED: {what} unavailable ({e}); set it up or run under CI=true to make this a failure"
    );
    None
}

/// A fresh, migrated PostgreSQL database owned by the RLS-bound role; returns its app URL.
pub async fn fresh_pg_database() -> Result<String, String> {
    use sqlx::Connection;
    let admin = pg_admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(
        "DO $$ BEGIN CREATE ROLE portico_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    .execute(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    let name = format!("portico_t_{}", uuid::Uuid::now_v7().simple());
    sqlx::raw_sql(&format!("CREATE DATABASE {name} OWNER portico_app"))
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap_or(admin);
    let base = match base.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
            format!("{scheme}://portico_app@{host}")
        }
        None => base,
    };
    Ok(format!("{base}/{name}"))
}

pub async fn redis_reachable() -> Result<(), String> {
    let client = redis::Client::open(redis_url()).map_err(|e| e.to_string())?;
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| e.to_string())?;
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

impl TestApp {
    /// A new app on a fresh database, or `None` (skipped, outside CI) when the backend is missing.
    pub async fn start(kind: Kind) -> Option<TestApp> {
        Self::start_with(kind, |_| {}).await
    }

    /// Like `start`, with a chance to change the configuration (SMTP, base URL, …).
    pub async fn start_with(kind: Kind, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let (database_url, redis_url, dir) = match kind {
            Kind::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("portico-test-{}", uuid::Uuid::now_v7().simple()));
                (
                    portico::core::config::default_sqlite_url(&dir),
                    None,
                    Some(dir),
                )
            }
            Kind::Postgres => {
                let url = match fresh_pg_database().await {
                    Ok(u) => u,
                    Err(e) => return unavailable("PostgreSQL", e),
                };
                if let Err(e) = redis_reachable().await {
                    return unavailable("Redis", e);
                }
                (url, Some(redis_url()), None)
            }
        };
        let mut config = Config {
            redis_url,
            secret_key: Some(TEST_SECRET_KEY.into()),
            ..Config::for_database(
                database_url.clone(),
                dir.clone().unwrap_or_else(std::env::temp_dir),
            )
        };
        adjust(&mut config);
        let app = App::build(config).await.expect("app builds");
        let router = app.router();
        let workers = Some(app.start_workers());
        Some(TestApp {
            kind,
            app,
            router,
            database_url,
            dir,
            workers,
        })
    }

    /// Stops the background workers: the test then runs the queues itself, one `tick` at a time.
    pub fn stop_workers(&mut self) {
        self.workers = None;
    }

    /// Serves the app on a loopback port and returns its address.
    pub async fn spawn_server(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = self.router.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        addr
    }

    /// Creates a tenant and returns (tenant id, owner token).
    pub async fn tenant(&self, slug: &str) -> (String, String) {
        let t = self
            .app
            .store
            .create_tenant(NewTenant {
                slug: Slug::parse(slug).expect("slug"),
                name: format!("Tenant {slug}"),
                default_currency: Currency::parse("EUR").expect("EUR"),
                email: None,
                phone: None,
                address: None,
            })
            .await
            .expect("tenant");
        let token = self
            .app
            .store
            .create_token(&t.id, "test owner", Role::Owner, None)
            .await
            .expect("token");
        (t.id.into_string(), token.token)
    }

    pub async fn token(&self, tenant_id: &str, role: Role, contact_id: Option<&str>) -> String {
        self.app
            .store
            .create_token(tenant_id, "test", role, contact_id)
            .await
            .expect("token")
            .token
    }

    /// POSTs raw bytes to /graphql with a content type.
    pub async fn post(
        &self,
        token: Option<&str>,
        content_type: &str,
        body: String,
    ) -> (StatusCode, Value) {
        let mut req = Request::post("/graphql").header("content-type", content_type);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
            .await
            .expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Runs a GraphQL operation and returns the whole response.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .post(
                Some(token),
                "application/json",
                json!({ "query": query, "variables": variables }).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Runs an operation that must succeed and returns `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs an operation that must fail and returns the first error's `extensions.code`.
    pub async fn err_code(&self, token: &str, query: &str, variables: Value) -> String {
        let body = self.gql(token, query, variables).await;
        let code = body["errors"][0]["extensions"]["code"].as_str();
        assert!(code.is_some(), "expected a coded error, got {body}");
        code.unwrap_or_default().to_owned()
    }
}

/// A raw HTTP response from the router.
pub struct Raw {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (for files: spreadsheets, PDFs).
    pub bytes: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// `name=value` of the Set-Cookie header, if any.
    pub fn cookie(&self) -> Option<String> {
        self.header("set-cookie")
            .and_then(|c| c.split(';').next().map(str::to_owned))
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

impl TestApp {
    /// Sends any request through the router.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Raw {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
            .await
            .expect("body");
        Raw {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// Signs `email` in to the portal `slug` the way a browser does (a magic link requested as
    /// JSON, its token read from the outbox, consumed by a same-origin form post); returns the
    /// session cookie.
    pub async fn sign_in(&self, slug: &str, email: &str) -> String {
        let asked = self
            .request(
                "POST",
                &format!("/{slug}/auth/magic-link"),
                &[("content-type", "application/json")],
                &json!({ "email": email }).to_string(),
            )
            .await;
        assert_eq!(asked.status, 202, "{}", asked.body);
        let tenant = self
            .app
            .store
            .tenant_by_slug(slug)
            .await
            .expect("tenant")
            .expect("the tenant exists");
        let mail = self.app.store.outbox(&tenant.id, 1).await.expect("outbox");
        let token = mail[0]
            .body
            .split("token=")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .expect("token")
            .to_owned();
        let origin = self.app.config.origin();
        let done = self
            .request(
                "POST",
                &format!("/{slug}/auth/magic"),
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("origin", &origin),
                ],
                &format!("token={token}"),
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        done.cookie().expect("session cookie")
    }

    /// GraphQL as a browser would send it: session cookie, JSON, the portal's Origin.
    pub async fn gql_cookie(&self, cookie: &str, query: &str, variables: Value) -> Raw {
        let origin = self.app.config.origin();
        let body = json!({ "query": query, "variables": variables }).to_string();
        self.request(
            "POST",
            "/graphql",
            &[
                ("content-type", "application/json"),
                ("cookie", cookie),
                ("origin", &origin),
            ],
            &body,
        )
        .await
    }

    /// Runs SQL in a tenant's transaction (to age a link or a session in a test).
    pub async fn exec_in_tenant(&self, tenant_id: &str, sql: &str) {
        use sqlx::Acquire;
        let mut conn = self.app.store.pool().acquire().await.expect("conn");
        let mut tx = conn.begin().await.expect("begin");
        if self.kind == Kind::Postgres {
            sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                .bind(tenant_id.to_owned())
                .execute(&mut *tx)
                .await
                .expect("set");
        }
        sqlx::query(sql).execute(&mut *tx).await.expect("exec");
        tx.commit().await.expect("commit");
    }
}

/// Declares each listed `async fn name(app: TestApp)` as a test on SQLite and on PostgreSQL + Redis.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::common::TestApp::start($crate::common::Kind::Sqlite).await {
                        super::$name(app).await
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::common::TestApp::start($crate::common::Kind::Postgres).await {
                        super::$name(app).await
                    }
                }
            )*
        }
    };
}

/// Seeds a client with a contact of each role in a tenant; returns ids and tokens.
pub struct Party {
    pub client_id: String,
    pub client_gid: String,
    pub admin_token: String,
    pub payer_token: String,
    pub viewer_token: String,
}

/// A GET with a bearer token (downloads and exports).
pub async fn get(app: &TestApp, path: &str, token: &str) -> Raw {
    let auth = format!("Bearer {token}");
    app.request("GET", path, &[("authorization", &auth)], "")
        .await
}

pub async fn party(
    app: &TestApp,
    tenant_id: &str,
    owner: &str,
    name: &str,
    currency: &str,
) -> Party {
    let data = app
        .ok(
            owner,
            "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
            json!({ "i": { "name": name, "currency": currency, "email": format!("ap@{}.example", name.to_lowercase().replace(' ', "")) } }),
        )
        .await;
    let client_gid = data["createClient"]["id"].as_str().expect("id").to_owned();
    let client_id = portico::core::ids::decode(&async_graphql::ID(client_gid.clone()), "Client")
        .expect("decode");
    let mut tokens = Vec::new();
    for (role, r) in [
        ("ADMIN", Role::ContactAdmin),
        ("PAYER", Role::ContactPayer),
        ("VIEWER", Role::ContactViewer),
    ] {
        let data = app
            .ok(
                owner,
                "mutation($i: CreateContactInput!) { createContact(input: $i) { id } }",
                json!({ "i": { "clientId": client_gid, "name": format!("{name} {role}"), "email": format!("{}@{}.example", role.to_lowercase(), name.to_lowercase().replace(' ', "")), "role": role } }),
            )
            .await;
        let gid = data["createContact"]["id"].as_str().expect("id").to_owned();
        let contact_id =
            portico::core::ids::decode(&async_graphql::ID(gid), "Contact").expect("decode");
        tokens.push(app.token(tenant_id, r, Some(&contact_id)).await);
    }
    Party {
        client_id,
        client_gid,
        admin_token: tokens[0].clone(),
        payer_token: tokens[1].clone(),
        viewer_token: tokens[2].clone(),
    }
}

/// Creates and (optionally) issues an invoice with one line of `unit_price`; returns its global id.
pub async fn invoice(
    app: &TestApp,
    owner: &str,
    client_gid: &str,
    unit_price: &str,
    issue: bool,
) -> String {
    invoice_with(
        app,
        owner,
        client_gid,
        unit_price,
        "2026-01-10",
        "2026-02-09",
        "Consulting",
        issue,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn invoice_with(
    app: &TestApp,
    owner: &str,
    client_gid: &str,
    unit_price: &str,
    issue_date: &str,
    due_date: &str,
    description: &str,
    issue: bool,
) -> String {
    let data = app
        .ok(
            owner,
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
            json!({ "i": { "clientId": client_gid, "issueDate": issue_date, "dueDate": due_date,
                "lines": [{ "description": description, "quantity": "1", "unitPrice": unit_price }] } }),
        )
        .await;
    let id = data["createInvoice"]["id"].as_str().expect("id").to_owned();
    if issue {
        app.ok(
            owner,
            "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    }
    id
}

/// Percent-encodes a value for a form body or a path (everything but RFC 3986's unreserved).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
