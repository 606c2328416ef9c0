//! The Mutation root's core: clients, contacts, invitations, sessions, passkeys, API tokens and invoice
//! links. Payments, documents and work have their own parts (`payments_mutation`,
//! `documents_mutation`, `work_mutation`), merged into `Mutation`. Roles are enforced by the store;
//! events are published after commit.

use async_graphql::{Context, InputObject, Object, Result, ID};
use portico_domain::{Currency, DocumentNumber, Email};

use super::context::{scope, shared, store};
use super::inputs::{self, currency_opt, name, AllocationInput, LineInput};
use super::scalars::{Date, Decimal};
use crate::core::error::AppError;
use crate::core::events::Event;
use crate::core::ids;
use crate::parties::graphql::{Contact, ContactRole};
use crate::parties::NewContact;
use crate::payments::graphql::ledger::PaymentMethod;

pub const MAX_LINES_INPUT: usize = 500;

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
    /// Cryptocurrency (Bitcoin, Ethereum, Litecoin, Ripple, USDT, …) on PassimPay's hosted page;
    /// the amount is fixed in the invoice's currency and the payer picks the coin there.
    Crypto,
    /// A local stand-in for a hosted payment page (demo and tests).
    Demo,
}

impl From<crate::payments::Channel> for PaymentChannel {
    fn from(c: crate::payments::Channel) -> PaymentChannel {
        match c {
            crate::payments::Channel::Stripe => PaymentChannel::Stripe,
            crate::payments::Channel::BankTransfer => PaymentChannel::BankTransfer,
            crate::payments::Channel::Crypto => PaymentChannel::Crypto,
            crate::payments::Channel::Demo => PaymentChannel::Demo,
        }
    }
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

/// Changes to a draft invoice. An absent field stays as it is; `null` clears `reference`,
/// `notes` and `terms`.
#[derive(InputObject)]
pub struct UpdateInvoiceInput {
    pub id: ID,
    /// Moves the draft to another client.
    pub client_id: Option<ID>,
    /// A new currency: only together with `lines` (their prices are in it).
    pub currency: Option<String>,
    pub reference: async_graphql::MaybeUndefined<String>,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub notes: async_graphql::MaybeUndefined<String>,
    pub terms: async_graphql::MaybeUndefined<String>,
    /// Replaces every line, in this order (what the staff editor saves).
    pub lines: Option<Vec<LineInput>>,
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
pub(crate) async fn client_currency(
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

pub(crate) async fn publish_invoice(
    ctx: &Context<'_>,
    inv: &crate::invoicing::Invoice,
    action: &str,
) {
    let tenant = scope(ctx).map(|s| s.tenant_id.clone()).unwrap_or_default();
    shared(ctx)
        .bus
        .publish(Event::invoice(&tenant, inv, action))
        .await;
}

pub(crate) async fn publish_activity(
    ctx: &Context<'_>,
    client_id: &str,
    action: &str,
    subject: &str,
) {
    let tenant = scope(ctx).map(|s| s.tenant_id.clone()).unwrap_or_default();
    shared(ctx)
        .bus
        .publish(Event::activity(&tenant, client_id, action, subject))
        .await;
}

pub(crate) async fn publish_payment(
    ctx: &Context<'_>,
    p: &crate::payments::Payment,
    action: &str,
    touched: &[crate::invoicing::Invoice],
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

pub(crate) fn lines(
    list: &[LineInput],
    currency: Currency,
) -> Result<Vec<crate::invoicing::NewLine>, AppError> {
    if list.len() > MAX_LINES_INPUT {
        return Err(AppError::bad_input(
            "lines",
            format!("at most {MAX_LINES_INPUT} lines"),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, l)| l.parse(currency).map_err(|e| at_line(i, e)))
        .collect()
}

/// An error about a field of line `i` (0-based) names it `lines.i.field`, so a form can show it
/// beside that line's input.
pub(crate) fn at_line(i: usize, e: AppError) -> AppError {
    match e.field() {
        Some(f) if !f.starts_with("lines") => {
            AppError::bad_input(format!("lines.{i}.{f}"), e.to_string())
        }
        _ => e,
    }
}

pub(crate) fn number(n: Option<&str>) -> Result<Option<DocumentNumber>, AppError> {
    Ok(n.map(DocumentNumber::parse).transpose()?)
}

pub(crate) fn email(e: Option<&str>) -> Result<Option<Email>, AppError> {
    Ok(e.map(Email::parse).transpose()?)
}

/// A fresh invitation token's hash and its email (subject, body with the accept link).
/// A new invitation link (its hash) and its email, written in the inviter's language.
pub(crate) async fn invitation_mail(
    ctx: &Context<'_>,
    s: &crate::core::scope::Scope,
    invitee: &str,
) -> Result<(String, crate::core::mail::message::Email), AppError> {
    use crate::core::mail::message::{Brand, Lang, Template};
    let (token, hash) = crate::core::tokens::generate_with("pi", &s.tenant_id);
    let tenant = store(ctx)
        .tenant_by_id(&s.tenant_id)
        .await?
        .ok_or(AppError::NotFound("tenant"))?;
    let lang = Lang::from_locale(store(ctx).my_locale(s).await?.as_deref());
    let portal = store(ctx).tenant_url(&tenant.slug).await;
    let link = format!("{portal}/auth/invite?token={token}");
    let email = crate::parties::mail::InvitationEmail {
        invitee,
        inviter: &s.actor_name,
        link: &link,
        portal: &portal,
    }
    .render(&Brand::new(&tenant.name, &tenant.brand_color), lang);
    Ok((hash, email))
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TokenRole {
    Owner,
    Admin,
    Member,
    Partner,
}

impl TokenRole {
    fn role(self) -> crate::core::scope::Role {
        match self {
            TokenRole::Owner => crate::core::scope::Role::Owner,
            TokenRole::Admin => crate::core::scope::Role::Admin,
            TokenRole::Member => crate::core::scope::Role::Member,
            TokenRole::Partner => crate::core::scope::Role::Partner,
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
    ) -> Result<crate::reporting::graphql::InvoiceLink> {
        let s = scope(ctx)?;
        let id = crate::core::ids::InvoiceId::from_global(&invoice_id)?;
        let expires_at = match expires_in_days {
            Some(d) if !(1..=365).contains(&d) => {
                return Err(AppError::bad_input("expiresInDays", "between 1 and 365 days").into())
            }
            Some(d) => Some(store(ctx).now_ms() + i64::from(d) * 86_400_000),
            None => None,
        };
        let (token, hash) = crate::core::tokens::generate_with("pl", &s.tenant_id);
        let link = store(ctx)
            .create_invoice_link(s, &id, &hash, expires_at)
            .await?;
        let url = format!("{}/i/{token}", store(ctx).tenant_url(&s.tenant_slug).await);
        Ok(crate::reporting::graphql::InvoiceLink::new(link, Some(url)))
    }

    /// Withdraws an invoice link at once.
    async fn revoke_invoice_link(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::reporting::graphql::InvoiceLink> {
        let id = ids::decode(&id, "InvoiceLink")?;
        Ok(crate::reporting::graphql::InvoiceLink::new(
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
    ) -> Result<crate::reporting::graphql::Invitation> {
        let s = scope(ctx)?;
        let new = crate::parties::NewInvitation {
            client_id: ids::decode(&input.client_id, "Client")?,
            name: name("name", &input.name)?,
            email: Email::parse(&input.email).map_err(AppError::from)?,
            role: input.role.as_str().to_owned(),
        };
        let (hash, email) = invitation_mail(ctx, s, &new.name).await?;
        let mail = crate::parties::InvitationMail {
            token_hash: &hash,
            email: &email,
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
    ) -> Result<crate::reporting::graphql::Invitation> {
        let s = scope(ctx)?;
        let id = ids::decode(&id, "Invitation")?;
        let (hash, email) = invitation_mail(ctx, s, "").await?;
        let mail = crate::parties::InvitationMail {
            token_hash: &hash,
            email: &email,
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
    ) -> Result<crate::reporting::graphql::Invitation> {
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
    ) -> Result<crate::reporting::graphql::ApiToken> {
        let s = scope(ctx)?;
        let name = inputs::name("name", &name)?;
        let grants = crate::core::scope::Grants {
            write: scopes.contains(&TokenScope::Write),
            payments: scopes.contains(&TokenScope::Payments),
        };
        let created = store(ctx)
            .issue_api_token(s, &name, role.role(), grants)
            .await?;
        Ok(crate::reporting::graphql::ApiToken {
            id: ids::encode("ApiToken", &created.id),
            name,
            role: role.role().as_str().to_owned(),
            scopes: grants.as_scopes(),
            created_at: store(ctx).now_ms(),
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
}
