//! The webhook route of every gateway: `/webhooks/{provider}/{tenant}`. The gateway verifies the
//! request on its raw body with the business's secret and parses it; the event then goes through
//! the exactly-once pipeline. `/webhooks/stripe/{tenant}`, which businesses have configured at
//! Stripe, is this route with `stripe` as the provider and answers as it always has.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::gateways::{self, WebhookError};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::payments::EventOutcome;

/// The largest webhook body taken.
pub const MAX_WEBHOOK_BYTES: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/webhooks/{provider}/{tenant}",
        post(webhook).layer(DefaultBodyLimit::max(MAX_WEBHOOK_BYTES)),
    )
}

fn text(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

async fn webhook(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(gateway) = gateways::by_provider(&provider) else {
        return text(StatusCode::NOT_FOUND, "unknown payment provider");
    };
    let tenant = match state.store.tenant_by_slug(&slug).await {
        Ok(Some(t)) => t,
        Ok(None) => return text(StatusCode::NOT_FOUND, "unknown tenant"),
        Err(e) => {
            tracing::error!(error = %e, "a webhook arrived while the database is unavailable");
            return crate::core::forms::unavailable();
        }
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let event = match gateway.webhook(&state, &tenant.id, &header, &body).await {
        Ok(e) => e,
        Err(WebhookError::NotFound(why)) => return text(StatusCode::NOT_FOUND, why),
        Err(WebhookError::Refused(why)) => {
            tracing::warn!(tenant = %tenant.slug, provider, error = %why, "webhook refused");
            return text(StatusCode::BAD_REQUEST, "invalid webhook");
        }
        Err(WebhookError::Unavailable(why)) => {
            tracing::error!(provider, error = %why, "loading a gateway's credentials failed");
            return text(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        }
    };
    match crate::payments::apply(&state, &tenant.id, &event).await {
        Ok(EventOutcome::Duplicate) => (StatusCode::OK, "duplicate").into_response(),
        Ok(EventOutcome::Ignored { reason, .. }) => (StatusCode::OK, reason).into_response(),
        Ok(EventOutcome::Applied { .. }) => (StatusCode::OK, "applied").into_response(),
        // The ledger refuses it (e.g. a refund larger than the payment): nothing recorded; the
        // reason shows in the gateway's delivery log and in ours.
        Err(e @ (AppError::Domain(_) | AppError::BadInput { .. })) => {
            tracing::error!(provider, error = %e, "a gateway event cannot be applied");
            (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response()
        }
        // Not recorded: the gateway retries later.
        Err(e) => {
            tracing::error!(provider, error = %e, "a gateway event failed");
            text(StatusCode::SERVICE_UNAVAILABLE, "retry later")
        }
    }
}
