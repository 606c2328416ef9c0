//! Bank transfer: no hosted page; the payer is shown the business's bank details and the
//! reference to quote, and staff record the payment when it arrives.

use super::{BoxFuture, Gateway, Opened};
use crate::core::error::AppResult;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::payments::{Channel, PaymentAttempt};

pub struct BankTransfer;

impl Gateway for BankTransfer {
    fn provider(&self) -> &'static str {
        "bank_transfer"
    }

    fn channel(&self) -> Channel {
        Channel::BankTransfer
    }

    fn available<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, AppResult<bool>> {
        Box::pin(async move {
            let settings = state.store.payment_settings(tenant_id).await?;
            Ok(settings
                .bank_details
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty()))
        })
    }

    fn open<'a>(
        &'a self,
        state: &'a AppState,
        scope: &'a Scope,
        _attempt: &'a PaymentAttempt,
    ) -> BoxFuture<'a, AppResult<Opened>> {
        Box::pin(async move {
            let settings = state.store.payment_settings(&scope.tenant_id).await?;
            let details = settings
                .bank_details
                .unwrap_or_else(|| "Ask us for our bank details.".into());
            Ok(Opened {
                bank_details: Some(details),
                ..Opened::default()
            })
        })
    }
}
