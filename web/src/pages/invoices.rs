//! The invoice list.

use super::*;

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

pub(crate) const SORTS: &[(&str, &str, &str, &str)] = &[
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
pub(crate) const STATUSES: &[&str] = &[
    "unpaid",
    "issued",
    "partially_paid",
    "paid",
    "overdue",
    "void",
    "draft",
];
pub(crate) const OPTIONAL_COLS: &[(&str, &str)] = &[
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
    // The list as a spreadsheet: the same filters and order.
    let keep_export = keep
        .split('&')
        .filter(|p| !p.starts_with("cols=") && !p.is_empty())
        .collect::<Vec<_>>()
        .join("&");
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
        div { class: "page-head",
            h1 { {l.t("Invoices")} }
            if staff {
                a { class: "button primary", href: "/{tenant}/staff/invoices/new", "+ " {l.t("New invoice")} }
            }
        }
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
            div { class: "list-head",
                p { class: "muted", role: "status", {crate::fmt::count(d.invoices.total_count, "invoice", l)} }
                if d.invoices.total_count > 0 {
                    crate::downloads::Downloads { base: format!("/{tenant}/exports/invoices"), query: keep_export.clone() }
                }
            }
            InvoiceTable { tenant: tenant.clone(), rows: d.invoices.nodes.clone(), cols: cols.clone(), show_client: staff, sort_link: sort_link.clone(), sort: sort.clone(), pdf: true }
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
