//! GraphQL of partner webhooks (owner and admin): endpoints, their delivery log, resend and a test
//! event; and the rendering of an event's object through the schema, as the API shows it.

use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject, ID};

use super::endpoints::{Delivery, Endpoint, EndpointChange};
use crate::core::error::AppError;
use crate::core::ids;
use crate::core::state::AppState;
use crate::graphql::context::{scope, shared, store};

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct WebhookEndpoint {
    pub id: ID,
    pub url: String,
    pub description: Option<String>,
    /// The event types it receives; empty: all of them.
    pub event_types: Vec<String>,
    /// Off: nothing is sent (turned off by staff, by a 410 answer, or after 5 days of failures).
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// Since when its deliveries fail (ms since the epoch); none while they succeed.
    pub failing_since: Option<i64>,
    /// After a secret rotation: until when the previous secret signs too (ms since the epoch).
    pub previous_secret_until: Option<i64>,
    pub created_at: i64,
    #[graphql(skip)]
    raw_id: String,
}

impl From<Endpoint> for WebhookEndpoint {
    fn from(e: Endpoint) -> Self {
        WebhookEndpoint {
            id: ids::encode("WebhookEndpoint", &e.id),
            url: e.url,
            description: e.description,
            event_types: e.event_types,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            previous_secret_until: e.previous_until,
            created_at: e.created_at,
            raw_id: e.id,
        }
    }
}

#[ComplexObject]
impl WebhookEndpoint {
    /// The delivery log, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<WebhookDelivery>> {
        let first = crate::core::pagination::page_size(Some(first))?;
        Ok(store(ctx)
            .webhook_deliveries(scope(ctx)?, &self.raw_id, first)
            .await?
            .into_iter()
            .map(WebhookDelivery::from)
            .collect())
    }
}

/// One event sent to one endpoint.
#[derive(SimpleObject)]
pub struct WebhookDelivery {
    pub id: ID,
    /// The `webhook-id` header: the same on every try and resend.
    pub message_id: String,
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `delivered`, `failed` or `skipped` (the endpoint was off).
    pub status: String,
    pub attempts: i64,
    /// The HTTP status of the last try.
    pub response_status: Option<i64>,
    /// How long the last try took (ms).
    pub duration_ms: Option<i64>,
    pub last_error: Option<String>,
    /// While pending: when the next try is due (ms since the epoch).
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

impl From<Delivery> for WebhookDelivery {
    fn from(d: Delivery) -> Self {
        WebhookDelivery {
            id: ids::encode("WebhookDelivery", &d.id),
            next_attempt_at: (d.status == "pending").then_some(d.next_at),
            message_id: crate::core::partner_events::message_id(&d.id),
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            response_status: d.response_status,
            duration_ms: d.duration_ms,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

/// A new endpoint and its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct CreatedWebhookEndpoint {
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`: verify deliveries with it (any Standard Webhooks library does).
    pub secret: String,
}

#[derive(InputObject)]
pub struct WebhookEndpointInput {
    /// `https://…` (plain `http://` only to this machine, in development).
    pub url: String,
    pub description: Option<String>,
    /// Event types (see `webhookEventTypes`); empty or omitted: all.
    #[graphql(default)]
    pub event_types: Vec<String>,
}

#[derive(InputObject)]
pub struct WebhookEndpointChange {
    pub url: Option<String>,
    /// An empty text clears it.
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// The business's webhook endpoints (owner and admin).
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> Result<Vec<WebhookEndpoint>> {
        Ok(store(ctx)
            .webhook_endpoints(scope(ctx)?)
            .await?
            .into_iter()
            .map(WebhookEndpoint::from)
            .collect())
    }

    /// Every event type an endpoint can receive.
    async fn webhook_event_types(&self) -> Vec<String> {
        crate::core::partner_events::TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect()
    }
}

#[derive(Default)]
pub struct WebhooksMutation;

fn sealer<'a>(ctx: &Context<'a>) -> Result<&'a crate::core::secrets::SecretBox> {
    shared(ctx).secrets.as_ref().ok_or_else(|| {
        AppError::Conflict(
            "the server has no PORTICO_SECRET_KEY to encrypt webhook secrets with".into(),
        )
        .into()
    })
}

#[Object]
impl WebhooksMutation {
    /// Registers a webhook endpoint; the answer holds its signing secret, shown only now.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        input: WebhookEndpointInput,
    ) -> Result<CreatedWebhookEndpoint> {
        let s = scope(ctx)?;
        s.require_admin()?;
        let (e, secret) = store(ctx)
            .create_webhook_endpoint(
                s,
                sealer(ctx)?,
                &input.url,
                input.description,
                &input.event_types,
                shared(ctx).config.webhooks_allow_private,
            )
            .await?;
        Ok(CreatedWebhookEndpoint {
            endpoint: e.into(),
            secret,
        })
    }

    /// Changes an endpoint; `enabled: true` turns one that was turned off back on.
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: WebhookEndpointChange,
    ) -> Result<WebhookEndpoint> {
        let s = scope(ctx)?;
        let raw = ids::decode(&id, "WebhookEndpoint")?;
        let change = EndpointChange {
            url: input.url,
            description: input
                .description
                .map(|d| Some(d).filter(|d| !d.trim().is_empty())),
            event_types: input.event_types,
            enabled: input.enabled,
        };
        Ok(store(ctx)
            .update_webhook_endpoint(s, &raw, change, shared(ctx).config.webhooks_allow_private)
            .await?
            .into())
    }

    /// Removes an endpoint with its delivery log.
    async fn delete_webhook_endpoint(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let raw = ids::decode(&id, "WebhookEndpoint")?;
        Ok(store(ctx)
            .delete_webhook_endpoint(scope(ctx)?, &raw)
            .await?)
    }

    /// A new signing secret (returned once); the previous one keeps signing beside it for 24
    /// hours, so receivers can switch without missing a delivery.
    async fn rotate_webhook_endpoint_secret(&self, ctx: &Context<'_>, id: ID) -> Result<String> {
        let raw = ids::decode(&id, "WebhookEndpoint")?;
        Ok(store(ctx)
            .rotate_webhook_secret(scope(ctx)?, sealer(ctx)?, &raw)
            .await?)
    }

    /// Sends a delivery again, with the same `webhook-id` and payload.
    async fn resend_webhook_delivery(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookDelivery> {
        let raw = ids::decode(&id, "WebhookDelivery")?;
        Ok(store(ctx)
            .resend_webhook_delivery(scope(ctx)?, &raw)
            .await?
            .into())
    }

    /// Sends a `webhook.test` event to one endpoint.
    async fn send_test_webhook(
        &self,
        ctx: &Context<'_>,
        endpoint_id: ID,
    ) -> Result<WebhookDelivery> {
        let raw = ids::decode(&endpoint_id, "WebhookEndpoint")?;
        Ok(store(ctx)
            .send_test_webhook(scope(ctx)?, &raw)
            .await?
            .into())
    }
}

/// Renders objects through the schema, as a partner of the business reads them.
pub struct SchemaRender(pub crate::graphql::PorticoSchema);

const MONEY: &str = "fragment M on Money { amount currency }";

/// The query that reads an object of `kind`, and the global id kind of its id.
fn document(kind: &str) -> Option<(String, &'static str)> {
    let (gid, fields) = match kind {
        "invoice" => ("Invoice", "... on Invoice { __typename id number reference status overdue currency issueDate dueDate subtotal { ...M } discount { ...M } tax { ...M } total { ...M } amountPaid { ...M } amountCredited { ...M } balance { ...M } client { id name } lines { id description quantity unitPrice { ...M } taxRate total { ...M } } }"),
        "payment" => ("Payment", "... on Payment { __typename id number amount { ...M } method reference receivedOn unallocated { ...M } refunded { ...M } createdAt client { id name } allocations { amount { ...M } reversal invoice { id number } } }"),
        "estimate" => ("Estimate", "... on Estimate { __typename id number status currency issueDate validUntil total { ...M } decisionComment decidedBy client { id name } invoice { id number } }"),
        "credit_note" => ("CreditNote", "... on CreditNote { __typename id number status reason issueDate total { ...M } applied { ...M } remaining { ...M } client { id name } invoice { id number } }"),
        "client" => ("Client", "... on Client { __typename id name email taxId address city postalCode country currency }"),
        "contact" => ("Contact", "... on Contact { __typename id name email role disabled }"),
        "thread" => ("Thread", "... on Thread { __typename id title subjectKind subjectId messageCount lastMessageAt }"),
        "payment_attempt" => {
            return Some((
                format!("query($id: ID!) {{ o: paymentAttempt(id: $id) {{ __typename id status method amount {{ ...M }} reference failureReason invoiceIds createdAt client {{ id name }} }} }} {MONEY}"),
                "PaymentAttempt",
            ))
        }
        _ => return None,
    };
    let money = if fields.contains("...M") { MONEY } else { "" };
    Some((
        format!("query($id: ID!) {{ o: node(id: $id) {{ {fields} }} }} {money}"),
        gid,
    ))
}

impl super::Render for SchemaRender {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
        kind: &'a str,
        id: &'a str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<serde_json::Value, String>> + Send + 'a>,
    > {
        Box::pin(async move {
            let Some((query, gid_kind)) = document(kind) else {
                return Ok(
                    serde_json::json!({ "object": kind, "id": id, "test": kind == "webhook_endpoint" }),
                );
            };
            let tenant = state
                .store
                .tenant_by_id(tenant_id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the business is gone")?;
            let partner = crate::core::scope::Scope {
                tenant_id: ids::TenantId::from_raw(tenant_id.to_owned()),
                tenant_slug: tenant.slug,
                role: crate::core::scope::Role::Partner,
                actor_id: "webhooks".into(),
                actor_name: "Webhooks".into(),
                client_id: None,
                contact_id: None,
                session_id: None,
                grants: crate::core::scope::Grants::ALL,
            };
            let gid = ids::encode(gid_kind, id);
            let request = async_graphql::Request::new(query)
                .variables(async_graphql::Variables::from_json(
                    serde_json::json!({ "id": gid.0.clone() }),
                ))
                .data(crate::graphql::RequestData::new(state, Some(partner)));
            let response = self.0.execute(request).await;
            if let Some(e) = response.errors.first() {
                return Err(format!("reading the {kind}: {}", e.message));
            }
            let data = response.data.into_json().map_err(|e| e.to_string())?;
            Ok(match &data["o"] {
                serde_json::Value::Null => super::deliver::gone(kind, &gid.0),
                o => o.clone(),
            })
        })
    }
}
