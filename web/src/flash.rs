//! What a form's redirect says back on the page it returns to: a confirmation naming what
//! happened, or the refusal as a sentence in the page's language; subjects and messages are shown
//! only when the server signed them.

use dioxus::prelude::*;

use crate::i18n::Locale;
use crate::ui::locale;

/// What a form's redirect says back (`?done=CODE&n=SUBJECT&sig=…` or `?error=…&sig=…`), as
/// sentences in the page's language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flash {
    pub done: String,
    pub error: String,
}

/// A notice from a form's redirect.
#[component]
pub fn Notice(flash: Flash) -> Element {
    rsx! {
        if !flash.error.is_empty() {
            p { class: "error", role: "alert", "{flash.error}" }
        }
        if !flash.done.is_empty() {
            p { class: "ok", role: "status", "{flash.done}" }
        }
    }
}

/// The sentence for a finished action: `code` says what happened, `subject` (shown only when the
/// server signed it) to what.
pub fn done_text(code: &str, subject: &str, l: Locale) -> String {
    let template = match code {
        "invited" => l.t("Invitation sent to {}."),
        "resent" => l.t("Invitation sent again to {}."),
        "revoked" => l.t("Invitation for {} revoked."),
        "accepted" => l.t("Estimate {} accepted."),
        "rejected" => l.t("Estimate {} rejected."),
        "billing" => l.t("Billing details saved."),
        "business" => l.t("Business details saved."),
        "documents" => l.t("Document settings saved."),
        "language" => l.t("Language saved."),
        "read" => l.t("All notifications marked read."),
        "passkey" => l.t("Passkey added."),
        "passkey-removed" => l.t("Passkey {} removed."),
        "session-ended" => l.t("Session ended."),
        "credit" => l.t("Credit of {} used."),
        "saved" => l.t("Invoice {} saved."),
        "issued" => l.t("Invoice {} issued."),
        "voided" => l.t("Invoice {} voided."),
        "sent" => l.t("Invoice {} sent."),
        "duplicated" => l.t("Copied into the new draft {}."),
        "recorded" => l.t("Payment {} recorded."),
        "refunded" => l.t("Payment {} refunded."),
        "branding" => l.t("Name and colour saved."),
        "sections" => l.t("Sections saved."),
        "logo" => l.t("Logo saved."),
        "payments" => l.t("Payment settings saved."),
        "access" => l.t("Time zone, invitation limit and sessions saved."),
        "security" => l.t("Staff sign-in rules saved."),
        "token-created" => l.t("API token {} created."),
        "languages" => l.t("Languages saved."),
        "token-revoked" => l.t("API token revoked."),
        "credit-issued" => l.t("Credit note {} issued."),
        "credit-applied" => l.t("Credit note {} applied to this invoice."),
        "credit-voided" => l.t("Credit note {} voided."),
        "credited" => l.t("Credit note {} issued for this invoice."),
        "stripe" => l.t("Stripe keys saved: card payments are on."),
        "passimpay" => l.t("PassimPay keys saved: crypto payments are on."),
        "gateway_removed" => l.t("Keys removed: that method is off."),
        "webhook-created" => {
            l.t("Endpoint {} added. Copy its signing secret now: it is not shown again.")
        }
        "webhook-test" => l.t("Test event queued: it appears in the delivery log in a moment."),
        "webhook-rotated" => {
            l.t("New signing secret made; the old one keeps signing for 24 hours.")
        }
        "webhook-enabled" => l.t("Endpoint turned on."),
        "webhook-disabled" => l.t("Endpoint turned off: nothing is sent to it."),
        "webhook-deleted" => l.t("Endpoint removed."),
        "webhook-resent" => l.t("Delivery queued again."),
        "client" => l.t("Client {} added."),
        "estimate-sent" => l.t("Estimate {} sent."),
        "estimate-saved" => l.t("Estimate {} saved."),
        "converted" => l.t("The estimate is now the draft invoice {}: check it, then issue it."),
        "contact-disabled" => l.t("Access turned off for {}."),
        "logo-removed" => l.t("Logo removed."),
        "article" => l.t("Help article “{}” saved."),
        "article-deleted" => l.t("Help article deleted."),
        "link" => l.t("Invoice link created (shown once): {}"),
        "link-revoked" => l.t("Invoice link revoked: it no longer opens the invoice."),
        _ => l.t("Done."),
    };
    // A subject that is an amount (`EUR 120.00`) is shown as money.
    let subject = match subject.split_once(' ') {
        Some((code, amount))
            if code.len() == 3
                && code.bytes().all(|b| b.is_ascii_uppercase())
                && !amount.is_empty()
                && amount
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') =>
        {
            crate::fmt::money_text(amount, code, l)
        }
        _ => subject.to_owned(),
    };
    if subject.is_empty() {
        template.replace(" {}", "").replace("{}", "")
    } else {
        template.replace("{}", &subject)
    }
}

/// The message of a form's redirect: shown only when the server signed it (a link cannot put
/// words of its choosing on the portal); an unsigned error reads as a generic failure, an
/// unsigned confirmation loses its subject. Decided on the server, carried to the browser.
pub fn use_flash(q: &crate::Qs) -> Flash {
    let (error, done, subject, sig) = (q.get("error"), q.get("done"), q.get("n"), q.get("sig"));
    let l = locale();
    let verified = use_server_cached(move || {
        #[cfg(feature = "server")]
        {
            let error = if error.is_empty() {
                None
            } else if crate::server::verify(&error, &sig) {
                Some(error.clone())
            } else {
                Some(String::new())
            };
            let subject = if !subject.is_empty()
                && crate::server::verify(&format!("{done}\n{subject}"), &sig)
            {
                subject.clone()
            } else {
                String::new()
            };
            (error, done.clone(), subject)
        }
        #[cfg(not(feature = "server"))]
        {
            let _ = (&error, &done, &subject, &sig);
            (None::<String>, String::new(), String::new())
        }
    });
    let (error, done, subject) = verified;
    Flash {
        error: match error {
            None => String::new(),
            Some(m) if m.is_empty() => l.t("Something went wrong").to_owned(),
            Some(m) => crate::i18n::message(&m, l),
        },
        done: if done.is_empty() {
            String::new()
        } else {
            done_text(&done, &subject, l)
        },
    }
}
