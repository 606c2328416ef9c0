//! Tenant settings read and changed through the API (the settings pages come with the
//! back-office). Merged into the Query and Mutation roots.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};

use crate::graphql::context::{scope, store};
use crate::tenancy::{BusinessDetails, DocumentSettings, Section};

/// A section of the portal a business may show its clients or not.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ClientSection {
    Invoices,
    Estimates,
    CreditNotes,
    Statements,
    Projects,
    Messages,
    Help,
}

impl ClientSection {
    pub fn to_section(self) -> Section {
        match self {
            ClientSection::Invoices => Section::Invoices,
            ClientSection::Estimates => Section::Estimates,
            ClientSection::CreditNotes => Section::CreditNotes,
            ClientSection::Statements => Section::Statements,
            ClientSection::Projects => Section::Projects,
            ClientSection::Messages => Section::Messages,
            ClientSection::Help => Section::Help,
        }
    }

    pub fn from_section(s: Section) -> ClientSection {
        match s {
            Section::Invoices => ClientSection::Invoices,
            Section::Estimates => ClientSection::Estimates,
            Section::CreditNotes => ClientSection::CreditNotes,
            Section::Statements => ClientSection::Statements,
            Section::Projects => ClientSection::Projects,
            Section::Messages => ClientSection::Messages,
            Section::Help => ClientSection::Help,
        }
    }

    /// The sections a tenant shows its clients.
    pub fn visible(t: &crate::tenancy::Tenant) -> Vec<ClientSection> {
        Section::ALL
            .into_iter()
            .filter(|s| !t.hidden_sections.contains(s))
            .map(ClientSection::from_section)
            .collect()
    }
}

/// The business's name and brand colour.
#[derive(InputObject)]
pub struct BrandingInput {
    pub name: String,
    /// `#` and six hex digits; white text on it needs a contrast of at least 4.5:1.
    pub brand_color: String,
}

/// The business's legal details and document settings (owner and admin).
#[derive(SimpleObject)]
pub struct BusinessSettings {
    pub name: String,
    pub brand_color: String,
    /// How many invitations its people may send a day.
    pub invitation_daily_limit: i64,
    /// IANA name, e.g. `Europe/Athens`.
    pub time_zone: String,
    /// How long a session lasts without use, and in all (days).
    pub session_idle_days: i64,
    pub session_absolute_days: i64,
    /// The sections its clients see.
    pub client_sections: Vec<ClientSection>,
    pub vat_id: Option<String>,
    /// Street lines.
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `GR`.
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub document_footer: Option<String>,
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// Emails carry their document as a PDF (the receipt email its receipt).
    pub attach_pdfs: bool,
    /// Staff sign in with a passkey once they have one (the first sign-in is by link).
    pub staff_passkeys_required: bool,
    /// The networks staff may sign in from (addresses or CIDR ranges); empty: anywhere.
    pub staff_networks: Vec<String>,
    /// The languages the portal offers its clients (`en`, `el`), the first the default.
    pub languages: Vec<String>,
    /// The portal's address (its own host name when the operator gave it one).
    pub portal_url: String,
    /// Its own host name, if any (set by the operator: `portico tenant host`).
    pub host_name: Option<String>,
}

/// Every field is replaced; a missing or blank one is cleared.
#[derive(InputObject)]
pub struct BusinessDetailsInput {
    /// With its country prefix, e.g. `EL094019245`.
    pub vat_id: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `GR`.
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Every field is replaced; a missing or blank one is cleared.
#[derive(InputObject)]
pub struct DocumentSettingsInput {
    /// Small print at the foot of every page of every document.
    pub footer: Option<String>,
    /// Printed on invoices without their own terms and declared in e-invoices.
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    /// Printed on invoices and declared as the payment account of e-invoices.
    pub iban: Option<String>,
    pub bic: Option<String>,
    #[graphql(default = true)]
    pub attach_pdfs: bool,
}

#[derive(Default)]
pub struct TenantSettingsQuery;

#[Object]
impl TenantSettingsQuery {
    /// The business's legal details and document settings (owner and admin).
    async fn business_settings(&self, ctx: &Context<'_>) -> Result<BusinessSettings> {
        let scope = scope(ctx)?;
        scope.require_admin()?;
        let t = store(ctx)
            .tenant_by_id(scope.tenant_id.as_str())
            .await?
            .ok_or(crate::core::error::AppError::NotFound("tenant"))?;
        let client_sections = ClientSection::visible(&t);
        let portal_url = store(ctx).tenant_url(&t.slug).await;
        let d = t.documents;
        Ok(BusinessSettings {
            staff_passkeys_required: t.staff_passkeys_required,
            staff_networks: t.staff_networks.iter().map(|n| n.to_string()).collect(),
            languages: t.languages,
            portal_url,
            host_name: t.host_name,
            client_sections,
            brand_color: t.brand_color,
            invitation_daily_limit: t.invitation_daily_limit,
            time_zone: t.time_zone,
            session_idle_days: t.session_idle_days,
            session_absolute_days: t.session_absolute_days,
            name: t.name,
            vat_id: t.vat_id,
            address: t.address,
            city: t.city,
            postal_code: t.postal_code,
            country: t.country,
            email: t.email,
            phone: t.phone,
            document_footer: d.footer,
            payment_terms: d.payment_terms,
            bank_name: d.bank_name,
            iban: d.iban,
            bic: d.bic,
            attach_pdfs: d.attach_pdfs,
        })
    }
}

#[derive(Default)]
pub struct TenantSettingsMutation;

#[Object]
impl TenantSettingsMutation {
    /// Sets the business's time zone (an IANA name such as `Europe/Athens`; owner and admin):
    /// the portal shows every time of day in it. Returns the name stored.
    async fn set_time_zone(&self, ctx: &Context<'_>, time_zone: String) -> Result<String> {
        let tz = crate::core::time_zone::parse(&time_zone)?;
        store(ctx)
            .set_tenant_time_zone(scope(ctx)?, tz.name())
            .await?;
        Ok(tz.name().to_owned())
    }

    /// Renames the business and sets its brand colour (owner and admin). A colour on which white
    /// text would be hard to read is refused, saying its contrast.
    async fn update_branding(&self, ctx: &Context<'_>, input: BrandingInput) -> Result<bool> {
        store(ctx)
            .set_branding(scope(ctx)?, &input.name, &input.brand_color)
            .await?;
        Ok(true)
    }

    /// Sets the business's logo (owner and admin) from a base64 `data:` URI of a PNG (at most
    /// 4096 pixels a side), JPEG or SVG file of at most 512 KiB. An SVG is rebuilt keeping only
    /// what draws (no scripts, handlers, external references or styles). Returns the logo's path
    /// under the portal's address, as `portal { logo }` gives it.
    async fn set_logo(&self, ctx: &Context<'_>, image: String) -> Result<String> {
        let s = scope(ctx)?;
        s.require_admin()?;
        let img = crate::tenancy::logo::read_upload(image.trim().as_bytes())?;
        let file = store(ctx).set_logo(s, img).await?;
        Ok(crate::tenancy::brand_routes::logo_path(
            &s.tenant_slug,
            &file,
        ))
    }

    /// How long its people's sessions last (owner and admin): `idleDays` without use (1–30) and
    /// `absoluteDays` in all (from the idle time up to 90). Shorter limits also shorten the
    /// sessions already open; longer ones apply to new sign-ins.
    async fn set_session_lifetime(
        &self,
        ctx: &Context<'_>,
        idle_days: i32,
        absolute_days: i32,
    ) -> Result<bool> {
        store(ctx)
            .set_session_lifetime(scope(ctx)?, i64::from(idle_days), i64::from(absolute_days))
            .await?;
        Ok(true)
    }

    /// How staff sign in (owner and admin): `requirePasskeys` makes staff who have a passkey use
    /// it (a sign-in link no longer works for them; the first sign-in stays by link), and
    /// `networks` (addresses or CIDR ranges; empty: anywhere) limits where staff sign in from.
    /// A list that leaves out the caller's own address is refused. Returns the networks stored.
    async fn set_staff_security(
        &self,
        ctx: &Context<'_>,
        require_passkeys: bool,
        networks: Vec<String>,
    ) -> Result<Vec<String>> {
        let nets = store(ctx)
            .set_staff_security(scope(ctx)?, require_passkeys, &networks)
            .await?;
        Ok(nets.iter().map(|n| n.to_string()).collect())
    }

    /// The languages the portal offers its clients (owner and admin), the first being the
    /// default for people who have not chosen; at least one of `en`, `el`. Returns them.
    async fn set_languages(
        &self,
        ctx: &Context<'_>,
        languages: Vec<String>,
    ) -> Result<Vec<String>> {
        Ok(store(ctx).set_languages(scope(ctx)?, &languages).await?)
    }

    /// Removes the business's logo (owner and admin): its name shows instead.
    async fn remove_logo(&self, ctx: &Context<'_>) -> Result<bool> {
        store(ctx).remove_logo(scope(ctx)?).await?;
        Ok(true)
    }

    /// Shows clients exactly these sections (owner and admin); the others disappear from their
    /// menu, and their pages and API fields answer FORBIDDEN for contacts. Returns them.
    async fn set_client_sections(
        &self,
        ctx: &Context<'_>,
        sections: Vec<ClientSection>,
    ) -> Result<Vec<ClientSection>> {
        let visible: Vec<Section> = sections.iter().map(|s| s.to_section()).collect();
        store(ctx)
            .set_client_sections(scope(ctx)?, &visible)
            .await?;
        Ok(Section::ALL
            .into_iter()
            .filter(|s| visible.contains(s))
            .map(ClientSection::from_section)
            .collect())
    }

    /// Replaces the business's legal details: VAT id, address, country, email, phone (owner and
    /// admin). Documents and e-invoices print them.
    async fn update_business_details(
        &self,
        ctx: &Context<'_>,
        input: BusinessDetailsInput,
    ) -> Result<bool> {
        let details = BusinessDetails {
            vat_id: input.vat_id,
            address: input.address,
            city: input.city,
            postal_code: input.postal_code,
            country: input.country,
            email: input.email,
            phone: input.phone,
        };
        store(ctx)
            .set_business_details(scope(ctx)?, details)
            .await?;
        Ok(true)
    }

    /// Replaces the business's document settings: footer, payment terms, bank details, and
    /// whether emails carry PDFs (owner and admin).
    async fn update_document_settings(
        &self,
        ctx: &Context<'_>,
        input: DocumentSettingsInput,
    ) -> Result<bool> {
        let settings = DocumentSettings {
            footer: input.footer,
            payment_terms: input.payment_terms,
            bank_name: input.bank_name,
            iban: input.iban,
            bic: input.bic,
            attach_pdfs: input.attach_pdfs,
        };
        store(ctx)
            .set_document_settings(scope(ctx)?, settings)
            .await?;
        Ok(true)
    }
}
