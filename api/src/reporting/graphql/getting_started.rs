//! The owner's and admins' first steps (see `reporting::getting_started`).

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::graphql::context::{scope, store};

/// What a new business has done of its first steps; the dashboard lists them until all are.
#[derive(SimpleObject)]
pub struct GettingStarted {
    /// A logo, or a brand colour of its own.
    pub branding: bool,
    /// Bank details or a payment gateway.
    pub payment_method: bool,
    pub first_client: bool,
    pub first_invoice: bool,
    pub done: bool,
}

#[derive(Default)]
pub struct GettingStartedQuery;

#[Object]
impl GettingStartedQuery {
    /// Owner and admin.
    async fn getting_started(&self, ctx: &Context<'_>) -> Result<GettingStarted> {
        let g = store(ctx).getting_started(scope(ctx)?).await?;
        Ok(GettingStarted {
            branding: g.branding,
            payment_method: g.payment_method,
            first_client: g.first_client,
            first_invoice: g.first_invoice,
            done: g.branding && g.payment_method && g.first_client && g.first_invoice,
        })
    }
}
