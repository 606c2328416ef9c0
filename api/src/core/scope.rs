//! Who is calling and what they may do. Every store call takes a [`Scope`]; roles are checked here,
//! below the GraphQL layer, so a resolver cannot forget them.

use crate::core::error::{AppError, AppResult};
use crate::core::ids::{ClientId, ContactId, TenantId};

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

/// What an API token may do beyond reading (sessions and staff tokens may do all their role allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    pub write: bool,
    pub payments: bool,
}

impl Grants {
    pub const ALL: Grants = Grants {
        write: true,
        payments: true,
    };
    pub const READ: Grants = Grants {
        write: false,
        payments: false,
    };

    /// From a token's stored scopes, e.g. `read,write,payments`.
    pub fn parse(scopes: &str) -> Grants {
        let has = |s: &str| scopes.split(',').any(|x| x.trim() == s);
        Grants {
            write: has("write"),
            payments: has("payments"),
        }
    }

    pub fn as_scopes(&self) -> String {
        let mut v = vec!["read"];
        if self.write {
            v.push("write");
        }
        if self.payments {
            v.push("payments");
        }
        v.join(",")
    }
}

/// The caller of one request: tenant, role, and for contacts the client they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub role: Role,
    /// Token or user id, for audit events.
    pub actor_id: String,
    pub actor_name: String,
    /// Set for contacts: they see only this client's data.
    pub client_id: Option<ClientId>,
    pub contact_id: Option<ContactId>,
    /// The session this request came with (cookie login); `None` for API tokens.
    pub session_id: Option<String>,
    /// What the caller's token allows (all, for sessions).
    pub grants: Grants,
}

impl Scope {
    /// The actor of an operator's act on the command line (`portico tenant …`).
    pub fn operator(tenant_id: &str, slug: &str) -> Scope {
        Scope {
            tenant_id: TenantId::from_raw(tenant_id.to_owned()),
            tenant_slug: slug.to_owned(),
            role: Role::Owner,
            actor_id: "operator".into(),
            actor_name: "operator (command line)".into(),
            client_id: None,
            contact_id: None,
            session_id: None,
            grants: Grants::READ,
        }
    }

    /// Staff or partner acting tenant-wide.
    pub fn is_staff(&self) -> bool {
        !self.role.is_contact()
    }

    /// Creating and changing ledger data: staff and partners with the `write` scope.
    pub fn require_staff(&self) -> AppResult<()> {
        if !self.is_staff() {
            return Err(AppError::forbidden(
                "this operation is for the business's staff",
            ));
        }
        if !self.grants.write {
            return Err(AppError::forbidden("this token is read-only"));
        }
        Ok(())
    }

    /// Recording and allocating payments: staff, and partners with the `payments` scope.
    pub fn require_payments(&self) -> AppResult<()> {
        self.require_staff()?;
        if !self.grants.payments {
            return Err(AppError::forbidden("this token lacks the payments scope"));
        }
        Ok(())
    }

    /// Refunds send money back: owner, admin, and partners with the `payments` scope.
    pub fn require_refunds(&self) -> AppResult<()> {
        self.require_payments()?;
        match self.role {
            Role::Owner | Role::Admin | Role::Partner => Ok(()),
            _ => Err(AppError::forbidden("refunds need the owner or admin role")),
        }
    }

    /// Managing a client's contacts: staff, or that client's admin contact.
    pub fn require_contact_manager(&self, client_id: &str) -> AppResult<()> {
        match self.role {
            Role::ContactAdmin if self.client_filter() == Some(client_id) => Ok(()),
            r if r.is_contact() => Err(AppError::forbidden(
                "only staff and the client's admin contacts manage contacts",
            )),
            _ => self.require_staff(),
        }
    }

    /// Posting a message: anyone who may see the document, except read-only tokens.
    pub fn require_can_post(&self) -> AppResult<()> {
        if self.grants.write {
            Ok(())
        } else {
            Err(AppError::forbidden("this token is read-only"))
        }
    }

    /// Managing staff-level settings and tokens: owner and admin only.
    pub fn require_admin(&self) -> AppResult<()> {
        if !self.grants.write {
            return Err(AppError::forbidden("this token is read-only"));
        }
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
