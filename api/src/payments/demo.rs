//! The demo gateway: a local stand-in for a hosted payment page, so `portico demo` works offline.
//! Its page lets the payer make the payment succeed, fail or stay pending; the choice goes through
//! the same exactly-once pipeline as a real gateway's webhook, then the payer goes back to the
//! portal's return page (`/{tenant}/pay/return/{attempt}`, rendered by the portal with live status).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::tokens;
use crate::auth::web::origin_ok;
use crate::http::HttpState;
use crate::pages::{escape, field};
use crate::store::{EventKind, GatewayEvent};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/{tenant}/pay/demo/{token}", get(page).post(choose))
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let doc = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, \
         initial-scale=1\"><title>{title}</title></head><body style=\"font-family: system-ui, sans-serif; max-width: 30rem; \
         margin: 3rem auto; padding: 0 1rem\">{body}</body></html>"
    );
    let mut resp = (status, Html(doc)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

async fn tenant_id(state: &HttpState, slug: &str) -> Option<String> {
    state
        .shared
        .store
        .tenant_by_slug(slug)
        .await
        .ok()
        .flatten()
        .map(|t| t.id)
}

async fn page(
    State(state): State<HttpState>,
    Path((slug, token)): Path<(String, String)>,
) -> Response {
    if !state.shared.config.demo_gateway {
        return html(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>The demo gateway is off on this server.</p>",
        );
    }
    let Some(tenant) = tenant_id(&state, &slug).await else {
        return html(StatusCode::NOT_FOUND, "Not found", "<p>Unknown portal.</p>");
    };
    if tokens::tenant_of_with("pd", &token).as_deref() != Some(tenant.as_str()) {
        return html(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>Unknown payment.</p>",
        );
    }
    let Ok(Some(a)) = state.shared.store.attempt_by_ref(&tenant, &token).await else {
        return html(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>Unknown payment.</p>",
        );
    };
    let button = |outcome: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/{}/pay/demo/{}\"><input type=\"hidden\" name=\"outcome\" value=\"{outcome}\">\
             <button type=\"submit\">{label}</button></form>",
            escape(&slug),
            escape(&token)
        )
    };
    let body = format!(
        "<h1>Demo payment</h1><p>This page stands in for a card payment provider. Nothing is charged.</p>\
         <p>Amount: <strong>{}</strong><br>Reference: {}</p>{}{}{}",
        a.amount,
        escape(&a.reference),
        button("succeeded", "Pay (succeeds)"),
        button("failed", "Pay (card declined)"),
        button("pending", "Leave it pending"),
    );
    html(StatusCode::OK, "Demo payment", &body)
}

async fn choose(
    State(state): State<HttpState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.shared.config.demo_gateway {
        return html(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>The demo gateway is off on this server.</p>",
        );
    }
    if !origin_ok(&state.shared.config, &headers) {
        return html(
            StatusCode::FORBIDDEN,
            "Refused",
            "<p>This request did not come from this portal.</p>",
        );
    }
    let Some(tenant) = tenant_id(&state, &slug).await else {
        return html(StatusCode::NOT_FOUND, "Not found", "<p>Unknown portal.</p>");
    };
    let Ok(Some(a)) = state.shared.store.attempt_by_ref(&tenant, &token).await else {
        return html(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>Unknown payment.</p>",
        );
    };
    let outcome = field(&headers, &body, "outcome").unwrap_or_default();
    let kind = match outcome.as_str() {
        "succeeded" => Some(EventKind::Succeeded {
            amount_minor: None,
            received_on: None,
        }),
        "failed" => Some(EventKind::Failed {
            reason: "card declined (demo)".into(),
        }),
        "pending" => None,
        _ => {
            return html(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "<p>Choose an outcome.</p>",
            )
        }
    };
    if kind.is_none() {
        // Still pending: say so to anyone watching the attempt.
        super::publish_attempt(&state.shared, &tenant, &a).await;
    }
    if let Some(kind) = kind {
        let event = GatewayEvent {
            provider: "demo".into(),
            event_id: format!("demo-{}-{outcome}", a.id),
            event_type: format!("payment.{outcome}"),
            attempt_id: Some(a.id.clone()),
            gateway_ref: None,
            gateway_payment_ref: None,
            kind,
        };
        if let Err(e) = super::apply(&state.shared, &tenant, &event).await {
            tracing::error!(error = %e, "demo gateway event failed");
            return html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Unavailable",
                "<p>Try again shortly.</p>",
            );
        }
    }
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!(
                "/{slug}/pay/return/{}",
                crate::graphql::ids::encode("PaymentAttempt", &a.id).0
            ),
        )],
    )
        .into_response()
}
