//! GraphQL of help articles: the list a reader sees, and the owner's and admins' edits.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use crate::core::ids;
use crate::graphql::context::{scope, store};
use crate::help::{Article, ArticleInput};

#[derive(SimpleObject)]
pub struct HelpArticle {
    pub id: ID,
    /// `en` or `el`.
    pub locale: String,
    pub title: String,
    /// The Markdown as written.
    pub body: String,
    /// The body as safe HTML (no raw HTML, no scripts, only web, mail and portal links).
    pub html: String,
    pub position: i64,
    pub updated_at: i64,
}

impl From<Article> for HelpArticle {
    fn from(a: Article) -> Self {
        HelpArticle {
            id: ids::encode("HelpArticle", &a.id),
            html: crate::help::markdown::to_html(&a.body),
            locale: a.locale,
            title: a.title,
            body: a.body,
            position: a.position,
            updated_at: a.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct HelpArticleInput {
    /// `en` or `el`: the readers who see it.
    pub locale: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Lower first; default 0.
    #[graphql(default)]
    pub position: i64,
}

impl From<HelpArticleInput> for ArticleInput {
    fn from(i: HelpArticleInput) -> Self {
        ArticleInput {
            locale: i.locale,
            title: i.title,
            body: i.body,
            position: i.position,
        }
    }
}

#[derive(Default)]
pub struct HelpQuery;

#[Object]
impl HelpQuery {
    /// Help articles in `locale` (default: the reader's language, else English). A contact whose
    /// language has none gets every article. FORBIDDEN for contacts when Help is turned off.
    async fn help_articles(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
    ) -> Result<Vec<HelpArticle>> {
        let s = scope(ctx)?;
        let locale = match locale {
            Some(l) => Some(l.trim().to_ascii_lowercase()),
            None if s.is_staff() => None,
            None => Some(
                store(ctx)
                    .my_locale(s)
                    .await?
                    .unwrap_or_else(|| "en".to_owned()),
            ),
        };
        Ok(store(ctx)
            .help_articles(s, locale.as_deref())
            .await?
            .into_iter()
            .map(HelpArticle::from)
            .collect())
    }
}

#[derive(Default)]
pub struct HelpMutation;

#[Object]
impl HelpMutation {
    /// Owner and admin.
    async fn create_help_article(
        &self,
        ctx: &Context<'_>,
        input: HelpArticleInput,
    ) -> Result<HelpArticle> {
        Ok(store(ctx)
            .create_help_article(scope(ctx)?, input.into())
            .await?
            .into())
    }

    /// Owner and admin: replaces the article's language, title, body and position.
    async fn update_help_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: HelpArticleInput,
    ) -> Result<HelpArticle> {
        let id = ids::decode(&id, "HelpArticle")?;
        Ok(store(ctx)
            .update_help_article(scope(ctx)?, &id, input.into())
            .await?
            .into())
    }

    /// Owner and admin.
    async fn delete_help_article(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "HelpArticle")?;
        store(ctx).delete_help_article(scope(ctx)?, &id).await?;
        Ok(true)
    }
}
