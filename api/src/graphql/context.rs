//! Per-request context: the caller's scope, the store, the bus, today's date and the DataLoaders.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{Context, ID};
use chrono::NaiveDate;

use super::loaders::Loaders;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::core::state::AppState;

/// Built for each request (request data).
pub struct RequestData {
    pub scope: Option<Scope>,
    pub today: NaiveDate,
    pub loaders: Option<Loaders>,
    /// The sections the business hides from clients, read once per request (`None` for a
    /// subscription's connection, which reads them afresh each time: it lives for hours).
    pub hidden_sections: Option<tokio::sync::OnceCell<Vec<crate::tenancy::Section>>>,
}

impl RequestData {
    pub fn new(shared: &AppState, scope: Option<Scope>) -> RequestData {
        let loaders = scope.clone().map(|s| Loaders::new(shared.store.clone(), s));
        RequestData {
            scope,
            today: shared.store.clock().today_utc(),
            loaders,
            hidden_sections: Some(tokio::sync::OnceCell::new()),
        }
    }

    /// For a long-lived connection (subscriptions): nothing that can change is kept.
    pub fn for_connection(mut self) -> RequestData {
        self.hidden_sections = None;
        self
    }
}

pub fn shared<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The absolute address of one document's PDF on this deployment, for the caller's portal
/// (`kind`: invoice, receipt, credit-note, estimate). Fetched with the same bearer token or
/// session; `?lang=en|el` chooses the language.
pub async fn pdf_url(ctx: &Context<'_>, kind: &str, global_id: &ID) -> AppResult<String> {
    document_url(ctx, kind, global_id, "pdf").await
}

/// Like [`pdf_url`], for the e-invoice (UBL XML) of an invoice or credit note.
pub async fn ubl_url(ctx: &Context<'_>, kind: &str, global_id: &ID) -> AppResult<String> {
    document_url(ctx, kind, global_id, "xml").await
}

async fn document_url(
    ctx: &Context<'_>,
    kind: &str,
    global_id: &ID,
    ext: &str,
) -> AppResult<String> {
    let slug = &scope(ctx)?.tenant_slug;
    let portal = store(ctx).tenant_url(slug).await;
    let origin = portal.strip_suffix(&format!("/{slug}")).unwrap_or(&portal);
    Ok(format!(
        "{origin}{}",
        crate::documents::downloads::document_path(slug, kind, &global_id.0, ext)
    ))
}

pub fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    &shared(ctx).store
}

fn request<'a>(ctx: &Context<'a>) -> AppResult<&'a RequestData> {
    ctx.data_opt::<RequestData>()
        .ok_or(AppError::Unauthenticated)
}

/// The caller's scope, or UNAUTHENTICATED.
pub fn scope<'a>(ctx: &Context<'a>) -> AppResult<&'a Scope> {
    request(ctx)?
        .scope
        .as_ref()
        .ok_or(AppError::Unauthenticated)
}

pub fn today(ctx: &Context<'_>) -> NaiveDate {
    request(ctx)
        .map(|r| r.today)
        .unwrap_or_else(|_| store(ctx).clock().today_utc())
}

pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a Loaders> {
    request(ctx)?
        .loaders
        .as_ref()
        .ok_or(AppError::Unauthenticated)
}

pub fn loader<'a, T: Send + Sync + 'static>(
    ctx: &Context<'a>,
    pick: impl Fn(&'a Loaders) -> &'a DataLoader<T, HashMapCache>,
) -> AppResult<&'a DataLoader<T, HashMapCache>> {
    let loaders = request(ctx)?
        .loaders
        .as_ref()
        .ok_or(AppError::Unauthenticated)?;
    Ok(pick(loaders))
}

/// Refuses a contact a section of the portal their business turned off (staff pass).
pub async fn require_section(
    ctx: &Context<'_>,
    section: crate::tenancy::Section,
) -> Result<(), crate::core::error::AppError> {
    let scope = scope(ctx)?;
    if scope.is_staff() {
        return Ok(());
    }
    let hidden = match request(ctx)?.hidden_sections.as_ref() {
        Some(cell) => cell
            .get_or_try_init(|| store(ctx).hidden_sections(scope))
            .await?
            .clone(),
        None => store(ctx).hidden_sections(scope).await?,
    };
    crate::tenancy::sections::check(&hidden, section)
}
