//! The Mutation root: staff and partners create and change the ledger; contacts accept or reject
//! estimates and post messages. Roles are enforced by the store; events are published after commit.

use async_graphql::{Context, InputObject, Object, Result, ID};
use portico_domain::{validate, Currency, DocumentNumber, Email};

use super::context::{scope, shared, store, today};
use super::ids;
use super::inputs::{
    self, allocations, currency_opt, long_text, name, positive_amount, short_text, AllocationInput,
    LineInput,
};
use super::ledger::{CreditNote, Invoice, Payment, PaymentMethod};
use super::parties::{Client, Contact, ContactRole};
use super::query::subject_of;
use super::scalars::{Date, Decimal};
use super::work::{Estimate, Message, Project, TimeEntry};
use crate::error::AppError;
use crate::events::Event;
use crate::store::{
    self, NewClient, NewContact, NewCreditNote, NewEstimate, NewInvoice, NewPayment, NewProject,
    NewTimeEntry,
};

pub const MAX_LINES_INPUT: usize = 500;

#[derive(InputObject)]
pub struct CreateClientInput {
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    /// ISO 4217, e.g. "EUR".
    pub currency: String,
}

#[derive(InputObject)]
pub struct UpdateClientInput {
    pub id: ID,
    pub name: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A client's billing details as its admin contact sets them: every field is replaced (a missing
/// or blank optional field is cleared).
#[derive(InputObject)]
pub struct BillingDetailsInput {
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
}

#[derive(InputObject)]
pub struct CreateContactInput {
    pub client_id: ID,
    pub name: String,
    pub email: String,
    pub role: ContactRole,
}

#[derive(InputObject)]
pub struct UpdateContactInput {
    pub id: ID,
    pub name: Option<String>,
    pub role: Option<ContactRole>,
}

#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub id: ID,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `active`, `completed` or `archived`.
    pub status: Option<String>,
}

#[derive(InputObject)]
pub struct InviteContactInput {
    pub client_id: ID,
    pub name: String,
    pub email: String,
    pub role: ContactRole,
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentChannel {
    /// Card payment on Stripe's hosted Checkout page.
    Stripe,
    /// Bank transfer, wire or ACH: instructions with a reference; staff confirm receipt.
    BankTransfer,
    /// A local stand-in for a hosted payment page (demo and tests).
    Demo,
}

#[derive(InputObject)]
pub struct StartPaymentInput {
    /// The invoices to pay; omit to pay everything due.
    pub invoice_ids: Option<Vec<ID>>,
    /// Default: the total due of those invoices. Less is a partial payment, when the business allows it.
    pub amount: Option<Decimal>,
    pub method: PaymentChannel,
}

#[derive(InputObject)]
pub struct PaymentSettingsInput {
    pub allow_partial_payments: bool,
    /// In the tenant's default currency's minor units' decimal form, e.g. "10.00".
    pub minimum_partial_amount: Decimal,
    pub bank_details: Option<String>,
    pub allow_link_payments: Option<bool>,
}

#[derive(InputObject)]
pub struct CreateInvoiceInput {
    pub client_id: ID,
    /// Default: the next number, e.g. INV-2026-00042.
    pub number: Option<String>,
    pub reference: Option<String>,
    /// Default: the client's currency.
    pub currency: Option<String>,
    /// Default: today.
    pub issue_date: Option<Date>,
    /// Default: 30 days after the issue date.
    pub due_date: Option<Date>,
    pub notes: Option<String>,
    pub terms: Option<String>,
    #[graphql(default)]
    pub lines: Vec<LineInput>,
}

#[derive(InputObject)]
pub struct UpdateInvoiceInput {
    pub id: ID,
    pub reference: Option<String>,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub notes: Option<String>,
    pub terms: Option<String>,
}

#[derive(InputObject)]
pub struct RecordPaymentInput {
    pub client_id: ID,
    pub amount: Decimal,
    /// Default: the client's currency.
    pub currency: Option<String>,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// Default: today.
    pub received_on: Option<Date>,
    pub notes: Option<String>,
    /// Which invoices to settle and how much; default: the oldest open invoices first. Any excess
    /// becomes client credit.
    pub allocations: Option<Vec<AllocationInput>>,
}

#[derive(InputObject)]
pub struct CreateCreditNoteInput {
    pub client_id: ID,
    pub invoice_id: Option<ID>,
    pub amount: Decimal,
    pub currency: Option<String>,
    pub reason: String,
    pub issue_date: Option<Date>,
}

#[derive(InputObject)]
pub struct CreateEstimateInput {
    pub client_id: ID,
    pub number: Option<String>,
    pub currency: Option<String>,
    pub issue_date: Option<Date>,
    pub valid_until: Option<Date>,
    pub notes: Option<String>,
    #[graphql(default)]
    pub lines: Vec<LineInput>,
}

#[derive(InputObject)]
pub struct CreateProjectInput {
    pub client_id: ID,
    pub name: String,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct AddTimeEntryInput {
    pub project_id: ID,
    pub task: String,
    pub assignee: String,
    pub date: Date,
    pub hours: Decimal,
    #[graphql(default = true)]
    pub billable: bool,
    pub note: Option<String>,
}

/// The client's currency unless one is given.
async fn client_currency(
    ctx: &Context<'_>,
    client_id: &str,
    given: Option<&str>,
) -> Result<Currency, AppError> {
    if let Some(c) = currency_opt(given)? {
        return Ok(c);
    }
    let client = store(ctx)
        .client(scope(ctx)?, client_id)
        .await?
        .ok_or(AppError::NotFound("client"))?;
    Ok(client.currency)
}

async fn publish_invoice(ctx: &Context<'_>, inv: &store::Invoice, action: &str) {
    let tenant = scope(ctx).map(|s| s.tenant_id.clone()).unwrap_or_default();
    shared(ctx)
        .bus
        .publish(Event::invoice(&tenant, inv, action))
        .await;
}

async fn publish_activity(ctx: &Context<'_>, client_id: &str, action: &str, subject: &str) {
    let tenant = scope(ctx).map(|s| s.tenant_id.clone()).unwrap_or_default();
    shared(ctx)
        .bus
        .publish(Event::activity(&tenant, client_id, action, subject))
        .await;
}

async fn publish_payment(
    ctx: &Context<'_>,
    p: &store::Payment,
    action: &str,
    touched: &[store::Invoice],
) {
    let tenant = scope(ctx).map(|s| s.tenant_id.clone()).unwrap_or_default();
    shared(ctx)
        .bus
        .publish(Event::payment(&tenant, p, action))
        .await;
    for inv in touched {
        publish_invoice(ctx, inv, inv.status.as_str()).await;
    }
}

fn lines(list: &[LineInput], currency: Currency) -> Result<Vec<store::NewLine>, AppError> {
    if list.len() > MAX_LINES_INPUT {
        return Err(AppError::bad_input(
            "lines",
            format!("at most {MAX_LINES_INPUT} lines"),
        ));
    }
    list.iter().map(|l| l.parse(currency)).collect()
}

fn number(n: Option<&str>) -> Result<Option<DocumentNumber>, AppError> {
    Ok(n.map(DocumentNumber::parse).transpose()?)
}

fn email(e: Option<&str>) -> Result<Option<Email>, AppError> {
    Ok(e.map(Email::parse).transpose()?)
}

/// A fresh invitation token's hash and its email (subject, body with the accept link).
async fn invitation_mail(
    ctx: &Context<'_>,
    s: &crate::auth::Scope,
    invitee: &str,
) -> Result<(String, String, String), AppError> {
    let (token, hash) = crate::auth::tokens::generate_with("pi", &s.tenant_id);
    let tenant = store(ctx)
        .tenant_by_id(&s.tenant_id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let base = shared(ctx).config.base_url.trim_end_matches('/').to_owned();
    let link = format!("{base}/{}/auth/invite?token={token}", tenant.slug);
    let subject = format!(
        "{} invited you to {}'s client portal",
        s.actor_name, tenant.name
    );
    let greeting = if invitee.is_empty() {
        "Hello".to_owned()
    } else {
        format!("Hello {invitee}")
    };
    let body = format!(
        "{greeting},\n\n{} invited you to {}'s client portal, where you can see your invoices and pay them.\n\n\
         Accept the invitation (valid for 7 days):\n\n{link}\n",
        s.actor_name, tenant.name
    );
    Ok((hash, subject, body))
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TokenRole {
    Owner,
    Admin,
    Member,
    Partner,
}

impl TokenRole {
    fn role(self) -> crate::auth::Role {
        match self {
            TokenRole::Owner => crate::auth::Role::Owner,
            TokenRole::Admin => crate::auth::Role::Admin,
            TokenRole::Member => crate::auth::Role::Member,
            TokenRole::Partner => crate::auth::Role::Partner,
        }
    }
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TokenScope {
    Read,
    Write,
    Payments,
}

#[derive(Default)]
pub struct CoreMutation;

#[Object]
impl CoreMutation {
    async fn create_client(&self, ctx: &Context<'_>, input: CreateClientInput) -> Result<Client> {
        let new = NewClient {
            name: name("name", &input.name)?,
            email: email(input.email.as_deref())?,
            tax_id: short_text("taxId", input.tax_id.as_deref())?,
            address: long_text("address", input.address.as_deref())?,
            currency: Currency::parse(&input.currency).map_err(AppError::from)?,
        };
        Ok(Client(store(ctx).create_client(scope(ctx)?, new).await?))
    }

    async fn update_client(&self, ctx: &Context<'_>, input: UpdateClientInput) -> Result<Client> {
        let id = ids::decode(&input.id, "Client")?;
        let new_name = input.name.as_deref().map(|n| name("name", n)).transpose()?;
        let address = long_text("address", input.address.as_deref())?;
        let client = store(ctx)
            .update_client(
                scope(ctx)?,
                &id,
                new_name,
                email(input.email.as_deref())?,
                address,
            )
            .await?;
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
        let details = store::BillingDetails {
            name: name("name", &input.name)?,
            email: email(given_email)?,
            tax_id: short_text("taxId", input.tax_id.as_deref())?,
            address: long_text("address", input.address.as_deref())?,
        };
        Ok(Client(
            store(ctx)
                .update_billing_details(scope(ctx)?, details)
                .await?,
        ))
    }

    /// Stores the signed-in person's language: `en` or `el`.
    async fn set_my_language(&self, ctx: &Context<'_>, locale: String) -> Result<bool> {
        store(ctx).set_my_locale(scope(ctx)?, locale.trim()).await?;
        Ok(true)
    }

    /// Marks all the business's unread notifications read (staff); returns how many.
    async fn mark_notifications_read(&self, ctx: &Context<'_>) -> Result<i64> {
        let n = store(ctx).mark_notifications_read(scope(ctx)?).await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }

    async fn create_contact(
        &self,
        ctx: &Context<'_>,
        input: CreateContactInput,
    ) -> Result<Contact> {
        let new = NewContact {
            client_id: ids::decode(&input.client_id, "Client")?,
            name: name("name", &input.name)?,
            email: Email::parse(&input.email).map_err(AppError::from)?,
            role: input.role.as_str().to_owned(),
        };
        Ok(Contact(store(ctx).create_contact(scope(ctx)?, new).await?))
    }

    /// Renames a contact or changes its role; its tokens follow the new role.
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        input: UpdateContactInput,
    ) -> Result<Contact> {
        let id = ids::decode(&input.id, "Contact")?;
        let new_name = input.name.as_deref().map(|n| name("name", n)).transpose()?;
        let role = input.role.map(|r| r.as_str().to_owned());
        Ok(Contact(
            store(ctx)
                .update_contact(scope(ctx)?, &id, new_name, role)
                .await?,
        ))
    }

    /// Takes a contact's access away at once: its sessions and tokens end.
    async fn disable_contact(&self, ctx: &Context<'_>, id: ID) -> Result<Contact> {
        let id = ids::decode(&id, "Contact")?;
        Ok(Contact(store(ctx).disable_contact(scope(ctx)?, &id).await?))
    }

    /// Removes one of the caller's own passkeys.
    async fn remove_passkey(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "Passkey")?;
        store(ctx).remove_passkey(scope(ctx)?, &id).await?;
        Ok(true)
    }

    /// Ends one of the caller's own sessions (see `mySessions`).
    async fn revoke_session(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "Session")?;
        store(ctx).revoke_my_session(scope(ctx)?, &id).await?;
        Ok(true)
    }

    /// A link that lets its recipient view one issued invoice without signing in. `expiresInDays`
    /// is optional (1–365). The URL is shown once.
    async fn create_invoice_link(
        &self,
        ctx: &Context<'_>,
        invoice_id: ID,
        expires_in_days: Option<i32>,
    ) -> Result<super::reports::InvoiceLink> {
        let s = scope(ctx)?;
        let id = ids::decode(&invoice_id, "Invoice")?;
        let expires_at = match expires_in_days {
            Some(d) if !(1..=365).contains(&d) => {
                return Err(AppError::bad_input("expiresInDays", "between 1 and 365 days").into())
            }
            Some(d) => Some(store::now_ms() + i64::from(d) * 86_400_000),
            None => None,
        };
        let (token, hash) = crate::auth::tokens::generate_with("pl", &s.tenant_id);
        let link = store(ctx)
            .create_invoice_link(s, &id, &hash, expires_at)
            .await?;
        let base = shared(ctx).config.base_url.trim_end_matches('/').to_owned();
        let url = format!("{base}/{}/i/{token}", s.tenant_slug);
        Ok(super::reports::InvoiceLink::new(link, Some(url)))
    }

    /// Withdraws an invoice link at once.
    async fn revoke_invoice_link(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<super::reports::InvoiceLink> {
        let id = ids::decode(&id, "InvoiceLink")?;
        Ok(super::reports::InvoiceLink::new(
            store(ctx).revoke_invoice_link(scope(ctx)?, &id).await?,
            None,
        ))
    }

    /// Invites a person to a client's portal (staff, or the client's admin contact): an email with
    /// a link that signs them in once accepted. Limited per tenant per day. An address that
    /// already has access is refused (CONFLICT); one with a pending invitation gets it again.
    async fn invite_contact(
        &self,
        ctx: &Context<'_>,
        input: InviteContactInput,
    ) -> Result<super::reports::Invitation> {
        let s = scope(ctx)?;
        let new = store::NewInvitation {
            client_id: ids::decode(&input.client_id, "Client")?,
            name: name("name", &input.name)?,
            email: Email::parse(&input.email).map_err(AppError::from)?,
            role: input.role.as_str().to_owned(),
        };
        let (hash, subject, body) = invitation_mail(ctx, s, &new.name).await?;
        let mail = store::InvitationMail {
            token_hash: &hash,
            subject: &subject,
            body: &body,
        };
        let inv = store(ctx).invite_contact(s, new, mail).await?;
        shared(ctx).mail_wake.notify_one();
        Ok(inv.into())
    }

    /// Sends a pending or expired invitation again, with a new link.
    async fn resend_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<super::reports::Invitation> {
        let s = scope(ctx)?;
        let id = ids::decode(&id, "Invitation")?;
        let (hash, subject, body) = invitation_mail(ctx, s, "").await?;
        let mail = store::InvitationMail {
            token_hash: &hash,
            subject: &subject,
            body: &body,
        };
        let inv = store(ctx).resend_invitation(s, &id, mail).await?;
        shared(ctx).mail_wake.notify_one();
        Ok(inv.into())
    }

    /// Withdraws an invitation: its link stops working. Revoking an accepted invitation also ends
    /// the contact's access at once; a pending one never touches a contact who has access.
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<super::reports::Invitation> {
        let id = ids::decode(&id, "Invitation")?;
        Ok(store(ctx).revoke_invitation(scope(ctx)?, &id).await?.into())
    }

    /// How many invitations the tenant may send per day (owner and admin).
    async fn set_invitation_daily_limit(&self, ctx: &Context<'_>, limit: i32) -> Result<i32> {
        store(ctx)
            .set_invitation_daily_limit(scope(ctx)?, i64::from(limit))
            .await?;
        Ok(limit)
    }

    /// Creates an API token for a partner or a staff role (owner and admin). Scopes: `read` is
    /// implied; add `write` and/or `payments`. The token is shown once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        role: TokenRole,
        #[graphql(default_with = "vec![TokenScope::Write, TokenScope::Payments]")] scopes: Vec<
            TokenScope,
        >,
    ) -> Result<super::reports::ApiToken> {
        let s = scope(ctx)?;
        let name = inputs::name("name", &name)?;
        let grants = crate::auth::Grants {
            write: scopes.contains(&TokenScope::Write),
            payments: scopes.contains(&TokenScope::Payments),
        };
        let created = store(ctx)
            .issue_api_token(s, &name, role.role(), grants)
            .await?;
        Ok(super::reports::ApiToken {
            id: ids::encode("ApiToken", &created.id),
            name,
            role: role.role().as_str().to_owned(),
            scopes: grants.as_scopes(),
            created_at: store::now_ms(),
            last_used_at: None,
            revoked: false,
            token: Some(created.token),
        })
    }

    /// Revokes an API token at once (owner and admin).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "ApiToken")?;
        store(ctx).revoke_api_token(scope(ctx)?, &id).await?;
        Ok(true)
    }

    /// A client contact (payer or admin) starts paying: returns the attempt with where to go next
    /// (a hosted payment page) or bank transfer instructions.
    async fn start_payment(
        &self,
        ctx: &Context<'_>,
        input: StartPaymentInput,
    ) -> Result<super::reports::PaymentAttempt> {
        let s = scope(ctx)?;
        let invoices = match &input.invoice_ids {
            Some(list) if list.len() > 100 => {
                return Err(AppError::bad_input("invoiceIds", "at most 100 invoices").into())
            }
            Some(list) => Some(
                list.iter()
                    .map(|i| ids::decode(i, "Invoice"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let channel = match input.method {
            PaymentChannel::Stripe => store::Channel::Stripe,
            PaymentChannel::BankTransfer => store::Channel::BankTransfer,
            PaymentChannel::Demo => store::Channel::Demo,
        };
        let started = crate::payments::start(
            shared(ctx),
            s,
            invoices,
            input.amount.as_ref().map(|a| a.0.as_str()),
            channel,
        )
        .await?;
        Ok(super::reports::PaymentAttempt::new(
            started.attempt,
            started.redirect_url,
            started.bank_details,
        ))
    }

    /// Staff confirm that a bank transfer arrived: the payment is recorded (once) and allocated.
    async fn confirm_bank_transfer(
        &self,
        ctx: &Context<'_>,
        attempt_id: ID,
        amount: Option<Decimal>,
        received_on: Option<Date>,
    ) -> Result<super::reports::PaymentAttempt> {
        let s = scope(ctx)?;
        s.require_payments()?;
        let id = ids::decode(&attempt_id, "PaymentAttempt")?;
        let attempt = store(ctx)
            .attempt(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment attempt"))?;
        if attempt.channel != store::Channel::BankTransfer {
            return Err(AppError::Conflict(
                "only bank transfer attempts are confirmed by staff".into(),
            )
            .into());
        }
        let amount = amount
            .as_ref()
            .map(|a| positive_amount("amount", a, attempt.amount.currency))
            .transpose()?;
        let event = store::GatewayEvent {
            provider: "bank".into(),
            event_id: format!("bank-{id}"),
            event_type: "bank_transfer.received".into(),
            attempt_id: Some(id.clone()),
            gateway_ref: None,
            gateway_payment_ref: None,
            kind: store::EventKind::Succeeded {
                amount_minor: amount.map(|m| m.minor),
                received_on: received_on.map(|d| d.0),
                currency: None,
            },
        };
        crate::payments::apply(shared(ctx), &s.tenant_id, &event).await?;
        let after = store(ctx)
            .attempt(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment attempt"))?;
        Ok(super::reports::PaymentAttempt::new(after, None, None))
    }

    /// How clients may pay: partial payments and their minimum, bank details, paying through
    /// invoice links (owner and admin).
    async fn update_payment_settings(
        &self,
        ctx: &Context<'_>,
        input: PaymentSettingsInput,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        let tenant = store(ctx)
            .tenant_by_id(&s.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?;
        let min = inputs::amount(&input.minimum_partial_amount, tenant.default_currency)?;
        let settings = store::PaymentSettings {
            allow_partial: input.allow_partial_payments,
            min_partial: min.minor,
            bank_details: long_text("bankDetails", input.bank_details.as_deref())?,
        };
        store(ctx)
            .update_payment_settings(s, settings, input.allow_link_payments)
            .await?;
        Ok(true)
    }

    /// Stores the business's Stripe secret key and webhook signing secret, encrypted at rest
    /// (owner and admin). Needs `PORTICO_SECRET_KEY` on the server.
    async fn set_stripe_credentials(
        &self,
        ctx: &Context<'_>,
        secret_key: String,
        webhook_secret: String,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        s.require_admin()?;
        let secret_key = secret_key.trim().to_owned();
        let webhook_secret = webhook_secret.trim().to_owned();
        if !(secret_key.starts_with("sk_") || secret_key.starts_with("rk_"))
            || secret_key.len() > 255
        {
            return Err(AppError::bad_input(
                "secretKey",
                "a Stripe secret key starts with sk_ or rk_",
            )
            .into());
        }
        if !webhook_secret.starts_with("whsec_") || webhook_secret.len() > 255 {
            return Err(AppError::bad_input(
                "webhookSecret",
                "a Stripe signing secret starts with whsec_",
            )
            .into());
        }
        let Some(sealer) = shared(ctx).secrets.as_ref() else {
            return Err(AppError::Conflict(
                "the server has no PORTICO_SECRET_KEY to encrypt credentials with".into(),
            )
            .into());
        };
        let creds = store::GatewayCredentials {
            secret_key_enc: sealer.seal(&secret_key).map_err(AppError::Internal)?,
            webhook_secret_enc: sealer.seal(&webhook_secret).map_err(AppError::Internal)?,
        };
        store(ctx)
            .set_gateway_credentials(s, "stripe", creds)
            .await?;
        Ok(true)
    }

    /// Creates a draft invoice with its lines.
    async fn create_invoice(
        &self,
        ctx: &Context<'_>,
        input: CreateInvoiceInput,
    ) -> Result<Invoice> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewInvoice {
            client_id,
            number: number(input.number.as_deref())?,
            reference: short_text("reference", input.reference.as_deref())?,
            currency: Some(currency),
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            due_date: input.due_date.map(|d| d.0),
            notes: long_text("notes", input.notes.as_deref())?,
            terms: long_text("terms", input.terms.as_deref())?,
            lines: lines(&input.lines, currency)?,
        };
        let inv = store(ctx).create_invoice(s, new).await?;
        publish_invoice(ctx, &inv, "created").await;
        Ok(Invoice(inv))
    }

    async fn update_invoice(
        &self,
        ctx: &Context<'_>,
        input: UpdateInvoiceInput,
    ) -> Result<Invoice> {
        let id = ids::decode(&input.id, "Invoice")?;
        let patch = store::InvoicePatch {
            reference: short_text("reference", input.reference.as_deref())?,
            issue_date: input.issue_date.map(|d| d.0),
            due_date: input.due_date.map(|d| d.0),
            notes: long_text("notes", input.notes.as_deref())?,
            terms: long_text("terms", input.terms.as_deref())?,
        };
        Ok(Invoice(
            store(ctx).update_invoice(scope(ctx)?, &id, patch).await?,
        ))
    }

    /// Adds a line to a draft invoice.
    async fn add_invoice_line(
        &self,
        ctx: &Context<'_>,
        invoice_id: ID,
        line: LineInput,
    ) -> Result<Invoice> {
        let s = scope(ctx)?;
        let id = ids::decode(&invoice_id, "Invoice")?;
        let inv = store(ctx)
            .invoice(s, &id)
            .await?
            .ok_or(AppError::NotFound("invoice"))?;
        let line = line.parse(inv.currency)?;
        Ok(Invoice(store(ctx).add_invoice_line(s, &id, line).await?))
    }

    async fn remove_invoice_line(&self, ctx: &Context<'_>, line_id: ID) -> Result<Invoice> {
        let id = ids::decode(&line_id, "Line")?;
        Ok(Invoice(
            store(ctx).remove_invoice_line(scope(ctx)?, &id).await?,
        ))
    }

    /// draft → issued.
    async fn issue_invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        let id = ids::decode(&id, "Invoice")?;
        let inv = store(ctx).issue_invoice(scope(ctx)?, &id).await?;
        publish_invoice(ctx, &inv, "issued").await;
        Ok(Invoice(inv))
    }

    /// draft or issued (nothing settled) → void.
    async fn void_invoice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> Result<Invoice> {
        let id = ids::decode(&id, "Invoice")?;
        let reason = short_text("reason", reason.as_deref())?;
        let inv = store(ctx).void_invoice(scope(ctx)?, &id, reason).await?;
        publish_invoice(ctx, &inv, "voided").await;
        Ok(Invoice(inv))
    }

    /// Records a payment received outside Portico and allocates it.
    async fn record_payment(
        &self,
        ctx: &Context<'_>,
        input: RecordPaymentInput,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewPayment {
            client_id,
            amount: positive_amount("amount", &input.amount, currency)?,
            method: input.method.domain(),
            reference: short_text("reference", input.reference.as_deref())?,
            received_on: input.received_on.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            notes: long_text("notes", input.notes.as_deref())?,
            allocations: allocations(input.allocations.as_deref(), currency)?,
        };
        let (p, touched) = store(ctx).record_payment(s, new).await?;
        publish_payment(ctx, &p, "recorded", &touched).await;
        Ok(Payment(p))
    }

    /// Allocates a payment's unallocated credit to open invoices (given ones, else oldest first).
    async fn allocate_payment(
        &self,
        ctx: &Context<'_>,
        payment_id: ID,
        allocations: Option<Vec<AllocationInput>>,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        let id = ids::decode(&payment_id, "Payment")?;
        let p = store(ctx)
            .payment(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        let plan = inputs::allocations(allocations.as_deref(), p.amount.currency)?;
        let (p, touched) = store(ctx).allocate_payment(s, &id, plan).await?;
        publish_payment(ctx, &p, "allocated", &touched).await;
        Ok(Payment(p))
    }

    /// Refunds part or all of a payment: unused credit first, then reversing allocations.
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        payment_id: ID,
        amount: Decimal,
        reason: Option<String>,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        let id = ids::decode(&payment_id, "Payment")?;
        let p = store(ctx)
            .payment(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        let amount = positive_amount("amount", &amount, p.amount.currency)?;
        let reason = short_text("reason", reason.as_deref())?;
        let (p, touched) =
            crate::payments::refund(shared(ctx), s, &id, amount, reason, today(ctx)).await?;
        for inv in &touched {
            publish_invoice(ctx, inv, inv.status.as_str()).await;
        }
        Ok(Payment(p))
    }

    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: CreateCreditNoteInput,
    ) -> Result<CreditNote> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewCreditNote {
            client_id,
            invoice_id: input
                .invoice_id
                .map(|i| ids::decode(&i, "Invoice"))
                .transpose()?,
            amount: positive_amount("amount", &input.amount, currency)?,
            reason: name("reason", &input.reason)?,
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
        };
        Ok(store(ctx).create_credit_note(s, new).await?.into())
    }

    /// draft → open.
    async fn issue_credit_note(&self, ctx: &Context<'_>, id: ID) -> Result<CreditNote> {
        let id = ids::decode(&id, "CreditNote")?;
        Ok(store(ctx).issue_credit_note(scope(ctx)?, &id).await?.into())
    }

    async fn void_credit_note(&self, ctx: &Context<'_>, id: ID) -> Result<CreditNote> {
        let id = ids::decode(&id, "CreditNote")?;
        Ok(store(ctx).void_credit_note(scope(ctx)?, &id).await?.into())
    }

    /// Applies part or all of an open credit note to an open invoice of the same client.
    async fn apply_credit_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        invoice_id: ID,
        amount: Decimal,
    ) -> Result<CreditNote> {
        let s = scope(ctx)?;
        let id = ids::decode(&id, "CreditNote")?;
        let invoice_id = ids::decode(&invoice_id, "Invoice")?;
        let cn = store(ctx)
            .credit_notes(s, None, Some(&id), 1, 0)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound("credit note"))?;
        let amount = positive_amount("amount", &amount, cn.currency)?;
        let (cn, inv) = store(ctx)
            .apply_credit_note(s, &id, &invoice_id, amount, today(ctx))
            .await?;
        publish_invoice(ctx, &inv, inv.status.as_str()).await;
        Ok(cn.into())
    }

    async fn create_estimate(
        &self,
        ctx: &Context<'_>,
        input: CreateEstimateInput,
    ) -> Result<Estimate> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewEstimate {
            client_id,
            number: number(input.number.as_deref())?,
            currency: Some(currency),
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            valid_until: input.valid_until.map(|d| d.0),
            notes: long_text("notes", input.notes.as_deref())?,
            lines: lines(&input.lines, currency)?,
        };
        Ok(Estimate(store(ctx).create_estimate(s, new).await?))
    }

    /// draft → sent.
    async fn send_estimate(&self, ctx: &Context<'_>, id: ID) -> Result<Estimate> {
        let id = ids::decode(&id, "Estimate")?;
        Ok(Estimate(store(ctx).send_estimate(scope(ctx)?, &id).await?))
    }

    /// A client contact (admin or payer) accepts a sent estimate.
    async fn accept_estimate(
        &self,
        ctx: &Context<'_>,
        id: ID,
        comment: Option<String>,
    ) -> Result<Estimate> {
        let id = ids::decode(&id, "Estimate")?;
        let comment =
            portico_domain::estimate_comment(comment.as_deref()).map_err(AppError::from)?;
        let e = store(ctx)
            .accept_estimate(scope(ctx)?, &id, comment, today(ctx))
            .await?;
        publish_activity(ctx, &e.client_id, "estimate.accepted", &e.id).await;
        Ok(Estimate(e))
    }

    /// A client contact (admin or payer) rejects a sent estimate, giving a reason.
    async fn reject_estimate(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Estimate> {
        let id = ids::decode(&id, "Estimate")?;
        let e = store(ctx)
            .reject_estimate(scope(ctx)?, &id, reason, today(ctx))
            .await?;
        publish_activity(ctx, &e.client_id, "estimate.rejected", &e.id).await;
        Ok(Estimate(e))
    }

    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> Result<Project> {
        let new = NewProject {
            client_id: ids::decode(&input.client_id, "Client")?,
            name: name("name", &input.name)?,
            description: long_text("description", input.description.as_deref())?,
        };
        Ok(Project(store(ctx).create_project(scope(ctx)?, new).await?))
    }

    async fn update_project(
        &self,
        ctx: &Context<'_>,
        input: UpdateProjectInput,
    ) -> Result<Project> {
        let id = ids::decode(&input.id, "Project")?;
        let new_name = input.name.as_deref().map(|n| name("name", n)).transpose()?;
        let description = long_text("description", input.description.as_deref())?;
        let project = store(ctx)
            .update_project(scope(ctx)?, &id, new_name, description, input.status)
            .await?;
        Ok(Project(project))
    }

    /// Deletes an unbilled time entry; returns true.
    async fn delete_time_entry(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "TimeEntry")?;
        store(ctx).delete_time_entry(scope(ctx)?, &id).await?;
        Ok(true)
    }

    async fn add_time_entry(
        &self,
        ctx: &Context<'_>,
        input: AddTimeEntryInput,
    ) -> Result<TimeEntry> {
        let new = NewTimeEntry {
            project_id: ids::decode(&input.project_id, "Project")?,
            task: name("task", &input.task)?,
            assignee: name("assignee", &input.assignee)?,
            date: input.date.0,
            hours: validate::decimal("hours", &input.hours.0, 2, false).map_err(AppError::from)?,
            billable: input.billable,
            note: long_text("note", input.note.as_deref())?,
        };
        Ok(TimeEntry(
            store(ctx).add_time_entry(scope(ctx)?, new).await?,
        ))
    }

    /// Marks billable time entries as billed (or not); returns how many changed.
    async fn set_time_entries_billed(
        &self,
        ctx: &Context<'_>,
        entry_ids: Vec<ID>,
        billed: bool,
    ) -> Result<i64> {
        if entry_ids.len() > 500 {
            return Err(AppError::bad_input("ids", "at most 500 entries at once").into());
        }
        let mut raw = entry_ids
            .iter()
            .map(|i| ids::decode(i, "TimeEntry"))
            .collect::<Result<Vec<_>, _>>()?;
        raw.sort();
        raw.dedup();
        Ok(store(ctx)
            .set_time_entries_billed(scope(ctx)?, &raw, billed)
            .await? as i64)
    }

    /// Posts a message on the thread of an invoice, estimate or project (staff, partners and the
    /// client's contacts).
    async fn post_message(
        &self,
        ctx: &Context<'_>,
        subject_id: ID,
        body: String,
    ) -> Result<Message> {
        let (kind, raw) = subject_of(&subject_id)?;
        let body = validate::text("body", &body, validate::MAX_TEXT).map_err(AppError::from)?;
        let s = scope(ctx)?;
        let m = store(ctx).post_message(s, kind, &raw, body).await?;
        // Everyone in the thread may have an unread message now (the client of a staff post is
        // the thread's; an empty client reaches the whole tenant, and each counts only its own).
        let client = s.client_filter().unwrap_or_default().to_owned();
        publish_activity(ctx, &client, "message.posted", &m.thread_id).await;
        Ok(Message(m))
    }
}
