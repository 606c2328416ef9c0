//! Threads: conversations between a business and its client, optionally about a document.

pub mod graphql;
pub mod service;

pub use service::{Message, SubjectKind, Thread};
