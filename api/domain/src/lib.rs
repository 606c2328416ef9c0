//! Portico's pure domain: money, validation, invoices, payments, credit notes,
//! estimates, statements and project time.
//!
//! Nothing here performs I/O. Values are parsed and validated at the edge (see
//! [`validate`]) and then trusted inside; every money computation is done in
//! integer minor units or exact decimals, never floats.

pub mod attempt;
pub mod credit_note;
pub mod error;
pub mod estimate;
pub mod invoice;
pub mod money;
pub mod payment;
pub mod project;
pub mod registry;
pub mod statement;
pub mod validate;
pub mod vat;

pub use attempt::*;
pub use credit_note::*;
pub use error::*;
pub use estimate::*;
pub use invoice::*;
pub use money::*;
pub use payment::*;
pub use project::*;
pub use statement::*;
pub use validate::*;
pub use vat::*;
