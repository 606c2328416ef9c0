//! How pages get their data: one server function runs a GraphQL operation in-process as the
//! caller (the page request's session). During the server render it is called directly and its
//! result travels to the browser in the hydration data; after hydration the browser calls it over
//! HTTP (POST with the portal's Origin), under the same rules as `/graphql`.

use dioxus::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why a page has no data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PageError {
    SignedOut,
    Forbidden(String),
    NotFound,
    /// The page's own input (a filter, a period) was refused: said on the page, not an error page.
    Invalid(String),
    Failed(String),
}

impl PageError {
    fn from_code(code: &str, message: String) -> Self {
        match code {
            "UNAUTHENTICATED" => PageError::SignedOut,
            "FORBIDDEN" => PageError::Forbidden(message),
            "NOT_FOUND" => PageError::NotFound,
            "BAD_USER_INPUT" => PageError::Invalid(message),
            _ => PageError::Failed(message),
        }
    }
}

/// The result every page loader produces (serializable so it can hydrate).
pub type Loaded<T> = Result<T, PageError>;

/// Runs `query` as the caller and answers `{ ok: data }` or `{ err: [code, message] }`.
#[post("/_portal/api/graphql")]
pub async fn graphql(
    tenant: String,
    query: String,
    variables: serde_json::Value,
) -> Result<serde_json::Value, ServerFnError> {
    let answer = crate::server::run(&tenant, &query, variables).await;
    Ok(match answer.error {
        Some((code, message)) => serde_json::json!({ "err": [code, message] }),
        None => serde_json::json!({ "ok": answer.data }),
    })
}

/// Runs `query` and decodes its data as `T`.
pub async fn fetch<T: DeserializeOwned>(
    tenant: String,
    query: &'static str,
    variables: serde_json::Value,
) -> Loaded<T> {
    let value = graphql(tenant, query.to_owned(), variables)
        .await
        .map_err(|e| PageError::Failed(e.to_string()))?;
    if let Some(err) = value.get("err") {
        let code = err.get(0).and_then(|c| c.as_str()).unwrap_or("INTERNAL");
        let message = err.get(1).and_then(|c| c.as_str()).unwrap_or("").to_owned();
        return Err(PageError::from_code(code, message));
    }
    let data = value.get("ok").cloned().unwrap_or_default();
    serde_json::from_value(data)
        .map_err(|_| PageError::Failed("the answer could not be read".into()))
}

/// The portal's public face: shown before sign-in too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub slug: String,
    pub name: String,
    pub brand_color: String,
    pub logo: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    /// IANA name of the business's time zone.
    #[serde(default)]
    pub time_zone: String,
    /// Its offsets over a few years: times of day are shown in it.
    #[serde(default)]
    pub utc_offsets: Vec<UtcOffset>,
    /// The sections its clients see (`INVOICES`, `CREDIT_NOTES`, …).
    #[serde(default)]
    pub client_sections: Vec<String>,
    /// The languages the business offers its clients, the default first.
    #[serde(default)]
    pub languages: Vec<String>,
}

impl Profile {
    /// Whether the business offers its clients `lang` (every language when it says nothing).
    pub fn offers(&self, lang: crate::i18n::Locale) -> bool {
        self.languages.is_empty() || self.languages.iter().any(|c| c == lang.code())
    }

    /// The language a client who asked for `chosen` gets: it, when offered, else the default.
    pub fn client_locale(&self, chosen: crate::i18n::Locale) -> crate::i18n::Locale {
        if self.offers(chosen) {
            return chosen;
        }
        self.languages
            .first()
            .and_then(|c| crate::i18n::Locale::parse(c))
            .unwrap_or(chosen)
    }

    /// Whether the business has what an e-invoice needs of it (VAT id and country): pages offer
    /// the XML only then, for clients whose country is known.
    pub fn can_e_invoice(&self, client_country: Option<&str>) -> bool {
        self.vat_id.is_some() && self.country.is_some() && client_country.is_some()
    }

    /// "105 51 Athens, GR": the line after the street, as documents print it.
    pub fn place_line(&self) -> Option<String> {
        let town = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        match (town.is_empty(), self.country.as_deref()) {
            (true, None) => None,
            (true, Some(c)) => Some(c.to_owned()),
            (false, None) => Some(town),
            (false, Some(c)) => Some(format!("{town}, {c}")),
        }
    }
}

/// From `from` (Unix milliseconds) on, local time is `minutes` ahead of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct UtcOffset {
    pub from: i64,
    pub minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Viewer {
    pub role: String,
    pub name: String,
    pub locale: Option<String>,
    pub client: Option<ClientRef>,
    pub unread_messages: i64,
    pub unread_notifications: i64,
}

impl Viewer {
    pub fn is_staff(&self) -> bool {
        !self.role.starts_with("contact")
    }

    /// The owner and admins: they set the business and its portal up.
    pub fn is_admin(&self) -> bool {
        self.role == "owner" || self.role == "admin"
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientRef {
    pub id: String,
    pub name: String,
    /// Asked for where an e-invoice may be offered (it needs the client's country).
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub amount: String,
    pub currency: String,
    pub minor: i64,
}

/// What the layout needs on every page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShellData {
    pub profile: Option<Profile>,
    pub viewer: Option<Viewer>,
    pub locale: crate::i18n::Locale,
    /// Today's date on the server (`YYYY-MM-DD`, UTC), for default periods.
    pub today: String,
}

const PROFILE: &str = "query($slug: String!) { portal(slug: $slug) { slug name brandColor logo email phone address city postalCode country vatId timeZone utcOffsets { from minutes } clientSections languages } }";
const BOTH: &str = "query($slug: String!) { portal(slug: $slug) { slug name brandColor logo email phone address city postalCode country vatId timeZone utcOffsets { from minutes } clientSections languages } viewer { role name locale unreadMessages unreadNotifications client { id name } } }";

#[derive(Deserialize)]
struct ProfileData {
    portal: Option<Profile>,
}
#[derive(Deserialize)]
struct BothData {
    portal: Option<Profile>,
    viewer: Viewer,
}

/// The tenant's profile, the signed-in person (if any) and the interface language: one GraphQL
/// operation for a signed-in person, and the public profile alone otherwise.
pub async fn load_shell(tenant: String) -> Loaded<ShellData> {
    let slug = serde_json::json!({ "slug": tenant });
    let (profile, viewer) = match fetch::<BothData>(tenant.clone(), BOTH, slug.clone()).await {
        Ok(both) => (both.portal, Some(both.viewer)),
        Err(PageError::SignedOut) => (
            fetch::<ProfileData>(tenant.clone(), PROFILE, slug)
                .await?
                .portal,
            None,
        ),
        Err(e) => return Err(e),
    };
    let chosen = viewer
        .as_ref()
        .and_then(|v| v.locale.as_deref())
        .and_then(crate::i18n::Locale::parse)
        .unwrap_or_else(request_locale);
    // Clients and visitors get one of the languages the business offers (its default when they
    // chose another); staff keep any.
    let locale = match &profile {
        Some(p) if !viewer.as_ref().is_some_and(Viewer::is_staff) => p.client_locale(chosen),
        _ => chosen,
    };
    Ok(ShellData {
        profile,
        viewer,
        locale,
        today: today(),
    })
}

/// A just-made API token's secret, when the Settings page's request brings it (server only; the
/// browser gets it with the page).
pub async fn fresh_api_token() -> Option<String> {
    #[cfg(feature = "server")]
    {
        crate::server::fresh_api_token()
    }
    #[cfg(not(feature = "server"))]
    {
        None
    }
}

/// The language the request asks for (cookie, then Accept-Language). The browser never runs the
/// shell's first load itself (its result comes with the page), so there it is only a default.
pub fn request_locale() -> crate::i18n::Locale {
    #[cfg(feature = "server")]
    {
        crate::server::request_locale()
    }
    #[cfg(not(feature = "server"))]
    {
        crate::i18n::Locale::default()
    }
}

fn today() -> String {
    #[cfg(feature = "server")]
    {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        crate::fmt::instant_date(ms)
    }
    #[cfg(not(feature = "server"))]
    {
        String::new()
    }
}

/// A page's data: `query` run as the caller during the server render (the browser gets the result
/// in the hydration data). Suspends the page until it is loaded.
pub fn use_query<T>(
    tenant: &str,
    query: &'static str,
    variables: serde_json::Value,
) -> Result<Resource<Loaded<T>>, RenderError>
where
    T: Serialize + DeserializeOwned + 'static,
{
    let tenant = tenant.to_owned();
    use_server_future(move || fetch::<T>(tenant.clone(), query, variables.clone()))
}

/// Reads an enum value the API sends in capitals (`AWAITING_TRANSFER`) as the lower-case key the
/// pages compare and translate (`awaiting_transfer`).
pub fn lowercase<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(String::deserialize(d)?.to_ascii_lowercase())
}
