//! The demo's partner webhooks: business `acme` has an endpoint at the demo's own receiver
//! (`/demo/webhooks`, which answers 204 while the demo gateway is on), receiving every event, with
//! a test event already queued, so the Webhooks page shows deliveries on the first run.

use crate::app::App;
use crate::core::scope::{Grants, Role, Scope};

pub async fn seed_webhooks(app: &App, base: &str) -> anyhow::Result<()> {
    let Some(sealer) = app.secrets.as_ref() else {
        return Ok(());
    };
    let store = &app.store;
    let Some(tenant) = store.tenant_by_slug("acme").await.map_err(super::err)? else {
        return Ok(());
    };
    let owner = Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant.id.clone()),
        tenant_slug: tenant.slug.clone(),
        role: Role::Owner,
        actor_id: "demo".into(),
        actor_name: "Demo".into(),
        client_id: None,
        contact_id: None,
        session_id: None,
        grants: Grants::ALL,
    };
    let url = format!("{}/demo/webhooks", base.trim_end_matches('/'));
    let (endpoint, _) = store
        .create_webhook_endpoint(
            &owner,
            sealer,
            &url,
            Some("Demo receiver (answers 204)".into()),
            &[],
            true,
        )
        .await
        .map_err(super::err)?;
    store
        .send_test_webhook(&owner, &endpoint.id)
        .await
        .map_err(super::err)?;
    Ok(())
}
