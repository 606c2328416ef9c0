//! The role × operation matrix: every mutation, run by every kind of caller, on fresh fixtures.
//! An allowed caller is never refused (it may still meet a state conflict); any other caller is
//! refused (FORBIDDEN, or NOT_FOUND where it may not even see the object) and changes nothing.

use crate::common::{invoice, party, Party, TestApp};
use portico::core::scope::{Grants, Role};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Owner,
    Admin,
    Member,
    Partner,
    PartnerReadOnly,
    ContactAdmin,
    ContactPayer,
    ContactViewer,
}

const EVERYONE: [Who; 8] = [
    Who::Owner,
    Who::Admin,
    Who::Member,
    Who::Partner,
    Who::PartnerReadOnly,
    Who::ContactAdmin,
    Who::ContactPayer,
    Who::ContactViewer,
];
const STAFF: &[Who] = &[Who::Owner, Who::Admin, Who::Member, Who::Partner];
const STAFF_AND_CLIENT_ADMIN: &[Who] = &[
    Who::Owner,
    Who::Admin,
    Who::Member,
    Who::Partner,
    Who::ContactAdmin,
];
const ADMINS: &[Who] = &[Who::Owner, Who::Admin];
const REFUNDERS: &[Who] = &[Who::Owner, Who::Admin, Who::Partner];
const DECIDERS: &[Who] = &[Who::ContactAdmin, Who::ContactPayer];
const CLIENT_ADMIN: &[Who] = &[Who::ContactAdmin];
/// Using a client's credit: staff with payments access, and the client's contacts who may pay.
const CREDIT_USERS: &[Who] = &[
    Who::Owner,
    Who::Admin,
    Who::Member,
    Who::Partner,
    Who::ContactAdmin,
    Who::ContactPayer,
];
/// People with a stored language: here only contacts (the staff callers are API tokens, which
/// stand for no staff user; a signed-in staff user may too, see tests/portal_api.rs).
const PEOPLE: &[Who] = &[Who::ContactAdmin, Who::ContactPayer, Who::ContactViewer];
const WRITERS: &[Who] = &[
    Who::Owner,
    Who::Admin,
    Who::Member,
    Who::Partner,
    Who::ContactAdmin,
    Who::ContactPayer,
    Who::ContactViewer,
];

/// Objects in every state the mutations need, made by the owner.
struct Fixture {
    ids: std::collections::HashMap<&'static str, String>,
}

impl Fixture {
    fn id(&self, k: &str) -> Value {
        json!(self.ids.get(k).unwrap_or_else(|| panic!("fixture {k}")))
    }
}

async fn mk(app: &TestApp, owner: &str, q: &str, v: Value, path: &[&str]) -> String {
    let data = app.ok(owner, q, v).await;
    let mut node = &data;
    for p in path {
        node = &node[*p];
    }
    node.as_str()
        .unwrap_or_else(|| panic!("{q}: {data}"))
        .to_owned()
}

async fn fixture(app: &TestApp, owner: &str, c: &Party) -> Fixture {
    let mut ids = std::collections::HashMap::new();
    let cg = c.client_gid.clone();
    ids.insert("client", cg.clone());
    let contacts = app
        .ok(
            owner,
            "query($c: ID!) { client(id: $c) { contacts { id role } } }",
            json!({ "c": cg }),
        )
        .await;
    let list = contacts["client"]["contacts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let viewer = list.iter().find(|x| x["role"] == "VIEWER").expect("viewer")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    ids.insert("viewer_contact", viewer);
    let spare = mk(app, owner, "mutation($i: CreateContactInput!) { createContact(input: $i) { id } }",
        json!({ "i": { "clientId": cg, "name": "Spare", "email": "spare@fixture.example", "role": "VIEWER" } }), &["createContact", "id"]).await;
    ids.insert("spare_contact", spare);
    let draft = invoice(app, owner, &cg, "10", false).await;
    let data = app
        .ok(
            owner,
            "query($id: ID!) { invoice(id: $id) { lines { id } } }",
            json!({ "id": draft }),
        )
        .await;
    ids.insert(
        "draft_line",
        data["invoice"]["lines"][0]["id"]
            .as_str()
            .expect("line")
            .to_owned(),
    );
    ids.insert("draft", draft);
    ids.insert("draft2", invoice(app, owner, &cg, "10", false).await);
    ids.insert("issued", invoice(app, owner, &cg, "100", true).await);
    ids.insert("issued2", invoice(app, owner, &cg, "100", true).await);
    let pay = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }";
    ids.insert(
        "payment",
        mk(
            app,
            owner,
            pay,
            json!({ "i": { "clientId": cg, "amount": "50", "method": "CASH", "allocations": [] } }),
            &["recordPayment", "id"],
        )
        .await,
    );
    let cn = "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id } }";
    let cn_vars = json!({ "i": { "clientId": cg, "amount": "5", "reason": "r" } });
    ids.insert(
        "cn_draft",
        mk(app, owner, cn, cn_vars.clone(), &["createCreditNote", "id"]).await,
    );
    ids.insert(
        "cn_draft2",
        mk(app, owner, cn, cn_vars.clone(), &["createCreditNote", "id"]).await,
    );
    let open = mk(app, owner, cn, cn_vars, &["createCreditNote", "id"]).await;
    app.ok(
        owner,
        "mutation($id: ID!) { issueCreditNote(id: $id) { id } }",
        json!({ "id": open }),
    )
    .await;
    ids.insert("cn_open", open);
    let est = "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id } }";
    let est_vars = json!({ "i": { "clientId": cg, "lines": [{ "description": "x", "quantity": "1", "unitPrice": "10" }] } });
    ids.insert(
        "est_draft",
        mk(app, owner, est, est_vars.clone(), &["createEstimate", "id"]).await,
    );
    for key in ["est_sent", "est_sent2"] {
        let id = mk(app, owner, est, est_vars.clone(), &["createEstimate", "id"]).await;
        app.ok(
            owner,
            "mutation($id: ID!) { sendEstimate(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
        ids.insert(key, id);
    }
    let accepted = mk(app, owner, est, est_vars.clone(), &["createEstimate", "id"]).await;
    app.ok(
        owner,
        "mutation($id: ID!) { sendEstimate(id: $id) { id } }",
        json!({ "id": accepted }),
    )
    .await;
    app.ok(
        &c.payer_token,
        "mutation($id: ID!) { acceptEstimate(id: $id) { id } }",
        json!({ "id": accepted }),
    )
    .await;
    ids.insert("est_accepted", accepted);
    let project = mk(
        app,
        owner,
        "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }",
        json!({ "i": { "clientId": cg, "name": "P" } }),
        &["createProject", "id"],
    )
    .await;
    let entry = "mutation($i: AddTimeEntryInput!) { addTimeEntry(input: $i) { id } }";
    let entry_vars = json!({ "i": { "projectId": project, "task": "t", "assignee": "a", "date": "2026-01-01", "hours": "1" } });
    ids.insert(
        "entry",
        mk(
            app,
            owner,
            entry,
            entry_vars.clone(),
            &["addTimeEntry", "id"],
        )
        .await,
    );
    ids.insert(
        "entry2",
        mk(app, owner, entry, entry_vars, &["addTimeEntry", "id"]).await,
    );
    ids.insert("project", project);
    ids.insert(
        "link",
        mk(
            app,
            owner,
            "mutation($i: ID!) { createInvoiceLink(invoiceId: $i) { id } }",
            json!({ "i": ids["issued"] }),
            &["createInvoiceLink", "id"],
        )
        .await,
    );
    let invite = "mutation($i: InviteContactInput!) { inviteContact(input: $i) { id } }";
    for (key, email) in [
        ("invitation", "inv1@fixture.example"),
        ("invitation2", "inv2@fixture.example"),
    ] {
        ids.insert(
            key,
            mk(
                app,
                owner,
                invite,
                json!({ "i": { "clientId": cg, "name": "I", "email": email, "role": "VIEWER" } }),
                &["inviteContact", "id"],
            )
            .await,
        );
    }
    ids.insert(
        "token",
        mk(
            app,
            owner,
            "mutation { createApiToken(name: \"spare\", role: PARTNER) { id } }",
            json!({}),
            &["createApiToken", "id"],
        )
        .await,
    );
    for key in ["article", "article2"] {
        ids.insert(
            key,
            mk(
                app,
                owner,
                "mutation { createHelpArticle(input: { locale: \"en\", title: \"A\", body: \"B\" }) { id } }",
                json!({}),
                &["createHelpArticle", "id"],
            )
            .await,
        );
    }
    Fixture { ids }
}

struct Op {
    name: &'static str,
    query: &'static str,
    vars: fn(&Fixture) -> Value,
    allowed: &'static [Who],
}

fn ops() -> Vec<Op> {
    vec![
        Op { name: "createClient", query: "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }", vars: |_| json!({ "i": { "name": "New", "currency": "EUR" } }), allowed: STAFF },
        Op { name: "updateClient", query: "mutation($i: UpdateClientInput!) { updateClient(input: $i) { id } }", vars: |f| json!({ "i": { "id": f.id("client"), "name": "Renamed" } }), allowed: STAFF },
        Op { name: "createContact", query: "mutation($i: CreateContactInput!) { createContact(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "name": "N", "email": "n@fixture.example", "role": "VIEWER" } }), allowed: STAFF },
        Op { name: "updateContact", query: "mutation($i: UpdateContactInput!) { updateContact(input: $i) { id } }", vars: |f| json!({ "i": { "id": f.id("spare_contact"), "name": "Renamed" } }), allowed: STAFF_AND_CLIENT_ADMIN },
        Op { name: "createInvoice", query: "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "lines": [{ "description": "x", "quantity": "1", "unitPrice": "1" }] } }), allowed: STAFF },
        Op { name: "updateInvoice", query: "mutation($i: UpdateInvoiceInput!) { updateInvoice(input: $i) { id } }", vars: |f| json!({ "i": { "id": f.id("draft"), "notes": "n" } }), allowed: STAFF },
        Op { name: "addInvoiceLine", query: "mutation($id: ID!) { addInvoiceLine(invoiceId: $id, line: { description: \"x\", quantity: \"1\", unitPrice: \"1\" }) { id } }", vars: |f| json!({ "id": f.id("draft") }), allowed: STAFF },
        Op { name: "removeInvoiceLine", query: "mutation($id: ID!) { removeInvoiceLine(lineId: $id) { id } }", vars: |f| json!({ "id": f.id("draft_line") }), allowed: STAFF },
        Op { name: "issueInvoice", query: "mutation($id: ID!) { issueInvoice(id: $id) { id } }", vars: |f| json!({ "id": f.id("draft2") }), allowed: STAFF },
        Op { name: "voidInvoice", query: "mutation($id: ID!) { voidInvoice(id: $id) { id } }", vars: |f| json!({ "id": f.id("issued2") }), allowed: STAFF },
        Op { name: "duplicateInvoice", query: "mutation($id: ID!) { duplicateInvoice(id: $id) { id } }", vars: |f| json!({ "id": f.id("issued") }), allowed: STAFF },
        Op { name: "sendInvoice", query: "mutation($id: ID!) { sendInvoice(id: $id) { recipients } }", vars: |f| json!({ "id": f.id("issued") }), allowed: STAFF },
        Op { name: "convertEstimate", query: "mutation($id: ID!) { convertEstimate(id: $id) { id } }", vars: |f| json!({ "id": f.id("est_accepted") }), allowed: STAFF },
        Op { name: "recordPayment", query: "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "amount": "1", "method": "CASH", "currency": "EUR" } }), allowed: STAFF },
        Op { name: "allocatePayment", query: "mutation($id: ID!) { allocatePayment(paymentId: $id) { id } }", vars: |f| json!({ "id": f.id("payment") }), allowed: STAFF },
        Op { name: "refundPayment", query: "mutation($id: ID!) { refundPayment(paymentId: $id, amount: \"1\") { id } }", vars: |f| json!({ "id": f.id("payment") }), allowed: REFUNDERS },
        Op { name: "createCreditNote", query: "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "amount": "1", "reason": "r", "currency": "EUR" } }), allowed: STAFF },
        Op { name: "issueCreditNote", query: "mutation($id: ID!) { issueCreditNote(id: $id) { id } }", vars: |f| json!({ "id": f.id("cn_draft") }), allowed: STAFF },
        Op { name: "voidCreditNote", query: "mutation($id: ID!) { voidCreditNote(id: $id) { id } }", vars: |f| json!({ "id": f.id("cn_draft2") }), allowed: STAFF },
        Op { name: "applyCreditNote", query: "mutation($id: ID!, $i: ID!) { applyCreditNote(id: $id, invoiceId: $i, amount: \"1\") { id } }", vars: |f| json!({ "id": f.id("cn_open"), "i": f.id("issued") }), allowed: STAFF },
        Op { name: "createEstimate", query: "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "currency": "EUR" } }), allowed: STAFF },
        Op { name: "updateEstimate", query: "mutation($i: UpdateEstimateInput!) { updateEstimate(input: $i) { id } }", vars: |f| json!({ "i": { "id": f.id("est_draft"), "clientId": f.id("client"), "lines": [{ "description": "y", "quantity": "1", "unitPrice": "5" }] } }), allowed: STAFF },
        Op { name: "sendEstimate", query: "mutation($id: ID!) { sendEstimate(id: $id) { id } }", vars: |f| json!({ "id": f.id("est_draft") }), allowed: STAFF },
        Op { name: "setTimeZone", query: "mutation { setTimeZone(timeZone: \"Europe/Athens\") }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "useCredit", query: "mutation($ids: [ID!]!) { useCredit(invoiceIds: $ids) { applied { amount } } }", vars: |f| json!({ "ids": [f.id("issued")] }), allowed: CREDIT_USERS },
        Op { name: "acceptEstimate", query: "mutation($id: ID!) { acceptEstimate(id: $id, comment: \"ok\") { id } }", vars: |f| json!({ "id": f.id("est_sent") }), allowed: DECIDERS },
        Op { name: "rejectEstimate", query: "mutation($id: ID!) { rejectEstimate(id: $id, reason: \"no\") { id } }", vars: |f| json!({ "id": f.id("est_sent2") }), allowed: DECIDERS },
        Op { name: "createProject", query: "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "name": "Q" } }), allowed: STAFF },
        Op { name: "updateProject", query: "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { id } }", vars: |f| json!({ "i": { "id": f.id("project"), "name": "R" } }), allowed: STAFF },
        Op { name: "addTimeEntry", query: "mutation($i: AddTimeEntryInput!) { addTimeEntry(input: $i) { id } }", vars: |f| json!({ "i": { "projectId": f.id("project"), "task": "t", "assignee": "a", "date": "2026-01-01", "hours": "1" } }), allowed: STAFF },
        Op { name: "deleteTimeEntry", query: "mutation($id: ID!) { deleteTimeEntry(id: $id) }", vars: |f| json!({ "id": f.id("entry") }), allowed: STAFF },
        Op { name: "setTimeEntriesBilled", query: "mutation($ids: [ID!]!) { setTimeEntriesBilled(entryIds: $ids, billed: true) }", vars: |f| json!({ "ids": [f.id("entry2")] }), allowed: STAFF },
        Op { name: "postMessage", query: "mutation($s: ID!) { postMessage(subjectId: $s, body: \"hi\") { id } }", vars: |f| json!({ "s": f.id("issued") }), allowed: WRITERS },
        Op { name: "createInvoiceLink", query: "mutation($i: ID!) { createInvoiceLink(invoiceId: $i) { id } }", vars: |f| json!({ "i": f.id("issued") }), allowed: STAFF },
        Op { name: "revokeInvoiceLink", query: "mutation($id: ID!) { revokeInvoiceLink(id: $id) { id } }", vars: |f| json!({ "id": f.id("link") }), allowed: STAFF },
        Op { name: "inviteContact", query: "mutation($i: InviteContactInput!) { inviteContact(input: $i) { id } }", vars: |f| json!({ "i": { "clientId": f.id("client"), "name": "I", "email": "inv3@fixture.example", "role": "VIEWER" } }), allowed: STAFF_AND_CLIENT_ADMIN },
        Op { name: "resendInvitation", query: "mutation($id: ID!) { resendInvitation(id: $id) { id } }", vars: |f| json!({ "id": f.id("invitation") }), allowed: STAFF_AND_CLIENT_ADMIN },
        Op { name: "revokeInvitation", query: "mutation($id: ID!) { revokeInvitation(id: $id) { id } }", vars: |f| json!({ "id": f.id("invitation2") }), allowed: STAFF_AND_CLIENT_ADMIN },
        Op { name: "updateBranding", query: "mutation { updateBranding(input: { name: \"Tenant alpha\", brandColor: \"#1f4e79\" }) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "setClientSections", query: "mutation { setClientSections(sections: [INVOICES, ESTIMATES, CREDIT_NOTES, STATEMENTS, PROJECTS, MESSAGES, HELP]) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "createHelpArticle", query: "mutation { createHelpArticle(input: { locale: \"en\", title: \"T\", body: \"B\" }) { id } }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "updateHelpArticle", query: "mutation($id: ID!) { updateHelpArticle(id: $id, input: { locale: \"en\", title: \"T2\", body: \"B\" }) { id } }", vars: |f| json!({ "id": f.id("article") }), allowed: ADMINS },
        Op { name: "deleteHelpArticle", query: "mutation($id: ID!) { deleteHelpArticle(id: $id) }", vars: |f| json!({ "id": f.id("article2") }), allowed: ADMINS },
        Op { name: "setSessionLifetime", query: "mutation { setSessionLifetime(idleDays: 30, absoluteDays: 90) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "setStaffSecurity", query: "mutation { setStaffSecurity(requirePasskeys: false, networks: []) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "setLanguages", query: "mutation { setLanguages(languages: [\"en\", \"el\"]) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "setInvitationDailyLimit", query: "mutation { setInvitationDailyLimit(limit: 40) }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "createApiToken", query: "mutation { createApiToken(name: \"x\", role: PARTNER) { id } }", vars: |_| json!({}), allowed: ADMINS },
        Op { name: "revokeApiToken", query: "mutation($id: ID!) { revokeApiToken(id: $id) }", vars: |f| json!({ "id": f.id("token") }), allowed: ADMINS },
        Op { name: "updateMyBillingDetails", query: "mutation($i: BillingDetailsInput!) { updateMyBillingDetails(input: $i) { id } }", vars: |_| json!({ "i": { "name": "Renamed by its admin", "email": "billing@fixture.example" } }), allowed: CLIENT_ADMIN },
        Op { name: "setMyLanguage", query: "mutation { setMyLanguage(locale: \"el\") }", vars: |_| json!({}), allowed: PEOPLE },
        Op { name: "markNotificationsRead", query: "mutation { markNotificationsRead }", vars: |_| json!({}), allowed: STAFF },
        Op { name: "disableContact", query: "mutation($id: ID!) { disableContact(id: $id) { id } }", vars: |f| json!({ "id": f.id("spare_contact") }), allowed: STAFF_AND_CLIENT_ADMIN },
    ]
}

async fn every_mutation_is_allowed_exactly_for_its_roles(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let mut failures = Vec::new();
    for who in EVERYONE {
        let c = party(&app, &t, &owner, &format!("Client {who:?}"), "EUR").await;
        let f = fixture(&app, &owner, &c).await;
        let token = match who {
            Who::Owner => owner.clone(),
            Who::Admin => app.token(&t, Role::Admin, None).await,
            Who::Member => app.token(&t, Role::Member, None).await,
            Who::Partner => app.token(&t, Role::Partner, None).await,
            Who::PartnerReadOnly => {
                app.app
                    .store
                    .create_token_with(&t, "ro", Role::Partner, None, Grants::READ)
                    .await
                    .expect("token")
                    .token
            }
            Who::ContactAdmin => c.admin_token.clone(),
            Who::ContactPayer => c.payer_token.clone(),
            Who::ContactViewer => c.viewer_token.clone(),
        };
        for op in ops() {
            let body = app.gql(&token, op.query, (op.vars)(&f)).await;
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .map(str::to_owned);
            let allowed = op.allowed.contains(&who);
            let refused = matches!(
                code.as_deref(),
                Some("FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED")
            );
            let ok = if allowed {
                !matches!(code.as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED"))
            } else {
                refused
            };
            if !ok {
                failures.push(format!(
                    "{who:?} {} (allowed: {allowed}) -> {body}",
                    op.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

both_backends!(every_mutation_is_allowed_exactly_for_its_roles);
