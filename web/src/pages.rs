//! The client pages (staff see the same documents tenant-wide).

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::chart::{Bar, BarChart, Unit};
use crate::data::{use_query, Money, PageError, Profile};
use crate::fmt::{date, money};
use crate::i18n::Locale;
use crate::ui::{loaded, locale, use_shell, Notice, PageTitle, Problem, Status};
use crate::{encode, Qs};

mod demo_gateway;
mod estimates;
mod invoice_link;
mod links;
mod pay;
pub use demo_gateway::*;
pub use estimates::*;
pub use invoice_link::*;
pub use links::*;
pub use pay::*;

macro_rules! query {
    ($q:literal) => {
        concat!($q, " fragment M on Money { amount currency minor }")
    };
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[component]
pub fn SignIn(tenant: String, q: Qs) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let data = shell.read().clone();
    match data {
        Some(Ok(s)) => match s.profile {
            Some(profile) => rsx! {
                SignInBody {
                    tenant,
                    profile,
                    locale: s.locale,
                    sent: q.get("sent") == "1",
                    error: q.get("error"),
                    next: q.get("next"),
                }
            },
            None => rsx! { crate::ui::ErrorPage { error: PageError::NotFound, locale: s.locale } },
        },
        Some(Err(e)) => rsx! { crate::ui::ErrorPage { error: e, locale: Locale::En } },
        None => rsx! {},
    }
}

/// The sign-in form: a magic link by email (works without JavaScript) or a passkey.
#[component]
pub fn SignInBody(
    tenant: String,
    profile: Profile,
    locale: Locale,
    sent: bool,
    error: String,
    /// The page to return to after signing in (the server accepts only this portal's pages).
    #[props(default)]
    next: String,
) -> Element {
    let l = locale;
    let again = if next.is_empty() {
        format!("/{tenant}/sign-in")
    } else {
        format!("/{tenant}/sign-in?next={}", crate::encode(&next))
    };
    let brand = crate::ui::safe_color(&profile.brand_color);
    let title = format!("{} {}", l.t("Sign in to"), profile.name);
    #[allow(unused_mut)]
    let mut passkey_error = use_signal(String::new);
    let t2 = tenant.clone();
    rsx! {
        PageTitle { text: title.clone() }
        main { id: "content", class: "signin", style: "--brand: {brand}",
            div { class: "card",
                if let Some(logo) = profile.logo.clone() {
                    img { src: "{logo}", alt: "", width: "48", height: "48" }
                }
                if sent {
                    h1 { {l.t("Check your inbox")} }
                    div { class: "sent", role: "status", id: "link-sent",
                        p { {l.t("If the address belongs to this portal, a sign-in link is on its way. Open it on this device: it works once, for 10 minutes.")} }
                        p { class: "muted", {l.t("Nothing after a few minutes? Look in your spam folder, or ask again.")} }
                    }
                    a { class: "button", href: "{again}", {l.t("Use another address")} }
                } else {
                    h1 { "{title}" }
                    if let Some(message) = sign_in_error(&error, l) {
                        p { class: "error", role: "alert", "{message}" }
                    }
                    p { {l.t("We email you a sign-in link. It works once, for 10 minutes.")} }
                    form { method: "post", action: "/{tenant}/auth/magic-link", class: "stack",
                        if !next.is_empty() { input { r#type: "hidden", name: "next", value: "{next}" } }
                        label { r#for: "email", {l.t("Email")} }
                        input { id: "email", name: "email", r#type: "email", required: true, autocomplete: "username webauthn" }
                        button { r#type: "submit", class: "primary", {l.t("Email me a sign-in link")} }
                    }
                    hr {}
                    button {
                        id: "passkey-login",
                        r#type: "button",
                        onclick: move |_| {
                            #[cfg(feature = "web")]
                            {
                                let t = t2.clone();
                                spawn(async move {
                                    if let Err(e) = crate::live::passkey_login(&t).await {
                                        passkey_error.set(e);
                                    }
                                });
                            }
                            #[cfg(not(feature = "web"))]
                            let _ = &t2;
                        },
                        {l.t("Sign in with a passkey")}
                    }
                    noscript { p { class: "muted", {l.t("Passkeys need JavaScript.")} } }
                    if !passkey_error.read().is_empty() {
                        p { class: "error", role: "alert", "{passkey_error}" }
                    }
                }
            }
        }
    }
}

/// The sign-in endpoint's known refusals, in the page's language; any other `?error=` text reads
/// as a generic failure (a link cannot put its own words on the page).
fn sign_in_error(error: &str, l: Locale) -> Option<&'static str> {
    if error.is_empty() {
        return None;
    }
    Some(match error {
        "That is not an email address." => l.t("That is not an email address."),
        "Enter your email address." => l.t("Enter your email address."),
        "Sign-in is unavailable, try again shortly." => {
            l.t("Sign-in is unavailable, try again shortly.")
        }
        e if e.starts_with("Too many sign-in requests") => {
            l.t("Too many sign-in requests. Wait 15 minutes, then ask for a new link.")
        }
        _ => l.t("Sign-in failed. Try again."),
    })
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub currency: String,
    pub amount_due: Money,
    pub overdue: Money,
    pub credit_available: Money,
    pub paid_in_period: Money,
    pub overdue_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Month {
    pub month: String,
    pub invoiced: Money,
    pub paid: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardFigures {
    pub currencies: Vec<Figures>,
    pub overdue_count: i64,
    pub monthly: Vec<Month>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub reference: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub issue_date: String,
    pub due_date: String,
    pub total: Money,
    pub balance: Money,
    pub client: Option<crate::data::ClientRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nodes<T> {
    pub nodes: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub dashboard: DashboardFigures,
    /// Open invoices, the longest overdue first.
    pub attention: Nodes<InvoiceRow>,
    pub invoices: Nodes<InvoiceRow>,
}

#[component]
pub fn Home(tenant: String) -> Element {
    let res = use_query::<DashboardData>(&tenant, query!("{ dashboard { currencies { currency amountDue { ...M } overdue { ...M } creditAvailable { ...M } paidInPeriod { ...M } overdueCount } overdueCount monthly(months: 12) { month invoiced { ...M } paid { ...M } } } attention: invoices(first: 5, filter: { status: [ISSUED, PARTIALLY_PAID] }, orderBy: { field: DUE_DATE, direction: ASC }) { nodes { ...Row } } invoices(first: 5, orderBy: { field: ISSUE_DATE, direction: DESC }) { nodes { ...Row } } } fragment Row on Invoice { id number reference status overdue issueDate dueDate total { ...M } balance { ...M } client { id name } }"), json!({}))?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    loaded!(res, |d| {
        let months = crate::i18n::months(l);
        let bars: Vec<Bar> = d
            .dashboard
            .monthly
            .iter()
            .map(|m| Bar {
                label: m
                    .month
                    .get(5..7)
                    .and_then(|mm| mm.parse::<usize>().ok())
                    .and_then(|i| months.get(i.wrapping_sub(1)))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| m.month.clone()),
                a: m.invoiced.minor,
                b: m.paid.minor,
            })
            .collect();
        let total_invoiced: i64 = d.dashboard.monthly.iter().map(|m| m.invoiced.minor).sum();
        let total_paid: i64 = d.dashboard.monthly.iter().map(|m| m.paid.minor).sum();
        let chart_currency = d
            .dashboard
            .monthly
            .first()
            .map(|m| m.invoiced.currency.clone())
            .unwrap_or_default();
        let describe = format!(
            "{}: {} {}, {} {}",
            l.t("Invoiced vs paid, last 12 months"),
            l.t("Invoiced"),
            crate::fmt::money_text(&minor_text(total_invoiced), &chart_currency, l),
            l.t("Paid"),
            crate::fmt::money_text(&minor_text(total_paid), &chart_currency, l),
        );
        let due: bool = d
            .dashboard
            .currencies
            .iter()
            .any(|c| c.amount_due.minor > 0);
        // What needs attention first (open invoices, the longest overdue first), then the most
        // recent others, five in all.
        let attention_first = !d.attention.nodes.is_empty();
        let several = d.dashboard.currencies.len() > 1;
        let mut listed = d.attention.nodes.clone();
        for r in d.invoices.nodes.iter() {
            if listed.len() < 5 && !listed.iter().any(|x| x.id == r.id) {
                listed.push(r.clone());
            }
        }
        rsx! {
            PageTitle { text: l.t("Dashboard") }
            h1 { {l.t("Dashboard")} }
            div { class: "quick",
                if due && !staff { a { class: "button primary", href: "/{tenant}/pay", {l.t("Pay now")} } }
                a { class: "button", href: "/{tenant}/invoices", {l.t("Invoices")} }
                if staff {
                    a { class: "button", href: "/{tenant}/staff/payments", {l.t("Live payments")} }
                    a { class: "button", href: "/{tenant}/staff/invitations", {l.t("Invitations")} }
                } else {
                    a { class: "button", href: "/{tenant}/statement", {l.t("Statement")} }
                    a { class: "button", href: "/{tenant}/estimates", {l.t("Estimates")} }
                }
                a { class: "button", href: "/{tenant}/messages", {l.t("Messages")} }
            }
            for c in d.dashboard.currencies.clone() {
                div { key: "{c.currency}",
                if several { h2 { class: "currency-heading", "{c.currency}" } }
                section { class: "tiles", aria_label: "{c.currency}",
                    div { class: "tile",
                        h2 { {l.t("Amount due")} }
                        p { class: "big", {money(&c.amount_due, l)} }
                        if c.amount_due.minor > 0 && !staff {
                            a { class: "button primary", href: "/{tenant}/pay", {l.t("Pay now")} }
                        }
                    }
                    div { class: if c.overdue.minor > 0 { "tile warn" } else { "tile" },
                        h2 { {l.t("Overdue")} }
                        p { class: "big", {money(&c.overdue, l)} }
                        a { href: "/{tenant}/invoices?status=overdue&currency={c.currency}", {crate::fmt::count(c.overdue_count, "invoice", l)} }
                    }
                    div { class: "tile",
                        h2 { {l.t("Credit available")} }
                        p { class: "big", {money(&c.credit_available, l)} }
                    }
                    div { class: "tile",
                        h2 { {l.t("Paid this year")} }
                        p { class: "big", {money(&c.paid_in_period, l)} }
                    }
                }
                }
            }
            section { class: "panel",
                h2 { {l.t("Invoiced vs paid, last 12 months")} " ({chart_currency})" }
                BarChart { bars, a_label: l.t("Invoiced"), b_label: l.t("Paid"), describe, unit: Unit::Money(chart_currency.clone()) }
            }
            section { class: "panel", id: "recent",
                h2 { if attention_first { {l.t("Needs attention")} } else { {l.t("Recent invoices")} } }
                InvoiceTable { tenant: tenant.clone(), rows: listed.clone(), cols: vec!["due".into(), "balance".into()], show_client: staff }
                p { a { href: "/{tenant}/invoices", {l.t("All invoices")} " →" } }
            }
        }
    })
}

/// `12345` minor units → `"123.45"` (two decimals; only for chart summaries).
fn minor_text(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:02}", m / 100, m % 100)
}

/// Invoices as a table on wide screens and as cards on phones (CSS), with optional columns.
#[component]
pub fn InvoiceTable(
    tenant: String,
    rows: Vec<InvoiceRow>,
    cols: Vec<String>,
    show_client: bool,
    /// The list's address without `sort=` (ending in `?` or `&`): headers then sort by their column.
    #[props(default)]
    sort_link: String,
    #[props(default)] sort: String,
) -> Element {
    let l = locale();
    let has = |c: &str| cols.iter().any(|x| x == c);
    // A sortable header: a link that sorts by `key` (descending first, then flips), with the
    // current direction said in text and `aria-sort`.
    let head = |key: &'static str, label: &'static str, num: bool| {
        let current = sort.strip_prefix(key).and_then(|d| d.strip_prefix('-'));
        let current = match (current, sort.is_empty() && key == "issued") {
            (Some(d), _) => Some(d.to_owned()),
            (None, true) => Some("desc".to_owned()),
            (None, false) => None,
        };
        let next = if current.as_deref() == Some("desc") {
            "asc"
        } else {
            "desc"
        };
        let aria = match current.as_deref() {
            Some("asc") => "ascending",
            Some("desc") => "descending",
            _ => "none",
        };
        let arrow = match current.as_deref() {
            Some("asc") => " ↑",
            Some("desc") => " ↓",
            _ => "",
        };
        let class = if num { "num" } else { "" };
        if sort_link.is_empty() {
            rsx! { th { scope: "col", class, {l.t(label)} } }
        } else {
            rsx! {
                th { scope: "col", class, "aria-sort": aria,
                    a { href: "{sort_link}sort={key}-{next}", {l.t(label)} "{arrow}" }
                }
            }
        }
    };
    let (c_ref, c_issued, c_due, c_total, c_balance) = (
        has("reference"),
        has("issued"),
        has("due"),
        has("total"),
        has("balance"),
    );
    if rows.is_empty() {
        return rsx! { p { class: "muted", {l.t("No invoices match.")} } };
    }
    rsx! {
        table { class: "list invoices",
            thead {
                tr {
                    {head("number", "Number", false)}
                    if show_client { th { scope: "col", {l.t("Client")} } }
                    if c_ref { th { scope: "col", {l.t("Reference")} } }
                    th { scope: "col", {l.t("Status")} }
                    if c_issued { {head("issued", "Issued", false)} }
                    if c_due { {head("due", "Due", false)} }
                    if c_total { {head("total", "Total", true)} }
                    if c_balance { {head("balance", "Balance", true)} }
                }
            }
            tbody {
                for r in rows {
                    tr { key: "{r.id}",
                        td { "data-label": l.t("Number"), a { href: "/{tenant}/invoices/{r.id}", "{r.number}" } }
                        if show_client { td { "data-label": l.t("Client"), {r.client.as_ref().map(|c| c.name.clone()).unwrap_or_default()} } }
                        if c_ref { td { "data-label": l.t("Reference"), {r.reference.clone().unwrap_or_default()} } }
                        td { "data-label": l.t("Status"),
                            span { class: "pills",
                                Status { status: r.status.clone() }
                                if r.overdue { Status { status: "overdue" } }
                            }
                        }
                        if c_issued { td { "data-label": l.t("Issued"), {date(&r.issue_date, l)} } }
                        if c_due { td { "data-label": l.t("Due"), {date(&r.due_date, l)} } }
                        if c_total { td { class: "num", "data-label": l.t("Total"), {money(&r.total, l)} } }
                        if c_balance { td { class: "num", "data-label": l.t("Balance"), {money(&r.balance, l)} } }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invoices

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceList {
    pub nodes: Vec<InvoiceRow>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoicesData {
    pub invoices: InvoiceList,
}

const SORTS: &[(&str, &str, &str, &str)] = &[
    ("issued-desc", "ISSUE_DATE", "DESC", "Issued"),
    ("issued-asc", "ISSUE_DATE", "ASC", "Issued"),
    ("due-asc", "DUE_DATE", "ASC", "Due"),
    ("due-desc", "DUE_DATE", "DESC", "Due"),
    ("number-asc", "NUMBER", "ASC", "Number"),
    ("number-desc", "NUMBER", "DESC", "Number"),
    ("total-desc", "TOTAL", "DESC", "Total"),
    ("total-asc", "TOTAL", "ASC", "Total"),
    ("balance-desc", "BALANCE", "DESC", "Balance"),
    ("balance-asc", "BALANCE", "ASC", "Balance"),
];

/// Status filters: `unpaid` is issued or partially paid; `draft` is offered to staff only.
const STATUSES: &[&str] = &[
    "unpaid",
    "issued",
    "partially_paid",
    "paid",
    "overdue",
    "void",
    "draft",
];
const OPTIONAL_COLS: &[(&str, &str)] = &[
    ("reference", "Reference"),
    ("issued", "Issued"),
    ("due", "Due"),
    ("total", "Total"),
    ("balance", "Balance"),
];

/// The variables for an invoice list query from the page's query string.
pub fn invoice_vars(q: &Qs) -> serde_json::Value {
    let status = q.get("status");
    let mut filter = serde_json::Map::new();
    match status.as_str() {
        "" | "all" => {}
        "overdue" => {
            filter.insert("overdue".into(), json!(true));
        }
        "unpaid" => {
            filter.insert("status".into(), json!(["ISSUED", "PARTIALLY_PAID"]));
        }
        s if STATUSES.contains(&s) => {
            filter.insert("status".into(), json!([s.to_ascii_uppercase()]));
        }
        _ => {}
    }
    let search = q.get("q");
    if !search.is_empty() {
        filter.insert("search".into(), json!(search));
    }
    let currency = q.get("currency");
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()) {
        filter.insert("currency".into(), json!(currency));
    }
    for (key, field) in [("from", "issuedFrom"), ("to", "issuedTo")] {
        let v = q.get(key);
        if !v.is_empty() {
            filter.insert(field.into(), json!(v));
        }
    }
    let sort = q.get("sort");
    let (_, field, dir, _) = SORTS
        .iter()
        .find(|s| s.0 == sort)
        .copied()
        .unwrap_or(SORTS[0]);
    let after = q.get("after");
    json!({
        "filter": filter,
        "orderBy": { "field": field, "direction": dir },
        "after": if after.is_empty() { serde_json::Value::Null } else { json!(after) },
    })
}

#[component]
pub fn Invoices(tenant: String, q: Qs) -> Element {
    let res = use_query::<InvoicesData>(
            &tenant,
            query!("query($filter: InvoiceFilterInput, $orderBy: InvoiceOrderInput, $after: String) { invoices(first: 20, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor } nodes { id number reference status overdue issueDate dueDate total { ...M } balance { ...M } client { id name } } } }"),
            invoice_vars(&q),
    )?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    let status = q.get("status");
    let search = q.get("q");
    let from = q.get("from");
    let to = q.get("to");
    let sort = q.get("sort");
    let currency = q.get("currency");
    let mut cols = q.all("cols");
    if cols.is_empty() {
        cols = vec![
            "issued".into(),
            "due".into(),
            "total".into(),
            "balance".into(),
        ];
    }
    let keep: String = {
        let mut parts = vec![];
        for (k, v) in [
            ("status", &status),
            ("q", &search),
            ("from", &from),
            ("to", &to),
            ("sort", &sort),
            ("currency", &currency),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        for c in &cols {
            parts.push(format!("cols={}", encode(c)));
        }
        parts.join("&")
    };
    // Column headers sort: the list's address without its sort and page.
    let sort_link = format!(
        "/{tenant}/invoices?{}",
        keep.split('&')
            .filter(|p| !p.starts_with("sort=") && !p.is_empty())
            .map(|p| format!("{p}&"))
            .collect::<String>()
    );
    rsx! {
        PageTitle { text: l.t("Invoices") }
        h1 { {l.t("Invoices")} }
        form { method: "get", action: "/{tenant}/invoices", class: "filters", role: "search",
            div { class: "field",
                label { r#for: "f-q", {l.t("Search")} }
                input { id: "f-q", name: "q", r#type: "search", value: "{search}" }
            }
            div { class: "field",
                label { r#for: "f-status", {l.t("Status")} }
                select { id: "f-status", name: "status", "data-autosubmit": "",
                    option { value: "", selected: status.is_empty(), {l.t("All")} }
                    for s in STATUSES.iter().filter(|s| staff || **s != "draft") {
                        option { key: "{s}", value: "{s}", selected: status == *s, {crate::ui::status_text(s, l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-from", {l.t("Issued from")} }
                input { id: "f-from", name: "from", r#type: "date", value: "{from}" }
            }
            div { class: "field",
                label { r#for: "f-to", {l.t("Issued to")} }
                input { id: "f-to", name: "to", r#type: "date", value: "{to}" }
            }
            div { class: "field",
                label { r#for: "f-sort", {l.t("Sort by")} }
                select { id: "f-sort", name: "sort", "data-autosubmit": "",
                    for (key, _, dir, label) in SORTS.iter() {
                        option { key: "{key}", value: "{key}", selected: sort == *key || (sort.is_empty() && *key == "issued-desc"),
                            {l.t(label)} if *dir == "ASC" { " ↑" } else { " ↓" }
                        }
                    }
                }
            }
            fieldset { class: "cols",
                legend { {l.t("Columns")} }
                for (key, label) in OPTIONAL_COLS.iter() {
                    label { key: "{key}",
                        input { r#type: "checkbox", name: "cols", value: "{key}", checked: cols.iter().any(|c| c == key) }
                        " " {l.t(label)}
                    }
                }
            }
            button { r#type: "submit", class: "primary", {l.t("Filter")} }
        }
        {loaded!(res, |d| rsx! {
            p { class: "muted", role: "status", {crate::fmt::count(d.invoices.total_count, "invoice", l)} }
            InvoiceTable { tenant: tenant.clone(), rows: d.invoices.nodes.clone(), cols: cols.clone(), show_client: staff, sort_link: sort_link.clone(), sort: sort.clone() }
            nav { class: "pager", aria_label: "pagination",
                if !q.get("after").is_empty() {
                    a { href: "/{tenant}/invoices?{keep}", {l.t("First page")} }
                }
                if d.invoices.page_info.has_next_page {
                    if let Some(c) = d.invoices.page_info.end_cursor.clone() {
                        a { rel: "next", href: "/{tenant}/invoices?{keep}&after={encode(&c)}", {l.t("Next page")} }
                    }
                }
            }
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// Invoice detail

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub tax_rate: String,
    pub discount_percent: Option<String>,
    /// Quantity × unit price: the amount column, which adds up to the invoice's subtotal.
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
}

/// One line of a document as the lines table shows it (invoices, estimates, invoice links).
#[derive(Debug, Clone, PartialEq)]
pub struct LineView {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub tax_rate: String,
    pub discount_percent: Option<String>,
    pub subtotal: Money,
    pub discount: Money,
}

impl From<&Line> for LineView {
    fn from(l: &Line) -> Self {
        LineView {
            description: l.description.clone(),
            quantity: l.quantity.clone(),
            unit_price: l.unit_price.clone(),
            tax_rate: l.tax_rate.clone(),
            discount_percent: l.discount_percent.clone(),
            subtotal: l.subtotal.clone(),
            discount: l.discount.clone(),
        }
    }
}

/// A document's lines. Amounts are quantity × unit price and add up to the subtotal below the
/// table; discounts (a column only when a line has one) and taxes follow it, so a column always
/// adds up to the figure under it.
#[component]
pub fn LinesTable(lines: Vec<LineView>) -> Element {
    let l = locale();
    let has_discounts = lines.iter().any(|ln| ln.discount.minor != 0);
    rsx! {
        table { class: "lines",
            thead { tr {
                th { scope: "col", {l.t("Description")} }
                th { scope: "col", class: "num", {l.t("Quantity")} }
                th { scope: "col", class: "num", {l.t("Unit price")} }
                if has_discounts { th { scope: "col", class: "num", {l.t("Discount")} } }
                th { scope: "col", class: "num", {l.t("Tax rate")} }
                th { scope: "col", class: "num", {l.t("Amount")} }
            } }
            tbody {
                for (n, line) in lines.iter().enumerate() {
                    tr { key: "{n}",
                        td { "data-label": l.t("Description"), "{line.description}" }
                        td { class: "num", "data-label": l.t("Quantity"), {crate::fmt::decimal(&line.quantity, l)} }
                        td { class: "num", "data-label": l.t("Unit price"), {money(&line.unit_price, l)} }
                        if has_discounts {
                            td { class: "num", "data-label": l.t("Discount"),
                                if line.discount.minor != 0 {
                                    "−" {money(&line.discount, l)}
                                    if let Some(dp) = line.discount_percent.clone() { span { class: "muted", " ({crate::fmt::decimal(&dp, l)}%)" } }
                                }
                            }
                        }
                        td { class: "num", "data-label": l.t("Tax rate"), {crate::fmt::decimal(&line.tax_rate, l)} "%" }
                        td { class: "num", "data-label": l.t("Amount"), {money(&line.subtotal, l)} }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxLine {
    pub rate: String,
    pub net: Money,
    pub tax: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRef {
    pub id: String,
    pub number: String,
    pub received_on: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocationRow {
    pub amount: Money,
    pub reversal: bool,
    pub payment: Option<PaymentRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientFull {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceFull {
    pub id: String,
    pub number: String,
    pub reference: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub currency: String,
    pub issue_date: String,
    pub due_date: String,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub amount_paid: Money,
    pub amount_credited: Money,
    pub balance: Money,
    pub notes: Option<String>,
    pub terms: Option<String>,
    pub client: Option<ClientFull>,
    pub lines: Vec<Line>,
    pub taxes: Vec<TaxLine>,
    pub payments: Vec<AllocationRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceData {
    pub invoice: Option<InvoiceFull>,
    pub threads: Vec<ThreadRef>,
    pub payment_attempts: Vec<AttemptRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRef {
    pub id: String,
    pub message_count: i64,
}

#[component]
pub fn InvoicePage(tenant: String, id: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<InvoiceData>(&tenant, query!("query($id: ID!) { invoice(id: $id) { id number reference status overdue currency issueDate dueDate subtotal { ...M } discount { ...M } tax { ...M } total { ...M } amountPaid { ...M } amountCredited { ...M } balance { ...M } notes terms client { id name email taxId address } lines { description quantity unitPrice { ...M } taxRate discountPercent subtotal { ...M } discount { ...M } total { ...M } } taxes { rate net { ...M } tax { ...M } } payments { amount { ...M } reversal payment { id number receivedOn method } } } threads(subjectId: $id) { id messageCount } paymentAttempts(first: 50) { id status method amount { ...M } createdAt invoiceIds } }"), json!({ "id": id }))?;
    let l = locale();
    let shell = use_shell();
    let profile = shell.profile.clone().unwrap_or_default();
    let can_pay = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin" || v.role == "contact_payer");
    let print = q.get("print") == "1";
    loaded!(res, missing: l.t("Invoice not found").to_owned(), |d| {
        let Some(inv) = d.invoice else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Invoice not found") } };
        };
        let payable = can_pay
            && inv.balance.minor > 0
            && matches!(inv.status.as_str(), "ISSUED" | "PARTIALLY_PAID");
        let title = format!("{} {}", l.t("Invoice"), inv.number);
        rsx! {
            PageTitle { text: title.clone() }
            Notice { flash: crate::ui::Flash { done: String::new(), ..flash.clone() } }
            if !print {
                PendingAttempts {
                    tenant: tenant.clone(),
                    attempts: d.payment_attempts.iter().filter(|a| a.invoice_ids.contains(&inv.id)).cloned().collect::<Vec<_>>(),
                }
            }
            div { class: if print { "toolbar noprint print-mode" } else { "toolbar noprint" },
                a { href: if print { format!("/{tenant}/invoices/{}", inv.id) } else { format!("/{tenant}/invoices") }, "← " {if print { l.t("Back") } else { l.t("Invoices") }} }
                if payable && !print {
                    a { class: "button primary", href: "/{tenant}/pay?invoice={inv.id}", {l.t("Pay now")} }
                }
                if print {
                    button {
                        r#type: "button",
                        class: "primary",
                        id: "print",
                        onclick: move |_| {
                            #[cfg(feature = "web")]
                            if let Some(w) = web_sys::window() {
                                let _ = w.print();
                            }
                        },
                        {l.t("Print")}
                    }
                } else {
                    a { class: "button", href: "/{tenant}/invoices/{inv.id}?print=1", {l.t("Print")} }
                }
                if let Some(th) = d.threads.first() {
                    a { href: "/{tenant}/messages/{th.id}", {l.t("Messages")} " ({th.message_count})" }
                }
            }
            article { class: "document",
                header { class: "doc-head",
                    div {
                        if let Some(logo) = profile.logo.clone() { img { src: "{logo}", alt: "", width: "48", height: "48" } }
                        p { class: "company", "{profile.name}" }
                        if let Some(a) = profile.address.clone() { p { class: "pre", "{a}" } }
                        if let Some(e) = profile.email.clone() { p { "{e}" } }
                        if let Some(p) = profile.phone.clone() { p { "{p}" } }
                    }
                    div { class: "doc-title",
                        h1 { {l.t("Invoice")} " " span { class: "docnum", "{inv.number}" } }
                        p { Status { status: inv.status.clone() } if inv.overdue { " " Status { status: "overdue" } } }
                        dl { class: "meta",
                            dt { {l.t("Issued")} } dd { {date(&inv.issue_date, l)} }
                            dt { {l.t("Due")} } dd { {date(&inv.due_date, l)} }
                            if let Some(r) = inv.reference.clone() { dt { {l.t("Reference")} } dd { "{r}" } }
                        }
                    }
                }
                if let Some(c) = inv.client.clone() {
                    section { class: "bill-to",
                        h2 { {l.t("Bill to")} }
                        p { class: "company", "{c.name}" }
                        if let Some(a) = c.address.clone() { p { class: "pre", "{a}" } }
                        if let Some(t) = c.tax_id.clone() { p { {l.t("Tax ID")} ": {t}" } }
                        if let Some(e) = c.email.clone() { p { "{e}" } }
                    }
                }
                LinesTable { lines: inv.lines.iter().map(LineView::from).collect::<Vec<_>>() }
                dl { class: "totals",
                    dt { {l.t("Subtotal")} } dd { {money(&inv.subtotal, l)} }
                    if inv.discount.minor != 0 { dt { {l.t("Discount")} } dd { "−" {money(&inv.discount, l)} } }
                    for (n, tl) in inv.taxes.iter().enumerate() {
                        div { key: "{n}", class: "row",
                            dt { {l.t("Tax")} " " {crate::fmt::decimal(&tl.rate, l)} "% " {l.t("on")} " " {money(&tl.net, l)} }
                            dd { {money(&tl.tax, l)} }
                        }
                    }
                    dt { class: "grand", {l.t("Total")} } dd { class: "grand", {money(&inv.total, l)} }
                    if inv.amount_paid.minor != 0 { dt { {l.t("Paid")} } dd { "−" {money(&inv.amount_paid, l)} } }
                    if inv.amount_credited.minor != 0 { dt { {l.t("Credited")} } dd { "−" {money(&inv.amount_credited, l)} } }
                    dt { class: "grand", {l.t("Balance")} } dd { class: "grand", id: "balance", {money(&inv.balance, l)} }
                }
                if !inv.payments.is_empty() {
                    section {
                        h2 { {l.t("Payments made")} }
                        ul { class: "plain",
                            for (n, p) in inv.payments.iter().enumerate() {
                                li { key: "{n}",
                                    if let Some(pr) = p.payment.clone() {
                                        a { href: "/{tenant}/payments/{pr.id}", "{pr.number}" }
                                        " · " {date(&pr.received_on, l)} " · "
                                    }
                                    if p.reversal { {l.t("Refunded")} " " }
                                    {money(&p.amount, l)}
                                }
                            }
                        }
                    }
                }
                if let Some(t) = inv.terms.clone() { section { h2 { {l.t("Terms")} } p { class: "pre", "{t}" } } }
                if let Some(n) = inv.notes.clone() { section { h2 { {l.t("Notes")} } p { class: "pre", "{n}" } } }
                if d.threads.is_empty() && !print {
                    section { class: "panel ask noprint",
                        h2 { {l.t("Questions about this invoice?")} }
                        form { method: "post", action: "/{tenant}/forms/messages/new", class: "stack",
                            input { r#type: "hidden", name: "subject", value: "{inv.id}" }
                            label { r#for: "m-body", {l.t("Write a message")} }
                            textarea { id: "m-body", name: "body", rows: "3", required: true, maxlength: "5000" }
                            button { r#type: "submit", {l.t("Send")} }
                        }
                    }
                }
                footer { class: "doc-foot",
                    h2 { {l.t("Contact")} }
                    p { "{profile.name}"
                        if let Some(e) = profile.email.clone() { " · " a { href: "mailto:{e}", "{e}" } }
                        if let Some(p) = profile.phone.clone() { " · {p}" }
                    }
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Payments and receipts

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRef {
    pub id: String,
    pub number: String,
    /// The invoice's balance now, where the page asks for it (a receipt).
    #[serde(default)]
    pub balance: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaidAllocation {
    pub amount: Money,
    pub reversal: bool,
    pub invoice: Option<InvoiceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRow {
    pub id: String,
    pub number: String,
    pub amount: Money,
    pub method: String,
    pub reference: Option<String>,
    pub received_on: String,
    pub unallocated: Money,
    pub refunded: Money,
    pub notes: Option<String>,
    pub client: Option<ClientFull>,
    pub allocations: Vec<PaidAllocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentsData {
    pub payments: Nodes<PaymentRow>,
    pub payment_attempts: Vec<AttemptRow>,
}

/// A payment started online that has not (yet) become a payment: shown while it is processing,
/// waiting for a transfer, or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRow {
    pub id: String,
    pub status: String,
    pub method: String,
    pub amount: Money,
    pub created_at: i64,
    pub invoice_ids: Vec<String>,
}

#[component]
pub fn Payments(tenant: String) -> Element {
    let res = use_query::<PaymentsData>(&tenant, query!("{ payments(first: 100) { nodes { id number amount { ...M } method reference receivedOn unallocated { ...M } refunded { ...M } notes client { id name email taxId address } allocations { amount { ...M } reversal invoice { id number } } } } paymentAttempts(first: 20) { id status method amount { ...M } createdAt invoiceIds } }"), json!({}))?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Payment history") }
        h1 { {l.t("Payment history")} }
        PendingAttempts { tenant: tenant.clone(), attempts: d.payment_attempts.clone() }
        if d.payments.nodes.is_empty() {
            p { class: "muted", {l.t("No payments yet.")} }
        } else {
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Receipt")} }
                    if staff { th { scope: "col", {l.t("Client")} } }
                    th { scope: "col", {l.t("Date")} }
                    th { scope: "col", {l.t("Method")} }
                    th { scope: "col", {l.t("Invoices")} }
                    th { scope: "col", class: "num", {l.t("Amount")} }
                } }
                tbody {
                    for p in d.payments.nodes.iter() {
                        tr { key: "{p.id}",
                            td { "data-label": l.t("Receipt"), a { href: "/{tenant}/payments/{p.id}", "{p.number}" } }
                            if staff { td { "data-label": l.t("Client"), {p.client.as_ref().map(|x| x.name.clone()).unwrap_or_default()} } }
                            td { "data-label": l.t("Date"), {date(&p.received_on, l)} }
                            td { "data-label": l.t("Method"), {crate::ui::method_text(&p.method, l)} }
                            td { "data-label": l.t("Invoices"),
                                for (n, a) in p.allocations.iter().filter(|a| !a.reversal).enumerate() {
                                    if let Some(i) = a.invoice.clone() {
                                        span { key: "{n}", a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } " " }
                                    }
                                }
                                if p.unallocated.minor > 0 {
                                    span { class: "muted unapplied", {l.t("Unapplied — held as credit")} ": " {money(&p.unallocated, l)} }
                                }
                            }
                            td { class: "num", "data-label": l.t("Amount"), {money(&p.amount, l)}
                                if p.refunded.minor > 0 { br {} span { class: "muted", {l.t("Refunded")} " " {money(&p.refunded, l)} } }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// Payments started online that are not payments yet (processing, waiting for a transfer) or
/// that failed recently, with a way on: follow the status, or try again.
#[component]
pub fn PendingAttempts(tenant: String, attempts: Vec<AttemptRow>) -> Element {
    let l = locale();
    let open: Vec<AttemptRow> = attempts
        .into_iter()
        .filter(|a| {
            matches!(
                a.status.as_str(),
                "processing" | "awaiting_transfer" | "failed"
            )
        })
        .take(5)
        .collect();
    if open.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "panel attempts", id: "attempts",
            h2 { {l.t("Payments in progress")} }
            ul { class: "plain",
                for a in open.iter() {
                    li { key: "{a.id}",
                        Status { status: a.status.clone() } " "
                        strong { {money(&a.amount, l)} } " · " {crate::pages::method_label(&a.method.to_ascii_uppercase(), l)}
                        " · " {crate::ui::when(a.created_at, l)} " · "
                        a { href: "/{tenant}/pay/return/{a.id}",
                            if a.status == "failed" { {l.t("Try again")} } else { {l.t("See its status")} }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptData {
    pub node: Option<PaymentRow>,
}

#[component]
pub fn Receipt(tenant: String, id: String) -> Element {
    let res = use_query::<ReceiptData>(&tenant, query!("query($id: ID!) { node(id: $id) { ... on Payment { id number amount { ...M } method reference receivedOn unallocated { ...M } refunded { ...M } notes client { id name email taxId address } allocations { amount { ...M } reversal invoice { id number balance { ...M } } } } } }"), json!({ "id": id }))?;
    let l = locale();
    let profile = use_shell().profile.unwrap_or_default();
    loaded!(res, missing: l.t("Payment not found").to_owned(), |d| {
        let Some(p) = d.node else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Payment not found") } };
        };
        let title = format!("{} {}", l.t("Receipt"), p.number);
        rsx! {
            PageTitle { text: title.clone() }
            div { class: "toolbar noprint",
                a { href: "/{tenant}/payments", "← " {l.t("Payments")} }
            }
            article { class: "document receipt",
                header { class: "doc-head",
                    div {
                        p { class: "company", "{profile.name}" }
                        if let Some(a) = profile.address.clone() { p { class: "pre", "{a}" } }
                    }
                    div { class: "doc-title",
                        h1 { {l.t("Receipt")} " " span { class: "docnum", "{p.number}" } }
                        dl { class: "meta",
                            dt { {l.t("Date")} } dd { {date(&p.received_on, l)} }
                            dt { {l.t("Method")} } dd { {crate::ui::method_text(&p.method, l)} }
                            // The payer's own reference (a transfer's or cheque's); gateway and
                            // internal references are not the payment's name.
                            if matches!(p.method.as_str(), "BANK_TRANSFER" | "CHEQUE") {
                                if let Some(r) = p.reference.clone() { dt { {l.t("Your reference")} } dd { class: "ref", "{r}" } }
                            }
                        }
                    }
                }
                if let Some(c) = p.client.clone() {
                    section { class: "bill-to", h2 { {l.t("Client")} } p { class: "company", "{c.name}" }
                        if let Some(a) = c.address.clone() { p { class: "pre", "{a}" } }
                    }
                }
                if !p.allocations.is_empty() {
                    table { class: "lines",
                        caption { {l.t("Applied to")} }
                        thead { tr {
                            th { scope: "col", {l.t("Invoice")} }
                            th { scope: "col", class: "num", {l.t("Applied")} }
                            th { scope: "col", class: "num", {l.t("Balance now")} }
                        } }
                        tbody {
                            for (n, a) in p.allocations.iter().enumerate() {
                                tr { key: "{n}",
                                    td { "data-label": l.t("Invoice"),
                                        if a.reversal { {l.t("Refunded")} " " }
                                        if let Some(i) = a.invoice.clone() { a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                                    }
                                    td { class: "num", "data-label": l.t("Applied"), {money(&a.amount, l)} }
                                    td { class: "num", "data-label": l.t("Balance now"),
                                        {a.invoice.as_ref().and_then(|i| i.balance.as_ref()).map(|b| money(b, l)).unwrap_or_default()}
                                    }
                                }
                            }
                        }
                    }
                }
                dl { class: "totals",
                    dt { class: "grand", {l.t("Amount paid")} } dd { class: "grand", {money(&p.amount, l)} }
                    if p.unallocated.minor != 0 { dt { {l.t("Held as credit")} } dd { {money(&p.unallocated, l)} } }
                    if p.refunded.minor != 0 { dt { {l.t("Refunded")} } dd { {money(&p.refunded, l)} } }
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Estimates

// ---------------------------------------------------------------------------------------------
// Credit notes

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditRow {
    pub id: String,
    pub number: String,
    pub status: String,
    pub reason: String,
    pub issue_date: String,
    pub total: Money,
    pub applied: Money,
    pub remaining: Money,
    pub invoice: Option<InvoiceRef>,
    pub client: Option<crate::data::ClientRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditData {
    pub credit_notes: Nodes<CreditRow>,
}

#[component]
pub fn CreditNotes(tenant: String) -> Element {
    let res = use_query::<CreditData>(&tenant, query!("{ creditNotes(first: 100) { nodes { id number status reason issueDate total { ...M } applied { ...M } remaining { ...M } invoice { id number } client { id name } } } }"), json!({}))?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Credit notes") }
        h1 { {l.t("Credit notes")} }
        if d.credit_notes.nodes.is_empty() {
            p { class: "muted", {l.t("No credit notes.")} }
        } else {
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Number")} }
                    if staff { th { scope: "col", {l.t("Client")} } }
                    th { scope: "col", {l.t("Status")} }
                    th { scope: "col", {l.t("Issued")} }
                    th { scope: "col", {l.t("Reason")} }
                    th { scope: "col", {l.t("Invoice")} }
                    th { scope: "col", class: "num", {l.t("Total")} }
                    th { scope: "col", class: "num", {l.t("Applied")} }
                    th { scope: "col", class: "num", {l.t("Remaining")} }
                } }
                tbody {
                    for c in d.credit_notes.nodes.iter() {
                        tr { key: "{c.id}",
                            td { "data-label": l.t("Number"), "{c.number}" }
                            if staff { td { "data-label": l.t("Client"), {c.client.as_ref().map(|x| x.name.clone()).unwrap_or_default()} } }
                            td { "data-label": l.t("Status"), Status { status: c.status.clone() } }
                            td { "data-label": l.t("Issued"), {date(&c.issue_date, l)} }
                            td { "data-label": l.t("Reason"), "{c.reason}" }
                            td { "data-label": l.t("Invoice"),
                                if let Some(i) = c.invoice.clone() { a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                            }
                            td { class: "num", "data-label": l.t("Total"), {money(&c.total, l)} }
                            td { class: "num", "data-label": l.t("Applied"), {money(&c.applied, l)} }
                            td { class: "num", "data-label": l.t("Remaining"), {money(&c.remaining, l)} }
                        }
                    }
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Statement

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementLine {
    pub date: String,
    pub kind: String,
    pub reference: String,
    pub document_id: String,
    pub debit: Money,
    pub credit: Money,
    pub balance: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Aging {
    pub current: Money,
    pub days1_to30: Money,
    pub days31_to60: Money,
    pub days61_to90: Money,
    pub days_over90: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    pub currency: String,
    pub from: String,
    pub to: String,
    pub opening_balance: Money,
    /// Every entry in the period; `lines` holds the latest 500 of them.
    pub line_count: usize,
    pub lines: Vec<StatementLine>,
    pub total_debits: Money,
    pub total_credits: Money,
    pub closing_balance: Money,
    pub aging: Aging,
}

/// The balance before the first entry shown, when the page shows only the latest entries of a
/// long period (`None` when every entry is shown).
fn brought_forward(s: &Statement) -> Option<Money> {
    let first = s.lines.first().filter(|_| s.line_count > s.lines.len())?;
    let minor = first.balance.minor - first.debit.minor + first.credit.minor;
    let exponent = first
        .balance
        .amount
        .split_once('.')
        .map(|(_, f)| f.len() as u32)
        .unwrap_or(0);
    let factor = 10i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, frac) = (
        minor.unsigned_abs() / factor as u64,
        minor.unsigned_abs() % factor as u64,
    );
    let amount = if exponent == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac:0width$}", width = exponent as usize)
    };
    Some(Money {
        amount,
        currency: first.balance.currency.clone(),
        minor,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementData {
    pub statement: Statement,
    pub dashboard: DueAndCredit,
    pub client: Option<crate::data::ClientRef>,
}

/// Today's amount due and credit per currency: what reconciles a statement's closing balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueAndCredit {
    pub currencies: Vec<CurrencyDue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyDue {
    pub currency: String,
    pub amount_due: Money,
    pub credit_available: Money,
}

#[component]
pub fn StatementPage(tenant: String, q: Qs) -> Element {
    let shell = use_shell();
    let l = shell.locale;
    // A contact's own client; staff choose one (from the clients page).
    let client_id = shell
        .viewer
        .as_ref()
        .and_then(|v| v.client.as_ref().map(|c| c.id.clone()))
        .unwrap_or_else(|| q.get("client"));
    if client_id.is_empty() {
        return rsx! {
            PageTitle { text: l.t("Statement") }
            h1 { {l.t("Statement")} }
            p { a { href: "/{tenant}/staff/clients", {l.t("Clients")} } }
        };
    }
    rsx! { StatementBody { tenant, client_id, q } }
}

/// The statement of one client (its own hooks, so the page above may return early).
#[component]
fn StatementBody(tenant: String, client_id: String, q: Qs) -> Element {
    let shell = use_shell();
    let l = shell.locale;
    let staff_choice = q.get("client");
    let today = shell.today.clone();
    let today_now = today.clone();
    let from = Some(q.get("from"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{}-01-01", today.get(..4).unwrap_or("2026")));
    let to = Some(q.get("to")).filter(|s| !s.is_empty()).unwrap_or(today);
    let res = use_query::<StatementData>(
            &tenant,
            query!("query($c: ID!, $from: Date!, $to: Date!) { statement(clientId: $c, from: $from, to: $to) { currency from to openingBalance { ...M } lineCount lines(last: 500) { date kind reference documentId debit { ...M } credit { ...M } balance { ...M } } totalDebits { ...M } totalCredits { ...M } closingBalance { ...M } aging { current { ...M } days1To30 { ...M } days31To60 { ...M } days61To90 { ...M } daysOver90 { ...M } total { ...M } } } dashboard(clientId: $c) { currencies { currency amountDue { ...M } creditAvailable { ...M } } } client(id: $c) { id name } }"),
            json!({ "c": client_id, "from": from, "to": to }),
    )?;
    rsx! {
        PageTitle { text: l.t("Statement") }
        h1 { {l.t("Statement")} }
        form { method: "get", action: "/{tenant}/statement", class: "filters",
            if !staff_choice.is_empty() { input { r#type: "hidden", name: "client", value: "{staff_choice}" } }
            div { class: "field", label { r#for: "s-from", {l.t("From")} } input { id: "s-from", name: "from", r#type: "date", value: "{from}" } }
            div { class: "field", label { r#for: "s-to", {l.t("To")} } input { id: "s-to", name: "to", r#type: "date", value: "{to}" } }
            button { r#type: "submit", class: "primary", {l.t("Show")} }
        }
        {loaded!(res, |d| {
            let client_name = d.client.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            let s = d.statement;
            // Shown when the period ends today or later and the client holds credit.
            let reconcile = d
                .dashboard
                .currencies
                .iter()
                .find(|c| c.currency == s.currency && c.credit_available.minor > 0)
                .filter(|_| s.to >= today_now)
                .cloned();
            rsx! {
                if !staff_choice.is_empty() {
                    p { class: "statement-of", a { href: "/{tenant}/staff/clients", "← " {l.t("Clients")} } " · " strong { "{client_name}" } }
                }
                table { class: "list statement",
                    caption { "{s.currency} · " {date(&s.from, l)} " – " {date(&s.to, l)} }
                    thead { tr {
                        th { scope: "col", {l.t("Date")} }
                        th { scope: "col", {l.t("Document")} }
                        th { scope: "col", class: "num", {l.t("Debit")} }
                        th { scope: "col", class: "num", {l.t("Credit")} }
                        th { scope: "col", class: "num", {l.t("Balance")} }
                    } }
                    tbody {
                        if let Some(forward) = brought_forward(&s) {
                            tr { td { colspan: "4",
                                {l.t("Balance brought forward")} " "
                                span { class: "muted", {l.t("({} earlier entries in this period; choose a shorter period to see them)").replacen("{}", &(s.line_count - s.lines.len()).to_string(), 1)} }
                            } td { class: "num", {money(&forward, l)} } }
                        } else {
                            tr { td { colspan: "4", {l.t("Opening balance")} } td { class: "num", {money(&s.opening_balance, l)} } }
                        }
                        for (n, line) in s.lines.iter().enumerate() {
                            tr { key: "{n}",
                                td { "data-label": l.t("Date"), {date(&line.date, l)} }
                                td { "data-label": l.t("Document"),
                                    if line.kind == "invoice" {
                                        a { href: "/{tenant}/invoices/{line.document_id}", "{line.reference}" }
                                    } else if line.kind == "payment" {
                                        a { href: "/{tenant}/payments/{line.document_id}", "{line.reference}" }
                                    } else {
                                        "{line.reference}"
                                    }
                                }
                                td { class: "num", "data-label": l.t("Debit"), if line.debit.minor != 0 { {money(&line.debit, l)} } }
                                td { class: "num", "data-label": l.t("Credit"), if line.credit.minor != 0 { {money(&line.credit, l)} } }
                                td { class: "num", "data-label": l.t("Balance"), {money(&line.balance, l)} }
                            }
                        }
                    }
                    tfoot {
                        tr { class: "period-totals",
                            th { scope: "row", colspan: "2", {l.t("Totals for the period")} }
                            td { class: "num", "data-label": l.t("Debit"), {money(&s.total_debits, l)} }
                            td { class: "num", "data-label": l.t("Credit"), {money(&s.total_credits, l)} }
                            td { class: "num empty-cell" }
                        }
                        tr { class: "closing",
                            th { scope: "row", colspan: "4", {l.t("Closing balance")} " · " {date(&s.to, l)} }
                            td { class: "num", "data-label": l.t("Closing balance"), strong { {money(&s.closing_balance, l)} } }
                        }
                    }
                }
                // Why the closing balance and the amount due differ: credit held for the client
                // (over-payments, open credit notes) lowers the balance but is not yet on any
                // invoice.
                if let Some(now) = reconcile.clone() {
                    section { class: "panel reconcile", id: "reconcile",
                        h2 { {l.t("Balance and amount due")} }
                        dl { class: "totals",
                            dt { {l.t("Amount due on invoices")} } dd { {money(&now.amount_due, l)} }
                            dt { {l.t("Unapplied credit held for you")} } dd { "−" {money(&now.credit_available, l)} }
                            dt { class: "grand", {l.t("Balance")} } dd { class: "grand", {money(&crate::fmt::minus(&now.amount_due, &now.credit_available), l)} }
                        }
                        p { class: "muted", {l.t("Credit is used on your next payment, or you can use it now on the Pay page.")} }
                    }
                }
                section { class: "panel",
                    h2 { {l.t("Aging")} }
                    dl { class: "aging",
                        div { dt { {l.t("Current")} } dd { {money(&s.aging.current, l)} } }
                        div { dt { {l.t("1–30 days")} } dd { {money(&s.aging.days1_to30, l)} } }
                        div { dt { {l.t("31–60 days")} } dd { {money(&s.aging.days31_to60, l)} } }
                        div { dt { {l.t("61–90 days")} } dd { {money(&s.aging.days61_to90, l)} } }
                        div { dt { {l.t("Over 90 days")} } dd { {money(&s.aging.days_over90, l)} } }
                        div { dt { {l.t("Total")} } dd { strong { {money(&s.aging.total, l)} } } }
                    }
                }
            }
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// Projects

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeEntry {
    pub id: String,
    pub task: String,
    pub assignee: String,
    pub date: String,
    pub hours: String,
    pub billable: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSummary {
    pub key: String,
    pub hours: String,
    pub billable_hours: String,
    pub entries: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub total_hours: String,
    pub time_entries: Vec<TimeEntry>,
    pub summary_by_task: Vec<TimeSummary>,
    pub summary_by_assignee: Vec<TimeSummary>,
    pub summary_by_month: Vec<TimeSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectsData {
    pub projects: Vec<Project>,
}

/// `"7.25"` hours → minutes (exact: at most two decimals are meaningful here).
fn minutes(h: &str) -> i64 {
    let (i, f) = h.split_once('.').unwrap_or((h, "0"));
    let whole: i64 = i.parse().unwrap_or(0);
    let frac = format!("{:0<2}", f.get(..2).unwrap_or(f));
    let hundredths: i64 = frac.parse().unwrap_or(0);
    whole * 60 + hundredths * 60 / 100
}

#[component]
pub fn Projects(tenant: String, q: Qs) -> Element {
    let billable = q.get("billable") == "1";
    let res = use_query::<ProjectsData>(&tenant, "query($b: Boolean!) { projects { id name description status totalHours timeEntries(billableOnly: $b) { id task assignee date hours billable note } summaryByTask { key hours billableHours entries } summaryByAssignee { key hours billableHours entries } summaryByMonth { key hours billableHours entries } } }", json!({ "b": billable }))?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Projects") }
        h1 { {l.t("Projects")} }
        nav { class: "tabs", aria_label: l.t("Time entries"),
            a { href: "/{tenant}/projects", "aria-current": if billable { "false" } else { "page" }, {l.t("Show all")} }
            a { href: "/{tenant}/projects?billable=1", "aria-current": if billable { "page" } else { "false" }, {l.t("Billable only")} }
        }
        if d.projects.is_empty() { p { class: "muted", {l.t("No projects.")} } }
        for p in d.projects.iter() {
            section { class: "panel project", key: "{p.id}",
                h2 { "{p.name} " Status { status: p.status.clone() } }
                if let Some(desc) = p.description.clone() { p { "{desc}" } }
                p { {l.t("Hours")} ": " strong { {crate::fmt::hours_decimal(minutes(&p.total_hours), l)} } }
                BarChart {
                    bars: p.summary_by_month.iter().map(|m| Bar { label: crate::fmt::month_or_key(&m.key, l), a: minutes(&m.hours), b: minutes(&m.billable_hours) }).collect::<Vec<_>>(),
                    a_label: l.t("Hours"),
                    b_label: l.t("Billable"),
                    describe: format!("{}: {}", l.t("Hours by month"), p.name),
                    unit: Unit::Minutes,
                }
                div { class: "columns",
                    SummaryTable { title: l.t("By task"), key_label: l.t("Task"), rows: p.summary_by_task.clone() }
                    SummaryTable { title: l.t("By assignee"), key_label: l.t("Person"), rows: p.summary_by_assignee.clone() }
                }
                details {
                    summary { {l.t("Time entries")} " ({p.time_entries.len()})" }
                    table { class: "list",
                        thead { tr {
                            th { scope: "col", {l.t("Date")} }
                            th { scope: "col", {l.t("Task")} }
                            th { scope: "col", {l.t("Person")} }
                            th { scope: "col", class: "num", {l.t("Hours")} }
                            th { scope: "col", {l.t("Billable")} }
                        } }
                        tbody {
                            for e in p.time_entries.iter() {
                                tr { key: "{e.id}",
                                    td { "data-label": l.t("Date"), {date(&e.date, l)} }
                                    td { "data-label": l.t("Task"), "{e.task}" if let Some(n) = e.note.clone() { span { class: "muted", " — {n}" } } }
                                    td { "data-label": l.t("Person"), "{e.assignee}" }
                                    td { class: "num", "data-label": l.t("Hours"), {crate::fmt::decimal(&e.hours, l)} }
                                    td { "data-label": l.t("Billable"), if e.billable { "✓" } else { "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

#[component]
fn SummaryTable(title: String, key_label: String, rows: Vec<TimeSummary>) -> Element {
    let l = locale();
    rsx! {
        table { class: "list summary",
            caption { "{title}" }
            thead { tr {
                th { scope: "col", "{key_label}" }
                th { scope: "col", class: "num", {l.t("Hours")} }
                th { scope: "col", class: "num", {l.t("Billable")} }
            } }
            tbody {
                for r in rows {
                    tr { key: "{r.key}",
                        td { "data-label": "{key_label}", {crate::fmt::month_or_key(&r.key, l)} }
                        td { class: "num", "data-label": l.t("Hours"), {crate::fmt::decimal(&r.hours, l)} }
                        td { class: "num", "data-label": l.t("Billable"), {crate::fmt::decimal(&r.billable_hours, l)} }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Messages

/// A thread's title in `l`: the API names it "invoice INV-…" / "estimate …" / "project …"; the
/// kind is said in the reader's language, capitalised.
fn thread_title(title: &str, kind: &str, l: Locale) -> String {
    let word = match kind {
        "invoice" => l.t("Invoice"),
        "estimate" => l.t("Estimate"),
        "project" => l.t("Project"),
        _ => return title.to_owned(),
    };
    match title.strip_prefix(kind) {
        Some(rest) => format!("{word}{rest}"),
        None => title.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub author_kind: String,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRow {
    pub id: String,
    pub title: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub message_count: i64,
    pub unread_count: i64,
    pub last_message_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsData {
    pub threads: Vec<ThreadRow>,
}

#[component]
pub fn Messages(tenant: String) -> Element {
    let res = use_query::<ThreadsData>(
        &tenant,
        "{ threads { id title subjectKind subjectId messageCount unreadCount lastMessageAt } }",
        json!({}),
    )?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Messages") }
        h1 { {l.t("Messages")} }
        if d.threads.is_empty() { p { class: "muted", {l.t("No messages.")} } }
        ul { class: "threads",
            for th in d.threads.iter() {
                li { key: "{th.id}", class: if th.unread_count > 0 { "unread" } else { "" },
                    a { href: "/{tenant}/messages/{th.id}", {thread_title(&th.title, &th.subject_kind, l)} }
                    span { class: "muted", " · " {crate::fmt::count(th.message_count, "message", l)} " · " {l.t("last")} " " {crate::ui::when(th.last_message_at, l)} }
                    if th.unread_count > 0 { " " span { class: "badge", "{th.unread_count}" span { class: "sr", " " {l.t("unread")} } } }
                }
            }
        }
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadFull {
    pub id: String,
    pub title: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadData {
    pub thread: Option<ThreadFull>,
}

#[component]
pub fn ThreadPage(tenant: String, id: String, q: Qs) -> Element {
    let res = use_query::<ThreadData>(
        &tenant,
        "query($id: ID!, $mark: Boolean!) { thread(id: $id, markRead: $mark) { id title subjectKind subjectId messages { id authorKind authorName body createdAt } } }",
        json!({ "id": id, "mark": same_site() }),
    )?;
    let l = locale();
    let error = crate::ui::use_flash(&q).error;
    loaded!(res, missing: l.t("Conversation not found").to_owned(), |d| {
        let Some(th) = d.thread else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Conversation not found") } };
        };
        let subject_href = match th.subject_kind.as_str() {
            "invoice" => format!("/{tenant}/invoices/{}", th.subject_id),
            "estimate" => format!("/{tenant}/estimates"),
            _ => format!("/{tenant}/projects"),
        };
        rsx! {
            PageTitle { text: thread_title(&th.title, &th.subject_kind, l) }
            p { a { href: "/{tenant}/messages", "← " {l.t("Messages")} } }
            h1 { {thread_title(&th.title, &th.subject_kind, l)} }
            p { a { href: "{subject_href}", {l.t("Open what it is about")} " →" } }
            ol { class: "messages",
                for m in th.messages.iter() {
                    li { key: "{m.id}", class: "msg {m.author_kind}",
                        p { class: "by", strong { "{m.author_name}" } " · " {crate::ui::when(m.created_at, l)} }
                        p { class: "pre", "{m.body}" }
                    }
                }
            }
            if !error.is_empty() { p { class: "error", role: "alert", "{error}" } }
            form { method: "post", action: "/{tenant}/forms/messages/{th.id}", class: "stack",
                input { r#type: "hidden", name: "subject", value: "{th.subject_id}" }
                label { r#for: "m-body", {l.t("Write a message")} }
                textarea { id: "m-body", name: "body", rows: "4", required: true, maxlength: "5000" }
                button { r#type: "submit", class: "primary", {l.t("Send")} }
            }
        }
    })
}

/// See `server::same_site_request` (the browser never re-runs a page's first query).
fn same_site() -> bool {
    #[cfg(feature = "server")]
    {
        crate::server::same_site_request()
    }
    #[cfg(not(feature = "server"))]
    {
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Settings

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsViewer {
    pub client: Option<ClientFull>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsData {
    pub viewer: SettingsViewer,
    pub my_passkeys: Vec<Passkey>,
    pub my_sessions: Vec<SessionRow>,
}

#[component]
pub fn Settings(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<SettingsData>(&tenant, "{ viewer { client { id name email taxId address } } myPasskeys { id name createdAt lastUsedAt } mySessions { id createdAt lastSeenAt userAgent ip current } }", json!({}))?;
    let shell = use_shell();
    let l = shell.locale;
    let can_edit_billing = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin");
    #[allow(unused_mut)]
    let mut passkey_msg = use_signal(String::new);
    let t2 = tenant.clone();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Settings") }
        h1 { {l.t("Settings")} }
        Notice { flash: flash.clone() }
        if let Some(c) = d.viewer.client.clone() {
            section { class: "panel",
                h2 { {l.t("Billing details")} }
                form { method: "post", action: "/{tenant}/forms/billing", class: "stack",
                    label { r#for: "b-name", {l.t("Name")} }
                    input { id: "b-name", name: "name", value: "{c.name}", required: true, disabled: !can_edit_billing, autocomplete: "organization" }
                    label { r#for: "b-email", {l.t("Email")} }
                    input { id: "b-email", name: "email", r#type: "email", value: "{c.email.clone().unwrap_or_default()}", disabled: !can_edit_billing, autocomplete: "email" }
                    label { r#for: "b-tax", {l.t("Tax ID")} }
                    input { id: "b-tax", name: "tax_id", value: "{c.tax_id.clone().unwrap_or_default()}", disabled: !can_edit_billing }
                    label { r#for: "b-addr", {l.t("Address")} }
                    textarea { id: "b-addr", name: "address", rows: "3", disabled: !can_edit_billing, autocomplete: "street-address", dangerous_inner_html: crate::ui::textarea_html(c.address.as_deref().unwrap_or_default()) }
                    if can_edit_billing { button { r#type: "submit", class: "primary", {l.t("Save")} } }
                }
            }
        }
        section { class: "panel",
            h2 { {l.t("Language")} }
            form { method: "post", action: "/{tenant}/forms/language", class: "inline-form",
                label { r#for: "lang", {l.t("Language")} }
                select { id: "lang", name: "locale", lang: "",
                    option { value: "en", selected: l == Locale::En, lang: "en", "English" }
                    option { value: "el", selected: l == Locale::El, lang: "el", "Ελληνικά" }
                }
                button { r#type: "submit", {l.t("Save")} }
            }
        }
        section { class: "panel",
            h2 { {l.t("Passkeys")} }
            if d.my_passkeys.is_empty() { p { class: "muted", {l.t("No passkeys yet.")} } }
            ul { class: "plain",
                for p in d.my_passkeys.iter() {
                    li { key: "{p.id}",
                        strong { "{p.name}" } " · " {crate::ui::when(p.created_at, l)}
                        form { method: "post", action: "/{tenant}/forms/passkeys/{p.id}/remove", class: "inline",
                            button { r#type: "submit", class: "link", {l.t("Remove")} span { class: "sr", " {p.name}" } }
                        }
                    }
                }
            }
            button {
                id: "passkey-add",
                r#type: "button",
                onclick: move |_| {
                    #[cfg(feature = "web")]
                    {
                        let t = t2.clone();
                        spawn(async move {
                            match crate::live::passkey_register(&t).await {
                                Ok(()) => {
                                    let _ = web_sys::window().map(|w| w.location().set_href(&format!("/{t}/settings?done=passkey")));
                                }
                                Err(e) => passkey_msg.set(e),
                            }
                        });
                    }
                    #[cfg(not(feature = "web"))]
                    let _ = &t2;
                },
                {l.t("Add a passkey")}
            }
            noscript { p { class: "muted", {l.t("Passkeys need JavaScript.")} } }
            if !passkey_msg.read().is_empty() { p { class: "error", role: "alert", "{passkey_msg}" } }
        }
        section { class: "panel",
            h2 { {l.t("Sessions")} }
            ul { class: "plain",
                for s in d.my_sessions.iter() {
                    li { key: "{s.id}",
                        strong { {crate::fmt::browser_name(s.user_agent.as_deref().unwrap_or_default(), l)} }
                        if let Some(ip) = s.ip.clone() { " · {ip}" }
                        " · " {l.t("last active")} " " {crate::ui::when(s.last_seen_at, l)}
                        if s.current {
                            " " span { class: "status s-active", {l.t("This session")} }
                        } else {
                            form { method: "post", action: "/{tenant}/forms/sessions/{s.id}/end", class: "inline",
                                button { r#type: "submit", class: "link", {l.t("End")} }
                            }
                        }
                    }
                }
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Help

#[component]
pub fn Help(tenant: String) -> Element {
    let shell = use_shell();
    let l = shell.locale;
    let p = shell.profile.unwrap_or_default();
    let faq = [
        ("How do I pay an invoice?", "Open the invoice or the dashboard and choose Pay now. You can pay several invoices at once, or part of one when the business allows it."),
        ("Where is my receipt?", "Every payment has a receipt under Payments."),
        ("How do I sign in without email?", "Add a passkey in Settings; next time choose Sign in with a passkey."),
    ];
    let _ = &tenant;
    rsx! {
        PageTitle { text: l.t("Help") }
        h1 { {l.t("Help")} }
        section { class: "panel",
            h2 { {l.t("Contact")} }
            p { class: "company", "{p.name}" }
            dl { class: "meta",
                if let Some(e) = p.email.clone() { dt { {l.t("Email")} } dd { a { href: "mailto:{e}", "{e}" } } }
                if let Some(ph) = p.phone.clone() { dt { {l.t("Phone")} } dd { a { href: "tel:{ph}", "{ph}" } } }
                if let Some(a) = p.address.clone() { dt { {l.t("Address")} } dd { class: "pre", "{a}" } }
            }
        }
        section { class: "panel",
            h2 { {l.t("Frequently asked questions")} }
            for (n, (qq, a)) in faq.iter().enumerate() {
                details { key: "{n}", summary { {l.t(qq)} } p { {l.t(a)} } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(amount: &str, minor: i64) -> Money {
        Money {
            amount: amount.into(),
            currency: "EUR".into(),
            minor,
        }
    }

    #[test]
    fn a_long_statement_shows_the_balance_brought_forward() {
        let line = StatementLine {
            date: "2026-03-01".into(),
            kind: "payment".into(),
            reference: "PAY-1".into(),
            document_id: "x".into(),
            debit: m("0.00", 0),
            credit: m("25.50", 2550),
            balance: m("-10.05", -1005),
        };
        let mut s = Statement {
            currency: "EUR".into(),
            from: "2026-01-01".into(),
            to: "2026-12-31".into(),
            opening_balance: m("0.00", 0),
            line_count: 1,
            lines: vec![line],
            total_debits: m("0.00", 0),
            total_credits: m("25.50", 2550),
            closing_balance: m("-10.05", -1005),
            aging: Aging {
                current: m("0.00", 0),
                days1_to30: m("0.00", 0),
                days31_to60: m("0.00", 0),
                days61_to90: m("0.00", 0),
                days_over90: m("0.00", 0),
                total: m("0.00", 0),
            },
        };
        assert_eq!(brought_forward(&s), None, "every entry shown");
        s.line_count = 700;
        assert_eq!(brought_forward(&s), Some(m("15.45", 1545)));
    }
}
