//! The client pages (staff see the same documents tenant-wide): one file per page.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::chart::{Bar, BarChart, Unit};
use crate::data::{use_query, Money, PageError, Profile};
use crate::fmt::{date, money};
use crate::i18n::Locale;
use crate::ui::{loaded, locale, use_shell, Notice, PageTitle, Problem, Status};
use crate::{encode, Qs};

macro_rules! query {
    ($q:literal) => {
        concat!($q, " fragment M on Money { amount currency minor }")
    };
}

mod credit_notes;
mod demo_gateway;
mod estimates;
mod help;
mod home;
mod invoice;
mod invoice_link;
mod invoices;
mod links;
mod messages;
mod pay;
mod payments;
mod projects;
mod settings;
mod sign_in;
mod signup;
pub mod staff;
mod statement;
pub use credit_notes::*;
pub use demo_gateway::*;
pub use estimates::*;
pub use help::*;
pub use home::*;
pub use invoice::*;
pub use invoice_link::*;
pub use invoices::*;
pub use links::*;
pub use messages::*;
pub use pay::*;
pub use payments::*;
pub use projects::*;
pub use settings::*;
pub use sign_in::*;
pub use signup::*;
pub use statement::*;
