//! A local stand-in for PassimPay that speaks its wire protocol: signed JSON POSTs to
//! `/v2/createorder` and `/v2/orderstatus` (a wrong signature is refused), orders kept in memory,
//! a hosted page per order, and signed callbacks sent on demand (as PassimPay does when coins
//! arrive).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use portico::payments::gateways::passimpay_client::{sign, verify};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub amount: String,
    pub symbol: String,
    /// `wait`, `paid` or `error`.
    pub status: String,
    pub amount_paid: String,
}

#[derive(Clone)]
struct Fake {
    platform_id: i64,
    secret: String,
    base: String,
    orders: Arc<Mutex<HashMap<String, Order>>>,
    /// Every signed request received: (path, body).
    seen: Arc<Mutex<Vec<(String, Value)>>>,
    /// While set, the API answers 503 (an outage).
    down: Arc<std::sync::atomic::AtomicBool>,
}

pub struct FakePassimpay {
    pub addr: SocketAddr,
    pub platform_id: i64,
    pub secret: String,
    fake: Fake,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "result": 0, "message": message })),
    )
        .into_response()
}

fn checked(
    f: &Fake,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, (StatusCode, &'static str)> {
    let sig = headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !verify(f.platform_id, &f.secret, body, sig) {
        return Err((StatusCode::UNAUTHORIZED, "signature"));
    }
    let v: Value = serde_json::from_slice(body).map_err(|_| (StatusCode::BAD_REQUEST, "json"))?;
    if v["platformId"].as_i64() != Some(f.platform_id) {
        return Err((StatusCode::BAD_REQUEST, "platformId"));
    }
    Ok(v)
}

async fn create(State(f): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if f.down.load(std::sync::atomic::Ordering::SeqCst) {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "maintenance");
    }
    let v = match checked(&f, &headers, &body) {
        Ok(v) => v,
        Err((status, why)) => return refuse(status, why),
    };
    f.seen
        .lock()
        .expect("lock")
        .push(("/v2/createorder".into(), v.clone()));
    let (Some(order), Some(amount), Some(symbol)) = (
        v["orderId"].as_str(),
        v["amount"].as_str(),
        v["symbol"].as_str(),
    ) else {
        return refuse(StatusCode::BAD_REQUEST, "orderId, amount and symbol");
    };
    let two_places = amount
        .split_once('.')
        .is_some_and(|(i, d)| !i.is_empty() && d.len() == 2);
    if order.len() > 64 || !two_places {
        return refuse(StatusCode::BAD_REQUEST, "orderId or amount");
    }
    f.orders
        .lock()
        .expect("lock")
        .entry(order.to_owned())
        .or_insert_with(|| Order {
            amount: amount.to_owned(),
            symbol: symbol.to_owned(),
            status: "wait".into(),
            amount_paid: "0".into(),
        });
    axum::Json(json!({ "result": 1, "url": format!("{}/pay/{order}", f.base) })).into_response()
}

async fn status(State(f): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if f.down.load(std::sync::atomic::Ordering::SeqCst) {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "maintenance");
    }
    let v = match checked(&f, &headers, &body) {
        Ok(v) => v,
        Err((status, why)) => return refuse(status, why),
    };
    let order = v["orderId"].as_str().unwrap_or_default().to_owned();
    let found = f.orders.lock().expect("lock").get(&order).cloned();
    match found {
        Some(o) => axum::Json(json!({
            "result": 1,
            "status": o.status,
            "amountPaid": o.amount_paid,
            "currency": o.symbol,
        }))
        .into_response(),
        None => refuse(StatusCode::NOT_FOUND, "no such order"),
    }
}

async fn page(State(f): State<Fake>, Path(order): Path<String>) -> Response {
    match f.orders.lock().expect("lock").get(&order) {
        Some(o) => Html(format!(
            "<!doctype html><title>PassimPay</title><h1>Pay {} {}</h1><p>BTC, ETH, LTC, XRP, USDT</p>",
            o.amount, o.symbol
        ))
        .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl FakePassimpay {
    pub async fn start(platform_id: i64, secret: &str) -> FakePassimpay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let fake = Fake {
            platform_id,
            secret: secret.to_owned(),
            base: format!("http://{addr}"),
            orders: Arc::default(),
            seen: Arc::default(),
            down: Arc::default(),
        };
        let app = Router::new()
            .route("/v2/createorder", post(create))
            .route("/v2/orderstatus", post(status))
            .route("/pay/{order}", get(page))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakePassimpay {
            addr,
            platform_id,
            secret: secret.to_owned(),
            fake,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn order(&self, id: &str) -> Option<Order> {
        self.fake.orders.lock().expect("lock").get(id).cloned()
    }

    /// Coins arrive: `paid` is the total received so far (decimal text); the order is paid once
    /// it covers the amount.
    pub fn receive(&self, id: &str, paid: &str) {
        let mut orders = self.fake.orders.lock().expect("lock");
        if let Some(o) = orders.get_mut(id) {
            o.amount_paid = paid.to_owned();
            // Decimal amounts, never floats.
            let (p, a): (rust_decimal::Decimal, rust_decimal::Decimal) = (
                paid.parse().unwrap_or_default(),
                o.amount.parse().unwrap_or_default(),
            );
            o.status = if p >= a { "paid" } else { "wait" }.into();
        }
    }

    /// The order is cancelled or expires.
    pub fn expire(&self, id: &str) {
        if let Some(o) = self.fake.orders.lock().expect("lock").get_mut(id) {
            o.status = "error".into();
        }
    }

    /// Turns the API off (every call answers 503) or back on.
    pub fn set_down(&self, down: bool) {
        self.fake
            .down
            .store(down, std::sync::atomic::Ordering::SeqCst);
    }

    /// The signed requests received, in order.
    pub fn seen(&self) -> Vec<(String, Value)> {
        self.fake.seen.lock().expect("lock").clone()
    }

    /// Sends a callback for `order` to `url`, signed with `secret` (the platform's, or another
    /// to forge one); returns the HTTP status Portico answered.
    pub async fn callback(&self, url: &str, order: &str, txhash: &str, secret: &str) -> u16 {
        let body = json!({
            "platformId": self.platform_id,
            "paymentId": 7,
            "orderId": order,
            "amount": self.order(order).map(|o| o.amount_paid).unwrap_or_default(),
            "txhash": txhash,
            "addressFrom": "bc1qsender",
            "addressTo": "bc1qplatform",
            "confirmations": 3,
            "destinationTag": null,
        })
        .to_string();
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header(
                "x-signature",
                sign(self.platform_id, secret, body.as_bytes()),
            )
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }
}
