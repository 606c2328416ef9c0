//! Who has access and what happened: the audit trail, invitations, API tokens, invoice links,
//! the caller's passkeys and sessions, and staff notifications.

use crate::core::ids;
use crate::graphql::context::{scope, store};
use crate::graphql::query::*;
use crate::reporting::graphql::AuditEvent;
use async_graphql::{Context, Object, Result, ID};

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The tenant's audit trail, newest first (owner and admin).
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        subject_id: Option<ID>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<AuditEvent>> {
        let first = page_size(Some(first))?;
        let subject = subject_id
            .as_ref()
            .map(ids::decode_any)
            .transpose()?
            .map(|(_, id)| id);
        let rows = store(ctx)
            .audit_events(scope(ctx)?, subject.as_deref(), first)
            .await?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }

    /// Invitations with their status (staff; a client's admin contact sees its client's).
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        client_id: Option<ID>,
    ) -> Result<Vec<crate::reporting::graphql::Invitation>> {
        let client = client_arg(client_id.as_ref())?;
        Ok(store(ctx)
            .invitations(scope(ctx)?, client.as_deref())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The tenant's API tokens (owner and admin).
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::reporting::graphql::ApiToken>> {
        Ok(store(ctx)
            .api_tokens(scope(ctx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The links made for an invoice (staff).
    async fn invoice_links(
        &self,
        ctx: &Context<'_>,
        invoice_id: ID,
    ) -> Result<Vec<crate::reporting::graphql::InvoiceLink>> {
        let id = crate::core::ids::InvoiceId::from_global(&invoice_id)?;
        let links = store(ctx).invoice_links(scope(ctx)?, &id).await?;
        Ok(links
            .into_iter()
            .map(|l| crate::reporting::graphql::InvoiceLink::new(l, None))
            .collect())
    }

    /// The caller's own passkeys (signed-in people only).
    async fn my_passkeys(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::reporting::graphql::PasskeyInfo>> {
        Ok(store(ctx)
            .my_passkeys(scope(ctx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The caller's own signed-in sessions (empty for API tokens).
    async fn my_sessions(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::reporting::graphql::Session>> {
        Ok(store(ctx)
            .my_sessions(scope(ctx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Staff notifications, newest first (e.g. repeated failed sign-ins).
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<crate::notifications::graphql::Notification>> {
        let first = page_size(Some(first))?;
        Ok(store(ctx)
            .notifications(scope(ctx)?, first)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
