//! Download routes: `GET /{slug}/exports/invoices.csv` and `…/invoices.xlsx`, with the invoices
//! page's filters in the query string. The caller is the page's (session cookie) or a partner
//! (bearer token); a contact gets only their client's invoices, exactly as on the page. Every
//! export is audited. CSV streams as pages are read; XLSX is assembled from a temporary file.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use portico_domain::{Currency, InvoiceStatus};

use super::invoice_list::{columns, InvoiceRows};
use super::table::{CsvWriter, Separator, XlsxWriter};
use crate::core::audit;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::ClientId;
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::invoicing::{InvoiceFilter, InvoiceOrder, InvoiceSort};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{tenant}/exports/{file}", get(export))
}

/// Who is asking: a bearer token, else the session cookie.
async fn caller(state: &AppState, headers: &HeaderMap) -> Option<Scope> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer {
        return state.store.authenticate_token(token).await.ok().flatten();
    }
    let cookie = crate::identity::routes::session_token(&state.config, headers)?;
    let tenant = crate::core::tokens::tenant_of_with("ps", &cookie)?;
    state
        .store
        .session_scope(&tenant, &crate::core::tokens::hash(&cookie))
        .await
        .ok()
        .flatten()
}

fn refused(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

fn from_error(e: AppError) -> Response {
    match e {
        AppError::Unauthenticated => refused(StatusCode::UNAUTHORIZED, "sign in to download"),
        AppError::Forbidden(_) => refused(StatusCode::FORBIDDEN, &e.to_string()),
        AppError::BadInput { .. } | AppError::Domain(_) => {
            refused(StatusCode::BAD_REQUEST, &e.to_string())
        }
        AppError::NotFound(_) => refused(StatusCode::NOT_FOUND, "not found"),
        other => {
            tracing::error!(error = %other, "an export failed");
            crate::core::forms::unavailable()
        }
    }
}

fn date(q: &HashMap<String, String>, key: &'static str) -> AppResult<Option<NaiveDate>> {
    q.get(key)
        .filter(|v| !v.is_empty())
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| AppError::bad_input(key, "a date is written YYYY-MM-DD"))
        })
        .transpose()
}

/// The invoices page's filters and order, from the query string: the page's own address
/// (`status=unpaid`, `from`, `to`, `sort=issued-desc`, …) or the API's names (`status=issued,paid`,
/// `issuedFrom`, `sort=number&dir=asc`).
fn filter_of(q: &HashMap<String, String>) -> AppResult<(InvoiceFilter, InvoiceOrder)> {
    let mut overdue = match q.get("overdue").map(String::as_str) {
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        _ => None,
    };
    let statuses = match q.get("status").map(|s| s.trim().to_ascii_lowercase()) {
        None => Vec::new(),
        Some(s) if s.is_empty() || s == "all" => Vec::new(),
        Some(s) if s == "unpaid" => vec![InvoiceStatus::Issued, InvoiceStatus::PartiallyPaid],
        Some(s) if s == "overdue" => {
            overdue = Some(true);
            Vec::new()
        }
        Some(list) => list
            .split(',')
            .map(|s| InvoiceStatus::parse(s.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::from)?,
    };
    let client_id = q
        .get("client")
        .filter(|v| !v.is_empty())
        .map(|c| ClientId::from_global(&async_graphql::ID(c.clone())).map(String::from))
        .transpose()?;
    let currency = q
        .get("currency")
        .filter(|v| !v.is_empty())
        .map(|c| Currency::parse(c).map_err(AppError::from))
        .transpose()?;
    let search = q
        .get("q")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(AppError::bad_input(
            "q",
            "search for at most 200 characters",
        ));
    }
    let filter = InvoiceFilter {
        statuses,
        overdue,
        client_id,
        currency,
        issue_from: date(q, "issuedFrom")?.or(date(q, "from")?),
        issue_to: date(q, "issuedTo")?.or(date(q, "to")?),
        due_from: date(q, "dueFrom")?,
        due_to: date(q, "dueTo")?,
        search,
    };
    let raw = q.get("sort").map(String::as_str).unwrap_or_default();
    // The page writes `issued-desc`; the API `sort=issue_date&dir=desc`.
    let (field, page_dir) = raw.split_once('-').unwrap_or((raw, ""));
    let sort = match field {
        "" | "issue_date" | "issued" => InvoiceSort::IssueDate,
        "number" => InvoiceSort::Number,
        "due_date" | "due" => InvoiceSort::DueDate,
        "total" => InvoiceSort::Total,
        "balance" => InvoiceSort::Balance,
        _ => {
            return Err(AppError::bad_input(
                "sort",
                "sort by number, issue_date, due_date, total or balance",
            ))
        }
    };
    let dir = q.get("dir").map(String::as_str).unwrap_or(page_dir);
    let order = InvoiceOrder {
        sort,
        descending: dir != "asc",
    };
    Ok((filter, order))
}

fn attachment(content_type: &'static str, file: &str) -> [(header::HeaderName, HeaderValue); 3] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

async fn export(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let format = match file.as_str() {
        "invoices.csv" => "csv",
        "invoices.xlsx" => "xlsx",
        _ => return refused(StatusCode::NOT_FOUND, "not found"),
    };
    let Some(scope) = caller(&state, &headers).await else {
        return refused(StatusCode::UNAUTHORIZED, "sign in to download");
    };
    // A session or token of another portal sees nothing here.
    if scope.tenant_slug != slug {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    match start(&state, scope, format, &q).await {
        Ok(resp) => resp,
        Err(e) => from_error(e),
    }
}

async fn start(
    state: &AppState,
    scope: Scope,
    format: &'static str,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    let (filter, order) = filter_of(q)?;
    let store = state.store.clone();
    let lang = match q.get("lang").map(String::as_str) {
        Some(l @ ("en" | "el")) => Lang::from_locale(Some(l)),
        _ => Lang::from_locale(store.my_locale(&scope).await?.as_deref()),
    };
    let today = store.clock().today_utc();
    let separator = Separator::parse(q.get("sep").map(String::as_str));
    let mut tx = store.write_scoped(&scope).await?;
    audit::record(
        &mut tx,
        &scope,
        "invoices.exported",
        "tenant",
        &scope.tenant_id,
        Some(serde_json::json!({ "format": format, "query": q })),
    )
    .await?;
    tx.commit().await?;
    let name = format!("invoices-{today}.{format}");
    let mut rows = InvoiceRows::new(store, scope, filter, order, today, lang);
    let cols = columns(lang);
    if format == "xlsx" {
        let mut xlsx = XlsxWriter::new(lang.pick("Invoices", "Τιμολόγια"), &cols)
            .map_err(|e| AppError::Internal(e.into()))?;
        loop {
            let page = rows.next_page().await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                xlsx.row(r).map_err(|e| AppError::Internal(e.into()))?;
            }
        }
        let bytes = tokio::task::spawn_blocking(move || xlsx.finish())
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(e.into()))?;
        let content = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return Ok((attachment(content, &name), bytes).into_response());
    }
    let mut csv = CsvWriter::new(separator);
    csv.header(&cols)
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut first = CsvWriter::BOM.to_vec();
    first.extend(csv.take().map_err(|e| AppError::Internal(e.into()))?);
    // The first page is read before answering, so a failure is still a clean error; the rest
    // stream as they are read.
    let stream = futures_util::stream::unfold(
        (Some(first), rows, csv, false),
        |(pending, mut rows, mut csv, finished)| async move {
            if let Some(bytes) = pending {
                return Some((
                    Ok::<Bytes, std::io::Error>(Bytes::from(bytes)),
                    (None, rows, csv, finished),
                ));
            }
            if finished {
                return None;
            }
            let page = match rows.next_page().await {
                Ok(p) => p,
                Err(e) => {
                    return Some((
                        Err(std::io::Error::other(e.to_string())),
                        (None, rows, csv, true),
                    ))
                }
            };
            if page.is_empty() {
                return None;
            }
            for r in &page {
                if let Err(e) = csv.row(r) {
                    return Some((Err(e), (None, rows, csv, true)));
                }
            }
            match csv.take() {
                Ok(b) => Some((Ok(Bytes::from(b)), (None, rows, csv, false))),
                Err(e) => Some((Err(e), (None, rows, csv, true))),
            }
        },
    );
    let content = "text/csv; charset=utf-8";
    Ok((
        StatusCode::OK,
        attachment(content, &name),
        Body::from_stream(stream),
    )
        .into_response())
}
