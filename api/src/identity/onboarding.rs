//! A new business on this deployment: the tenant, its owner, and the owner's welcome email with
//! a sign-in link valid for three days (`portico tenant create … --owner-email`).

use portico_domain::{Currency, Email, Slug};

use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::mail::message::{Brand, Lang, Template};
use crate::core::scope::Role;
use crate::core::tokens;
use crate::identity::mail::WelcomeEmail;
use crate::tenancy::{NewTenant, Tenant};

/// How long the owner's first sign-in link works.
pub const WELCOME_DAYS: i64 = 3;

pub struct NewBusiness {
    pub slug: Slug,
    pub name: String,
    pub currency: Currency,
    pub owner_email: Email,
    pub owner_name: String,
    /// The owner signed up themselves (public sign-up), rather than the operator creating it.
    pub signed_up: bool,
}

impl Store {
    /// Creates the tenant, its owner and the owner's welcome email (sent by the mail worker), all
    /// in one transaction: a crash leaves either all of it or nothing. Returns the tenant.
    pub async fn create_business(&self, new: NewBusiness) -> AppResult<Tenant> {
        let id = crate::core::db::new_id();
        // A new business has no host name yet: its address is the deployment's (or its
        // subdomain of the tenant domain).
        let portal = self.sites().url_for(new.slug.as_str(), None);
        let mut tx = self.write(&id).await?;
        let tenant = crate::tenancy::repo::insert_tenant(
            &mut tx,
            &id,
            NewTenant {
                slug: new.slug,
                name: new.name,
                default_currency: new.currency,
                email: Some(new.owner_email.as_str().to_owned()),
                phone: None,
                address: None,
            },
        )
        .await?;
        let owner = crate::core::db::new_id();
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO staff_users (id, tenant_id, email, name, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(owner.clone())
            .bind(id.clone())
            .bind(new.owner_email.as_str().to_owned())
            .bind(new.owner_name.clone())
            .bind(Role::Owner.as_str())
            .bind(now),
        )
        .await?;
        let (token, hash) = tokens::generate_with("ml", &id);
        let link = format!("{portal}/auth/magic?token={token}");
        let email = WelcomeEmail {
            name: &new.owner_name,
            link: &link,
            days: WELCOME_DAYS,
        }
        .render(&Brand::new(&tenant.name, &tenant.brand_color), Lang::En);
        tx.execute(
            sqlx::query(
                "INSERT INTO magic_links (id, tenant_id, token_hash, purpose, user_kind, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, 'login', 'staff', $4, $5, $6)",
            )
            .bind(crate::core::db::new_id())
            .bind(id.clone())
            .bind(hash)
            .bind(owner.clone())
            .bind(now)
            .bind(now + WELCOME_DAYS * 86_400_000),
        )
        .await?;
        crate::core::outbox::queue_email(&mut tx, &id, new.owner_email.as_str(), &email).await?;
        let actor = if new.signed_up {
            crate::core::scope::Scope {
                actor_id: owner.clone(),
                actor_name: new.owner_name.clone(),
                ..crate::core::scope::Scope::operator(&id, &tenant.slug)
            }
        } else {
            crate::core::scope::Scope::operator(&id, &tenant.slug)
        };
        crate::core::audit::record(
            &mut tx,
            &actor,
            "tenant.created",
            "tenant",
            &id,
            Some(serde_json::json!({
                "via": if new.signed_up { "sign-up" } else { "command line" },
                "owner": new.owner_email.as_str(),
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }
}
