//! The demo gateway: a local stand-in for a hosted payment page, so `portico demo` works offline.
//! Its page (the portal's, `/{tenant}/pay/demo/{token}`) lets the payer make the payment
//! succeed, fail or stay pending; the choice goes through
//! the same exactly-once pipeline as a real gateway's webhook, then the payer goes back to the
//! portal's return page (`/{tenant}/pay/return/{attempt}`, rendered by the portal with live status).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::{BoxFuture, Gateway, Opened};
use crate::core::error::{AppError, AppResult};
use crate::core::forms::field;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::identity::routes::origin_ok;
use crate::payments::{Channel, EventKind, GatewayEvent, PaymentAttempt};

/// The demo gateway (on when `PORTICO_DEMO_GATEWAY` is, as under `portico demo`).
pub struct Demo;

impl Gateway for Demo {
    fn provider(&self) -> &'static str {
        "demo"
    }

    fn channel(&self) -> Channel {
        Channel::Demo
    }

    fn available<'a>(
        &'a self,
        state: &'a AppState,
        _tenant_id: &'a str,
    ) -> BoxFuture<'a, AppResult<bool>> {
        Box::pin(async move { Ok(state.config.demo_gateway) })
    }

    fn open<'a>(
        &'a self,
        state: &'a AppState,
        scope: &'a Scope,
        _attempt: &'a PaymentAttempt,
    ) -> BoxFuture<'a, AppResult<Opened>> {
        Box::pin(async move {
            if !state.config.demo_gateway {
                return Err(AppError::Conflict(
                    "the demo gateway is off on this server (PORTICO_DEMO_GATEWAY)".into(),
                ));
            }
            let (token, _) = crate::core::tokens::generate_with("pd", &scope.tenant_id);
            let base = state.store.tenant_url(&scope.tenant_slug).await;
            let url = format!("{base}/pay/demo/{token}");
            Ok(Opened {
                gateway_ref: Some(token),
                redirect_url: Some(url),
                bank_details: None,
            })
        })
    }
}

/// The demo gateway's page is the portal's (`GET`, reading `demoCheckout`); its buttons post here.
pub fn routes(portal: Router) -> Router<AppState> {
    let page = axum::routing::get_service(portal).layer(axum::middleware::map_response(
        |mut resp: Response| async move {
            let h = resp.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // The address carries the payment's reference: it goes nowhere else.
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            resp
        },
    ));
    Router::new().route("/{tenant}/pay/demo/{token}", page.post(choose))
}

/// A refusal (plain text: the page itself is the portal's).
fn refused(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

async fn tenant_id(state: &AppState, slug: &str) -> Option<crate::core::ids::TenantId> {
    state
        .store
        .tenant_by_slug(slug)
        .await
        .ok()
        .flatten()
        .map(|t| t.id)
}

async fn choose(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.config.demo_gateway {
        return refused(
            StatusCode::NOT_FOUND,
            "the demo gateway is off on this server",
        );
    }
    if !origin_ok(&state.config, &headers) {
        return refused(
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        );
    }
    let Some(tenant) = tenant_id(&state, &slug).await else {
        return refused(StatusCode::NOT_FOUND, "unknown portal");
    };
    let Ok(Some(a)) = state.store.attempt_by_ref(&tenant, &token).await else {
        return refused(StatusCode::NOT_FOUND, "unknown payment");
    };
    let outcome = field(&headers, &body, "outcome").unwrap_or_default();
    let kind = match outcome.as_str() {
        "succeeded" => Some(EventKind::Succeeded {
            amount_minor: None,
            received_on: None,
            currency: None,
        }),
        "failed" => Some(EventKind::Failed {
            reason: "card declined (demo)".into(),
        }),
        "pending" => None,
        _ => return refused(StatusCode::BAD_REQUEST, "choose an outcome"),
    };
    if kind.is_none() {
        // Still pending: say so to anyone watching the attempt.
        crate::payments::publish_attempt(&state, &tenant, &a).await;
    }
    if let Some(kind) = kind {
        let event = GatewayEvent {
            provider: "demo".into(),
            event_id: format!("demo-{}-{outcome}", a.id),
            event_type: format!("payment.{outcome}"),
            attempt_id: Some(a.id.to_string()),
            gateway_ref: None,
            gateway_payment_ref: None,
            kind,
        };
        if let Err(e) = crate::payments::apply(&state, &tenant, &event).await {
            tracing::error!(error = %e, "demo gateway event failed");
            return refused(StatusCode::SERVICE_UNAVAILABLE, "try again shortly");
        }
    }
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            format!("/{slug}/pay/return/{}", a.id.to_global().0),
        )],
    )
        .into_response()
}
