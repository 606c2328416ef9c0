//! `portico bench-webhooks`: fires signed Stripe webhooks at a running server and measures
//! webhooks per second and the latency from sending a webhook to a GraphQL subscriber receiving
//! its payment event (over a real WebSocket). Each webhook settles its own invoice; amounts are
//! unique so each event is matched to its webhook. Use PostgreSQL + Redis for the production shape.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use portico_domain::{Currency, DocumentNumber, Email, LineInput, Money, Slug};
use tokio::sync::Mutex;

use crate::app::App;
use crate::core::config::Config;
use crate::core::scope::{Grants, Role, Scope};
use crate::invoicing::NewInvoice;
use crate::invoicing::NewLine;
use crate::parties::NewClient;
use crate::parties::NewContact;
use crate::payments::Channel;
use crate::tenancy::NewTenant;

#[derive(Debug, clap::Args)]
pub struct BenchWebhooksArgs {
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

pub(crate) const SECRET: &str = "whsec_bench";

pub(crate) fn err(e: crate::core::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(args: BenchWebhooksArgs) -> anyhow::Result<()> {
    let (tmp, database_url) = crate::cli::scratch("bench-wh", args.database_url.clone());
    let key: String = (0..32)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let config = Config {
        redis_url: args.redis_url.clone(),
        secret_key: Some(key),
        max_connections: (args.concurrency as u32 + 4).max(8),
        ..Config::for_database(database_url, tmp.clone())
    };
    let app = App::build(config).await?;
    anyhow::ensure!(
        app.store.is_empty().await.map_err(err)?,
        "the bench needs an empty database"
    );
    let store = &app.store;
    let StripeTenant {
        tenant,
        staff,
        payer,
        client_id,
        ..
    } = stripe_tenant(&app, "bench").await?;
    let prep = Instant::now();
    let eur = Currency::parse("EUR")?;
    let mut attempts = Vec::with_capacity(args.count);
    for i in 0..args.count {
        let amount = 10_000 + i as i64;
        let a = invoice_and_attempt(
            store,
            &staff,
            &payer,
            &client_id,
            &format!("B-{i:06}"),
            Money::new(amount, eur),
        )
        .await?;
        attempts.push((a, Money::new(amount, eur)));
    }
    let prep_time = prep.elapsed();
    let owner = store
        .create_token(&tenant.id, "bench", Role::Owner, None)
        .await
        .map_err(err)?
        .token;

    let addr = crate::cli::serve_on_loopback(&app).await?;

    // The subscriber: records when each payment event arrives, keyed by amount.
    let (received, reader) = payment_subscriber(addr, &owner).await?;
    // Give the subscription time to register before measuring (outside the measured window).
    tokio::time::sleep(Duration::from_millis(300)).await;

    let http = reqwest::Client::new();
    let url = format!("http://{addr}/webhooks/stripe/bench");
    let sent: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let queue = Arc::new(Mutex::new(
        attempts.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.max(1) {
        let (http, url, queue, sent) = (http.clone(), url.clone(), queue.clone(), sent.clone());
        workers.spawn(async move {
            loop {
                let Some((i, (attempt, amount))) = queue.lock().await.pop() else { return Ok::<_, anyhow::Error>(()) };
                let body = serde_json::json!({ "id": format!("evt_bench_{i}"), "object": "event", "type": "checkout.session.completed",
                    "data": { "object": { "id": format!("cs_bench_{i}"), "payment_status": "paid", "amount_total": amount.minor,
                        "metadata": { "attempt_id": attempt } } } })
                .to_string();
                let header = crate::payments::gateways::stripe_signature::sign(body.as_bytes(), SECRET, chrono::Utc::now().timestamp());
                sent.lock().await.insert(amount.minor, Instant::now());
                let resp = http.post(&url).header("stripe-signature", header).header("content-type", "application/json").body(body).send().await?;
                anyhow::ensure!(resp.status() == 200, "webhook answered {}", resp.status());
            }
        });
    }
    while let Some(r) = workers.join_next().await {
        r??;
    }
    let elapsed = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.lock().await.len() < args.count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    reader.abort();
    let sent = sent.lock().await;
    let received = received.lock().await;
    let mut lat: Vec<Duration> = sent
        .iter()
        .filter_map(|(k, s)| received.get(k).map(|r| r.saturating_duration_since(*s)))
        .collect();
    lat.sort();
    anyhow::ensure!(!lat.is_empty(), "no events reached the subscriber");
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
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
        "prepared {} invoices and attempts in {:.1} s",
        args.count,
        prep_time.as_secs_f64()
    );
    println!(
        "webhooks: {} signed checkout.session.completed at concurrency {}: {:.0} webhooks/s; subscriber received {} events; webhook -> subscriber p50 {:.1} ms, p99 {:.1} ms",
        args.count,
        args.concurrency,
        args.count as f64 / elapsed.as_secs_f64(),
        lat.len(),
        ms(pct(0.5)),
        ms(pct(0.99)),
    );
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

/// A tenant with Stripe credentials (webhook secret [`SECRET`]), one client and its paying
/// contact: what the webhook bench and the soak work with.
pub(crate) struct StripeTenant {
    pub tenant: crate::tenancy::Tenant,
    pub staff: Scope,
    pub payer: Scope,
    pub client_id: String,
    pub contact_id: String,
}

pub(crate) async fn stripe_tenant(app: &App, slug: &str) -> anyhow::Result<StripeTenant> {
    let store = &app.store;
    let tenant = store
        .create_tenant(NewTenant {
            slug: Slug::parse(slug)?,
            name: format!("Tenant {slug}"),
            default_currency: Currency::parse("EUR")?,
            email: None,
            phone: None,
            address: None,
        })
        .await
        .map_err(err)?;
    let staff = Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant.id.clone()),
        tenant_slug: tenant.slug.clone(),
        role: Role::Owner,
        actor_id: "bench".into(),
        actor_name: "bench".into(),
        client_id: None,
        contact_id: None,
        session_id: None,
        grants: Grants::ALL,
    };
    let sealer = app
        .secrets
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no secret key"))?;
    store
        .set_gateway_credentials(
            &staff,
            "stripe",
            crate::payments::GatewayCredentials {
                secret_key_enc: sealer.seal("sk_test_bench")?,
                webhook_secret_enc: sealer.seal(SECRET)?,
            },
        )
        .await
        .map_err(err)?;
    let client = store
        .create_client(
            &staff,
            NewClient {
                name: "Client".into(),
                email: None,
                tax_id: None,
                address: None,
                place: Default::default(),
                currency: Currency::parse("EUR")?,
            },
        )
        .await
        .map_err(err)?;
    let contact = store
        .create_contact(
            &staff,
            NewContact {
                client_id: client.id.clone(),
                name: "Payer".into(),
                email: Email::parse(&format!("payer@{slug}.example"))?,
                role: "payer".into(),
            },
        )
        .await
        .map_err(err)?;
    let payer = Scope {
        role: Role::ContactPayer,
        client_id: Some(crate::core::ids::ClientId::from_raw(client.id.clone())),
        contact_id: Some(crate::core::ids::ContactId::from_raw(contact.id.clone())),
        actor_id: contact.id.clone(),
        ..staff.clone()
    };
    Ok(StripeTenant {
        tenant,
        staff,
        payer,
        client_id: client.id,
        contact_id: contact.id,
    })
}

/// An issued one-line invoice of `amount` for the client, and the payer's demo attempt to pay
/// it; returns the attempt's id.
pub(crate) async fn invoice_and_attempt(
    store: &crate::core::db::Store,
    staff: &Scope,
    payer: &Scope,
    client_id: &str,
    number: &str,
    amount: Money,
) -> anyhow::Result<String> {
    let inv = store
        .create_invoice(
            staff,
            NewInvoice {
                client_id: client_id.to_owned(),
                number: Some(DocumentNumber::parse(number)?),
                reference: None,
                currency: Some(amount.currency),
                issue_date: chrono::Utc::now().date_naive(),
                due_date: None,
                notes: None,
                terms: None,
                lines: vec![NewLine::new(
                    "Bench".into(),
                    LineInput {
                        quantity: 1.into(),
                        unit_price_minor: amount.minor,
                        tax_rate: 0.into(),
                        discount: portico_domain::Discount::None,
                    },
                )],
            },
        )
        .await
        .map_err(err)?;
    store.issue_invoice(staff, &inv.id).await.map_err(err)?;
    Ok(store
        .create_attempt(payer, Some(vec![inv.id]), None, Channel::Demo)
        .await
        .map_err(err)?
        .id
        .into_string())
}

/// A GraphQL subscriber to `paymentEvents` over a real WebSocket, as `token`: when each payment
/// arrived, keyed by its amount in minor units.
pub(crate) async fn payment_subscriber(
    addr: std::net::SocketAddr,
    token: &str,
) -> anyhow::Result<(
    Arc<Mutex<HashMap<i64, Instant>>>,
    tokio::task::JoinHandle<()>,
)> {
    let received: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let (mut ws, _) = tokio_tungstenite::connect_async(tokio_tungstenite_request(addr)?).await?;
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        serde_json::json!({ "type": "connection_init", "payload": { "token": token } }).to_string(),
    ))
    .await?;
    let _ack = ws.next().await;
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        serde_json::json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { paymentEvents { amount { minor } } }" } }).to_string(),
    ))
    .await?;
    let sink = received.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(msg)) = ws.next().await {
            if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
                let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                if let Some(minor) = v
                    .pointer("/payload/data/paymentEvents/amount/minor")
                    .and_then(|m| m.as_i64())
                {
                    sink.lock().await.insert(minor, Instant::now());
                }
            }
        }
    });
    Ok((received, reader))
}

pub(crate) fn tokio_tungstenite_request(
    addr: std::net::SocketAddr,
) -> anyhow::Result<tokio_tungstenite::tungstenite::handshake::client::Request> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/graphql/ws").into_client_request()?;
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    Ok(req)
}
