//! GraphQL types for the parties: the tenant, clients, contacts and the viewer.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use crate::core::ids;
use crate::graphql::context::{scope, store};
use crate::graphql::scalars::Long;

pub struct Client(pub crate::parties::Client);

#[Object]
impl Client {
    pub async fn id(&self) -> ID {
        ids::encode("Client", &self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn tax_id(&self) -> Option<&str> {
        self.0.tax_id.as_deref()
    }
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    async fn city(&self) -> Option<&str> {
        self.0.place.city.as_deref()
    }
    async fn postal_code(&self) -> Option<&str> {
        self.0.place.postal_code.as_deref()
    }
    /// ISO 3166-1 alpha-2, e.g. "GR".
    async fn country(&self) -> Option<&str> {
        self.0.place.country.as_deref()
    }
    async fn currency(&self) -> &str {
        self.0.currency.code()
    }
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<Contact>> {
        Ok(store(ctx)
            .contacts_of(scope(ctx)?, &self.0.id)
            .await?
            .into_iter()
            .map(Contact)
            .collect())
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ContactRole {
    /// Manages the client's contacts, pays, decides on estimates.
    Admin,
    /// Pays and decides on estimates.
    Payer,
    /// Reads only.
    Viewer,
}

impl ContactRole {
    /// The role as the store keeps it (`admin`, `payer`, anything else reads as viewer).
    pub fn from_store(s: &str) -> ContactRole {
        match s {
            "admin" => ContactRole::Admin,
            "payer" => ContactRole::Payer,
            _ => ContactRole::Viewer,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ContactRole::Admin => "admin",
            ContactRole::Payer => "payer",
            ContactRole::Viewer => "viewer",
        }
    }
}

pub struct Contact(pub crate::parties::Contact);

#[Object]
impl Contact {
    pub async fn id(&self) -> ID {
        ids::encode("Contact", &self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn role(&self) -> ContactRole {
        ContactRole::from_store(&self.0.role)
    }
    /// Their access to the portal was turned off (they can no longer sign in).
    async fn disabled(&self) -> bool {
        self.0.disabled_at.is_some()
    }
}

#[derive(SimpleObject)]
pub struct Tenant {
    pub slug: String,
    pub name: String,
    pub default_currency: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub brand_color: String,
}

/// One span of a time zone's offset from UTC.
#[derive(SimpleObject)]
pub struct UtcOffset {
    /// From this instant on (Unix milliseconds)…
    pub from: Long,
    /// …local time is this many minutes ahead of UTC.
    pub minutes: i32,
}

/// What the sign-in page shows of a business (public: no sign-in needed).
#[derive(SimpleObject)]
pub struct PortalProfile {
    pub slug: String,
    pub name: String,
    pub brand_color: String,
    /// The logo: the path of the uploaded file (`/acme/brand/logo-….png`, under the portal's
    /// address), or a `data:` URI of an SVG, PNG or JPEG image set before uploads.
    pub logo: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// With its country prefix, as documents print it.
    pub vat_id: Option<String>,
    /// The business's time zone (IANA name): times of day are shown in it.
    pub time_zone: String,
    /// Its offsets from three years ago to a year ahead, first to last, so a page can show any
    /// instant of that span as local time without a time-zone database.
    pub utc_offsets: Vec<UtcOffset>,
    /// The sections of the portal its clients see (the menu shows only these).
    pub client_sections: Vec<crate::tenancy::graphql::ClientSection>,
    /// The languages the portal offers its clients (`en`, `el`), the default first.
    pub languages: Vec<String>,
}

impl PortalProfile {
    /// The profile of `t`, with its offsets around `now` (ms).
    pub fn new(t: crate::tenancy::Tenant, now: i64) -> Self {
        const YEAR: i64 = 365 * 86_400_000;
        let utc_offsets = crate::core::time_zone::offsets(&t.time_zone, now - 3 * YEAR, now + YEAR)
            .into_iter()
            .map(|o| UtcOffset {
                from: Long(o.from_ms),
                minutes: o.minutes,
            })
            .collect();
        let logo = match &t.logo_file {
            Some(file) => Some(crate::tenancy::brand_routes::logo_path(&t.slug, file)),
            None => t.logo.clone(),
        };
        PortalProfile {
            client_sections: crate::tenancy::graphql::ClientSection::visible(&t),
            languages: t.languages.clone(),
            time_zone: t.time_zone,
            utc_offsets,
            slug: t.slug,
            name: t.name,
            brand_color: t.brand_color,
            logo,
            email: t.email,
            phone: t.phone,
            address: t.address,
            city: t.city,
            postal_code: t.postal_code,
            country: t.country,
            vat_id: t.vat_id,
        }
    }
}

impl From<crate::tenancy::Tenant> for Tenant {
    fn from(t: crate::tenancy::Tenant) -> Self {
        Tenant {
            slug: t.slug,
            name: t.name,
            default_currency: t.default_currency.code().to_owned(),
            email: t.email,
            phone: t.phone,
            address: t.address,
            brand_color: t.brand_color,
        }
    }
}

/// Who is calling.
pub struct Viewer;

#[Object]
impl Viewer {
    /// `owner`, `admin`, `member`, `partner`, `contact_admin`, `contact_payer` or `contact_viewer`.
    async fn role(&self, ctx: &Context<'_>) -> Result<&'static str> {
        Ok(scope(ctx)?.role.as_str())
    }
    async fn name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(scope(ctx)?.actor_name.clone())
    }
    async fn tenant(&self, ctx: &Context<'_>) -> Result<Option<Tenant>> {
        let s = scope(ctx)?;
        Ok(store(ctx)
            .tenant_by_id(&s.tenant_id)
            .await?
            .map(Tenant::from))
    }
    /// The client a contact belongs to; null for staff and partners.
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        let s = scope(ctx)?;
        match s.client_filter() {
            Some(id) => Ok(store(ctx).client(s, id).await?.map(Client)),
            None => Ok(None),
        }
    }
    async fn contact(&self, ctx: &Context<'_>) -> Result<Option<Contact>> {
        let s = scope(ctx)?;
        match s.contact_id.as_deref() {
            Some(id) => Ok(store(ctx).contact(s, id).await?.map(Contact)),
            None => Ok(None),
        }
    }
    /// The language the signed-in person chose (`en` or `el`); null when unset, and for API
    /// tokens that stand for no person.
    async fn locale(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(store(ctx).my_locale(scope(ctx)?).await?)
    }
    /// Messages by others, in the threads the caller may see, since the caller last opened each.
    async fn unread_messages(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(store(ctx).unread_messages(scope(ctx)?).await?)
    }
    /// Unread staff notifications (always 0 for contacts).
    async fn unread_notifications(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(store(ctx).unread_notifications(scope(ctx)?).await?)
    }
}

pub mod invitation_page;
pub mod mutation;
