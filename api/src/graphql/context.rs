//! Per-request context: the caller's scope, the store, the bus, today's date and the DataLoaders.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::Context;
use chrono::NaiveDate;

use super::loaders::Loaders;
use crate::auth::Scope;
use crate::error::{AppError, AppResult};
use crate::events::EventBus;
use crate::store::Store;

/// Shared by all requests (schema data).
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub bus: EventBus,
    pub config: std::sync::Arc<crate::config::Config>,
    pub mail_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Encrypts gateway credentials at rest; `None` without `PORTICO_SECRET_KEY`.
    pub secrets: Option<crate::payments::secrets::SecretBox>,
    /// The passkey relying party (built from `PORTICO_BASE_URL`).
    pub webauthn: Option<std::sync::Arc<webauthn_rs::Webauthn>>,
}

/// Built for each request (request data).
pub struct RequestData {
    pub scope: Option<Scope>,
    pub today: NaiveDate,
    pub loaders: Option<Loaders>,
}

impl RequestData {
    pub fn new(shared: &Shared, scope: Option<Scope>) -> RequestData {
        let loaders = scope.clone().map(|s| Loaders::new(shared.store.clone(), s));
        RequestData {
            scope,
            today: chrono::Utc::now().date_naive(),
            loaders,
        }
    }
}

pub fn shared<'a>(ctx: &Context<'a>) -> &'a Shared {
    ctx.data_unchecked::<Shared>()
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
        .unwrap_or_else(|_| chrono::Utc::now().date_naive())
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
