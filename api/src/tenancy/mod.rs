//! Tenancy: the businesses sharing the deployment, their numbering sequences, and their portal
//! profile (name, colour, logo, locale, time zone).

pub mod brand_routes;
pub mod branding;
pub mod business;
pub mod graphql;
pub mod hosts;
pub mod logo;
pub mod profile;
pub mod repo;
pub mod sections;
pub mod svg;

pub use business::BusinessDetails;
pub use profile::{validate_logo, LOCALES, MAX_LOGO_BYTES};
pub use repo::{DocumentSettings, NewTenant, Tenant};
pub use sections::Section;
