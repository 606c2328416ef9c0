//! GraphQL types for the dashboard (with its monthly chart), client balances, statements and the
//! audit trail.

use async_graphql::{ComplexObject, Context, Result, SimpleObject, ID};

use crate::core::error::AppError;
use crate::core::ids;
use crate::graphql::context::{scope, store, today};
use crate::graphql::inputs::currency_opt;
use crate::graphql::mutation::PaymentChannel;
use crate::graphql::scalars::{Date, Money};

#[derive(SimpleObject)]
pub struct CurrencyFigures {
    pub currency: String,
    pub amount_due: Money,
    pub overdue: Money,
    pub credit_available: Money,
    pub paid_in_period: Money,
    /// Invoices past due with a balance, in this currency.
    pub overdue_count: i64,
}

#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Dashboard {
    /// One entry per currency in use.
    pub currencies: Vec<CurrencyFigures>,
    pub counts_by_status: Vec<StatusCount>,
    pub overdue_count: i64,
    pub period_from: Date,
    pub period_to: Date,
    /// The client the dashboard is narrowed to (staff's `clientId`), for `monthly`.
    #[graphql(skip)]
    pub client_id: Option<String>,
}

#[ComplexObject]
impl Dashboard {
    /// Invoiced (issued invoices' totals, not drafts or void) and paid (payments received less
    /// refunds made) per calendar month: the last `months` (1–36) ending with this month, oldest
    /// first, every month present. Only amounts in `currency` count (default: the client's
    /// currency for a client's dashboard, else the business's).
    async fn monthly(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 12)] months: Option<i32>,
        currency: Option<String>,
    ) -> Result<Vec<MonthFigures>> {
        let months = u32::try_from(months.unwrap_or(12))
            .ok()
            .filter(|m| (1..=crate::reporting::MAX_MONTHS).contains(m))
            .ok_or_else(|| {
                AppError::bad_input(
                    "months",
                    format!("months is between 1 and {}", crate::reporting::MAX_MONTHS),
                )
            })?;
        let currency = currency_opt(currency.as_deref())?;
        let list = store(ctx)
            .monthly_figures(
                scope(ctx)?,
                self.client_id.as_deref(),
                currency,
                today(ctx),
                months,
            )
            .await?;
        Ok(list
            .into_iter()
            .map(|m| MonthFigures {
                month: m.month,
                invoiced: m.invoiced.into(),
                paid: m.paid.into(),
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub invoiced: Money,
    pub paid: Money,
}

/// One client's balances in one currency (staff's overview).
#[derive(SimpleObject)]
pub struct ClientBalance {
    pub client_id: ID,
    pub name: String,
    pub email: Option<String>,
    pub currency: String,
    /// Balance of issued and partially paid invoices.
    pub due: Money,
    /// The part of `due` past its due date.
    pub overdue: Money,
    /// Unallocated payments and what is left of open credit notes.
    pub credit: Money,
}

impl From<crate::reporting::ClientBalance> for ClientBalance {
    fn from(b: crate::reporting::ClientBalance) -> Self {
        ClientBalance {
            client_id: ids::encode("Client", &b.client_id),
            name: b.name,
            email: b.email,
            currency: b.currency.code().to_owned(),
            due: b.due.into(),
            overdue: b.overdue.into(),
            credit: b.credit.into(),
        }
    }
}

/// A payment gateway that stopped answering for this business.
#[derive(SimpleObject)]
pub struct GatewayProblem {
    pub method: PaymentChannel,
    /// Since when it is hidden from the pay page (ms since the epoch).
    pub since: i64,
    /// The last error it gave.
    pub last_error: Option<String>,
    /// When it is asked again, ms since the epoch (it comes back at the first success).
    pub next_check: Option<i64>,
}

/// How the caller's client may pay.
#[derive(SimpleObject)]
pub struct PortalPaymentSettings {
    /// The payment methods that work now, in the order the pay page offers them.
    pub methods: Vec<PaymentChannel>,
    /// Methods the business offers whose gateway is not answering: shown as temporarily
    /// unavailable until it is back (see `gatewayProblems`).
    pub unavailable_methods: Vec<PaymentChannel>,
    /// Staff only (empty for clients): the gateways that are down, since when and why.
    pub gateway_problems: Vec<GatewayProblem>,
    /// Whether less than the full amount due may be paid.
    pub allow_partial: bool,
    /// The smallest partial payment, when partial payments are allowed and have a minimum.
    pub min_partial: Option<Money>,
    /// What a bank transfer's instructions say (account, beneficiary), if the business set them.
    pub bank_details: Option<String>,
    /// Whether an invoice link's recipient may pay through it (staff see it to change it).
    pub allow_link_payments: bool,
}

impl Dashboard {
    pub fn new(
        d: crate::reporting::Dashboard,
        from: Date,
        to: Date,
        client_id: Option<String>,
    ) -> Self {
        Dashboard {
            client_id,
            currencies: d
                .figures
                .into_iter()
                .map(|f| CurrencyFigures {
                    currency: f.currency.code().to_owned(),
                    amount_due: f.amount_due.into(),
                    overdue: f.overdue.into(),
                    credit_available: f.credit_available.into(),
                    paid_in_period: f.paid_in_period.into(),
                    overdue_count: f.overdue_count,
                })
                .collect(),
            counts_by_status: d
                .counts
                .into_iter()
                .map(|c| StatusCount {
                    status: c.status,
                    count: c.count,
                })
                .collect(),
            overdue_count: d.overdue_count,
            period_from: from,
            period_to: to,
        }
    }
}

#[derive(SimpleObject)]
pub struct StatementLine {
    pub date: Date,
    /// `invoice`, `payment`, `credit_note` or `refund`.
    pub kind: String,
    pub reference: String,
    pub document_id: ID,
    pub debit: Money,
    pub credit: Money,
    pub balance: Money,
}

#[derive(SimpleObject)]
pub struct Aging {
    pub current: Money,
    pub days_1_to_30: Money,
    pub days_31_to_60: Money,
    pub days_61_to_90: Money,
    pub days_over_90: Money,
    pub total: Money,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Statement {
    pub currency: String,
    pub from: Date,
    pub to: Date,
    pub opening_balance: Money,
    #[graphql(skip)]
    pub all_lines: Vec<StatementLine>,
    pub total_debits: Money,
    pub total_credits: Money,
    pub closing_balance: Money,
    pub aging: Aging,
    /// Where this statement downloads (set by the query that knows the client).
    #[graphql(skip)]
    pub download: Option<StatementDownload>,
}

/// The client and deployment a statement's downloads point at.
#[derive(Clone)]
pub struct StatementDownload {
    /// `https://portal.example/acme/documents/statement` without the extension.
    pub base: String,
    pub client: ID,
}

impl StatementDownload {
    fn url(&self, s: &Statement, ext: &str, exports: bool) -> String {
        let base = if exports {
            self.base
                .replace("/documents/statement", "/exports/statement")
        } else {
            self.base.clone()
        };
        format!(
            "{base}.{ext}?client={}&currency={}&from={}&to={}",
            self.client.0, s.currency, s.from.0, s.to.0
        )
    }
}

#[async_graphql::ComplexObject]
impl Statement {
    /// This statement as a PDF, with the aging table (same authorisation as reading it).
    async fn pdf_url(&self) -> Option<String> {
        self.download.as_ref().map(|d| d.url(self, "pdf", false))
    }
    /// This statement as an Excel workbook (real dates and numbers, totals row).
    async fn xlsx_url(&self) -> Option<String> {
        self.download.as_ref().map(|d| d.url(self, "xlsx", true))
    }
    /// This statement as CSV (UTF-8 with BOM; add `&sep=;` for semicolons).
    async fn csv_url(&self) -> Option<String> {
        self.download.as_ref().map(|d| d.url(self, "csv", true))
    }

    /// The period's entries, oldest first, each with the running balance after it; with `last`,
    /// only the latest `last` (1–5000) of them (a screen's worth of a long period).
    async fn lines(&self, last: Option<i32>) -> async_graphql::Result<&[StatementLine]> {
        let all = &self.all_lines[..];
        match last {
            None => Ok(all),
            Some(n @ 1..=5000) => Ok(&all[all.len().saturating_sub(n as usize)..]),
            Some(_) => Err(crate::core::error::AppError::bad_input(
                "last",
                "must be between 1 and 5000",
            )
            .into()),
        }
    }

    /// How many entries the period has.
    async fn line_count(&self) -> i32 {
        i32::try_from(self.all_lines.len()).unwrap_or(i32::MAX)
    }
}

impl From<portico_domain::Statement> for Statement {
    fn from(s: portico_domain::Statement) -> Self {
        use portico_domain::LedgerKind;
        Statement {
            currency: s.currency.code().to_owned(),
            from: Date(s.from),
            to: Date(s.to),
            opening_balance: s.opening_balance.into(),
            all_lines: s
                .lines
                .into_iter()
                .map(|l| {
                    let gql_kind = match l.kind {
                        LedgerKind::Invoice => "Invoice",
                        LedgerKind::Payment | LedgerKind::Refund => "Payment",
                        LedgerKind::CreditNote => "CreditNote",
                    };
                    let id = if l.kind == LedgerKind::Refund {
                        "Refund"
                    } else {
                        gql_kind
                    };
                    StatementLine {
                        date: Date(l.date),
                        kind: l.kind.as_str().to_owned(),
                        reference: l.reference,
                        document_id: ids::encode(id, &l.document_id),
                        debit: l.debit.into(),
                        credit: l.credit.into(),
                        balance: l.balance.into(),
                    }
                })
                .collect(),
            total_debits: s.total_debits.into(),
            total_credits: s.total_credits.into(),
            closing_balance: s.closing_balance.into(),
            aging: Aging {
                current: s.aging.current.into(),
                days_1_to_30: s.aging.days_1_30.into(),
                days_31_to_60: s.aging.days_31_60.into(),
                days_61_to_90: s.aging.days_61_90.into(),
                days_over_90: s.aging.days_over_90.into(),
                total: s.aging.total.into(),
            },
            download: None,
        }
    }
}

#[derive(SimpleObject)]
pub struct AuditEvent {
    pub id: ID,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub detail: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<crate::core::audit::AuditEvent> for AuditEvent {
    fn from(e: crate::core::audit::AuditEvent) -> Self {
        AuditEvent {
            id: ids::encode("AuditEvent", &e.id),
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            action: e.action,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            detail: e.detail,
            created_at: e.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct Session {
    pub id: ID,
    /// Unix milliseconds.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

impl From<crate::identity::SessionInfo> for Session {
    fn from(s: crate::identity::SessionInfo) -> Self {
        Session {
            id: ids::encode("Session", &s.id),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
            ip: s.ip,
            current: s.current,
        }
    }
}

#[derive(SimpleObject)]
pub struct InvoiceLink {
    pub id: ID,
    pub invoice_id: ID,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    /// Only when the link is created: the secret is not stored and cannot be shown again.
    pub url: Option<String>,
}

impl InvoiceLink {
    pub fn new(l: crate::invoicing::InvoiceLink, url: Option<String>) -> Self {
        InvoiceLink {
            id: ids::encode("InvoiceLink", &l.id),
            invoice_id: l.invoice_id.to_global(),
            created_at: l.created_at,
            expires_at: l.expires_at,
            revoked: l.revoked_at.is_some(),
            url,
        }
    }
}

#[derive(SimpleObject)]
pub struct Invitation {
    pub id: ID,
    pub contact_id: ID,
    pub client_id: ID,
    pub email: String,
    pub name: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub sent_count: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

impl From<crate::parties::Invitation> for Invitation {
    fn from(i: crate::parties::Invitation) -> Self {
        Invitation {
            id: ids::encode("Invitation", &i.id),
            contact_id: ids::encode("Contact", &i.contact_id),
            client_id: ids::encode("Client", &i.client_id),
            email: i.email,
            name: i.name,
            status: i.status,
            sent_count: i.sent_count,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub role: String,
    /// e.g. `read,write,payments`.
    pub scopes: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    /// Only when the token is created: it is not stored and cannot be shown again.
    pub token: Option<String>,
}

impl From<crate::identity::ApiToken> for ApiToken {
    fn from(t: crate::identity::ApiToken) -> Self {
        ApiToken {
            id: ids::encode("ApiToken", &t.id),
            name: t.name,
            role: t.role,
            scopes: t.scopes,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
            token: None,
        }
    }
}

#[derive(SimpleObject)]
pub struct PasskeyInfo {
    pub id: ID,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl From<crate::identity::StoredPasskey> for PasskeyInfo {
    fn from(p: crate::identity::StoredPasskey) -> Self {
        PasskeyInfo {
            id: ids::encode("Passkey", &p.id),
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}
pub mod getting_started;
