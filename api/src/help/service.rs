//! Help articles: listed for a reader in their language, written and ordered by owner and admin.

use portico_domain::validate;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::tenancy::{Section, LOCALES};

/// A business has at most this many articles.
pub const MAX_ARTICLES: i64 = 200;
/// The longest article body, in characters of Markdown.
pub const MAX_BODY: usize = 20_000;

#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub locale: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub position: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct ArticleInput {
    pub locale: String,
    pub title: String,
    pub body: String,
    pub position: i64,
}

impl ArticleInput {
    fn parse(self) -> AppResult<ArticleInput> {
        let locale = self.locale.trim().to_ascii_lowercase();
        if !LOCALES.contains(&locale.as_str()) {
            return Err(AppError::bad_input(
                "locale",
                format!("choose one of {}", LOCALES.join(", ")),
            ));
        }
        if !(0..=10_000).contains(&self.position) {
            return Err(AppError::bad_input("position", "between 0 and 10000"));
        }
        Ok(ArticleInput {
            locale,
            title: validate::text("title", &self.title, 200)?,
            body: validate::text("body", &self.body, MAX_BODY)?,
            position: self.position,
        })
    }
}

fn article(row: &sqlx::any::AnyRow) -> AppResult<Article> {
    Ok(Article {
        id: rows::text(row, "id")?,
        locale: rows::text(row, "locale")?,
        title: rows::text(row, "title")?,
        body: rows::text(row, "body")?,
        position: rows::int(row, "position")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}

const COLUMNS: &str = "id, locale, title, body, position, updated_at";

impl Store {
    /// The articles in `locale`, in order; for a contact whose language has none, every article
    /// (better one in another language than an empty page). Staff without `locale` get all.
    pub async fn help_articles(
        &self,
        scope: &Scope,
        locale: Option<&str>,
    ) -> AppResult<Vec<Article>> {
        self.require_section(scope, Section::Help).await?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM help_articles WHERE tenant_id = $1 ORDER BY position, title, id"
                ))
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        let all = rows.iter().map(article).collect::<AppResult<Vec<_>>>()?;
        let Some(locale) = locale else {
            return Ok(all);
        };
        let mine: Vec<Article> = all.iter().filter(|a| a.locale == locale).cloned().collect();
        Ok(if mine.is_empty() && !scope.is_staff() {
            all
        } else {
            mine
        })
    }

    pub async fn create_help_article(
        &self,
        scope: &Scope,
        input: ArticleInput,
    ) -> AppResult<Article> {
        scope.require_admin()?;
        let a = input.parse()?;
        let mut tx = self.write_scoped(scope).await?;
        let count = tx
            .fetch_one(
                sqlx::query(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM help_articles WHERE tenant_id = $1",
                )
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        if rows::int(&count, "n")? >= MAX_ARTICLES {
            return Err(AppError::bad_input(
                "title",
                format!("a business has at most {MAX_ARTICLES} help articles"),
            ));
        }
        let id = new_id();
        let now = tx.now_ms();
        let row = tx
            .fetch_one(
                sqlx::query(&format!(
                    "INSERT INTO help_articles (id, tenant_id, locale, title, body, position, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {COLUMNS}"
                ))
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(a.locale)
                .bind(a.title.clone())
                .bind(a.body)
                .bind(a.position)
                .bind(now),
            )
            .await?;
        audit::record(
            &mut tx,
            scope,
            "help_article.created",
            "help_article",
            &id,
            Some(serde_json::json!({ "title": a.title })),
        )
        .await?;
        tx.commit().await?;
        article(&row)
    }

    pub async fn update_help_article(
        &self,
        scope: &Scope,
        id: &str,
        input: ArticleInput,
    ) -> AppResult<Article> {
        scope.require_admin()?;
        let a = input.parse()?;
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!(
                    "UPDATE help_articles SET locale = $1, title = $2, body = $3, position = $4, updated_at = $5 \
                     WHERE tenant_id = $6 AND id = $7 RETURNING {COLUMNS}"
                ))
                .bind(a.locale)
                .bind(a.title.clone())
                .bind(a.body)
                .bind(a.position)
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("help article"))?;
        audit::record(
            &mut tx,
            scope,
            "help_article.updated",
            "help_article",
            id,
            Some(serde_json::json!({ "title": a.title })),
        )
        .await?;
        tx.commit().await?;
        article(&row)
    }

    pub async fn delete_help_article(&self, scope: &Scope, id: &str) -> AppResult<()> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        let gone = tx
            .execute(
                sqlx::query("DELETE FROM help_articles WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        if gone == 0 {
            return Err(AppError::NotFound("help article"));
        }
        audit::record(
            &mut tx,
            scope,
            "help_article.deleted",
            "help_article",
            id,
            None,
        )
        .await?;
        tx.commit().await
    }
}
