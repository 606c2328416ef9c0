//! The live payments feed.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedData {
    pub payments: Nodes<FeedPayment>,
    pub payment_attempts: Vec<FeedAttempt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPayment {
    pub id: String,
    pub number: String,
    pub amount: Money,
    pub method: String,
    pub created_at: i64,
    pub client: Option<crate::data::ClientRef>,
    pub allocations: Vec<crate::pages::PaidAllocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedAttempt {
    pub id: String,
    #[serde(deserialize_with = "crate::data::lowercase")]
    pub status: String,
    pub method: String,
    pub amount: Money,
    pub created_at: i64,
    pub client: Option<crate::data::ClientRef>,
}

pub const FEED_QUERY: &str = "{ payments(first: 30) { nodes { id number amount { ...M } method createdAt client { id name } allocations { amount { ...M } reversal invoice { id number } } } } paymentAttempts(first: 30) { id status method amount { ...M } createdAt client { id name } } } fragment M on Money { amount currency minor }";

/// One line of the feed: a payment recorded, or an online attempt still pending or failed.
#[derive(Debug, Clone, PartialEq)]
struct FeedRow {
    key: String,
    at: i64,
    status: String,
    amount: Money,
    client: String,
    method: String,
    payment: Option<FeedPayment>,
}

fn rows(d: &FeedData, l: crate::i18n::Locale) -> Vec<FeedRow> {
    let mut out: Vec<FeedRow> = d
        .payments
        .nodes
        .iter()
        .map(|p| FeedRow {
            key: p.id.clone(),
            at: p.created_at,
            status: "succeeded".into(),
            amount: p.amount.clone(),
            client: p
                .client
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            method: crate::ui::method_text(&p.method, l).to_owned(),
            payment: Some(p.clone()),
        })
        .collect();
    // Succeeded attempts are the payments above; the others show what is on its way or failed.
    out.extend(
        d.payment_attempts
            .iter()
            .filter(|a| a.status != "succeeded")
            .map(|a| FeedRow {
                key: a.id.clone(),
                at: a.created_at,
                status: a.status.clone(),
                amount: a.amount.clone(),
                client: a
                    .client
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                method: crate::pages::method_label(&a.method.to_ascii_uppercase(), l).to_owned(),
                payment: None,
            }),
    );
    out.sort_by_key(|r| std::cmp::Reverse(r.at));
    out.truncate(40);
    out
}

/// Payments as they arrive (and online attempts pending or failed): rendered on the server, then
/// refreshed by the `paymentEvents` subscription (no reload, no polling). Rows that arrived
/// after the page opened are marked new.
#[component]
pub fn StaffPayments(tenant: String) -> Element {
    let res = use_query::<FeedData>(&tenant, FEED_QUERY, json!({}))?;
    let l = locale();
    #[allow(unused_mut)]
    let mut live = use_signal(|| None::<FeedData>);
    #[allow(unused_mut)]
    let mut connected = use_signal(|| false);
    #[cfg(feature = "web")]
    {
        let t = tenant.clone();
        use_effect(move || {
            let t = t.clone();
            spawn(async move {
                use futures_util::StreamExt;
                let mut events = crate::live::subscribe(
                    "subscription { paymentEvents { action subjectId at } }",
                    json!({}),
                );
                while let Some(event) = events.next().await {
                    if event.get("subscribed").is_some() {
                        connected.set(true);
                    }
                    if let Ok(d) =
                        crate::data::fetch::<FeedData>(t.clone(), FEED_QUERY, json!({})).await
                    {
                        live.set(Some(d));
                    }
                }
            });
        });
    }
    let initial = res.read().clone();
    let first: Vec<String> = match &initial {
        Some(Ok(d)) => rows(d, l).into_iter().map(|r| r.key).collect(),
        _ => Vec::new(),
    };
    let data = match (live.read().clone(), initial) {
        (Some(d), _) => Ok(d),
        (None, Some(r)) => r,
        (None, None) => return rsx! {},
    };
    let d = match data {
        Ok(d) => d,
        Err(e) => return rsx! { Problem { error: e } },
    };
    let feed = rows(&d, l);
    rsx! {
        PageTitle { text: l.t("Live payments") }
        h1 { {l.t("Live payments")} }
        p { class: "muted", id: "feed-state", "data-live": if connected() { "on" } else { "off" }, {l.t("New payments appear here as they arrive.")} }
        if feed.is_empty() { p { class: "muted", {l.t("No payments yet.")} } }
        ol { class: "feed", id: "payments-feed", "aria-live": "polite",
            for r in feed.iter() {
                li { key: "{r.key}", class: if first.contains(&r.key) { "" } else { "new" },
                    "data-number": r.payment.as_ref().map(|p| p.number.clone()).unwrap_or_default(),
                    time { class: "when", {crate::ui::when(r.at, l)} }
                    " "
                    if !first.contains(&r.key) { span { class: "badge new-badge", {l.t("New")} } " " }
                    Status { status: r.status.clone() }
                    " " strong { {money(&r.amount, l)} }
                    " · {r.client} · {r.method}"
                    if let Some(p) = r.payment.clone() {
                        " · " a { href: "/{tenant}/payments/{p.id}", "{p.number}" }
                        for (n, a) in p.allocations.iter().filter(|a| !a.reversal).enumerate() {
                            if let Some(i) = a.invoice.clone() {
                                span { key: "{n}", " · " a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
