//! The demo's webhook receiver: `POST /demo/webhooks` answers 204 while the demo gateway is on
//! (`portico demo`), so the demo's endpoint shows successful deliveries; 404 otherwise.

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

use crate::core::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/demo/webhooks",
        post(
            |axum::extract::State(state): axum::extract::State<AppState>| async move {
                if state.config.demo_gateway {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::NOT_FOUND
                }
            },
        )
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024)),
    )
}
