//! Single documents as files: `GET /{slug}/documents/{invoice|receipt|credit-note|estimate}/{ID}.pdf`,
//! `GET /{slug}/documents/statement.pdf?client=&currency=&from=&to=`, and an invoice link's
//! `GET /{slug}/i/{TOKEN}/invoice.pdf`. Authorised exactly like the page that shows the document
//! (the caller's scope, or the link's one invoice); every download is audited.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use portico_domain::Currency;

use super::pdf::{self, Drawn};
use super::routes::{attachment, caller, client_of, date, from_error, refused};
use crate::core::audit;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::{decode, InvoiceId, PaymentId};
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::core::tokens;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/documents/{file}", get(statement))
        .route("/{tenant}/documents/{kind}/{file}", get(document))
        .route("/{tenant}/i/{token}/{file}", get(linked))
}

/// The address of a document's PDF, as pages and the API link to it.
pub fn pdf_path(slug: &str, kind: &str, global_id: &str) -> String {
    format!("/{slug}/documents/{kind}/{global_id}.pdf")
}

async fn language(state: &AppState, scope: &Scope, q: &HashMap<String, String>) -> AppResult<Lang> {
    Ok(match q.get("lang").map(String::as_str) {
        Some(l @ ("en" | "el")) => Lang::from_locale(Some(l)),
        _ => Lang::from_locale(state.store.my_locale(scope).await?.as_deref()),
    })
}

async fn signed_in(
    state: &AppState,
    slug: &str,
    headers: &axum::http::HeaderMap,
) -> Result<Scope, Response> {
    match caller(state, headers).await {
        // A session or token of another portal sees nothing here.
        Ok(Some(scope)) if scope.tenant_slug == slug => Ok(scope),
        Ok(Some(_)) => Err(refused(StatusCode::NOT_FOUND, "not found")),
        Ok(None) => Err(refused(StatusCode::UNAUTHORIZED, "sign in to download")),
        Err(e) => Err(from_error(e)),
    }
}

/// Audits the download, draws the PDF and answers it as an attachment.
async fn deliver(
    state: &AppState,
    scope: &Scope,
    action: &str,
    target: (&str, &str),
    drawn: Drawn,
) -> AppResult<Response> {
    let mut tx = state.store.write_scoped(scope).await?;
    audit::record(
        &mut tx,
        scope,
        action,
        target.0,
        target.1,
        Some(serde_json::json!({ "format": "pdf", "file": drawn.file_name })),
    )
    .await?;
    tx.commit().await?;
    let (bytes, name) = pdf::render(drawn).await?;
    Ok((attachment("application/pdf", &name), bytes).into_response())
}

async fn document(
    State(state): State<AppState>,
    Path((slug, kind, file)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(id) = file.strip_suffix(".pdf") else {
        return refused(StatusCode::NOT_FOUND, "not found");
    };
    if !matches!(
        kind.as_str(),
        "invoice" | "receipt" | "credit-note" | "estimate"
    ) {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    let scope = match signed_in(&state, &slug, &headers).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    match one(&state, &scope, &kind, id, &q).await {
        Ok(resp) => resp,
        // An id of the wrong kind or a malformed one is simply not here.
        Err(AppError::BadInput { .. }) => refused(StatusCode::NOT_FOUND, "not found"),
        Err(e) => from_error(e),
    }
}

async fn one(
    state: &AppState,
    scope: &Scope,
    kind: &str,
    id: &str,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    let lang = language(state, scope, q).await?;
    let store = &state.store;
    let gid = async_graphql::ID(id.to_owned());
    let base = format!(
        "{}/{}",
        state.config.base_url.trim_end_matches('/'),
        scope.tenant_slug
    );
    let (drawn, action, target, raw) = match kind {
        "invoice" => {
            let iid = InvoiceId::from_global(&gid)?;
            let pay = format!("{base}/pay?invoice={id}");
            let d = pdf::invoice(store, scope, &iid, lang, pay).await?;
            (d, "invoice.downloaded", "invoice", iid.to_string())
        }
        "receipt" => {
            let pid = PaymentId::from_global(&gid)?;
            let d = pdf::receipt(store, scope, &pid, lang).await?;
            (d, "receipt.downloaded", "payment", pid.to_string())
        }
        "credit-note" => {
            let raw = decode(&gid, "CreditNote")?;
            let d = pdf::credit_note(store, scope, &raw, lang).await?;
            (d, "credit_note.downloaded", "credit_note", raw)
        }
        _ => {
            let raw = decode(&gid, "Estimate")?;
            let accept = format!("{base}/estimates/{id}");
            let d = pdf::estimate(store, scope, &raw, lang, accept).await?;
            (d, "estimate.downloaded", "estimate", raw)
        }
    };
    deliver(state, scope, action, (target, &raw), drawn).await
}

async fn statement(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    if file != "statement.pdf" {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    let scope = match signed_in(&state, &slug, &headers).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    match statement_pdf(&state, &scope, &q).await {
        Ok(resp) => resp,
        Err(e) => from_error(e),
    }
}

async fn statement_pdf(
    state: &AppState,
    scope: &Scope,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    let lang = language(state, scope, q).await?;
    let today = state.store.clock().today_utc();
    let client =
        client_of(scope, q)?.ok_or_else(|| AppError::bad_input("client", "choose a client"))?;
    let from = date(q, "from")?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = date(q, "to")?.unwrap_or(today);
    let currency = q
        .get("currency")
        .filter(|v| !v.is_empty())
        .map(|c| Currency::parse(c).map_err(AppError::from))
        .transpose()?;
    let drawn = pdf::statement(&state.store, scope, &client, currency, from, to, lang).await?;
    deliver(
        state,
        scope,
        "statement.downloaded",
        ("client", &client),
        drawn,
    )
    .await
}

/// An invoice link's PDF: only the link's own invoice, while the link is usable.
async fn linked(
    State(state): State<AppState>,
    Path((slug, token, file)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if file != "invoice.pdf" {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    match linked_pdf(&state, &slug, &token, &q).await {
        Ok(Some(resp)) => resp,
        Ok(None) => refused(StatusCode::NOT_FOUND, "this link is not valid"),
        Err(e) => from_error(e),
    }
}

async fn linked_pdf(
    state: &AppState,
    slug: &str,
    token: &str,
    q: &HashMap<String, String>,
) -> AppResult<Option<Response>> {
    let store = &state.store;
    let Some(tenant) = store.tenant_by_slug(slug).await? else {
        return Ok(None);
    };
    if tokens::tenant_of_with("pl", token).as_deref() != Some(tenant.id.as_str()) {
        return Ok(None);
    }
    let Some((invoice_id, scope)) = store
        .invoice_link_scope(tenant.id.as_str(), &tokens::hash(token))
        .await?
    else {
        return Ok(None);
    };
    let lang = match q.get("lang").map(String::as_str) {
        Some(l @ ("en" | "el")) => Lang::from_locale(Some(l)),
        _ => Lang::En,
    };
    let url = format!(
        "{}/{slug}/i/{token}",
        state.config.base_url.trim_end_matches('/')
    );
    let iid = InvoiceId::from_raw(invoice_id.clone());
    let drawn = pdf::invoice(store, &scope, &iid, lang, url).await?;
    deliver(
        state,
        &scope,
        "invoice.downloaded",
        ("invoice", &invoice_id),
        drawn,
    )
    .await
    .map(Some)
}
