//! Notifications: what staff are told (a contact opened an invoice, a payment arrived, mail
//! could not be delivered), read and marked read here; written by every area through
//! `core::notify` in the transaction of the change they describe.

pub mod graphql;
pub mod service;

pub use service::Notification;
