//! Public sign-up, when the deployment allows it (`PORTICO_PUBLIC_SIGNUP=true`; off by default,
//! when only the operator creates businesses with `portico tenant create`).
//!
//! Someone fills in the sign-up page (business, its address on this deployment, their name and
//! email, currency): nothing is created yet. An email with a link proves the address; the link's
//! page posts back (a GET never consumes it), and only then are the business and its owner
//! created and the owner signed in. A link works once, for 24 hours; an address gets at most
//! three links an hour, and the deployment at most 200 sign-ups an hour.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use portico_domain::{Currency, Email, Slug};

use crate::core::client_ip::ClientIp;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::forms::{field, percent_encode};
use crate::core::mail::message::{Brand, Lang, Template};
use crate::core::state::AppState;
use crate::core::tokens;
use crate::identity::mail::SignupEmail;
use crate::identity::onboarding::NewBusiness;
use crate::identity::routes::{client_of, origin_ok, start_session};
use crate::identity::UserKind;

/// How long a sign-up link works.
pub const LINK_HOURS: i64 = 24;
const HOUR_MS: i64 = 3_600_000;
/// Links one address may ask for in an hour.
const PER_ADDRESS: i64 = 3;
/// Sign-ups the deployment takes in an hour.
const PER_HOUR: i64 = 200;

/// What someone asked for on the sign-up page.
pub struct Request {
    pub business: String,
    pub slug: Slug,
    pub name: String,
    pub email: Email,
    pub currency: Currency,
}

/// Why a sign-up could not go on: a code the sign-up page explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Business,
    Slug,
    SlugTaken,
    Name,
    Email,
    Currency,
    TooMany,
    Mail,
    Used,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Business => "business",
            Problem::Slug => "slug",
            Problem::SlugTaken => "slug_taken",
            Problem::Name => "name",
            Problem::Email => "email",
            Problem::Currency => "currency",
            Problem::TooMany => "too_many",
            Problem::Mail => "mail",
            Problem::Used => "used",
        }
    }
}

/// Reads the page's fields; the first problem found wins.
pub fn read(headers: &HeaderMap, body: &[u8]) -> Result<Request, Problem> {
    let get = |name: &str| field(headers, body, name).unwrap_or_default();
    let business = get("business").trim().to_owned();
    if business.is_empty()
        || business.chars().count() > 100
        || business.chars().any(char::is_control)
    {
        return Err(Problem::Business);
    }
    let slug = Slug::parse(get("slug").trim()).map_err(|_| Problem::Slug)?;
    let name = get("name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Problem::Name);
    }
    let email = Email::parse(get("email").trim()).map_err(|_| Problem::Email)?;
    let currency = Currency::parse(get("currency").trim()).map_err(|_| Problem::Currency)?;
    Ok(Request {
        business,
        slug,
        name,
        email,
        currency,
    })
}

impl Store {
    /// Records a sign-up waiting for its email to be proven; returns the link's token, or the
    /// problem (the address is taken, too many requests).
    pub async fn request_signup(&self, r: &Request) -> AppResult<Result<String, Problem>> {
        let now = self.now_ms();
        if self.tenant_by_slug(r.slug.as_str()).await?.is_some() {
            return Ok(Err(Problem::SlugTaken));
        }
        let mut tx = self.write("").await?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0) AS mine \
                     FROM signups WHERE created_at > $2",
                )
                .bind(r.email.as_str().to_owned())
                .bind(now - HOUR_MS),
            )
            .await?;
        if rows::int(&row, "mine")? >= PER_ADDRESS || rows::int(&row, "n")? >= PER_HOUR {
            return Ok(Err(Problem::TooMany));
        }
        let (token, hash) = tokens::generate_with("su", "signup");
        tx.execute(
            sqlx::query(
                "INSERT INTO signups (id, email, name, business, slug, currency, token_hash, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new_id())
            .bind(r.email.as_str().to_owned())
            .bind(r.name.clone())
            .bind(r.business.clone())
            .bind(r.slug.as_str().to_owned())
            .bind(r.currency.code().to_owned())
            .bind(hash)
            .bind(now + LINK_HOURS * HOUR_MS)
            .bind(now),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(token))
    }

    /// Forgets a sign-up whose email could not be sent (the person is told to try again).
    async fn drop_signup(&self, token: &str) -> AppResult<()> {
        let mut tx = self.write("").await?;
        tx.execute(
            sqlx::query("DELETE FROM signups WHERE token_hash = $1").bind(tokens::hash(token)),
        )
        .await?;
        tx.commit().await
    }

    /// Uses a sign-up link once: creates the business and its owner. `Ok(Err)` when the link is
    /// unknown, used or expired, or its address was taken meanwhile.
    pub async fn complete_signup(
        &self,
        token: &str,
    ) -> AppResult<Result<(crate::tenancy::Tenant, String), Problem>> {
        let now = self.now_ms();
        let mut tx = self.write("").await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "UPDATE signups SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                     RETURNING email, name, business, slug, currency",
                )
                .bind(now)
                .bind(tokens::hash(token)),
            )
            .await?;
        tx.commit().await?;
        let Some(row) = row else {
            return Ok(Err(Problem::Used));
        };
        let slug = Slug::parse(&rows::text(&row, "slug")?).map_err(AppError::from)?;
        if self.tenant_by_slug(slug.as_str()).await?.is_some() {
            return Ok(Err(Problem::SlugTaken));
        }
        let email = Email::parse(&rows::text(&row, "email")?).map_err(AppError::from)?;
        let tenant = match self
            .create_business(NewBusiness {
                slug,
                name: rows::text(&row, "business")?,
                currency: rows::currency(&row, "currency")?,
                owner_email: email.clone(),
                owner_name: rows::text(&row, "name")?,
                signed_up: true,
            })
            .await
        {
            Ok(t) => t,
            // Two links for one address used at once: the first made it.
            Err(AppError::Conflict(_)) => return Ok(Err(Problem::SlugTaken)),
            Err(e) => return Err(e),
        };
        let owner = self
            .find_login_user(&tenant.id, email.as_str())
            .await?
            .ok_or(AppError::NotFound("owner"))?;
        Ok(Ok((tenant, owner.id)))
    }
}

/// The form posts; the pages (`GET`) are the portal's.
pub fn routes(portal: Router) -> Router<AppState> {
    let pages = axum::routing::get_service(portal);
    Router::new()
        .route("/signup", pages.clone().post(ask))
        .route("/signup/verify", pages.post(verify))
}

fn to(location: String) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// Back to the sign-up page with the problem and what was typed (never the address's token).
fn again(headers: &HeaderMap, body: &[u8], problem: Problem) -> Response {
    let mut q = format!("/signup?error={}", problem.code());
    for name in ["business", "slug", "name", "email", "currency"] {
        let v = field(headers, body, name).unwrap_or_default();
        let v: String = v.chars().take(120).collect();
        q.push_str(&format!("&{name}={}", percent_encode(&v)));
    }
    to(q)
}

fn closed() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

async fn ask(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if !state.config.public_signup {
        return closed();
    }
    if !origin_ok(&state.config, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        )
            .into_response();
    }
    let r = match read(&headers, &body) {
        Ok(r) => r,
        Err(p) => return again(&headers, &body, p),
    };
    let token = match state.store.request_signup(&r).await {
        Ok(Ok(t)) => t,
        Ok(Err(p)) => return again(&headers, &body, p),
        Err(e) => {
            tracing::error!(error = ?e, "sign-up failed");
            return crate::core::forms::unavailable();
        }
    };
    let lang = Lang::from_locale(field(&headers, &body, "lang").as_deref());
    let link = format!(
        "{}/signup/verify?token={token}",
        state.config.base_url.trim_end_matches('/')
    );
    let email = SignupEmail {
        name: &r.name,
        business: &r.business,
        link: &link,
        hours: LINK_HOURS,
    }
    .render(&Brand::new("Portico", "#1f4e79"), lang);
    // Sent now: nothing exists until the address is proven, so a mail outage only means
    // "try again", and nothing waits in a queue.
    if let Err(e) = state
        .mailer
        .send(
            r.email.as_str(),
            &email.subject,
            &email.text,
            Some(&email.html),
            None,
        )
        .await
    {
        tracing::warn!(error = %e, "the sign-up email could not be sent");
        let _ = state.store.drop_signup(&token).await;
        return again(&headers, &body, Problem::Mail);
    }
    to(format!("/signup?sent={}", percent_encode(r.email.as_str())))
}

async fn verify(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.config.public_signup {
        return closed();
    }
    if !origin_ok(&state.config, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        )
            .into_response();
    }
    let token = field(&headers, &body, "token").unwrap_or_default();
    match state.store.complete_signup(&token).await {
        Ok(Ok((tenant, owner))) => {
            let client = client_of(&headers, ip);
            start_session(
                &state,
                tenant.id.as_str(),
                &tenant.slug,
                UserKind::Staff,
                &owner,
                &client,
                Some(format!("/{}/", tenant.slug)),
            )
            .await
        }
        Ok(Err(p)) => to(format!("/signup/verify?error={}", p.code())),
        Err(e) => {
            tracing::error!(error = ?e, "completing a sign-up failed");
            crate::core::forms::unavailable()
        }
    }
}
