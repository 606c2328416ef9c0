//! The statement for a period.

use super::*;

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
pub(crate) fn brought_forward(s: &Statement) -> Option<Money> {
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
pub(crate) fn StatementBody(tenant: String, client_id: String, q: Qs) -> Element {
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
                div { class: "list-head",
                    span {}
                    crate::downloads::Downloads {
                        base: format!("/{tenant}/exports/statement"),
                        pdf: format!("/{tenant}/documents/statement.pdf"),
                        query: format!(
                            "{}from={}&to={}&currency={}",
                            if staff_choice.is_empty() { String::new() } else { format!("client={}&", crate::encode(&staff_choice)) },
                            crate::encode(&s.from),
                            crate::encode(&s.to),
                            crate::encode(&s.currency),
                        ),
                    }
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
