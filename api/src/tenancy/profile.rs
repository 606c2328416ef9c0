//! What a person or a tenant shows of itself: a signed-in person's language, and the tenant's
//! public profile (the sign-in page's name, colours, logo and contact details).

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::{Role, Scope};
use crate::tenancy::Tenant;

/// The portal's languages.
pub const LOCALES: [&str; 2] = ["en", "el"];

/// The largest logo, in bytes of its `data:` URI.
pub const MAX_LOGO_BYTES: usize = 64 * 1024;

const LOGO_PREFIXES: [&str; 3] = ["data:image/svg+xml", "data:image/png", "data:image/jpeg"];

/// A logo as stored: a `data:` URI of an SVG, PNG or JPEG image, at most 64 KiB.
pub fn validate_logo(logo: &str) -> AppResult<String> {
    let logo = logo.trim();
    if !LOGO_PREFIXES.iter().any(|p| {
        logo.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with([';', ',']))
    }) {
        return Err(AppError::bad_input(
            "logo",
            "a logo is a data: URI of an SVG, PNG or JPEG image",
        ));
    }
    if logo.len() > MAX_LOGO_BYTES {
        return Err(AppError::bad_input(
            "logo",
            format!("a logo is at most {} KiB", MAX_LOGO_BYTES / 1024),
        ));
    }
    if logo.chars().any(|c| c.is_control()) {
        return Err(AppError::bad_input("logo", "contains control characters"));
    }
    Ok(logo.to_owned())
}

/// Where a caller's language is kept: its contact row, or its staff user row.
enum Person<'a> {
    Contact(&'a str),
    Staff(&'a str),
}

fn person(scope: &Scope) -> Option<Person<'_>> {
    match scope.role {
        Role::Partner => None,
        r if r.is_contact() => scope.contact_id.as_deref().map(Person::Contact),
        _ => Some(Person::Staff(&scope.actor_id)),
    }
}

impl Store {
    /// The public profile of a tenant, by slug (no caller needed: the sign-in page shows it).
    pub async fn portal_profile(&self, slug: &str) -> AppResult<Option<Tenant>> {
        self.tenant_by_slug(slug).await
    }

    /// Sets or clears the tenant's logo (owner and admin).
    pub async fn set_tenant_logo(&self, scope: &Scope, logo: Option<&str>) -> AppResult<()> {
        scope.require_admin()?;
        let logo = logo.map(validate_logo).transpose()?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET logo = $1 WHERE id = $2")
                .bind(logo)
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.logo_changed",
            "tenant",
            &scope.tenant_id,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Sets the tenant's brand colour (`#rrggbb`; owner and admin). The portal keeps its hue and
    /// darkens it where white text on it would not meet AA contrast.
    pub async fn set_tenant_brand_color(&self, scope: &Scope, colour: &str) -> AppResult<()> {
        scope.require_admin()?;
        let ok = colour.len() == 7
            && colour.starts_with('#')
            && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(AppError::bad_input(
                "brandColor",
                "a colour is written #rrggbb, e.g. #1f4e79",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET brand_color = $1 WHERE id = $2")
                .bind(colour.to_ascii_lowercase())
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.brand_color_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "brand_color": colour })),
        )
        .await?;
        tx.commit().await
    }

    /// Sets the tenant's time zone (an IANA name; owner and admin): the portal shows times of
    /// day in it.
    pub async fn set_tenant_time_zone(&self, scope: &Scope, name: &str) -> AppResult<()> {
        scope.require_admin()?;
        let tz = crate::core::time_zone::parse(name)?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET time_zone = $1 WHERE id = $2")
                .bind(tz.name().to_owned())
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.time_zone_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "time_zone": tz.name() })),
        )
        .await?;
        tx.commit().await
    }

    /// The caller's stored language (`None` when unset, or for API tokens without a person).
    pub async fn my_locale(&self, scope: &Scope) -> AppResult<Option<String>> {
        let (sql, id) = match person(scope) {
            Some(Person::Contact(id)) => (
                "SELECT locale FROM contacts WHERE tenant_id = $1 AND id = $2",
                id,
            ),
            Some(Person::Staff(id)) => (
                "SELECT locale FROM staff_users WHERE tenant_id = $1 AND id = $2",
                id,
            ),
            None => return Ok(None),
        };
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(sql)
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        Ok(row
            .map(|r| rows::opt_text(&r, "locale"))
            .transpose()?
            .flatten())
    }

    /// Stores the caller's language (`en` or `el`) on its contact or staff user.
    pub async fn set_my_locale(&self, scope: &Scope, locale: &str) -> AppResult<()> {
        if !LOCALES.contains(&locale) {
            return Err(AppError::bad_input(
                "locale",
                format!("the language is one of {}", LOCALES.join(", ")),
            ));
        }
        let no_person = || {
            AppError::forbidden(
                "only a signed-in person has a language; this API token stands for no one",
            )
        };
        let (sql, kind, id) = match person(scope).ok_or_else(no_person)? {
            Person::Contact(id) => (
                "UPDATE contacts SET locale = $1 WHERE tenant_id = $2 AND id = $3",
                "contact",
                id,
            ),
            Person::Staff(id) => (
                "UPDATE staff_users SET locale = $1 WHERE tenant_id = $2 AND id = $3",
                "staff_user",
                id,
            ),
        };
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query(sql)
                    .bind(locale.to_owned())
                    .bind(scope.tenant_id.clone())
                    .bind(id.to_owned()),
            )
            .await?;
        if n != 1 {
            // A staff token has no staff user row: nothing was changed.
            return Err(no_person());
        }
        audit::record(
            &mut tx,
            scope,
            "locale.changed",
            kind,
            id,
            Some(serde_json::json!({ "locale": locale })),
        )
        .await?;
        tx.commit().await
    }
}

impl Store {
    /// The languages the business offers its clients, the first the default (owner and admin).
    pub async fn set_languages(
        &self,
        scope: &Scope,
        languages: &[String],
    ) -> AppResult<Vec<String>> {
        scope.require_admin()?;
        let mut list: Vec<String> = Vec::new();
        for l in languages {
            let code = l.trim().to_ascii_lowercase();
            if !LOCALES.contains(&code.as_str()) {
                return Err(AppError::bad_input(
                    "languages",
                    format!("the languages are among {}", LOCALES.join(", ")),
                ));
            }
            if !list.contains(&code) {
                list.push(code);
            }
        }
        if list.is_empty() {
            return Err(AppError::bad_input(
                "languages",
                "choose at least one language",
            ));
        }
        let stored = list.join(",");
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET languages = $1 WHERE id = $2")
                .bind(stored.clone())
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.languages_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "languages": stored })),
        )
        .await?;
        tx.commit().await?;
        Ok(list)
    }
}

/// The language of an email to a client's contact: theirs when the business offers it, else the
/// business's default (`languages` as stored, e.g. `el,en`).
pub fn contact_lang(locale: Option<&str>, languages: &str) -> crate::core::mail::message::Lang {
    let offered = parse_languages(languages);
    let chosen = locale.filter(|l| offered.iter().any(|o| o == l));
    crate::core::mail::message::Lang::from_locale(chosen.or(offered.first().map(String::as_str)))
}

/// The languages a tenant offers, as stored (`en,el`): known codes only, in order, at least one.
pub fn parse_languages(stored: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in stored.split(',').map(str::trim) {
        if LOCALES.contains(&code) && !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    if out.is_empty() {
        out = LOCALES.iter().map(|c| (*c).to_owned()).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_small_data_uris_of_three_image_types() {
        assert!(
            validate_logo("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>")
                .is_ok()
        );
        assert!(validate_logo("data:image/png;base64,iVBORw0KGgo=").is_ok());
        assert!(validate_logo("data:image/jpeg;base64,/9j/4AAQ").is_ok());
        for bad in [
            "https://example.com/logo.png",
            "data:image/gif;base64,R0lGOD",
            "data:image/svg+xmlfoo,<svg/>",
            "data:text/html,<script>",
        ] {
            assert_eq!(
                validate_logo(bad).err().map(|e| e.code()),
                Some("BAD_USER_INPUT"),
                "{bad}"
            );
        }
        let big = format!("data:image/png;base64,{}", "A".repeat(MAX_LOGO_BYTES));
        assert!(validate_logo(&big).is_err());
    }
}
