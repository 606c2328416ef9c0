//! `portico soak`: mixed load for a long while on the production shape, with Redis restarted
//! along the way, then a reckoning. Two instances share one database and a Redis that the soak
//! runs itself (`redis-server` on a free port, restarted `--redis-restarts` times). Meanwhile:
//! portal pages and GraphQL reads as a client's contact and as staff, payments settled by signed
//! Stripe webhooks sent to either instance (a quarter of them delivered twice, some of those at
//! the same moment), and a staff subscriber on each instance that reconnects with `after`.
//!
//! It prints requests, INTERNAL errors and 5xx answers, payments expected against recorded (lost
//! or doubled), what each subscriber received against what was recorded, and the resident memory
//! at the start and the end. Run by hand (see README), not in CI.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use portico_domain::{Currency, Money};
use tokio::sync::Mutex;

use crate::app::App;
use crate::cli::bench_webhooks::{
    err, invoice_and_attempt, stripe_tenant, tokio_tungstenite_request, SECRET,
};
use crate::core::config::Config;
use crate::core::scope::Role;

#[derive(Debug, clap::Args)]
pub struct SoakArgs {
    /// An empty database (PostgreSQL for the production shape); default: a fresh SQLite file.
    #[arg(long)]
    pub database_url: Option<String>,
    #[arg(long, default_value_t = 30)]
    pub minutes: u64,
    /// Times Redis is stopped and started again, evenly spread.
    #[arg(long, default_value_t = 2)]
    pub redis_restarts: u32,
    /// Load tasks per kind (pages, reads, payments).
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Only these kinds of load (comma-separated: pages, reads, payments); default all (to see
    /// which one a figure comes from).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
}

struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    fn start(port: u16) -> anyhow::Result<Child> {
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("redis-server is needed for the soak: {e}"))
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn redis_ready(port: u16) -> anyhow::Result<()> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(mut c) = client.get_multiplexed_async_connection().await {
            if redis::cmd("PING")
                .query_async::<String>(&mut c)
                .await
                .is_ok()
            {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("redis-server did not start on port {port}")
}

pub(crate) fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    internal: AtomicU64,
    server_errors: AtomicU64,
    webhooks: AtomicU64,
    duplicates: AtomicU64,
}

impl Tally {
    /// Counts one answer to `what`: a 5xx, or a GraphQL error coded INTERNAL.
    fn answer(&self, what: &str, status: u16, body: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if status >= 500 {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(what, status, body = %body.chars().take(300).collect::<String>(), "soak: server error");
        }
        if body.contains("\"INTERNAL\"") {
            self.internal.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(body = %body.chars().take(300).collect::<String>(), "soak: INTERNAL");
        }
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A staff subscriber to `paymentEvents` on one instance: records payment ids, and reconnects
/// with the last event id seen whenever its socket ends.
fn subscriber(
    addr: std::net::SocketAddr,
    token: String,
    seen: Arc<Mutex<HashSet<String>>>,
    reconnects: Arc<AtomicU64>,
) {
    tokio::spawn(async move {
        let mut last: Option<String> = None;
        loop {
            let run = async {
                let req = tokio_tungstenite_request(addr)?;
                let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
                ws.send(tokio_tungstenite::tungstenite::Message::text(
                    serde_json::json!({ "type": "connection_init", "payload": { "token": token } })
                        .to_string(),
                ))
                .await?;
                let _ack = ws.next().await;
                ws.send(tokio_tungstenite::tungstenite::Message::text(
                    serde_json::json!({ "id": "1", "type": "subscribe", "payload": {
                        "query": "subscription($after: ID) { paymentEvents(after: $after) { id subjectId } }",
                        "variables": { "after": last } } })
                    .to_string(),
                ))
                .await?;
                while let Some(Ok(msg)) = ws.next().await {
                    if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
                        let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                        if let Some(e) = v.pointer("/payload/data/paymentEvents") {
                            if let Some(id) = e["id"].as_str() {
                                last = Some(id.to_owned());
                            }
                            if let Some(s) = e["subjectId"].as_str() {
                                seen.lock().await.insert(s.to_owned());
                            }
                        }
                    }
                }
                Ok::<_, anyhow::Error>(())
            };
            if let Err(e) = run.await {
                tracing::debug!(error = %e, "soak subscriber");
            }
            reconnects.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}

pub async fn run(args: SoakArgs) -> anyhow::Result<()> {
    let (tmp, database_url) = crate::cli::scratch("soak", args.database_url.clone());
    let port = free_port()?;
    let mut redis = Redis {
        port,
        child: Some(Redis::start(port)?),
    };
    redis_ready(port).await?;
    let key: String = (0..32)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let config = Config {
        redis_url: Some(format!("redis://127.0.0.1:{port}")),
        secret_key: Some(key),
        max_connections: 16,
        ..Config::for_database(database_url, tmp.clone())
    };
    let a = App::build(config.clone()).await?;
    anyhow::ensure!(
        a.store.is_empty().await.map_err(err)?,
        "the soak needs an empty database"
    );
    let b = App::build(config).await?;
    let setup = stripe_tenant(&a, "soak").await?;
    let store = a.store.clone();
    let owner = store
        .create_token(&setup.tenant.id, "soak", Role::Owner, None)
        .await
        .map_err(err)?
        .token;
    let contact_token = store
        .create_token(
            &setup.tenant.id,
            "soak",
            Role::ContactPayer,
            Some(&setup.contact_id),
        )
        .await
        .map_err(err)?
        .token;
    let (session, hash) = crate::core::tokens::generate_with("ps", &setup.tenant.id);
    store
        .create_session(
            &setup.tenant.id,
            crate::identity::UserKind::Contact,
            &setup.contact_id,
            &hash,
            &crate::identity::LoginClient::default(),
        )
        .await
        .map_err(err)?;
    let addrs = [
        crate::cli::serve_on_loopback(&a).await?,
        crate::cli::serve_on_loopback(&b).await?,
    ];
    let rss_start = rss_kib();

    let tally = Arc::new(Tally::default());
    let seen: [Arc<Mutex<HashSet<String>>>; 2] = Default::default();
    let reconnects = Arc::new(AtomicU64::new(0));
    for (addr, seen) in addrs.iter().zip(&seen) {
        subscriber(*addr, owner.clone(), seen.clone(), reconnects.clone());
    }
    let expected: Arc<Mutex<Vec<String>>> = Arc::default();
    let http = reqwest::Client::new();
    let duration = Duration::from_secs(args.minutes * 60);
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = tokio::task::JoinSet::new();

    let runs = |kind: &str| args.only.is_empty() || args.only.iter().any(|k| k == kind);
    let (runs_pages, runs_reads, runs_payments) = (runs("pages"), runs("reads"), runs("payments"));
    for w in 0..args.concurrency.max(1) {
        // Pages, as the client's contact, on either instance.
        let (web, count, session) = (http.clone(), tally.clone(), session.clone());
        tasks.spawn(async move {
            if !runs_pages {
                return Ok(());
            }
            let (http, tally) = (web, count);
            let mut i = w;
            while Instant::now() < end {
                let path = ["/", "/invoices", "/payments", "/statement"][i % 4];
                let addr = addrs[i % 2];
                i += 1;
                match http
                    .get(format!("http://{addr}/soak{path}"))
                    .header("cookie", format!("portico_session={session}"))
                    .send()
                    .await
                {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        tally.answer(path, status, &r.text().await.unwrap_or_default());
                    }
                    Err(e) => tracing::warn!(error = %e, "soak page"),
                }
            }
            Ok::<_, anyhow::Error>(())
        });
        // GraphQL reads, as staff and as the contact.
        let (web, count) = (http.clone(), tally.clone());
        let tokens = [owner.clone(), contact_token.clone()];
        tasks.spawn(async move {
            if !runs_reads {
                return Ok(());
            }
            let (http, tally) = (web, count);
            let queries = [
                "{ dashboard { currencies { currency amountDue { amount } creditAvailable { amount } } overdueCount } }",
                "{ invoices(first: 20) { totalCount edges { node { number status balance { amount } } } } }",
                "{ payments(first: 20) { edges { node { number amount { amount } } } } }",
            ];
            let mut i = w;
            while Instant::now() < end {
                let (addr, token, q) = (addrs[i % 2], &tokens[(i / 2) % 2], queries[i % 3]);
                i += 1;
                match http
                    .post(format!("http://{addr}/graphql"))
                    .header("authorization", format!("Bearer {token}"))
                    .json(&serde_json::json!({ "query": q }))
                    .send()
                    .await
                {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        tally.answer("graphql", status, &r.text().await.unwrap_or_default());
                    }
                    Err(e) => tracing::warn!(error = %e, "soak read"),
                }
            }
            Ok(())
        });
        // Payments: an invoice, an attempt, then its signed webhook (sometimes twice).
        let (web, count, store, expected) =
            (http.clone(), tally.clone(), store.clone(), expected.clone());
        let (staff, payer, client_id) = (
            setup.staff.clone(),
            setup.payer.clone(),
            setup.client_id.clone(),
        );
        tasks.spawn(async move {
            if !runs_payments {
                return Ok(());
            }
            let (http, tally) = (web, count);
            let eur = Currency::parse("EUR")?;
            let mut i = 0u64;
            while Instant::now() < end {
                i += 1;
                let n = w as u64 * 1_000_000 + i;
                let amount = 1_000 + (n % 9_000) as i64;
                let made = invoice_and_attempt(
                    &store,
                    &staff,
                    &payer,
                    &client_id,
                    &format!("S-{n:08}"),
                    Money::new(amount, eur),
                )
                .await;
                let attempt = match made {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "soak: preparing a payment failed");
                        continue;
                    }
                };
                let body = serde_json::json!({ "id": format!("evt_soak_{n}"), "object": "event", "type": "checkout.session.completed",
                    "data": { "object": { "id": format!("cs_soak_{n}"), "payment_status": "paid", "amount_total": amount,
                        "currency": "eur", "metadata": { "attempt_id": attempt } } } })
                .to_string();
                let send = |addr: std::net::SocketAddr| {
                    let header = crate::payments::gateways::stripe_signature::sign(
                        body.as_bytes(),
                        SECRET,
                        chrono::Utc::now().timestamp(),
                    );
                    http.post(format!("http://{addr}/webhooks/stripe/soak"))
                        .header("stripe-signature", header)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                };
                let twice = n.is_multiple_of(4);
                let at_once = n.is_multiple_of(8);
                let first = addrs[(n % 2) as usize];
                let second = addrs[((n + 1) % 2) as usize];
                let answers = if at_once {
                    let (x, y) = tokio::join!(send(first), send(second));
                    vec![x, y]
                } else if twice {
                    let x = send(first).await;
                    let y = send(second).await;
                    vec![x, y]
                } else {
                    vec![send(first).await]
                };
                let mut ok = false;
                for r in answers {
                    match r {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            ok |= status == 200;
                            tally.answer("webhook", status, &r.text().await.unwrap_or_default());
                        }
                        Err(e) => tracing::warn!(error = %e, "soak webhook"),
                    }
                }
                tally.webhooks.fetch_add(1, Ordering::Relaxed);
                if twice {
                    tally.duplicates.fetch_add(1, Ordering::Relaxed);
                }
                if ok {
                    expected.lock().await.push(attempt);
                }
            }
            Ok(())
        });
    }

    // Progress: requests and resident memory, six times over the run.
    {
        let tally = tally.clone();
        tokio::spawn(async move {
            for k in 1..6u32 {
                tokio::time::sleep_until((started + duration * k / 6).into()).await;
                println!(
                    "[{:>5.0} s] {} requests, RSS {:.1} MiB",
                    started.elapsed().as_secs_f64(),
                    tally.requests.load(Ordering::Relaxed),
                    rss_kib() as f64 / 1024.0
                );
            }
        });
    }
    // Redis restarts, evenly spread.
    let restarts = args.redis_restarts;
    for k in 1..=restarts {
        let at = started + duration * k / (restarts + 1);
        tokio::time::sleep_until(at.into()).await;
        redis.stop();
        println!("[{:>5.0} s] redis stopped", started.elapsed().as_secs_f64());
        tokio::time::sleep(Duration::from_secs(5)).await;
        redis.child = Some(Redis::start(redis.port)?);
        redis_ready(redis.port).await?;
        println!(
            "[{:>5.0} s] redis started again",
            started.elapsed().as_secs_f64()
        );
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let elapsed = started.elapsed();

    // The reckoning: every webhook answered 200 settled its attempt exactly once.
    let expected = expected.lock().await.clone();
    let mut lost = 0;
    let mut payment_ids = HashSet::new();
    for attempt in &expected {
        match store
            .attempt(
                &setup.staff,
                &crate::core::ids::AttemptId::from_raw(attempt.clone()),
            )
            .await
            .map_err(err)?
            .and_then(|a| a.payment_id)
        {
            Some(p) => {
                payment_ids.insert(p);
            }
            None => lost += 1,
        }
    }
    let recorded = store
        .payments(&setup.staff, None, 100_000_000, 0)
        .await
        .map_err(err)?
        .len() as i64;
    let doubled = recorded.saturating_sub(payment_ids.len() as i64);
    // Subscribers converge: wait (bounded) until each has seen every recorded payment.
    let want: HashSet<String> = payment_ids
        .iter()
        .map(|p| {
            crate::core::ids::PaymentId::from_raw(p.as_str())
                .to_global()
                .0
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut missing = [0usize; 2];
    loop {
        for (k, s) in seen.iter().enumerate() {
            let s = s.lock().await;
            missing[k] = want.iter().filter(|p| !s.contains(*p)).count();
        }
        if missing == [0, 0] || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rss_end = rss_kib();
    let t = &tally;
    println!(
        "backend: {:?}, event bus: redis (restarted {restarts} times), two instances",
        store.backend()
    );
    println!(
        "ran {:.1} min: {} requests ({:.0}/s), {} INTERNAL, {} 5xx",
        elapsed.as_secs_f64() / 60.0,
        t.requests.load(Ordering::Relaxed),
        t.requests.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64(),
        t.internal.load(Ordering::Relaxed),
        t.server_errors.load(Ordering::Relaxed),
    );
    println!(
        "payments: {} webhooks ({} delivered twice), {} accepted, {} recorded, {lost} lost, {doubled} doubled",
        t.webhooks.load(Ordering::Relaxed),
        t.duplicates.load(Ordering::Relaxed),
        expected.len(),
        recorded,
    );
    println!(
        "subscribers (one per instance): missing {} and {} of {} payments; {} reconnects",
        missing[0],
        missing[1],
        want.len(),
        reconnects.load(Ordering::Relaxed),
    );
    println!(
        "memory: RSS {:.1} MiB at start, {:.1} MiB at end",
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    drop(redis);
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}
