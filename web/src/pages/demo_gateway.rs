//! The demo gateway's page: a stand-in for a card provider's hosted page (`portico demo`, tests).
//! It says plainly that nothing is charged, shows what is being paid, and lets the payer make
//! the payment succeed, be declined or stay pending.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data::{Money, PageError};
use crate::fmt::money;
use crate::ui::{safe_color, ErrorPage, PageTitle};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCheckout {
    pub business: String,
    pub amount: Money,
    #[serde(deserialize_with = "crate::data::lowercase")]
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoData {
    pub demo_checkout: Option<DemoCheckout>,
}

#[component]
pub fn DemoGatewayPage(tenant: String, token: String) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let (t2, tok) = (tenant.clone(), token.clone());
    let checkout = use_server_future(move || {
        crate::data::fetch::<DemoData>(
            t2.clone(),
            "query($s: String!, $t: String!) { demoCheckout(slug: $s, token: $t) { business amount { amount currency minor } status } }",
            json!({ "s": t2, "t": tok }),
        )
    })?;
    let (profile, l) = match crate::ui::public_shell(shell.read().clone()) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Some(c) = (match checkout.read().clone() {
        Some(Ok(d)) => d.demo_checkout,
        _ => None,
    }) else {
        return rsx! { ErrorPage { error: PageError::NotFound, locale: l } };
    };
    let brand = safe_color(&profile.brand_color);
    rsx! {
        PageTitle { text: l.t("Demo payment") }
        main { id: "content", class: "signin demo-gateway", style: "--brand: {brand}",
            div { class: "card",
                p { class: "demo-banner", role: "note", {l.t("Test payment page: nothing is charged and no card is needed.")} }
                h1 { {l.t("Demo payment")} }
                dl { class: "meta",
                    dt { {l.t("Payee")} } dd { strong { "{c.business}" } }
                    dt { {l.t("Amount")} } dd { strong { class: "big", {money(&c.amount, l)} } }
                }
                for (outcome, label, class) in [
                    ("succeeded", l.t("Pay (succeeds)"), "primary"),
                    ("failed", l.t("Pay (card declined)"), ""),
                    ("pending", l.t("Leave it pending"), ""),
                ] {
                    form { key: "{outcome}", method: "post", action: "/{tenant}/pay/demo/{token}", class: "stack",
                        input { r#type: "hidden", name: "outcome", value: "{outcome}" }
                        button { r#type: "submit", class: "{class}", "{label}" }
                    }
                }
            }
        }
    }
}
