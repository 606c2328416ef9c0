//! Documents attached to emails. The outbox keeps a reference ([`Attachment`]); when the worker
//! sends, an [`AttachmentSource`] (the documents area, installed by the app) draws the file.
//! Core knows no document kinds: it only stores and passes the reference.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// What to attach: a document of a tenant, drawn for the client it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// `receipt`, …: the source decides what it can draw.
    pub kind: String,
    pub id: String,
    pub client_id: String,
    /// `en` or `el`.
    pub lang: String,
}

/// A drawn file.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub type Drawing<'a> = Pin<Box<dyn Future<Output = Result<Option<File>, String>> + Send + 'a>>;

/// Draws attachments: `Ok(None)` when the document is gone (the email goes without it), `Err`
/// when drawing failed for now (the email is retried).
pub trait AttachmentSource: Send + Sync {
    fn draw<'a>(&'a self, tenant_id: &'a str, attachment: &'a Attachment) -> Drawing<'a>;
}

pub type Source = Arc<dyn AttachmentSource>;
