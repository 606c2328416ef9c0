//! Single documents as files: `GET /{slug}/documents/{invoice|receipt|credit-note|estimate}/{ID}.pdf`,
//! e-invoices (UBL 2.1, Peppol BIS 3) at `GET /{slug}/documents/{invoice|credit-note}/{ID}.xml`,
//! `GET /{slug}/documents/statement.pdf?client=&currency=&from=&to=`, and an invoice link's
//! `GET /{slug}/i/{TOKEN}/invoice.pdf` (and `invoice.xml`). Authorised exactly like the page that shows the document
//! (the caller's scope, or the link's one invoice); every download is audited.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::pdf::{self, Drawn};
use super::routes::{attachment, caller, client_of, from_error, refused, statement_args};
use super::ubl;
use crate::core::audit;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::{decode, InvoiceId, PaymentId};
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::core::tokens;
use crate::tenancy::Section;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/documents/{file}", get(statement))
        .route("/{tenant}/documents/{kind}/{file}", get(document))
        .route("/{tenant}/i/{token}/{file}", get(linked))
}

/// The address of a document's file (`pdf`, or `xml` for an e-invoice), as the API links to it.
pub fn document_path(slug: &str, kind: &str, global_id: &str, ext: &str) -> String {
    format!("/{slug}/documents/{kind}/{global_id}.{ext}")
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

/// What a download answers: a PDF still to draw, or an e-invoice already written.
enum File {
    Pdf(Box<Drawn>),
    Xml(Vec<u8>, String),
}

/// Audits the download, then answers the file as an attachment.
async fn deliver(
    state: &AppState,
    scope: &Scope,
    action: &str,
    target: (&str, &str),
    file: File,
) -> AppResult<Response> {
    let (format, name) = match &file {
        File::Pdf(d) => ("pdf", d.file_name.clone()),
        File::Xml(_, name) => ("ubl", name.clone()),
    };
    let mut tx = state.store.write_scoped(scope).await?;
    audit::record(
        &mut tx,
        scope,
        action,
        target.0,
        target.1,
        Some(serde_json::json!({ "format": format, "file": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(match file {
        File::Pdf(drawn) => {
            let (bytes, name) = pdf::render(*drawn).await?;
            (attachment("application/pdf", &name), bytes).into_response()
        }
        File::Xml(bytes, name) => (attachment("application/xml", &name), bytes).into_response(),
    })
}

async fn document(
    State(state): State<AppState>,
    Path((slug, kind, file)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    let (id, xml) = match (file.strip_suffix(".pdf"), file.strip_suffix(".xml")) {
        (Some(id), _) => (id, false),
        (_, Some(id)) => (id, true),
        _ => return refused(StatusCode::NOT_FOUND, "not found"),
    };
    let known = if xml {
        matches!(kind.as_str(), "invoice" | "credit-note")
    } else {
        matches!(
            kind.as_str(),
            "invoice" | "receipt" | "credit-note" | "estimate"
        )
    };
    if !known {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    let scope = match signed_in(&state, &slug, &headers).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    match one(&state, &scope, &kind, id, xml, &q).await {
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
    xml: bool,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    let section = match kind {
        "invoice" => Some(Section::Invoices),
        "credit-note" => Some(Section::CreditNotes),
        "estimate" => Some(Section::Estimates),
        _ => None,
    };
    if let Some(section) = section {
        state.store.require_section(scope, section).await?;
    }
    let lang = language(state, scope, q).await?;
    let store = &state.store;
    let gid = async_graphql::ID(id.to_owned());
    let base = store.tenant_url(&scope.tenant_slug).await;
    let (file, action, target, raw) = match kind {
        "invoice" => {
            let iid = InvoiceId::from_global(&gid)?;
            let pay = format!("{base}/pay?invoice={id}");
            let f = if xml {
                let (bytes, name) = ubl::build::invoice(store, scope, &iid, lang, pay).await?;
                File::Xml(bytes, name)
            } else {
                File::Pdf(Box::new(pdf::invoice(store, scope, &iid, lang, pay).await?))
            };
            (f, "invoice.downloaded", "invoice", iid.to_string())
        }
        "receipt" => {
            let pid = PaymentId::from_global(&gid)?;
            let f = File::Pdf(Box::new(pdf::receipt(store, scope, &pid, lang).await?));
            (f, "receipt.downloaded", "payment", pid.to_string())
        }
        "credit-note" => {
            let raw = decode(&gid, "CreditNote")?;
            let f = if xml {
                let (bytes, name) = ubl::build::credit_note(store, scope, &raw, lang).await?;
                File::Xml(bytes, name)
            } else {
                File::Pdf(Box::new(pdf::credit_note(store, scope, &raw, lang).await?))
            };
            (f, "credit_note.downloaded", "credit_note", raw)
        }
        _ => {
            let raw = decode(&gid, "Estimate")?;
            let accept = format!("{base}/estimates/{id}");
            let f = File::Pdf(Box::new(
                pdf::estimate(store, scope, &raw, lang, accept).await?,
            ));
            (f, "estimate.downloaded", "estimate", raw)
        }
    };
    deliver(state, scope, action, (target, &raw), file).await
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
    state
        .store
        .require_section(scope, Section::Statements)
        .await?;
    let lang = language(state, scope, q).await?;
    let today = state.store.clock().today_utc();
    let (client, currency, from, to) = statement_args(client_of(scope, q)?, q, today)?;
    let drawn = pdf::statement(&state.store, scope, &client, currency, from, to, lang).await?;
    deliver(
        state,
        scope,
        "statement.downloaded",
        ("client", &client),
        File::Pdf(Box::new(drawn)),
    )
    .await
}

/// An invoice link's PDF: only the link's own invoice, while the link is usable.
async fn linked(
    State(state): State<AppState>,
    Path((slug, token, file)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let xml = match file.as_str() {
        "invoice.pdf" => false,
        "invoice.xml" => true,
        _ => return refused(StatusCode::NOT_FOUND, "not found"),
    };
    match linked_pdf(&state, &slug, &token, xml, &q).await {
        Ok(Some(resp)) => resp,
        Ok(None) => refused(StatusCode::NOT_FOUND, "this link is not valid"),
        Err(e) => from_error(e),
    }
}

async fn linked_pdf(
    state: &AppState,
    slug: &str,
    token: &str,
    xml: bool,
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
    let url = format!("{}/i/{token}", store.tenant_url(slug).await);
    let iid = InvoiceId::from_raw(invoice_id.clone());
    let file = if xml {
        let (bytes, name) = ubl::build::invoice(store, &scope, &iid, lang, url).await?;
        File::Xml(bytes, name)
    } else {
        File::Pdf(Box::new(
            pdf::invoice(store, &scope, &iid, lang, url).await?,
        ))
    };
    deliver(
        state,
        &scope,
        "invoice.downloaded",
        ("invoice", &invoice_id),
        file,
    )
    .await
    .map(Some)
}
