//! Who is calling and what they may do. Every store call takes a [`Scope`]; roles are checked here,
//! below the GraphQL layer, so a resolver cannot forget them.

pub mod links;
pub mod tokens;
pub mod web;

use crate::error::{AppError, AppResult};

/// A caller's role. Staff and partners act tenant-wide; contacts act for one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Owner,
    Admin,
    Member,
    Partner,
    ContactAdmin,
    ContactPayer,
    ContactViewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Owner,
        Role::Admin,
        Role::Member,
        Role::Partner,
        Role::ContactAdmin,
        Role::ContactPayer,
        Role::ContactViewer,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Partner => "partner",
            Role::ContactAdmin => "contact_admin",
            Role::ContactPayer => "contact_payer",
            Role::ContactViewer => "contact_viewer",
        }
    }

    pub fn parse(s: &str) -> AppResult<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AppError::bad_input("role", format!("unknown role {s:?}")))
    }

    pub fn is_contact(&self) -> bool {
        matches!(
            self,
            Role::ContactAdmin | Role::ContactPayer | Role::ContactViewer
        )
    }
}

/// The caller of one request: tenant, role, and for contacts the client they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub tenant_id: String,
    pub tenant_slug: String,
    pub role: Role,
    /// Token or user id, for audit events.
    pub actor_id: String,
    pub actor_name: String,
    /// Set for contacts: they see only this client's data.
    pub client_id: Option<String>,
    pub contact_id: Option<String>,
    /// The session this request came with (cookie login); `None` for API tokens.
    pub session_id: Option<String>,
}

impl Scope {
    /// Staff or partner acting tenant-wide.
    pub fn is_staff(&self) -> bool {
        !self.role.is_contact()
    }

    /// Creating and changing ledger data: staff and partners.
    pub fn require_staff(&self) -> AppResult<()> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "this operation is for the business's staff",
            ))
        }
    }

    /// Managing staff-level settings and tokens: owner and admin only.
    pub fn require_admin(&self) -> AppResult<()> {
        match self.role {
            Role::Owner | Role::Admin => Ok(()),
            _ => Err(AppError::forbidden(
                "this operation needs the owner or admin role",
            )),
        }
    }

    /// Accepting or rejecting estimates: contacts that may act for their client (not viewers).
    pub fn require_contact_decider(&self) -> AppResult<&str> {
        match (self.role, self.client_id.as_deref()) {
            (Role::ContactAdmin | Role::ContactPayer, Some(client)) => Ok(client),
            (Role::ContactViewer, _) => Err(AppError::forbidden(
                "viewers cannot accept or reject estimates",
            )),
            _ => Err(AppError::forbidden(
                "only the client's contacts can decide on an estimate",
            )),
        }
    }

    /// The client a contact is limited to; `None` for staff.
    pub fn client_filter(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// Whether the caller may see a record belonging to `client_id`.
    pub fn can_see_client(&self, client_id: &str) -> bool {
        self.client_filter().is_none_or(|c| c == client_id)
    }

    pub fn actor_kind(&self) -> &'static str {
        match self.role {
            Role::Partner => "partner",
            r if r.is_contact() => "contact",
            _ => "staff",
        }
    }
}
