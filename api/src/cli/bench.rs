//! `portico bench`: loads invoices across many tenants into an empty database, then measures
//! `invoices(first: 20)` for one client's contact over real HTTP on loopback, then the portal's
//! dashboard and invoices pages rendered on the server for that contact's session (and the staff
//! invoice editor for an owner's), and prints load
//! throughput, request throughput and latency percentiles. Run it against SQLite (default, a fresh
//! temporary file) or PostgreSQL (`--database-url`, an empty database).

use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_domain::Email;

use crate::app::App;
use crate::core::config::Config;
use crate::core::scope::{Role, Scope};
use crate::parties::NewContact;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Database to load (must be empty); default: a fresh SQLite file in a temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    #[arg(long, default_value_t = 100)]
    pub tenants: usize,
    /// Invoices in all, spread evenly over the tenants.
    #[arg(long, default_value_t = 100_000)]
    pub invoices: usize,
    #[arg(long, default_value_t = 10)]
    pub clients_per_tenant: usize,
    /// Measured requests (after 100 warm-up requests).
    #[arg(long, default_value_t = 2_000)]
    pub requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

const QUERY: &str = "{ invoices(first: 20, orderBy: { field: DUE_DATE, direction: DESC }) { totalCount \
     edges { cursor node { id number status dueDate total { amount currency } balance { amount } } } } }";

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let (tmp, database_url) = crate::cli::scratch("bench", args.database_url.clone());
    let config = Config {
        max_connections: (args.concurrency as u32).max(4),
        ..Config::for_database(database_url.clone(), tmp.clone())
    };
    let app = App::build(config).await?;
    anyhow::ensure!(
        app.store
            .is_empty()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        "the bench needs an empty database"
    );
    let backend = format!("{:?}", app.store.backend());
    let per_tenant = args.invoices / args.tenants.max(1);
    let started = Instant::now();
    let mut first = None;
    for i in 0..args.tenants {
        let t = app
            .store
            .load_bench_tenant(i, args.clients_per_tenant.max(1), per_tenant)
            .await
            .map_err(|e| anyhow::anyhow!("loading: {e}"))?;
        first.get_or_insert(t);
    }
    let load_time = started.elapsed();
    let loaded = per_tenant * args.tenants;
    let first = first.ok_or_else(|| anyhow::anyhow!("no tenants"))?;

    let staff = Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(first.tenant_id.clone()),
        tenant_slug: "bench-0".into(),
        role: Role::Owner,
        actor_id: "bench".into(),
        actor_name: "bench".into(),
        client_id: None,
        contact_id: None,
        session_id: None,
        grants: crate::core::scope::Grants::ALL,
    };
    let contact = app
        .store
        .create_contact(
            &staff,
            NewContact {
                client_id: first.client_ids[0].clone(),
                name: "Bench Contact".into(),
                email: Email::parse("bench@example.com")?,
                role: "payer".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = app
        .store
        .create_token(
            &first.tenant_id,
            "bench",
            Role::ContactPayer,
            Some(&contact.id),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .token;

    let addr = crate::cli::serve_on_loopback(&app).await?;
    let url = format!("http://{}/graphql", addr);

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let body = Arc::new(serde_json::json!({ "query": QUERY }).to_string());
    let graphql = {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        move || {
            let (client, url, token, body) =
                (client.clone(), url.clone(), token.clone(), body.clone());
            async move {
                let resp = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {token}"))
                    .body((*body).clone())
                    .send()
                    .await?;
                let text = resp.text().await?;
                anyhow::ensure!(
                    text.contains("\"edges\"") && !text.contains("\"errors\""),
                    "bad response: {text}"
                );
                Ok(())
            }
        }
    };
    let api = measure(args.requests, args.concurrency, graphql).await?;

    // The portal's pages, rendered on the server for the same contact's session.
    let (session, hash) = crate::core::tokens::generate_with("ps", &first.tenant_id);
    app.store
        .create_session(
            &first.tenant_id,
            crate::identity::UserKind::Contact,
            &contact.id,
            &hash,
            &crate::identity::LoginClient::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let base = url.trim_end_matches("/graphql").to_owned();
    // The staff invoice editor, for an owner's session: a new invoice for a client, and a
    // five-line draft (both render the clients list and the server-side totals).
    let owner_email = Email::parse("owner@bench.example")?;
    let owner_id = app
        .store
        .create_staff_user(&first.tenant_id, &owner_email, "Bench Owner", Role::Owner)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (staff_session, staff_hash) = crate::core::tokens::generate_with("ps", &first.tenant_id);
    app.store
        .create_session(
            &first.tenant_id,
            crate::identity::UserKind::Staff,
            &owner_id,
            &staff_hash,
            &crate::identity::LoginClient::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let line = |d: &str, q: i64, cents: i64| {
        crate::invoicing::NewLine::new(
            d.to_owned(),
            portico_domain::LineInput {
                quantity: rust_decimal::Decimal::from(q),
                unit_price_minor: cents,
                tax_rate: rust_decimal::Decimal::from(24),
                discount: portico_domain::Discount::None,
            },
        )
    };
    let draft = app
        .store
        .create_invoice(
            &staff,
            crate::invoicing::NewInvoice {
                client_id: first.client_ids[0].clone(),
                number: None,
                reference: None,
                currency: None,
                issue_date: app.store.clock().today_utc(),
                due_date: None,
                notes: None,
                terms: None,
                lines: (1..=5)
                    .map(|i| line(&format!("Work {i}"), i, 12_000))
                    .collect(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let client_gid = crate::core::ids::encode("Client", &first.client_ids[0]).0;
    let new_path = format!("/staff/invoices/new?client={client_gid}");
    let edit_path = format!("/staff/invoices/{}/edit", draft.id.to_global().0);

    let page = |path: String, expect: &'static str, session: String| {
        let (client, base) = (client.clone(), base.clone());
        move || {
            let (client, base, session, path) =
                (client.clone(), base.clone(), session.clone(), path.clone());
            async move {
                let resp = client
                    .get(format!("{base}/bench-0{path}"))
                    .header("cookie", format!("portico_session={session}"))
                    .send()
                    .await?;
                anyhow::ensure!(resp.status().is_success(), "{path}: {}", resp.status());
                let text = resp.text().await?;
                anyhow::ensure!(text.contains(expect), "{path} lacks {expect:?}: {text}");
                Ok(())
            }
        }
    };
    let page_requests = (args.requests / 2).max(args.concurrency);
    let dashboard = measure(
        page_requests,
        args.concurrency,
        page("/".into(), "Amount due", session.clone()),
    )
    .await?;
    let invoices = measure(
        page_requests,
        args.concurrency,
        page("/invoices".into(), "INV", session.clone()),
    )
    .await?;
    let new_invoice = measure(
        page_requests,
        args.concurrency,
        page(new_path, "Save and issue", staff_session.clone()),
    )
    .await?;
    let edit_invoice = measure(
        page_requests,
        args.concurrency,
        page(edit_path, "Work 5", staff_session.clone()),
    )
    .await?;

    println!("backend: {backend}");
    println!(
        "load: {loaded} invoices (+{loaded} lines) across {} tenants in {:.1} s = {:.0} invoices/s",
        args.tenants,
        load_time.as_secs_f64(),
        loaded as f64 / load_time.as_secs_f64()
    );
    println!(
        "invoices(first: 20) as one client's contact over HTTP, concurrency {}: {api}",
        args.concurrency
    );
    println!(
        "portal dashboard page (server render incl. 12-month chart), concurrency {}: {dashboard}",
        args.concurrency
    );
    println!(
        "portal invoices page (server render, 20 rows), concurrency {}: {invoices}",
        args.concurrency
    );
    println!(
        "staff invoice editor, new invoice (server render: clients, empty line, totals), concurrency {}: {new_invoice}",
        args.concurrency
    );
    println!(
        "staff invoice editor, 5-line draft (server render incl. live totals), concurrency {}: {edit_invoice}",
        args.concurrency
    );

    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

/// Request figures: throughput and latency percentiles.
struct Stats {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "{} requests, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.requests,
            self.per_second,
            ms(self.p50),
            ms(self.p99),
            ms(self.max)
        )
    }
}

/// Runs `one` 100 times to warm up, then `requests` times from `concurrency` workers.
async fn measure<F, Fut>(requests: usize, concurrency: usize, one: F) -> anyhow::Result<Stats>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    for _ in 0..100 {
        one().await?;
    }
    let workers_n = concurrency.max(1);
    let per_worker = requests / workers_n;
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..workers_n {
        let one = one.clone();
        workers.spawn(async move {
            let mut mine = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t0 = Instant::now();
                one().await?;
                mine.push(t0.elapsed());
            }
            Ok::<_, anyhow::Error>(mine)
        });
    }
    let mut latencies = Vec::with_capacity(requests);
    while let Some(r) = workers.join_next().await {
        latencies.extend(r??);
    }
    let elapsed = started.elapsed();
    anyhow::ensure!(!latencies.is_empty(), "no requests measured");
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    Ok(Stats {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
        max: *latencies.last().unwrap_or(&Duration::ZERO),
    })
}
