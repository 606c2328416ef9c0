//! GraphQL types of message threads.

use async_graphql::{Context, Object, Result, ID};

use crate::core::ids;
use crate::graphql::context::{scope, store};

pub struct Thread(pub crate::threads::Thread);

#[Object]
impl Thread {
    pub async fn id(&self) -> ID {
        ids::encode("Thread", &self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// `invoice`, `estimate` or `project`.
    async fn subject_kind(&self) -> &str {
        &self.0.subject_kind
    }
    async fn subject_id(&self) -> ID {
        let kind = match self.0.subject_kind.as_str() {
            "invoice" => "Invoice",
            "estimate" => "Estimate",
            _ => "Project",
        };
        ids::encode(kind, &self.0.subject_id)
    }
    async fn message_count(&self) -> i64 {
        self.0.message_count
    }
    /// Messages by others since the caller last opened this thread (with `thread(id)`).
    async fn unread_count(&self) -> i64 {
        self.0.unread_count
    }
    async fn last_message_at(&self) -> i64 {
        self.0.last_message_at
    }
    async fn messages(&self, ctx: &Context<'_>) -> Result<Vec<Message>> {
        Ok(store(ctx)
            .messages(scope(ctx)?, &self.0.id)
            .await?
            .into_iter()
            .map(Message)
            .collect())
    }
}

pub struct Message(pub crate::threads::Message);

#[Object]
impl Message {
    pub async fn id(&self) -> ID {
        ids::encode("Message", &self.0.id)
    }
    /// `staff`, `contact` or `partner`.
    async fn author_kind(&self) -> &str {
        &self.0.author_kind
    }
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Unix milliseconds.
    async fn created_at(&self) -> i64 {
        self.0.created_at
    }
}
