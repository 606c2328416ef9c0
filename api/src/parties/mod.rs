//! Parties: a business's clients, their contacts and billing details, and the invitations that
//! give contacts (and staff) access to the portal.

pub mod graphql;
pub mod invitations;
pub mod mail;
pub mod service;

pub use invitations::{Invitation, InvitationMail, InvitationPreview, NewInvitation};
pub use service::{BillingDetails, Client, ClientPatch, Contact, NewClient, NewContact, Place};
