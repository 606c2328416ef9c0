//! Help: the business's own articles for its clients (questions and answers, how to pay, whom to
//! call), each in one language, written in Markdown by the owner or an admin and shown rendered
//! safely on the client's Help page.

pub mod graphql;
pub mod markdown;
pub mod service;

pub use service::{Article, ArticleInput};
