//! The staff estimate editor: the invoice editor's form (lines with live totals, keyboard-first,
//! working without script) for a draft estimate's client, currency, dates, notes and lines.

use super::invoice_editor::{rows_of, ClientNodes, ClientOption, EditorPage, SavedLine};
use super::*;
use crate::data::PageError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedEstimate {
    id: String,
    number: String,
    status: String,
    currency: String,
    issue_date: String,
    valid_until: Option<String>,
    notes: Option<String>,
    client: Option<ClientOption>,
    lines: Vec<SavedLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EstimateEditorData {
    clients: ClientNodes,
    #[serde(default)]
    node: Option<SavedEstimate>,
}

const EDITOR: &str = query!("query($id: ID!, $edit: Boolean!) { clients(first: 100) { nodes { id name currency } } node(id: $id) @include(if: $edit) { ... on Estimate { id number status currency issueDate validUntil notes client { id name currency } lines { description quantity unitPrice { ...M } taxRate discountPercent discount { ...M } } } } }");

/// `/staff/estimates/new`: a new draft estimate (`?client=` picks the client).
#[component]
pub fn StaffEstimateNew(tenant: String, q: Qs) -> Element {
    rsx! { EstimateEditor { tenant, id: String::new(), q } }
}

/// `/staff/estimates/:id/edit`: a draft estimate's editor.
#[component]
pub fn StaffEstimateEdit(tenant: String, id: String, q: Qs) -> Element {
    rsx! { EstimateEditor { tenant, id, q } }
}

#[component]
fn EstimateEditor(tenant: String, id: String, q: Qs) -> Element {
    let edit = !id.is_empty();
    let res = use_query::<EstimateEditorData>(&tenant, EDITOR, json!({ "id": id, "edit": edit }))?;
    let l = locale();
    loaded!(res, missing: l.t("Estimate not found").to_owned(), |d| {
        let saved = d.node.clone();
        if edit && saved.is_none() {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Estimate not found") } };
        }
        if let Some(e) = saved.as_ref().filter(|e| e.status != "DRAFT") {
            return rsx! {
                PageTitle { text: format!("{} {}", l.t("Estimate"), e.number) }
                p { class: "error", role: "alert", {l.t("Only a draft estimate can be edited.")} " "
                    a { href: "/{tenant}/estimates/{e.id}", {l.t("Back to the estimate")} }
                }
            };
        }
        let draft = saved.as_ref().map(|e| Draft {
            client: e.client.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            currency: e.currency.clone(),
            issue_date: e.issue_date.clone(),
            due_date: e.valid_until.clone().unwrap_or_default(),
            notes: e.notes.clone().unwrap_or_default(),
            rows: rows_of(&e.lines),
            ..Draft::default()
        });
        let (title, back_href, back_label) = match &saved {
            Some(e) => (
                format!("{} {}", l.t("Edit estimate"), e.number),
                format!("/{tenant}/estimates/{}", e.id),
                l.t("Back to the estimate"),
            ),
            None => (l.t("New estimate").to_owned(), format!("/{tenant}/estimates"), l.t("Estimates")),
        };
        rsx! {
            EditorPage {
                tenant: tenant.clone(),
                estimate: true,
                title,
                back_href,
                back_label: back_label.to_owned(),
                empty: l.t("Add a client first: estimates are made out to a client.").to_owned(),
                id: saved.as_ref().map(|e| e.id.clone()).unwrap_or_default(),
                clients: d.clients.nodes.clone(),
                saved: draft,
                q: q.clone(),
            }
        }
    })
}
