//! `portico bench-partner-webhooks`: measures, on a fresh database (PostgreSQL for the production
//! shape),
//! - partner webhook deliveries: invoices are issued at a given concurrency while the sender (the
//!   job runner, as `serve` runs it) posts each `invoice.issued` to a local receiver; prints
//!   deliveries per second and the latency from the issue committing to the receiver getting it;
//! - PassimPay callbacks: signed callbacks from a local stand-in for PassimPay (which answers
//!   `orderstatus` as paid) at the same concurrency; prints callbacks per second and the latency
//!   from sending a callback to a GraphQL subscriber (`paymentEvents`) receiving the payment.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_domain::{Currency, DocumentNumber, LineInput, Money};
use tokio::sync::Mutex;

use crate::app::App;
use crate::cli::bench_webhooks::{err, payment_subscriber, stripe_tenant, StripeTenant};
use crate::core::config::Config;
use crate::invoicing::{NewInvoice, NewLine};
use crate::payments::gateways::passimpay_client::sign;
use crate::payments::Channel;

#[derive(Debug, clap::Args)]
pub struct BenchPartnerArgs {
    /// An empty database; default: a fresh SQLite file.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Redis for the event bus (as in production); default: in-process.
    #[arg(long)]
    pub redis_url: Option<String>,
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

const PLATFORM: i64 = 7;
const PLATFORM_SECRET: &str = "bench-platform-secret";

type Times = Arc<Mutex<HashMap<String, Instant>>>;

fn percentiles<K: std::hash::Hash + Eq>(
    sent: &HashMap<K, Instant>,
    got: &HashMap<K, Instant>,
) -> (usize, f64, f64) {
    let mut lat: Vec<Duration> = sent
        .iter()
        .filter_map(|(k, s)| got.get(k).map(|r| r.saturating_duration_since(*s)))
        .collect();
    lat.sort();
    if lat.is_empty() {
        return (0, 0.0, 0.0);
    }
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (lat.len(), ms(pct(0.5)), ms(pct(0.99)))
}

/// A receiver that notes when each invoice's `invoice.issued` arrives (by the invoice's id).
async fn receiver(got: Times) -> anyhow::Result<String> {
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let got = got.clone();
            async move {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                if let Some(id) = v.pointer("/data/id").and_then(|i| i.as_str()) {
                    got.lock().await.insert(id.to_owned(), Instant::now());
                }
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}/hook"))
}

/// A stand-in for PassimPay's `orderstatus`: every order is paid in full at `amounts[order]`.
async fn passimpay(amounts: Arc<Mutex<HashMap<String, String>>>) -> anyhow::Result<String> {
    let router = axum::Router::new().route(
        "/v2/orderstatus",
        axum::routing::post(move |body: String| {
            let amounts = amounts.clone();
            async move {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let order = v["orderId"].as_str().unwrap_or_default().to_owned();
                let paid = amounts.lock().await.get(&order).cloned().unwrap_or_default();
                axum::Json(serde_json::json!({ "result": 1, "status": "paid", "amountPaid": paid, "currency": "EUR" }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

pub async fn run(args: BenchPartnerArgs) -> anyhow::Result<()> {
    let (tmp, database_url) = crate::cli::scratch("bench-partner", args.database_url.clone());
    let key: String = (0..32)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let amounts: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let config = Config {
        redis_url: args.redis_url.clone(),
        secret_key: Some(key),
        max_connections: (args.concurrency as u32 + 6).max(10),
        passimpay_api_base: passimpay(amounts.clone()).await?,
        webhooks_allow_private: true,
        ..Config::for_database(database_url, tmp.clone())
    };
    let app = App::build(config).await?;
    anyhow::ensure!(
        app.store.is_empty().await.map_err(err)?,
        "the bench needs an empty database"
    );
    let _workers = app.start_workers();
    let store = &app.store;
    let StripeTenant {
        tenant,
        staff,
        payer,
        client_id,
        ..
    } = stripe_tenant(&app, "bench").await?;
    let sealer = app
        .secrets
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no secret key"))?;
    store
        .set_gateway_credentials(
            &staff,
            "passimpay",
            crate::payments::GatewayCredentials {
                secret_key_enc: sealer.seal(PLATFORM_SECRET)?,
                webhook_secret_enc: sealer.seal(&PLATFORM.to_string())?,
            },
        )
        .await
        .map_err(err)?;
    let got: Times = Arc::default();
    let hook = receiver(got.clone()).await?;
    store
        .create_webhook_endpoint(
            &staff,
            sealer,
            &hook,
            None,
            &["invoice.issued".to_owned()],
            true,
        )
        .await
        .map_err(err)?;
    let eur = Currency::parse("EUR")?;
    let mut drafts = Vec::with_capacity(args.count);
    for i in 0..args.count {
        let inv = store
            .create_invoice(
                &staff,
                NewInvoice {
                    client_id: client_id.clone(),
                    number: Some(DocumentNumber::parse(&format!("P-{i:06}"))?),
                    reference: None,
                    currency: Some(eur),
                    issue_date: chrono::Utc::now().date_naive(),
                    due_date: None,
                    notes: None,
                    terms: None,
                    lines: vec![NewLine::new(
                        "Bench".into(),
                        LineInput {
                            quantity: 1.into(),
                            unit_price_minor: 10_000 + i as i64,
                            tax_rate: 0.into(),
                            discount: portico_domain::Discount::None,
                        },
                    )],
                },
            )
            .await
            .map_err(err)?;
        drafts.push(inv.id);
    }

    // 1. Partner webhooks: issue every draft; each issue queues one delivery.
    let issued: Times = Arc::default();
    let queue = Arc::new(Mutex::new(drafts.clone()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.max(1) {
        let (store, staff, queue, issued) =
            (store.clone(), staff.clone(), queue.clone(), issued.clone());
        tasks.spawn(async move {
            loop {
                let Some(id) = queue.lock().await.pop() else {
                    return Ok::<_, anyhow::Error>(());
                };
                store.issue_invoice(&staff, &id).await.map_err(err)?;
                let gid = id.to_global().0;
                issued.lock().await.insert(gid, Instant::now());
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let issuing = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    while got.lock().await.len() < args.count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let delivering = started.elapsed();
    let (n, p50, p99) = percentiles(&*issued.lock().await, &*got.lock().await);
    println!(
        "backend: {:?}, event bus: {}",
        store.backend(),
        if app.bus.is_redis() {
            "redis"
        } else {
            "in-process"
        }
    );
    println!(
        "partner webhooks: {} invoices issued at concurrency {} in {:.2} s; {n} deliveries in {:.2} s = {:.0} deliveries/s; issue -> receiver p50 {p50:.1} ms, p99 {p99:.1} ms",
        args.count,
        args.concurrency,
        issuing.as_secs_f64(),
        delivering.as_secs_f64(),
        n as f64 / delivering.as_secs_f64(),
    );

    // 2. PassimPay callbacks: a crypto attempt per invoice, paid at the stand-in, then a signed
    // callback each; a subscriber sees each payment.
    let mut orders = Vec::with_capacity(args.count);
    for (i, id) in drafts.iter().enumerate() {
        let amount = Money::new(10_000 + i as i64, eur);
        let a = store
            .create_attempt(&payer, Some(vec![id.clone()]), None, Channel::Crypto)
            .await
            .map_err(err)?;
        amounts.lock().await.insert(
            a.id.to_string(),
            crate::payments::gateways::passimpay_client::amount_text(amount.minor, 2),
        );
        orders.push((a.id.to_string(), amount.minor));
    }
    let owner = store
        .create_token(&tenant.id, "bench", crate::core::scope::Role::Owner, None)
        .await
        .map_err(err)?
        .token;
    let addr = crate::cli::serve_on_loopback(&app).await?;
    let (seen, reader) = payment_subscriber(addr, &owner).await?;
    // Let the subscription register (outside the measured window).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = format!("http://{addr}/webhooks/passimpay/bench");
    let http = reqwest::Client::new();
    let sent: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let queue = Arc::new(Mutex::new(orders));
    let started = Instant::now();
    for _ in 0..args.concurrency.max(1) {
        let (http, url, queue, sent) = (http.clone(), url.clone(), queue.clone(), sent.clone());
        tasks.spawn(async move {
            loop {
                let Some((order, minor)) = queue.lock().await.pop() else {
                    return Ok::<_, anyhow::Error>(());
                };
                let body = serde_json::json!({ "platformId": PLATFORM, "paymentId": 1, "orderId": order,
                    "amount": "0", "txhash": format!("tx-{order}"), "addressFrom": "a", "addressTo": "b",
                    "confirmations": 3, "destinationTag": null })
                .to_string();
                sent.lock().await.insert(minor, Instant::now());
                let resp = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-signature", sign(PLATFORM, PLATFORM_SECRET, body.as_bytes()))
                    .body(body)
                    .send()
                    .await?;
                anyhow::ensure!(resp.status() == 200, "callback answered {}", resp.status());
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let calling = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.lock().await.len() < args.count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    reader.abort();
    let (n, p50, p99) = percentiles(&*sent.lock().await, &*seen.lock().await);
    println!(
        "passimpay callbacks: {} signed callbacks (each checked with orderstatus) at concurrency {}: {:.0} callbacks/s; subscriber received {n}; callback -> subscriber p50 {p50:.1} ms, p99 {p99:.1} ms",
        args.count,
        args.concurrency,
        args.count as f64 / calling.as_secs_f64(),
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}
