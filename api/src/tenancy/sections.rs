//! The sections of the portal a business shows its clients. A section turned off disappears from
//! the clients' menu, and its pages, downloads and API fields answer FORBIDDEN for contacts;
//! staff keep them. Stored as the list of sections turned off, so a section added later starts
//! on.

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Invoices,
    Estimates,
    CreditNotes,
    Statements,
    Projects,
    Messages,
    Help,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Invoices,
        Section::Estimates,
        Section::CreditNotes,
        Section::Statements,
        Section::Projects,
        Section::Messages,
        Section::Help,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Invoices => "invoices",
            Section::Estimates => "estimates",
            Section::CreditNotes => "credit_notes",
            Section::Statements => "statements",
            Section::Projects => "projects",
            Section::Messages => "messages",
            Section::Help => "help",
        }
    }

    pub fn parse(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.key() == key.trim())
    }
}

/// The stored list (`projects,help`) as sections; unknown keys (a section since removed) are
/// ignored.
pub fn parse_hidden(stored: &str) -> Vec<Section> {
    stored.split(',').filter_map(Section::parse).collect()
}

impl Store {
    /// Shows clients exactly the sections in `visible` (owner and admin). Audited.
    pub async fn set_client_sections(&self, scope: &Scope, visible: &[Section]) -> AppResult<()> {
        scope.require_admin()?;
        let hidden: Vec<&str> = Section::ALL
            .into_iter()
            .filter(|s| !visible.contains(s))
            .map(Section::key)
            .collect();
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET hidden_sections = $1 WHERE id = $2")
                .bind(hidden.join(","))
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.client_sections_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "hidden": hidden })),
        )
        .await?;
        tx.commit().await
    }

    /// Refuses a contact a section their business turned off (staff always pass).
    pub async fn require_section(&self, scope: &Scope, section: Section) -> AppResult<()> {
        if scope.is_staff() {
            return Ok(());
        }
        check(&self.hidden_sections(scope).await?, section)
    }

    /// The sections the caller's business hides from its clients.
    pub async fn hidden_sections(&self, scope: &Scope) -> AppResult<Vec<Section>> {
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_one(
                sqlx::query("SELECT hidden_sections FROM tenants WHERE id = $1")
                    .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        Ok(parse_hidden(&rows::text(&row, "hidden_sections")?))
    }
}

/// FORBIDDEN when `section` is among the `hidden` ones.
pub fn check(hidden: &[Section], section: Section) -> AppResult<()> {
    if hidden.contains(&section) {
        return Err(AppError::forbidden(format!(
            "the {} section is turned off for clients",
            section.key().replace('_', " ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_lists_read_back() {
        assert_eq!(
            parse_hidden("projects,help,gone"),
            vec![Section::Projects, Section::Help]
        );
        assert!(parse_hidden("").is_empty());
        for s in Section::ALL {
            assert_eq!(Section::parse(s.key()), Some(s));
        }
    }
}
