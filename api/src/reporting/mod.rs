//! Reporting: the dashboards (per currency), monthly figures and client balances.

pub mod dashboard;
pub mod figures;
pub mod getting_started;
pub mod graphql;

pub use dashboard::{CurrencyFigures, Dashboard, StatusCount};
pub use figures::{ClientBalance, MonthFigures, MAX_MONTHS};
