//! The payment gateways: the demo gateway's hosted page, and Stripe (Checkout, webhooks and their
//! signatures).

pub mod demo;
pub mod stripe;
pub mod stripe_events;
pub mod stripe_signature;
