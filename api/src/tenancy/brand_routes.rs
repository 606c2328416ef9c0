//! `GET /{slug}/brand/{file}`: the business's uploaded logo, public like its sign-in page. The
//! name carries a hash of the content, so it is cached for good; an SVG is served under a policy
//! that lets it run nothing even when opened on its own.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::core::state::AppState;
use crate::tenancy::logo::content_type;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{tenant}/brand/{file}", get(logo))
}

/// Where the portal finds `slug`'s uploaded logo `file`.
pub fn logo_path(slug: &str, file: &str) -> String {
    format!("/{slug}/brand/{file}")
}

async fn logo(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Response {
    let missing = || StatusCode::NOT_FOUND.into_response();
    let tenant = match state.store.tenant_by_slug(&slug).await {
        Ok(Some(t)) => t,
        Ok(None) => return missing(),
        Err(e) => {
            tracing::error!(error = %e, "logo: tenant");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    // Only the current logo (an earlier one's name stops working when it is replaced).
    if tenant.logo_file.as_deref() != Some(file.as_str()) {
        return missing();
    }
    match state.store.logo_file(&tenant).await {
        Ok(Some((bytes, ext))) => {
            let mut resp = bytes.into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(ext)),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            );
            resp
        }
        Ok(None) => missing(),
        Err(e) => {
            tracing::error!(error = %e, "logo: file store");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
