//! What an invitation link's page shows before it is accepted (no sign-in: the link's token is
//! the secret): who invited whom, to which client's portal, with what role, and whether the link
//! can still be used. Merged into the Query root.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::core::tokens;
use crate::graphql::context::store;
use crate::parties::graphql::ContactRole;

/// An invitation as its link's page shows it.
#[derive(SimpleObject)]
pub struct InvitationPreview {
    /// The invited person's name and address.
    pub name: String,
    pub email: String,
    /// What they will be able to do.
    pub role: ContactRole,
    /// The client whose portal they join.
    pub client_name: String,
    /// Who invited them (a staff member or the client's admin), when a person did.
    pub invited_by: Option<String>,
    /// `pending` (it can be accepted), `accepted`, `revoked` or `expired`.
    pub status: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

#[derive(Default)]
pub struct InvitationPageQuery;

#[Object]
impl InvitationPageQuery {
    /// The invitation an emailed link stands for, by the portal's slug and the link's token;
    /// no sign-in needed. Null for an unknown portal or token.
    async fn invitation_preview(
        &self,
        ctx: &Context<'_>,
        slug: String,
        token: String,
    ) -> Result<Option<InvitationPreview>> {
        if slug.len() > 100 || token.len() > 200 {
            return Ok(None);
        }
        let Some(tenant) = store(ctx).tenant_by_slug(&slug).await? else {
            return Ok(None);
        };
        let preview = store(ctx)
            .invitation_preview(&tenant.id, &tokens::hash(&token))
            .await?;
        Ok(preview.map(|p| InvitationPreview {
            name: p.name,
            email: p.email,
            role: ContactRole::from_store(&p.role),
            client_name: p.client_name,
            invited_by: p.invited_by,
            status: p.status,
            expires_at: p.expires_at,
        }))
    }
}
