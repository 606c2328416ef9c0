//! Online payment attempts: starting one (which invoices, how much, which channel), reading them,
//! and the gateway's reference. What gateways report goes through `gateway_events`.

use crate::core::events::{Event, Topic};
use crate::core::ids::{AttemptId, ClientId, InvoiceId, PaymentId};
use portico_domain::{AttemptStatus, Money, PaymentMethod};

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::{Grants, Role, Scope};
use crate::payments::settings::payment_settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stripe,
    BankTransfer,
    /// Cryptocurrency through PassimPay's hosted page (the payer picks the coin there).
    Crypto,
    Demo,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Stripe => "stripe",
            Channel::BankTransfer => "bank_transfer",
            Channel::Crypto => "crypto",
            Channel::Demo => "demo",
        }
    }

    fn parse(s: &str) -> AppResult<Channel> {
        match s {
            "stripe" => Ok(Channel::Stripe),
            "bank_transfer" => Ok(Channel::BankTransfer),
            "crypto" => Ok(Channel::Crypto),
            "demo" => Ok(Channel::Demo),
            other => Err(AppError::Internal(anyhow::anyhow!(
                "stored channel {other:?}"
            ))),
        }
    }

    pub(super) fn method(&self) -> PaymentMethod {
        match self {
            Channel::Stripe | Channel::Demo => PaymentMethod::Card,
            Channel::BankTransfer => PaymentMethod::BankTransfer,
            Channel::Crypto => PaymentMethod::Crypto,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PaymentAttempt {
    pub id: AttemptId,
    pub client_id: ClientId,
    pub contact_id: Option<String>,
    pub channel: Channel,
    pub amount: Money,
    pub invoice_ids: Vec<InvoiceId>,
    pub status: AttemptStatus,
    pub gateway_ref: Option<String>,
    pub gateway_payment_ref: Option<String>,
    pub idempotency_key: String,
    pub reference: String,
    pub failure_reason: Option<String>,
    pub payment_id: Option<PaymentId>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(super) const COLUMNS: &str =
    "id, client_id, contact_id, method, amount_minor, currency, invoice_ids, status, gateway_ref, gateway_payment_ref, \
     idempotency_key, reference, failure_reason, payment_id, created_at, updated_at";

pub(super) fn attempt(row: &sqlx::any::AnyRow) -> AppResult<PaymentAttempt> {
    let c = rows::currency(row, "currency")?;
    Ok(PaymentAttempt {
        id: rows::id(row, "id")?,
        client_id: rows::id(row, "client_id")?,
        contact_id: rows::opt_text(row, "contact_id")?,
        channel: Channel::parse(&rows::text(row, "method")?)?,
        amount: rows::money(row, "amount_minor", c)?,
        invoice_ids: rows::text(row, "invoice_ids")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(InvoiceId::from_raw)
            .collect(),
        status: AttemptStatus::parse(&rows::text(row, "status")?)?,
        gateway_ref: rows::opt_text(row, "gateway_ref")?,
        gateway_payment_ref: rows::opt_text(row, "gateway_payment_ref")?,
        idempotency_key: rows::text(row, "idempotency_key")?,
        reference: rows::text(row, "reference")?,
        failure_reason: rows::opt_text(row, "failure_reason")?,
        payment_id: rows::opt_id(row, "payment_id")?,
        created_at: rows::int(row, "created_at")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}

/// The actor of changes a gateway causes.
pub(super) fn gateway_scope(tenant_id: &str, provider: &str) -> Scope {
    Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant_id.to_owned()),
        tenant_slug: String::new(),
        role: Role::Partner,
        actor_id: format!("gateway:{provider}"),
        actor_name: format!("{provider} gateway"),
        client_id: None,
        contact_id: None,
        session_id: None,
        grants: Grants::ALL,
    }
}

pub(super) async fn load(
    tx: &mut Tx,
    tenant_id: &str,
    id: Option<&str>,
    gateway_ref: Option<&str>,
) -> AppResult<Option<PaymentAttempt>> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM payment_attempts WHERE tenant_id = $1 AND (($2 IS NOT NULL AND id = $2) \
                 OR ($2 IS NULL AND gateway_ref = $3))"
            ))
            .bind(tenant_id.to_owned())
            .bind(id.map(str::to_owned))
            .bind(gateway_ref.map(str::to_owned)),
        )
        .await?;
    row.as_ref().map(attempt).transpose()
}

impl Store {
    /// A contact (payer or admin) starts paying: the chosen open invoices (or all that are due)
    /// and an amount (the total due, or less when the tenant allows partial payments, above its
    /// minimum). Returns the attempt, `processing` (card) or `awaiting_transfer` (bank).
    pub async fn create_attempt(
        &self,
        scope: &Scope,
        invoice_ids: Option<Vec<InvoiceId>>,
        amount: Option<&str>,
        channel: Channel,
    ) -> AppResult<PaymentAttempt> {
        let client_id = match (scope.role, scope.client_filter()) {
            (Role::ContactAdmin | Role::ContactPayer, Some(c)) => c.to_owned(),
            (Role::ContactViewer, _) => {
                return Err(AppError::forbidden(
                    "viewers cannot pay; ask the client's admin for the payer role",
                ))
            }
            _ => {
                return Err(AppError::forbidden(
                    "payments are started by the client's contacts",
                ))
            }
        };
        let mut tx = self.write_scoped(scope).await?;
        let settings = payment_settings(&mut tx, &scope.tenant_id).await?;
        let open = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, number, currency, balance_minor FROM invoices WHERE tenant_id = $1 AND client_id = $2 \
                     AND status IN ('issued', 'partially_paid') AND balance_minor > 0 ORDER BY issue_date, number",
                )
                .bind(scope.tenant_id.clone())
                .bind(client_id.clone()),
            )
            .await?;
        let mut chosen = Vec::new();
        match &invoice_ids {
            Some(ids) if ids.is_empty() => {
                return Err(AppError::bad_input(
                    "invoiceIds",
                    "choose at least one invoice",
                ))
            }
            Some(ids) => {
                for id in ids {
                    let row = open
                        .iter()
                        .find(|r| rows::text(r, "id").ok().as_deref() == Some(id.as_str()));
                    let row = row.ok_or_else(|| {
                        AppError::bad_input("invoiceIds", "an invoice is not open for payment")
                    })?;
                    chosen.push(row);
                }
            }
            None => chosen.extend(open.iter()),
        }
        let Some(first) = chosen.first() else {
            return Err(AppError::bad_input("invoiceIds", "nothing is due"));
        };
        let currency = rows::currency(first, "currency")?;
        let mut due = Money::zero(currency);
        for row in &chosen {
            if rows::currency(row, "currency")? != currency {
                return Err(AppError::bad_input(
                    "invoiceIds",
                    "pay invoices of one currency at a time",
                ));
            }
            due = due.checked_add(rows::money(row, "balance_minor", currency)?)?;
        }
        let amount = match amount {
            Some(a) => Money::parse_amount(a, currency)?,
            None => due,
        };
        if !amount.is_positive() {
            return Err(AppError::bad_input(
                "amount",
                "the amount must be more than zero",
            ));
        }
        if amount.minor > due.minor {
            return Err(AppError::bad_input(
                "amount",
                format!("the amount is more than the {} due", due),
            ));
        }
        if amount.minor < due.minor {
            if !settings.allow_partial {
                return Err(AppError::bad_input(
                    "amount",
                    format!("pay the full {} due", due),
                ));
            }
            if amount.minor < settings.min_partial {
                let min = Money::new(settings.min_partial, currency);
                return Err(AppError::bad_input(
                    "amount",
                    format!("a partial payment is at least {min}"),
                ));
            }
        }
        let id = new_id();
        let now = tx.now_ms();
        let reference = format!("P{}", id.replace('-', "")[20..].to_uppercase());
        let status = AttemptStatus::initial(channel == Channel::BankTransfer);
        let ids: Vec<String> = chosen
            .iter()
            .map(|r| rows::text(r, "id"))
            .collect::<AppResult<_>>()?;
        tx.execute(
            sqlx::query(
                "INSERT INTO payment_attempts (id, tenant_id, client_id, contact_id, method, amount_minor, currency, invoice_ids, \
                 status, idempotency_key, reference, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(client_id)
            .bind(scope.contact_id.clone())
            .bind(channel.as_str())
            .bind(amount.minor)
            .bind(currency.code())
            .bind(ids.join(","))
            .bind(status.as_str())
            .bind(format!("portico-attempt-{id}"))
            .bind(reference)
            .bind(now),
        )
        .await?;
        audit::record(&mut tx, scope, "payment.attempt_started", "payment_attempt", &id, Some(serde_json::json!({
            "amount": amount.amount_string(), "currency": currency.code(), "method": channel.as_str() })))
        .await?;
        let a = load(&mut tx, &scope.tenant_id, Some(&id), None)
            .await?
            .ok_or(AppError::NotFound("payment attempt"))?;
        tx.commit().await?;
        Ok(a)
    }

    /// Stores the gateway's reference for an attempt (its hosted session id).
    pub async fn set_attempt_gateway_ref(
        &self,
        tenant_id: &str,
        id: &AttemptId,
        gateway_ref: &str,
    ) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        tx.execute(
            sqlx::query("UPDATE payment_attempts SET gateway_ref = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(gateway_ref.to_owned())
                .bind(tx.now_ms())
                .bind(tenant_id.to_owned())
                .bind(id.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    /// An attempt the caller may see (contacts: their client's).
    pub async fn attempt(
        &self,
        scope: &Scope,
        id: &AttemptId,
    ) -> AppResult<Option<PaymentAttempt>> {
        let mut tx = self.read_scoped(scope).await?;
        let a = load(&mut tx, &scope.tenant_id, Some(id), None).await?;
        tx.commit().await?;
        Ok(a.filter(|a| scope.can_see_client(&a.client_id)))
    }

    /// An attempt of this business by its id, for a gateway's webhook or check (not scoped to a
    /// caller).
    pub async fn attempt_by_id(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> AppResult<Option<PaymentAttempt>> {
        let mut tx = self.read(tenant_id).await?;
        let a = load(&mut tx, tenant_id, Some(id), None).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// An attempt by the gateway's reference (the demo page, webhooks).
    pub async fn attempt_by_ref(
        &self,
        tenant_id: &str,
        gateway_ref: &str,
    ) -> AppResult<Option<PaymentAttempt>> {
        let mut tx = self.read(tenant_id).await?;
        let a = load(&mut tx, tenant_id, None, Some(gateway_ref)).await?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn attempts(&self, scope: &Scope, limit: i64) -> AppResult<Vec<PaymentAttempt>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM payment_attempts WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) \
                     ORDER BY created_at DESC, id DESC LIMIT $3"
                ))
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(attempt).collect()
    }
}

impl Store {
    /// The online attempt that produced a payment, if any.
    pub async fn attempt_for_payment(
        &self,
        scope: &Scope,
        payment_id: &PaymentId,
    ) -> AppResult<Option<PaymentAttempt>> {
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!("SELECT {COLUMNS} FROM payment_attempts WHERE tenant_id = $1 AND payment_id = $2"))
                    .bind(scope.tenant_id.clone())
                    .bind(payment_id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.as_ref().map(attempt).transpose()
    }
}

impl Event {
    /// A payment attempt's current status.
    pub fn attempt(tenant_id: &str, a: &crate::payments::PaymentAttempt) -> Event {
        Event {
            id: crate::core::db::new_id(),
            tenant_id: tenant_id.to_owned(),
            client_id: a.client_id.to_string(),
            topic: Topic::Attempt,
            action: a.status.as_str().to_owned(),
            subject_id: a.id.to_string(),
            status: Some(a.status.as_str().to_owned()),
            amount_minor: Some(a.amount.minor),
            currency: Some(a.amount.currency.code().to_owned()),
            at: 0, // stamped by the bus when published
        }
    }
}
