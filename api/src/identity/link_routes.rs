//! The page an invoice link opens (`/SLUG/i/TOKEN`): one invoice, no sign-in. This route checks
//! the link and records the view (audited, staff notified), then the portal renders the page
//! (`linkedInvoice` in the API). The token is in the path, so the page sends no referrer and is
//! never cached or indexed.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

use crate::core::client_ip::ClientIp;
use crate::core::state::AppState;
use crate::core::tokens;

pub fn routes(portal: Router) -> Router<AppState> {
    Router::new().route(
        "/{tenant}/i/{token}",
        get(
            move |state: State<AppState>,
                  path: Path<(String, String)>,
                  ip: ClientIp,
                  req: Request<Body>| view(state, path, ip, req, portal.clone()),
        ),
    )
}

fn private(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    resp
}

async fn view(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    ip: ClientIp,
    req: Request<Body>,
    portal: Router,
) -> Response {
    let store = &state.store;
    // A usable link's view is recorded; the page itself says when a link is not valid (404).
    let found = match store.tenant_by_slug(&slug).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "an invoice link opened while the database is unavailable");
            return private(crate::core::forms::unavailable());
        }
    };
    if let Some(tenant) = found {
        if tokens::tenant_of_with("pl", &token).as_deref() == Some(tenant.id.as_str()) {
            let ip = ip.text();
            if let Err(e) = store
                .open_invoice_link(&tenant.id, &tokens::hash(&token), &ip)
                .await
            {
                tracing::error!(error = %e, "opening an invoice link failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response();
            }
        }
    }
    match portal.oneshot(req).await {
        Ok(resp) => private(resp),
        Err(never) => match never {},
    }
}
