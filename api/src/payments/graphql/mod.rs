//! GraphQL of payments: attempts, the payments mutations, the demo checkout and the payment
//! objects of the ledger.

pub mod attempts;
pub mod demo_checkout;
pub mod ledger;
pub mod mutation;
