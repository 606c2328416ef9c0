//! Download routes: `GET /{slug}/exports/{invoices|payments|credit-notes|statement}.{csv|xlsx}`;
//! the invoice list takes the invoices page's filters, a statement its client and period. The caller is the page's (session cookie) or a partner
//! (bearer token); a contact gets only their client's invoices, exactly as on the page. Every
//! export is audited. CSV streams as pages are read; XLSX is assembled from a temporary file.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use portico_domain::{Currency, InvoiceStatus};

use super::invoice_list::{columns, InvoiceRows};
use super::ledger_lists::{statement, time_entries, OffsetList, OffsetRows};
use super::table::{Cell, CsvWriter, Separator, XlsxWriter};
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

/// Who is asking: a bearer token, else the session cookie (`None`: neither, or not valid).
pub(super) async fn caller(state: &AppState, headers: &HeaderMap) -> AppResult<Option<Scope>> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer {
        return state.store.authenticate_token(token).await;
    }
    let Some(cookie) = crate::identity::routes::session_token(&state.config, headers) else {
        return Ok(None);
    };
    let Some(tenant) = crate::core::tokens::tenant_of_with("ps", &cookie) else {
        return Ok(None);
    };
    state
        .store
        .session_scope(&tenant, &crate::core::tokens::hash(&cookie))
        .await
}

pub(super) fn refused(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

pub(super) fn from_error(e: AppError) -> Response {
    match e {
        AppError::Unauthenticated => refused(StatusCode::UNAUTHORIZED, "sign in to download"),
        AppError::Forbidden(_) => refused(StatusCode::FORBIDDEN, &e.to_string()),
        AppError::BadInput { .. } | AppError::Domain(_) => {
            refused(StatusCode::BAD_REQUEST, &e.to_string())
        }
        AppError::NotFound(_) => refused(StatusCode::NOT_FOUND, "not found"),
        AppError::Conflict(_) => refused(StatusCode::CONFLICT, &e.to_string()),
        other => {
            tracing::error!(error = %other, "an export failed");
            crate::core::forms::unavailable()
        }
    }
}

pub(super) fn date(q: &HashMap<String, String>, key: &'static str) -> AppResult<Option<NaiveDate>> {
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
    let client_id = client_arg(q)?;
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

pub(super) fn attachment(
    content_type: &'static str,
    file: &str,
) -> [(header::HeaderName, HeaderValue); 3] {
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

/// What can be exported.
enum Source {
    Invoices(InvoiceRows),
    Offset(OffsetRows),
    /// Rows already read (a statement is one period of one client).
    Fixed(Option<Vec<Vec<Cell>>>),
}

impl Source {
    async fn next_page(&mut self) -> AppResult<Vec<Vec<Cell>>> {
        match self {
            Source::Invoices(r) => r.next_page().await,
            Source::Offset(r) => r.next_page().await,
            Source::Fixed(rows) => Ok(rows.take().unwrap_or_default()),
        }
    }
}

async fn export(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some((kind, format)) = file.rsplit_once('.') else {
        return refused(StatusCode::NOT_FOUND, "not found");
    };
    if !matches!(
        kind,
        "invoices" | "payments" | "credit-notes" | "statement" | "time"
    ) || !matches!(format, "csv" | "xlsx")
    {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    let scope = match caller(&state, &headers).await {
        Ok(Some(scope)) => scope,
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "sign in to download"),
        Err(e) => return from_error(e),
    };
    // A session or token of another portal sees nothing here.
    if scope.tenant_slug != slug {
        return refused(StatusCode::NOT_FOUND, "not found");
    }
    match start(&state, scope, kind, format == "xlsx", &q).await {
        Ok(resp) => resp,
        Err(e) => from_error(e),
    }
}

/// The client a list or statement is about: a contact's own, or the `client` argument.
pub(super) fn client_of(scope: &Scope, q: &HashMap<String, String>) -> AppResult<Option<String>> {
    if let Some(own) = scope.client_filter() {
        return Ok(Some(own.to_owned()));
    }
    client_arg(q)
}

/// What a statement is of: its client (required), currency (the client's when not given) and
/// period (`from` defaults to the year's first day, `to` to today).
pub(super) fn statement_args(
    client: Option<String>,
    q: &HashMap<String, String>,
    today: NaiveDate,
) -> AppResult<(String, Option<Currency>, NaiveDate, NaiveDate)> {
    let client = client.ok_or_else(|| AppError::bad_input("client", "choose a client"))?;
    let from = date(q, "from")?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = date(q, "to")?.unwrap_or(today);
    let currency = q
        .get("currency")
        .filter(|v| !v.is_empty())
        .map(|c| Currency::parse(c).map_err(AppError::from))
        .transpose()?;
    Ok((client, currency, from, to))
}

/// The `client` argument: a client's global id.
pub(super) fn client_arg(q: &HashMap<String, String>) -> AppResult<Option<String>> {
    q.get("client")
        .filter(|v| !v.is_empty())
        .map(|c| ClientId::from_global(&async_graphql::ID(c.clone())).map(String::from))
        .transpose()
}

async fn start(
    state: &AppState,
    scope: Scope,
    kind: &str,
    xlsx: bool,
    q: &HashMap<String, String>,
) -> AppResult<Response> {
    let store = state.store.clone();
    let section = match kind {
        "invoices" => Some(crate::tenancy::Section::Invoices),
        "credit-notes" => Some(crate::tenancy::Section::CreditNotes),
        "statement" => Some(crate::tenancy::Section::Statements),
        "time" => Some(crate::tenancy::Section::Projects),
        _ => None,
    };
    if let Some(section) = section {
        store.require_section(&scope, section).await?;
    }
    let lang = match q.get("lang").map(String::as_str) {
        Some(l @ ("en" | "el")) => Lang::from_locale(Some(l)),
        _ => Lang::from_locale(store.my_locale(&scope).await?.as_deref()),
    };
    let today = store.clock().today_utc();
    let client_id = client_of(&scope, q)?;
    let (columns, sheet, mut source, base) = match kind {
        "invoices" => {
            let (filter, order) = filter_of(q)?;
            let rows = InvoiceRows::new(store.clone(), scope.clone(), filter, order, today, lang);
            (
                columns(lang),
                lang.pick("Invoices", "Τιμολόγια"),
                Source::Invoices(rows),
                "invoices".to_owned(),
            )
        }
        "payments" | "credit-notes" => {
            let (list, sheet) = if kind == "payments" {
                (OffsetList::Payments, lang.pick("Payments", "Πληρωμές"))
            } else {
                (
                    OffsetList::CreditNotes,
                    lang.pick("Credit notes", "Πιστωτικά"),
                )
            };
            let rows = OffsetRows::new(store.clone(), scope.clone(), list, client_id, lang);
            (
                list.columns(lang),
                sheet,
                Source::Offset(rows),
                kind.to_owned(),
            )
        }
        "time" => {
            let project = q
                .get("project")
                .filter(|v| !v.is_empty())
                .map(|p| crate::core::ids::decode(&async_graphql::ID(p.clone()), "Project"))
                .transpose()?;
            let billable = matches!(q.get("billable").map(String::as_str), Some("true" | "1"));
            let (cols, rows) =
                time_entries(&store, &scope, project.as_deref(), billable, lang).await?;
            (
                cols,
                lang.pick("Time", "Χρόνος"),
                Source::Fixed(Some(rows)),
                "time".to_owned(),
            )
        }
        _ => {
            let (client, currency, from, to) = statement_args(client_id, q, today)?;
            let (cols, rows) = statement(&store, &scope, &client, currency, from, to, lang).await?;
            (
                cols,
                lang.pick("Statement", "Καρτέλα"),
                Source::Fixed(Some(rows)),
                format!("statement-{from}-{to}"),
            )
        }
    };
    let format = if xlsx { "xlsx" } else { "csv" };
    let mut tx = store.write_scoped(&scope).await?;
    audit::record(
        &mut tx,
        &scope,
        &format!("{}.exported", kind.replace('-', "_")),
        "tenant",
        &scope.tenant_id,
        Some(serde_json::json!({ "format": format, "query": q })),
    )
    .await?;
    tx.commit().await?;
    let name = if kind == "statement" {
        format!("{base}.{format}")
    } else {
        format!("{base}-{today}.{format}")
    };
    if xlsx {
        let mut book =
            XlsxWriter::new(sheet, &columns).map_err(|e| AppError::Internal(e.into()))?;
        loop {
            let page = source.next_page().await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                book.row(r).map_err(|e| AppError::Internal(e.into()))?;
            }
        }
        let bytes = tokio::task::spawn_blocking(move || book.finish())
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(e.into()))?;
        let content = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return Ok((attachment(content, &name), bytes).into_response());
    }
    let separator = Separator::parse(q.get("sep").map(String::as_str));
    let mut csv = CsvWriter::new(separator);
    csv.header(&columns)
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut first = CsvWriter::BOM.to_vec();
    first.extend(csv.take().map_err(|e| AppError::Internal(e.into()))?);
    // The header goes at once; the rows stream as they are read, a page at a time.
    let stream = futures_util::stream::unfold(
        (Some(first), source, csv, false),
        |(pending, mut source, mut csv, finished)| async move {
            if let Some(bytes) = pending {
                return Some((
                    Ok::<Bytes, std::io::Error>(Bytes::from(bytes)),
                    (None, source, csv, finished),
                ));
            }
            if finished {
                return None;
            }
            let page = match source.next_page().await {
                Ok(p) => p,
                Err(e) => {
                    return Some((
                        Err(std::io::Error::other(e.to_string())),
                        (None, source, csv, true),
                    ))
                }
            };
            if page.is_empty() {
                return None;
            }
            for r in &page {
                if let Err(e) = csv.row(r) {
                    return Some((Err(e), (None, source, csv, true)));
                }
            }
            match csv.take() {
                Ok(b) => Some((Ok(Bytes::from(b)), (None, source, csv, false))),
                Err(e) => Some((Err(e), (None, source, csv, true))),
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
