//! What the demo gateway's page shows (the local stand-in for a hosted payment page; only when
//! the server runs it: `PORTICO_DEMO_GATEWAY` or `portico demo`). No sign-in: the attempt's
//! gateway reference in the address is the secret, as on a real provider's page.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::core::tokens;
use crate::graphql::context::{shared, store};
use crate::graphql::scalars::Money;

/// A payment waiting on the demo gateway's page.
#[derive(SimpleObject)]
pub struct DemoCheckout {
    /// The business being paid.
    pub business: String,
    pub amount: Money,
    pub status: crate::payments::graphql::attempts::PaymentAttemptStatus,
}

#[derive(Default)]
pub struct DemoCheckoutQuery;

#[Object]
impl DemoCheckoutQuery {
    /// The payment a demo gateway page (`/SLUG/pay/demo/TOKEN`) is for; null when the demo
    /// gateway is off, or for an unknown portal or token.
    async fn demo_checkout(
        &self,
        ctx: &Context<'_>,
        slug: String,
        token: String,
    ) -> Result<Option<DemoCheckout>> {
        if !shared(ctx).config.demo_gateway || slug.len() > 100 || token.len() > 200 {
            return Ok(None);
        }
        let Some(tenant) = store(ctx).tenant_by_slug(&slug).await? else {
            return Ok(None);
        };
        if tokens::tenant_of_with("pd", &token).as_deref() != Some(tenant.id.as_str()) {
            return Ok(None);
        }
        let attempt = store(ctx).attempt_by_ref(&tenant.id, &token).await?;
        Ok(attempt.map(|a| DemoCheckout {
            business: tenant.name,
            amount: a.amount.into(),
            status: a.status.into(),
        }))
    }
}
