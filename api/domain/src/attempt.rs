//! A payment attempt's status and the moves between them. An attempt starts `processing` (a
//! hosted page is open) or `awaiting_transfer` (the payer was shown bank details); a gateway's
//! event then makes it `succeeded` or `failed`. A failed attempt may still succeed (the payer
//! retried on the gateway's page, or a late confirmation); a succeeded one is final (refunds are
//! the payment's, not the attempt's).

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptStatus {
    Processing,
    AwaitingTransfer,
    Succeeded,
    Failed,
}

impl AttemptStatus {
    pub const ALL: [AttemptStatus; 4] = [
        AttemptStatus::Processing,
        AttemptStatus::AwaitingTransfer,
        AttemptStatus::Succeeded,
        AttemptStatus::Failed,
    ];

    /// The statuses an attempt can fail from.
    pub const FAILS_FROM: [AttemptStatus; 2] =
        [AttemptStatus::Processing, AttemptStatus::AwaitingTransfer];

    /// The statuses an attempt can succeed from.
    pub const SUCCEEDS_FROM: [AttemptStatus; 3] = [
        AttemptStatus::Processing,
        AttemptStatus::AwaitingTransfer,
        AttemptStatus::Failed,
    ];

    /// `"processing"`, `"awaiting_transfer"`, `"succeeded"`, `"failed"` (as stored).
    pub fn as_str(&self) -> &'static str {
        match self {
            AttemptStatus::Processing => "processing",
            AttemptStatus::AwaitingTransfer => "awaiting_transfer",
            AttemptStatus::Succeeded => "succeeded",
            AttemptStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("status", format!("unknown payment attempt status \"{s}\""))
            })
    }

    /// Where a new attempt starts: waiting for the money when the payer transfers it themselves.
    pub fn initial(payer_transfers: bool) -> AttemptStatus {
        if payer_transfers {
            AttemptStatus::AwaitingTransfer
        } else {
            AttemptStatus::Processing
        }
    }

    /// Whether the attempt may still change (the payer is paying or the money is on its way).
    pub fn is_open(&self) -> bool {
        Self::FAILS_FROM.contains(self)
    }

    /// The status after the gateway reported success.
    pub fn succeed(self) -> DomainResult<AttemptStatus> {
        self.to(AttemptStatus::Succeeded, &Self::SUCCEEDS_FROM, "succeed")
    }

    /// The status after the gateway reported failure.
    pub fn fail(self) -> DomainResult<AttemptStatus> {
        self.to(AttemptStatus::Failed, &Self::FAILS_FROM, "fail")
    }

    fn to(
        self,
        next: AttemptStatus,
        from: &[AttemptStatus],
        action: &'static str,
    ) -> DomainResult<AttemptStatus> {
        if from.contains(&self) {
            Ok(next)
        } else {
            Err(DomainError::InvalidTransition {
                entity: "payment attempt",
                from: self.as_str().to_owned(),
                action,
            })
        }
    }

    /// `('a', 'b')`: the statuses as an SQL list, for the guard of a conditional UPDATE (the
    /// values are this enum's own constants, never input).
    pub fn sql_list(statuses: &[AttemptStatus]) -> String {
        let quoted: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!("({})", quoted.join(", "))
    }
}

impl std::fmt::Display for AttemptStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttemptStatus::*;

    #[test]
    fn every_status_reads_back_from_its_name() {
        for s in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(s.as_str()), Ok(s));
        }
        assert!(AttemptStatus::parse("refunded").is_err());
    }

    #[test]
    fn the_moves_an_attempt_can_make() {
        assert_eq!(Processing.succeed(), Ok(Succeeded));
        assert_eq!(AwaitingTransfer.succeed(), Ok(Succeeded));
        assert_eq!(Failed.succeed(), Ok(Succeeded), "a late success counts");
        assert!(Succeeded.succeed().is_err(), "succeeds once");
        assert_eq!(Processing.fail(), Ok(Failed));
        assert_eq!(AwaitingTransfer.fail(), Ok(Failed));
        assert!(Failed.fail().is_err());
        assert!(Succeeded.fail().is_err(), "a success is final");
        assert_eq!(AttemptStatus::initial(true), AwaitingTransfer);
        assert_eq!(AttemptStatus::initial(false), Processing);
        assert!(Processing.is_open() && AwaitingTransfer.is_open());
        assert!(!Succeeded.is_open() && !Failed.is_open());
    }

    #[test]
    fn the_refusal_names_the_move_and_the_status() {
        let e = Succeeded.fail().expect_err("final");
        assert_eq!(
            e.to_string(),
            "cannot fail a payment attempt that is succeeded"
        );
        assert_eq!(
            AttemptStatus::sql_list(&AttemptStatus::FAILS_FROM),
            "('processing', 'awaiting_transfer')"
        );
    }
}
