//! Projects and their time.

use super::*;

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
pub(crate) fn minutes(h: &str) -> i64 {
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
        if !d.projects.is_empty() {
            div { class: "list-head",
                span {}
                crate::downloads::Downloads { base: format!("/{tenant}/exports/time"), query: if billable { "billable=1".to_owned() } else { String::new() } }
            }
        }
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
pub(crate) fn SummaryTable(title: String, key_label: String, rows: Vec<TimeSummary>) -> Element {
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
