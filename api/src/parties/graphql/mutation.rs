//! The clients' mutations: staff create and change clients; a client's admin contact changes
//! its billing details. Merged into the Mutation root.

use async_graphql::{Context, InputObject, Object, Result, ID};
use portico_domain::Currency;

use crate::core::error::{AppError, AppResult};
use crate::core::ids;
use crate::graphql::context::{scope, store};
use crate::graphql::inputs::{long_text, name, short_text};
use crate::graphql::mutation::email;
use crate::parties::graphql::Client;
use crate::parties::NewClient;

#[derive(InputObject)]
pub struct CreateClientInput {
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    /// Street lines.
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. "GR".
    pub country: Option<String>,
    /// ISO 4217, e.g. "EUR"; default: the business's default currency.
    pub currency: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateClientInput {
    pub id: ID,
    pub name: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// A VAT id with its country prefix (`EL094019245`) or a national registration number.
    pub tax_id: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. "GR".
    pub country: Option<String>,
}

/// The city, postal code and country of an address, checked.
fn place(
    city: Option<&str>,
    postal_code: Option<&str>,
    country: Option<&str>,
) -> AppResult<crate::parties::Place> {
    let opt = |field, v: Option<&str>, max| {
        portico_domain::validate::optional_text(field, v, max).map_err(AppError::from)
    };
    Ok(crate::parties::Place {
        city: opt("city", city, 100)?,
        postal_code: opt("postalCode", postal_code, 20)?,
        country: opt("country", country, 10)?
            .map(|c| portico_domain::registry::country("country", &c))
            .transpose()?,
    })
}

/// A client's billing details as its admin contact sets them: every field is replaced (a missing
/// or blank optional field is cleared).
#[derive(InputObject)]
pub struct BillingDetailsInput {
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. "GR".
    pub country: Option<String>,
}

#[derive(Default)]
pub struct ClientsMutation;

#[Object]
impl ClientsMutation {
    async fn create_client(&self, ctx: &Context<'_>, input: CreateClientInput) -> Result<Client> {
        let currency = match input.currency.as_deref() {
            Some(c) => Currency::parse(c).map_err(AppError::from)?,
            None => {
                store(ctx)
                    .tenant_by_id(scope(ctx)?.tenant_id.as_str())
                    .await?
                    .ok_or(AppError::NotFound("tenant"))?
                    .default_currency
            }
        };
        let new = NewClient {
            name: name("name", &input.name)?,
            email: email(input.email.as_deref())?,
            tax_id: short_text("taxId", input.tax_id.as_deref())?,
            address: long_text("address", input.address.as_deref())?,
            place: place(
                input.city.as_deref(),
                input.postal_code.as_deref(),
                input.country.as_deref(),
            )?,
            currency,
        };
        Ok(Client(store(ctx).create_client(scope(ctx)?, new).await?))
    }

    async fn update_client(&self, ctx: &Context<'_>, input: UpdateClientInput) -> Result<Client> {
        let id = ids::decode(&input.id, "Client")?;
        let patch = crate::parties::ClientPatch {
            name: input.name.as_deref().map(|n| name("name", n)).transpose()?,
            email: email(input.email.as_deref())?,
            address: long_text("address", input.address.as_deref())?,
            tax_id: short_text("taxId", input.tax_id.as_deref())?,
            place: place(
                input.city.as_deref(),
                input.postal_code.as_deref(),
                input.country.as_deref(),
            )?,
        };
        let client = store(ctx).update_client(scope(ctx)?, &id, patch).await?;
        Ok(Client(client))
    }

    /// A client's admin contact changes the client's billing details (name, email, tax id,
    /// address), validated like `createClient`/`updateClient`.
    async fn update_my_billing_details(
        &self,
        ctx: &Context<'_>,
        input: BillingDetailsInput,
    ) -> Result<Client> {
        let given_email = input.email.as_deref().filter(|e| !e.trim().is_empty());
        let details = crate::parties::BillingDetails {
            name: name("name", &input.name)?,
            email: email(given_email)?,
            tax_id: short_text("taxId", input.tax_id.as_deref())?,
            address: long_text("address", input.address.as_deref())?,
            place: place(
                input.city.as_deref(),
                input.postal_code.as_deref(),
                input.country.as_deref(),
            )?,
        };
        Ok(Client(
            store(ctx)
                .update_billing_details(scope(ctx)?, details)
                .await?,
        ))
    }
}
