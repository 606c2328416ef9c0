//! The one pipeline every gateway's events go through. An event is applied exactly once: its id
//! is inserted in the same transaction as its effects, so a duplicate delivery changes nothing; an
//! attempt never moves backwards (a success is final, a late failure after it is ignored); two
//! events that both report success record one payment.

use base64::Engine;
use chrono::NaiveDate;
use portico_domain::{self as domain, Allocation, AttemptStatus, Currency, Money};

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::mail::attachments::Attachment;
use crate::core::mail::message::{Brand, Template};
use crate::core::outbox;
use crate::core::scope::Scope;
use crate::invoicing::service::Invoice;
use crate::payments::attempts::*;
use crate::payments::ledger::{record_payment_tx, refund_payment_tx, NewPayment, Payment};
use crate::payments::mail::ReceiptEmail;
use crate::tenancy::repo::next_number;

/// What a gateway said happened, already verified and parsed by its adapter.
#[derive(Debug, Clone)]
pub struct GatewayEvent {
    pub provider: String,
    pub event_id: String,
    pub event_type: String,
    /// The attempt: by our id (metadata) or by the gateway's reference.
    pub attempt_id: Option<String>,
    pub gateway_ref: Option<String>,
    /// The gateway's payment (Stripe's payment intent), kept for refunds.
    pub gateway_payment_ref: Option<String>,
    pub kind: EventKind,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    Succeeded {
        amount_minor: Option<i64>,
        received_on: Option<NaiveDate>,
        /// The currency a gateway reports (ISO 4217, any case); `None` where nobody reports one
        /// (staff confirming a transfer, the demo gateway).
        currency: Option<String>,
    },
    Failed {
        reason: String,
    },
    Refunded {
        amount_minor: i64,
    },
    Disputed {
        amount_minor: i64,
        reason: Option<String>,
    },
    /// An event type we record (for idempotency) but do not act on.
    Other,
}

/// Returned once per gateway event and consumed at once: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum EventOutcome {
    /// Seen before: nothing changed.
    Duplicate,
    /// Recorded, but it changed nothing (out of order, already final, unknown attempt, …).
    Ignored {
        reason: &'static str,
        attempt: Option<PaymentAttempt>,
    },
    Applied {
        attempt: PaymentAttempt,
        payment: Option<Payment>,
        invoices: Vec<Invoice>,
    },
}

impl Store {
    /// Applies a verified gateway event exactly once (see the module comment).
    pub async fn apply_gateway_event(
        &self,
        tenant_id: &str,
        event: &GatewayEvent,
    ) -> AppResult<EventOutcome> {
        let now = self.now_ms();
        let mut tx = self.write(tenant_id).await?;
        let fresh = tx
            .execute(
                sqlx::query(
                    "INSERT INTO webhook_events (tenant_id, provider, event_id, event_type, received_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (tenant_id, provider, event_id) DO NOTHING",
                )
                .bind(tenant_id.to_owned())
                .bind(event.provider.clone())
                .bind(event.event_id.clone())
                .bind(event.event_type.clone())
                .bind(now),
            )
            .await?;
        if fresh == 0 {
            tx.commit().await?;
            return Ok(EventOutcome::Duplicate);
        }
        let found = load(
            &mut tx,
            tenant_id,
            event.attempt_id.as_deref(),
            event.gateway_ref.as_deref(),
        )
        .await?;
        let Some(att) = found else {
            tx.commit().await?;
            return Ok(EventOutcome::Ignored {
                reason: "no such payment attempt",
                attempt: None,
            });
        };
        let scope = gateway_scope(tenant_id, &event.provider);
        let outcome = match &event.kind {
            EventKind::Succeeded {
                amount_minor,
                received_on,
                currency: Some(reported),
            } if !reported.eq_ignore_ascii_case(att.amount.currency.code())
                || amount_minor.is_some_and(|a| a != att.amount.minor) =>
            {
                // A gateway's amount and currency are checked, never trusted: what differs from
                // the attempt is a discrepancy for staff, and nothing is credited.
                discrepancy(&mut tx, &scope, &att, *amount_minor, reported).await?;
                EventOutcome::Ignored {
                    reason: "the gateway reported another amount or currency",
                    attempt: Some(att),
                }
            }
            EventKind::Succeeded {
                amount_minor,
                received_on,
                ..
            } => {
                let received_on = received_on.unwrap_or_else(|| tx.clock().today_utc());
                succeed(
                    &mut tx,
                    &scope,
                    self.sites(),
                    att,
                    event.gateway_payment_ref.as_deref(),
                    *amount_minor,
                    received_on,
                )
                .await?
            }
            EventKind::Failed { reason } => {
                let guard = AttemptStatus::sql_list(&AttemptStatus::FAILS_FROM);
                let sql = format!(
                    "UPDATE payment_attempts SET status = 'failed', failure_reason = $1, updated_at = $2 \
                     WHERE tenant_id = $3 AND id = $4 AND status IN {guard}"
                );
                let n = tx
                    .execute(
                        sqlx::query(&sql)
                            .bind(reason.chars().take(300).collect::<String>())
                            .bind(now)
                            .bind(tenant_id.to_owned())
                            .bind(att.id.clone()),
                    )
                    .await?;
                if n == 0 {
                    EventOutcome::Ignored {
                        reason: "the attempt is already final",
                        attempt: Some(att),
                    }
                } else {
                    audit::record(
                        &mut tx,
                        &scope,
                        "payment.attempt_failed",
                        "payment_attempt",
                        &att.id,
                        Some(serde_json::json!({ "reason": reason })),
                    )
                    .await?;
                    let att = load(&mut tx, tenant_id, Some(&att.id), None)
                        .await?
                        .ok_or(AppError::NotFound("payment attempt"))?;
                    EventOutcome::Applied {
                        attempt: att,
                        payment: None,
                        invoices: Vec::new(),
                    }
                }
            }
            EventKind::Refunded { amount_minor } => match att.payment_id.clone() {
                None => EventOutcome::Ignored {
                    reason: "refund for an attempt without a payment",
                    attempt: Some(att),
                },
                Some(pid) => {
                    // Stripe reports the refunded total so far: refund only what is new, so
                    // reordered or repeated refund events never refund twice.
                    let row = tx
                        .fetch_one(sqlx::query("SELECT refunded_minor FROM payments WHERE tenant_id = $1 AND id = $2").bind(tenant_id.to_owned()).bind(pid.clone()))
                        .await?;
                    let delta = *amount_minor - rows::int(&row, "refunded_minor")?;
                    if delta <= 0 {
                        tx.commit().await?;
                        return Ok(EventOutcome::Ignored {
                            reason: "refund already recorded",
                            attempt: Some(att),
                        });
                    }
                    let amount = Money::new(delta, att.amount.currency);
                    let today = tx.clock().today_utc();
                    let (payment, invoices) = refund_payment_tx(
                        &mut tx,
                        &scope,
                        &pid,
                        amount,
                        Some(format!("{} refund", event.provider)),
                        today,
                    )
                    .await?;
                    notify(
                        &mut tx,
                        tenant_id,
                        "payment.refunded",
                        &format!("A payment of {amount} was refunded ({})", payment.number),
                        &pid,
                        serde_json::json!({ "amount": amount.amount_string(), "currency": amount.currency.code(), "number": payment.number }),
                    )
                    .await?;
                    EventOutcome::Applied {
                        attempt: att,
                        payment: Some(payment),
                        invoices,
                    }
                }
            },
            EventKind::Disputed {
                amount_minor,
                reason,
            } => {
                tx.execute(
                    sqlx::query(
                        "INSERT INTO disputes (id, tenant_id, attempt_id, gateway_ref, amount_minor, currency, reason, status, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8)",
                    )
                    .bind(new_id())
                    .bind(tenant_id.to_owned())
                    .bind(att.id.clone())
                    .bind(att.gateway_ref.clone().unwrap_or_default())
                    .bind(*amount_minor)
                    .bind(att.amount.currency.code())
                    .bind(reason.clone())
                    .bind(now),
                )
                .await?;
                let amount = Money::new(*amount_minor, att.amount.currency);
                notify(
                    &mut tx,
                    tenant_id,
                    "payment.disputed",
                    &format!("A payment of {amount} is disputed"),
                    &att.id,
                    serde_json::json!({ "amount": amount.amount_string(), "currency": amount.currency.code() }),
                )
                .await?;
                audit::record(
                    &mut tx,
                    &scope,
                    "payment.disputed",
                    "payment_attempt",
                    &att.id,
                    None,
                )
                .await?;
                EventOutcome::Applied {
                    attempt: att,
                    payment: None,
                    invoices: Vec::new(),
                }
            }
            EventKind::Other => EventOutcome::Ignored {
                reason: "event type not acted on",
                attempt: Some(att),
            },
        };
        tx.commit().await?;
        Ok(outcome)
    }
}

async fn notify(
    tx: &mut Tx,
    tenant_id: &str,
    kind: &str,
    message: &str,
    subject: &str,
    params: serde_json::Value,
) -> AppResult<()> {
    crate::core::notify::insert(tx, tenant_id, kind, message, Some(subject), params).await
}

/// A gateway reported a success whose amount or currency is not the attempt's: staff are told
/// and it is audited; the attempt stays as it was and nothing is recorded as paid.
async fn discrepancy(
    tx: &mut Tx,
    scope: &Scope,
    att: &PaymentAttempt,
    amount_minor: Option<i64>,
    currency: &str,
) -> AppResult<()> {
    let reported = format!(
        "{} {}",
        currency.to_ascii_uppercase(),
        amount_minor
            .map(|m| m.to_string())
            .unwrap_or_else(|| "?".into())
    );
    let message = format!(
        "A gateway reported {reported} (minor units) for a payment of {}; nothing was recorded",
        att.amount
    );
    notify(
        tx,
        &scope.tenant_id,
        "payment.discrepancy",
        &message,
        &att.id,
        serde_json::json!({
            "amount": att.amount.amount_string(), "currency": att.amount.currency.code(),
            "reported": reported,
        }),
    )
    .await?;
    audit::record(
        tx,
        scope,
        "payment.discrepancy",
        "payment_attempt",
        &att.id,
        Some(serde_json::json!({ "reported_currency": currency, "reported_minor": amount_minor })),
    )
    .await
}

/// Records the payment of a succeeded attempt: allocated to the chosen invoices (oldest first, up
/// to their balances now), any excess kept as client credit; a numbered receipt, its email, a
/// staff notification and an audit event, all in the caller's transaction.
async fn succeed(
    tx: &mut Tx,
    scope: &Scope,
    sites: &crate::core::sites::Sites,
    att: PaymentAttempt,
    payment_ref: Option<&str>,
    amount_minor: Option<i64>,
    received_on: NaiveDate,
) -> AppResult<EventOutcome> {
    let tenant_id = scope.tenant_id.clone();
    let guard = AttemptStatus::sql_list(&AttemptStatus::SUCCEEDS_FROM);
    let sql = format!(
        "UPDATE payment_attempts SET status = 'succeeded', failure_reason = NULL, updated_at = $1, \
         gateway_payment_ref = COALESCE($4, gateway_payment_ref) WHERE tenant_id = $2 AND id = $3 AND status IN {guard}"
    );
    let claimed = tx
        .execute(
            sqlx::query(&sql)
                .bind(tx.now_ms())
                .bind(tenant_id.clone())
                .bind(att.id.clone())
                .bind(payment_ref.map(str::to_owned)),
        )
        .await?;
    if claimed == 0 {
        return Ok(EventOutcome::Ignored {
            reason: "the attempt already succeeded",
            attempt: Some(att),
        });
    }
    let currency: Currency = att.amount.currency;
    let amount = Money::new(amount_minor.unwrap_or(att.amount.minor), currency);
    let rows_open = tx
        .fetch_all(
            sqlx::query(
                "SELECT id, issue_date, number, balance_minor FROM invoices WHERE tenant_id = $1 AND client_id = $2 \
                 AND currency = $3 AND status IN ('issued', 'partially_paid') AND balance_minor > 0",
            )
            .bind(tenant_id.clone())
            .bind(att.client_id.clone())
            .bind(currency.code()),
        )
        .await?;
    let mut chosen = Vec::new();
    for r in &rows_open {
        let id = rows::text(r, "id")?;
        if att.invoice_ids.iter().any(|i| *i == id) {
            chosen.push(domain::OpenInvoice {
                id,
                issue_date: rows::date(r, "issue_date")?,
                number: rows::text(r, "number")?,
                balance: rows::money(r, "balance_minor", currency)?,
            });
        }
    }
    let plan = domain::allocate(amount, &chosen, None)?;
    let allocations: Vec<Allocation> = plan.allocations;
    let (payment, invoices) = record_payment_tx(
        tx,
        scope,
        NewPayment {
            client_id: att.client_id.to_string(),
            amount,
            method: att.channel.method(),
            reference: Some(
                att.gateway_ref
                    .clone()
                    .unwrap_or_else(|| att.reference.clone()),
            ),
            received_on,
            notes: Some(format!(
                "Online payment {} ({})",
                att.reference,
                att.channel.as_str()
            )),
            allocations: Some(allocations),
        },
    )
    .await?;
    tx.execute(
        sqlx::query("UPDATE payment_attempts SET payment_id = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(payment.id.clone())
            .bind(tenant_id.clone())
            .bind(att.id.clone()),
    )
    .await?;
    let number = next_number(
        tx,
        &tenant_id,
        "receipt",
        chrono::Datelike::year(&received_on),
    )
    .await?;
    tx.execute(
        sqlx::query("INSERT INTO receipts (id, tenant_id, payment_id, number, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(tenant_id.clone())
            .bind(payment.id.clone())
            .bind(number.clone())
            .bind(tx.now_ms()),
    )
    .await?;
    let paid: Vec<String> = invoices.iter().map(|i| i.number.clone()).collect();
    if let Some(contact) = &att.contact_id {
        let row = tx
            .fetch_optional(
                sqlx::query("SELECT c.email, c.name, c.locale, t.name AS tenant, t.slug, t.host_name, t.brand_color, t.attach_pdfs, t.languages FROM contacts c JOIN tenants t ON t.id = c.tenant_id WHERE c.tenant_id = $1 AND c.id = $2")
                    .bind(tenant_id.clone())
                    .bind(contact.clone()),
            )
            .await?;
        if let Some(row) = row {
            // One name for the payment everywhere: its number (as on the receipt page, the
            // staff feed and notifications), and a link to its receipt in the portal (the
            // payment's global id, as `graphql::ids` makes it).
            let gid = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(format!("Payment:{}", payment.id));
            let link = format!(
                "{}/payments/{gid}",
                sites.url_for(
                    &rows::text(&row, "slug")?,
                    rows::opt_text(&row, "host_name")?.as_deref()
                )
            );
            let lang = crate::tenancy::profile::contact_lang(
                rows::opt_text(&row, "locale")?.as_deref(),
                &rows::text(&row, "languages")?,
            );
            let email = ReceiptEmail {
                name: &rows::text(&row, "name")?,
                number: &payment.number,
                amount,
                received_on,
                applied_to: &paid,
                link: &link,
            }
            .render(
                &Brand::new(
                    &rows::text(&row, "tenant")?,
                    &rows::text(&row, "brand_color")?,
                ),
                lang,
            );
            // The receipt's PDF goes with it (unless the business turned that off), drawn when
            // the email is sent.
            let receipt = rows::flag(&row, "attach_pdfs")?.then(|| Attachment {
                kind: "receipt".into(),
                id: payment.id.to_string(),
                client_id: payment.client_id.to_string(),
                lang: lang.code().into(),
            });
            outbox::queue_email_with(
                tx,
                &tenant_id,
                &rows::text(&row, "email")?,
                &email,
                receipt.as_ref(),
            )
            .await?;
        }
    }
    notify(
        tx,
        &tenant_id,
        "payment.received",
        &format!("Payment {} of {amount} received online", payment.number),
        &payment.id,
        serde_json::json!({ "amount": amount.amount_string(), "currency": amount.currency.code(), "number": payment.number }),
    )
    .await?;
    audit::record(
        tx,
        scope,
        "payment.online_succeeded",
        "payment_attempt",
        &att.id,
        Some(serde_json::json!({
        "payment": payment.id, "receipt": number, "amount": amount.amount_string() })),
    )
    .await?;
    let att = load(tx, &tenant_id, Some(&att.id), None)
        .await?
        .ok_or(AppError::NotFound("payment attempt"))?;
    Ok(EventOutcome::Applied {
        attempt: att,
        payment: Some(payment),
        invoices,
    })
}
