//! A new business on this deployment: the tenant, its owner, and the owner's welcome email with
//! a sign-in link valid for three days (`portico tenant create … --owner-email`).

use portico_domain::{Currency, Email, Slug};

use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
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
}

impl Store {
    /// Creates the tenant and its owner and queues the owner's welcome email (sent by the mail
    /// worker). Returns the tenant.
    pub async fn create_business(&self, new: NewBusiness) -> AppResult<Tenant> {
        let tenant = self
            .create_tenant(NewTenant {
                slug: new.slug,
                name: new.name,
                default_currency: new.currency,
                email: Some(new.owner_email.as_str().to_owned()),
                phone: None,
                address: None,
            })
            .await?;
        self.create_staff_user(&tenant.id, &new.owner_email, &new.owner_name, Role::Owner)
            .await?;
        let user = self
            .find_login_user(&tenant.id, new.owner_email.as_str())
            .await?
            .ok_or(AppError::NotFound("owner"))?;
        let (token, hash) = tokens::generate_with("ml", &tenant.id);
        let link = format!(
            "{}/auth/magic?token={token}",
            self.tenant_url(&tenant.slug).await
        );
        let email = WelcomeEmail {
            name: &user.name,
            link: &link,
            days: WELCOME_DAYS,
        }
        .render(&Brand::new(&tenant.name, &tenant.brand_color), Lang::En);
        self.create_login_link(&tenant.id, &user, &hash, &email, WELCOME_DAYS * 86_400_000)
            .await?;
        Ok(tenant)
    }
}
