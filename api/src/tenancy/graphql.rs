//! Tenant settings changed through the API (the settings pages come with the back-office).
//! Merged into the Mutation root.

use async_graphql::{Context, Object, Result};

use crate::graphql::context::{scope, store};

#[derive(Default)]
pub struct TenantSettingsMutation;

#[Object]
impl TenantSettingsMutation {
    /// Sets the business's time zone (an IANA name such as `Europe/Athens`; owner and admin):
    /// the portal shows every time of day in it. Returns the name stored.
    async fn set_time_zone(&self, ctx: &Context<'_>, time_zone: String) -> Result<String> {
        let tz = crate::core::time_zone::parse(&time_zone)?;
        store(ctx)
            .set_tenant_time_zone(scope(ctx)?, tz.name())
            .await?;
        Ok(tz.name().to_owned())
    }
}
