//! Staff pages: the live payments feed, clients with balances, invitations and notifications.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data::{use_query, Money};
use crate::fmt::money;
use crate::pages::Nodes;
use crate::ui::{loaded, locale, Notice, PageTitle, Problem, Status};
use crate::Qs;

mod access_settings;
mod client;
mod client_payment;
mod clients;
mod estimate_editor;
mod getting_started;
mod invitations;
mod invoice_actions;
mod invoice_draft;
mod invoice_editor;
mod notifications;
mod payment_settings;
mod payments;
mod portal_settings;
mod webhooks;
pub use access_settings::*;
pub use client::*;
pub use client_payment::*;
pub use clients::*;
pub use estimate_editor::*;
pub use getting_started::*;
pub use invitations::*;
pub use invoice_actions::*;
pub use invoice_editor::*;
pub use notifications::*;
pub use payment_settings::*;
pub use payments::*;
pub use portal_settings::*;
pub use webhooks::*;
