//! The dashboard.

use super::*;

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
    let admin = use_shell().viewer.is_some_and(|v| v.is_admin());
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
            if admin { crate::pages::staff::GettingStarted { tenant: tenant.clone() } }
            div { class: "quick",
                if staff { a { class: "button primary", href: "/{tenant}/staff/invoices/new", "+ " {l.t("New invoice")} } }
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
pub(crate) fn minor_text(minor: i64) -> String {
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
    /// A PDF download on each row (the invoices list).
    #[props(default)]
    pdf: bool,
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
                    if pdf { th { scope: "col", class: "pdf", span { class: "sr", {l.t("Download")} } } }
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
                        if pdf { crate::downloads::PdfCell { href: crate::downloads::pdf_href(&tenant, "invoice", &r.id), number: r.number.clone() } }
                    }
                }
            }
        }
    }
}
