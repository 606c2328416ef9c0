//! The Query root: every read the API offers, each run with the caller's scope.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{
    Context, InputObject, Interface, Object, OutputType, Result, SimpleObject, ID,
};
use chrono::Datelike;

use super::context::{scope, shared, store, today};
use super::inputs::{currency_opt, InvoiceFilterInput, InvoiceOrderInput};
use super::mutation::PaymentChannel;
use super::scalars::Date;
use crate::core::error::AppError;
use crate::core::ids;
use crate::credit::graphql::CreditNote;
use crate::estimates::graphql::Estimate;
use crate::invoicing::graphql::Invoice;
use crate::parties::graphql::{Client, Contact, PortalProfile, Viewer};
use crate::payments::graphql::ledger::Payment;
use crate::projects::graphql::Project;
use crate::reporting::graphql::{ClientBalance, Dashboard, PortalPaymentSettings, Statement};
use crate::threads::graphql::Thread;
use crate::threads::SubjectKind;

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Invoice(Invoice),
    Client(Client),
    Contact(Contact),
    Payment(Payment),
    CreditNote(CreditNote),
    Estimate(Estimate),
    Project(Project),
    Thread(Thread),
}

#[derive(SimpleObject)]
pub struct Totals {
    /// Matching items across all pages.
    pub total_count: i64,
}

pub(crate) use crate::core::pagination::{offset_of, page_size};

/// A connection over an offset-paged list (fetched with `first + 1` rows to know about the next page).
pub(crate) fn offset_connection<T: OutputType>(
    mut items: Vec<T>,
    offset: i64,
    first: i64,
) -> Connection<String, T> {
    let has_next = items.len() as i64 > first;
    items.truncate(first as usize);
    let mut conn = Connection::new(offset > 0, has_next);
    conn.edges
        .extend(items.into_iter().enumerate().map(|(i, node)| {
            Edge::new(
                crate::core::pagination::offset_cursor(offset + i as i64),
                node,
            )
        }));
    conn
}

pub(crate) fn client_arg(client_id: Option<&ID>) -> Result<Option<String>, AppError> {
    client_id.map(|c| ids::decode(c, "Client")).transpose()
}

#[derive(InputObject, Default)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

#[derive(Default)]
pub struct CoreQuery;

#[Object]
impl CoreQuery {
    /// A business's public profile for its sign-in page, by slug; no sign-in needed. Null for an
    /// unknown slug.
    async fn portal(&self, ctx: &Context<'_>, slug: String) -> Result<Option<PortalProfile>> {
        if slug.len() > 100 {
            return Ok(None);
        }
        let store = store(ctx);
        let now = store.now_ms();
        Ok(store
            .portal_profile(&slug)
            .await?
            .map(|t| PortalProfile::new(t, now)))
    }

    /// Whether anyone may sign up a new business on this deployment (`PORTICO_PUBLIC_SIGNUP`);
    /// no sign-in needed.
    async fn public_signup(&self, ctx: &Context<'_>) -> bool {
        shared(ctx).config.public_signup
    }

    /// The caller: role, tenant, and for contacts their client.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        scope(ctx)?;
        Ok(Viewer)
    }

    /// Amount due, overdue, credit available and paid in a period (default: this calendar year),
    /// per currency, and invoice counts by status. Staff may narrow it to one client.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        client_id: Option<ID>,
        period: Option<Period>,
    ) -> Result<Dashboard> {
        let s = scope(ctx)?;
        let today = today(ctx);
        let period = period.unwrap_or_default();
        let from = period
            .from
            .map(|d| d.0)
            .unwrap_or_else(|| today.with_ordinal(1).unwrap_or(today));
        let to = period.to.map(|d| d.0).unwrap_or(today);
        if to < from {
            return Err(AppError::bad_input("period", "the period ends before it starts").into());
        }
        let client = client_arg(client_id.as_ref())?;
        let d = store(ctx)
            .dashboard(s, client.as_deref(), today, from, to)
            .await?;
        Ok(Dashboard::new(d, Date(from), Date(to), client))
    }

    /// Invoices, filtered and ordered, with keyset pagination.
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<InvoiceFilterInput>,
        order_by: Option<InvoiceOrderInput>,
    ) -> Result<Connection<String, Invoice, Totals, EmptyFields>> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Invoices).await?;
        let s = scope(ctx)?;
        let first = page_size(first)?;
        let filter = filter.map(|f| f.parse()).transpose()?.unwrap_or_default();
        let order = order_by.map(|o| o.parse()).unwrap_or_default();
        let page = store(ctx)
            .list_invoices(s, &filter, order, first, after.as_deref(), today(ctx))
            .await?;
        let invoices: Vec<_> = page.items.iter().map(|(_, i)| i.clone()).collect();
        let node = ctx.look_ahead().field("edges").field("node");
        super::context::loaders(ctx)?
            .prime_invoices(store(ctx), s, node, &invoices)
            .await?;
        let mut conn = Connection::with_additional_fields(
            after.is_some(),
            page.has_next,
            Totals {
                total_count: page.total_count,
            },
        );
        conn.edges.extend(
            page.items
                .into_iter()
                .map(|(cursor, inv)| Edge::new(cursor, Invoice(inv))),
        );
        Ok(conn)
    }

    /// One invoice. When a client's contact opens it, staff are notified (at most once an hour
    /// per contact and invoice).
    async fn invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Invoice>> {
        let s = scope(ctx)?;
        // A malformed id is answered first (NOT_FOUND), before anything is read.
        let id = crate::core::ids::InvoiceId::from_global(&id)?;
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Invoices).await?;
        let found = store(ctx).invoice(s, &id).await?;
        if let Some(inv) = &found {
            // A write during a read: it must never fail the query.
            if let Err(e) = store(ctx)
                .note_invoice_view(s, &inv.id, &inv.number, &inv.client_id)
                .await
            {
                tracing::warn!(error = ?e, invoice = %inv.id, "recording an invoice view failed");
            }
            if s.role.is_contact() {
                // Staff may have a new notification: their menus recount.
                let e = crate::core::events::Event::activity(
                    &s.tenant_id,
                    &inv.client_id,
                    "viewed",
                    &inv.id,
                );
                shared(ctx).bus.publish(e).await;
            }
        }
        Ok(found.map(Invoice))
    }

    async fn invoice_by_number(
        &self,
        ctx: &Context<'_>,
        number: String,
    ) -> Result<Option<Invoice>> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Invoices).await?;
        let number = portico_domain::DocumentNumber::parse(&number).map_err(AppError::from)?;
        Ok(store(ctx)
            .invoice_by_number(scope(ctx)?, number.as_str())
            .await?
            .map(Invoice))
    }

    /// A client's statement for a period: opening balance, every document with a running
    /// balance, closing balance and aging. Currency defaults to the client's.
    async fn statement(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        from: Date,
        to: Date,
        currency: Option<String>,
    ) -> Result<Statement> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Statements).await?;
        let client = ids::decode(&client_id, "Client")?;
        let currency = currency_opt(currency.as_deref())?;
        let scope = scope(ctx)?;
        let mut statement: Statement = store(ctx)
            .statement(scope, &client, currency, from.0, to.0)
            .await?
            .into();
        statement.download = Some(crate::reporting::graphql::StatementDownload {
            base: format!(
                "{}/documents/statement",
                store(ctx).tenant_url(&scope.tenant_slug).await
            ),
            client: client_id,
        });
        Ok(statement)
    }

    async fn estimates(
        &self,
        ctx: &Context<'_>,
        client_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Estimate>> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Estimates).await?;
        let (first, offset) = (page_size(first)?, offset_of(after)?);
        let client = client_arg(client_id.as_ref())?;
        let rows = store(ctx)
            .estimates(scope(ctx)?, client.as_deref(), None, first + 1, offset)
            .await?;
        Ok(offset_connection(
            rows.into_iter().map(Estimate).collect(),
            offset,
            first,
        ))
    }

    async fn credit_notes(
        &self,
        ctx: &Context<'_>,
        client_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, CreditNote>> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::CreditNotes).await?;
        let (first, offset) = (page_size(first)?, offset_of(after)?);
        let client = client_arg(client_id.as_ref())?;
        let rows = store(ctx)
            .credit_notes(scope(ctx)?, client.as_deref(), None, first + 1, offset)
            .await?;
        Ok(offset_connection(
            rows.into_iter().map(CreditNote::from).collect(),
            offset,
            first,
        ))
    }

    async fn payments(
        &self,
        ctx: &Context<'_>,
        client_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Payment>> {
        let (first, offset) = (page_size(first)?, offset_of(after)?);
        let client = client_arg(client_id.as_ref())?;
        let rows = store(ctx)
            .payments(scope(ctx)?, client.as_deref(), first + 1, offset)
            .await?;
        Ok(offset_connection(
            rows.into_iter().map(Payment).collect(),
            offset,
            first,
        ))
    }

    async fn clients(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Client>> {
        let (first, offset) = (page_size(first)?, offset_of(after)?);
        let rows = store(ctx).clients(scope(ctx)?, first + 1, offset).await?;
        Ok(offset_connection(
            rows.into_iter().map(Client).collect(),
            offset,
            first,
        ))
    }

    async fn client(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Client>> {
        let id = ids::decode(&id, "Client")?;
        Ok(store(ctx).client(scope(ctx)?, &id).await?.map(Client))
    }

    /// Projects with their time entries and summaries by task, assignee and month.
    async fn projects(&self, ctx: &Context<'_>, client_id: Option<ID>) -> Result<Vec<Project>> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Projects).await?;
        let client = client_arg(client_id.as_ref())?;
        Ok(store(ctx)
            .projects(scope(ctx)?, client.as_deref(), None)
            .await?
            .into_iter()
            .map(Project)
            .collect())
    }

    /// Message threads, most recent first; `subjectId` narrows to one invoice, estimate or project.
    async fn threads(&self, ctx: &Context<'_>, subject_id: Option<ID>) -> Result<Vec<Thread>> {
        let subject = subject_id.as_ref().map(subject_of).transpose()?;
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Messages).await?;
        let subject_ref = subject.as_ref().map(|(k, id)| (*k, id.as_str()));
        Ok(store(ctx)
            .threads(scope(ctx)?, subject_ref, None)
            .await?
            .into_iter()
            .map(Thread)
            .collect())
    }

    /// One thread (by the same rules as `threads`); opening it marks it read for the caller
    /// unless `markRead` is false (the portal passes false for a page opened from another site).
    async fn thread(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = true)] mark_read: bool,
    ) -> Result<Option<Thread>> {
        let id = ids::decode(&id, "Thread")?;
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Messages).await?;
        let s = scope(ctx)?;
        if mark_read {
            Ok(store(ctx).open_thread(s, &id).await?.map(Thread))
        } else {
            Ok(store(ctx)
                .threads(s, None, Some(&id))
                .await?
                .into_iter()
                .next()
                .map(Thread))
        }
    }

    /// How the caller's client may pay: the methods available and the partial payment rules.
    async fn payment_settings(&self, ctx: &Context<'_>) -> Result<PortalPaymentSettings> {
        let s = scope(ctx)?;
        let st = store(ctx);
        let settings = st.payment_settings(&s.tenant_id).await?;
        // One read of the tenant for its default currency and the link setting.
        let tenant = st
            .tenant_by_id(&s.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?;
        let (up, down) = crate::payments::gateways::offered(shared(ctx), &s.tenant_id).await;
        let methods: Vec<PaymentChannel> = up.into_iter().map(PaymentChannel::from).collect();
        let gateway_problems = if s.is_staff() {
            st.gateways_down(&s.tenant_id)
                .await?
                .into_iter()
                .filter_map(|d| {
                    let g = crate::payments::gateways::by_provider(&d.provider)?;
                    Some(crate::reporting::graphql::GatewayProblem {
                        method: g.channel().into(),
                        since: d.since,
                        last_error: d.last_error,
                        next_check: d.next_probe,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let min_partial = if settings.allow_partial && settings.min_partial > 0 {
            let client = match s.client_filter() {
                Some(id) => st.client(s, id).await?,
                None => None,
            };
            let currency = client.map_or(tenant.default_currency, |c| c.currency);
            Some(portico_domain::Money::new(settings.min_partial, currency).into())
        } else {
            None
        };
        Ok(PortalPaymentSettings {
            bank_details: settings.bank_details.clone(),
            allow_link_payments: tenant.allow_link_payments,
            methods,
            unavailable_methods: down.into_iter().map(PaymentChannel::from).collect(),
            gateway_problems,
            allow_partial: settings.allow_partial,
            min_partial,
        })
    }

    /// Every client's amounts due, overdue and credit per currency, largest due first (staff).
    async fn client_balances(&self, ctx: &Context<'_>) -> Result<Vec<ClientBalance>> {
        Ok(store(ctx)
            .client_balances(scope(ctx)?, today(ctx))
            .await?
            .into_iter()
            .map(ClientBalance::from)
            .collect())
    }

    /// A payment attempt (its payer's client, or staff).
    async fn payment_attempt(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<crate::payments::graphql::attempts::PaymentAttempt>> {
        let id = crate::core::ids::AttemptId::from_global(&id)?;
        Ok(store(ctx)
            .attempt(scope(ctx)?, &id)
            .await?
            .map(|a| crate::payments::graphql::attempts::PaymentAttempt::new(a, None, None)))
    }

    /// Recent payment attempts, newest first (contacts: their client's).
    async fn payment_attempts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<crate::payments::graphql::attempts::PaymentAttempt>> {
        let first = page_size(Some(first))?;
        let list = store(ctx).attempts(scope(ctx)?, first).await?;
        Ok(list
            .into_iter()
            .map(|a| crate::payments::graphql::attempts::PaymentAttempt::new(a, None, None))
            .collect())
    }

    /// Fetches any object by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let s = scope(ctx)?;
        let st = store(ctx);
        let (kind, raw) = ids::decode_any(&id)?;
        Ok(match kind.as_str() {
            "Invoice" => st
                .invoice(s, &crate::core::ids::InvoiceId::from_raw(raw))
                .await?
                .map(|i| Node::Invoice(Invoice(i))),
            "Client" => st.client(s, &raw).await?.map(|c| Node::Client(Client(c))),
            "Contact" => st
                .contact(s, &raw)
                .await?
                .map(|c| Node::Contact(Contact(c))),
            "Payment" => st
                .payment(s, &crate::core::ids::PaymentId::from_raw(raw))
                .await?
                .map(|p| Node::Payment(Payment(p))),
            "CreditNote" => st
                .credit_notes(s, None, Some(&raw), 1, 0)
                .await?
                .into_iter()
                .next()
                .map(|c| Node::CreditNote(c.into())),
            "Estimate" => st
                .estimates(s, None, Some(&raw), 1, 0)
                .await?
                .into_iter()
                .next()
                .map(|e| Node::Estimate(Estimate(e))),
            "Project" => st
                .projects(s, None, Some(&raw))
                .await?
                .into_iter()
                .next()
                .map(|p| Node::Project(Project(p))),
            "Thread" => st
                .threads(s, None, Some(&raw))
                .await?
                .into_iter()
                .next()
                .map(|t| Node::Thread(Thread(t))),
            other => return Err(AppError::bad_input("id", format!("unknown type {other}")).into()),
        })
    }
}

/// The document a thread hangs on, from its global id.
pub fn subject_of(id: &ID) -> Result<(SubjectKind, String), AppError> {
    let (kind, raw) = ids::decode_any(id)?;
    let kind = match kind.as_str() {
        "Invoice" => SubjectKind::Invoice,
        "Estimate" => SubjectKind::Estimate,
        "Project" => SubjectKind::Project,
        other => {
            return Err(AppError::bad_input(
                "subjectId",
                format!("threads attach to invoices, estimates and projects, not {other}"),
            ))
        }
    };
    Ok((kind, raw))
}
