//! The portal tried as a new user would (issue 9), over HTTP on both backends: what a save
//! stores, what an invitation does to people who already have access, what a confirmation says,
//! and what a bad URL answers. Each test fails without its fix.

use crate::common::TestApp;
use portico::core::scope::Role;
use serde_json::{json, Value};

const ORIGIN: &str = "http://localhost";

async fn seeded(app: &TestApp) {
    portico::cli::demo::seed_if_empty(&app.app.store)
        .await
        .expect("demo data");
}

async fn acme_id(app: &TestApp) -> String {
    app.app
        .store
        .tenant_by_slug("acme")
        .await
        .expect("tenant")
        .expect("acme")
        .id
        .into_string()
}

/// Acme's first client: its global id and its contacts (email, role).
async fn first_client(app: &TestApp) -> (String, Vec<(String, String)>) {
    let owner = app.token(&acme_id(app).await, Role::Owner, None).await;
    let d = app
        .ok(
            &owner,
            "{ clients(first: 1) { nodes { id contacts { email role } } } }",
            json!({}),
        )
        .await;
    let c = &d["clients"]["nodes"][0];
    let contacts = c["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .map(|x| {
            (
                x["email"].as_str().unwrap_or_default().to_owned(),
                x["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (c["id"].as_str().expect("id").to_owned(), contacts)
}

fn form(cookie: &str) -> Vec<(&str, &str)> {
    vec![
        ("cookie", cookie),
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", ORIGIN),
    ]
}

/// A page as a person reads it: the server's hydration markers (`<!--…-->`) taken out, so text
/// split over several nodes reads whole.
async fn page(app: &TestApp, path: &str, cookie: &str) -> crate::common::Raw {
    let mut r = app.request("GET", path, &[("cookie", cookie)], "").await;
    r.body = without_comments(&r.body);
    r
}

fn without_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Follows a form's `303` to the page it names.
async fn follow(app: &TestApp, r: &crate::common::Raw, cookie: &str) -> crate::common::Raw {
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.header("location").expect("a redirect");
    page(app, &to, cookie).await
}

/// The text inside `<textarea id="ID" …>…</textarea>` as the browser would read it.
fn textarea(body: &str, id: &str) -> String {
    let start = body
        .find(&format!("<textarea id=\"{id}\""))
        .expect("the textarea");
    let rest = &body[start..];
    let open = rest.find('>').expect("tag end") + 1;
    let close = rest.find("</textarea>").expect("close tag");
    let raw = &rest[open..close];
    // The HTML parser drops one newline right after the start tag.
    let raw = raw.strip_prefix('\n').unwrap_or(raw);
    raw.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn encode(s: &str) -> String {
    portico_web::encode(s)
}

/// Billing details: the address field holds exactly the stored text (no hydration markers), and
/// saving the form unchanged, twice, stores the same text again.
async fn saving_billing_details_stores_exactly_what_was_typed(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let admin = &contacts.iter().find(|c| c.1 == "ADMIN").expect("admin").0;
    let cookie = app.sign_in("acme", admin).await;
    let address = "15 Market Street\nSuite 4 & <Co>\n10434 Athens";
    let r = app
        .request(
            "POST",
            "/acme/forms/billing",
            &form(&cookie),
            &format!(
                "name=Brooklyn+Coffee+Co&email=&tax_id=EL123&address={}",
                // A browser sends a textarea's line breaks as CRLF.
                encode(&address.replace('\n', "\r\n"))
            ),
        )
        .await;
    let settings = follow(&app, &r, &cookie).await;
    assert!(
        settings.body.contains("Billing details saved."),
        "{}",
        settings.body
    );
    for _ in 0..2 {
        // As the server sent it: inside a textarea, `<!--…-->` is text that would be saved.
        let settings = app
            .request("GET", "/acme/settings", &[("cookie", cookie.as_str())], "")
            .await;
        let shown = textarea(&settings.body, "b-addr");
        assert_eq!(shown, address, "the field holds the stored text only");
        let r = app
            .request(
                "POST",
                "/acme/forms/billing",
                &form(&cookie),
                &format!(
                    "name=Brooklyn+Coffee+Co&email=&tax_id=EL123&address={}",
                    encode(&shown.replace('\n', "\r\n"))
                ),
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let stored = app
        .gql_cookie(&cookie, "{ viewer { client { address } } }", json!({}))
        .await
        .json();
    assert_eq!(stored["data"]["viewer"]["client"]["address"], address);
    let inv = app
        .gql_cookie(
            &cookie,
            "{ invoices(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("invoice")
        .to_owned();
    let invoice = app
        .request(
            "GET",
            &format!("/acme/invoices/{inv}"),
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
    assert!(
        invoice
            .body
            .contains("Suite 4 &#38; &#60;Co&#62;\n10434 Athens"),
        "the address under Bill to is the stored text"
    );
    assert!(
        !invoice.body.contains("&#60;!--"),
        "no markers under Bill to"
    );
}

const INVITE: &str =
    "mutation($i: InviteContactInput!) { inviteContact(input: $i) { id status name sentCount } }";

fn invite_vars(client: &str, name: &str, email: &str, role: &str) -> Value {
    json!({ "i": { "clientId": client, "name": name, "email": email, "role": role } })
}

/// Inviting someone who already has access is refused and changes nothing; inviting a pending
/// address again sends the same invitation again (one row, the new name and role); revoking a
/// pending invitation never takes access away from a contact who has it.
async fn invitations_never_lock_out_a_contact_who_has_access(app: TestApp) {
    seeded(&app).await;
    let tenant = acme_id(&app).await;
    let owner = app.token(&tenant, Role::Owner, None).await;
    let (client, contacts) = first_client(&app).await;
    let active = contacts[0].0.clone();
    let before = app.ok(&owner, "{ invitations { id } }", json!({})).await["invitations"]
        .as_array()
        .expect("list")
        .len();

    let refused = app
        .gql(
            &owner,
            INVITE,
            invite_vars(&client, "Someone Else", &active, "VIEWER"),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "CONFLICT");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("already has access"),
        "{refused}"
    );
    let after = app.ok(&owner, "{ invitations { id } }", json!({})).await["invitations"]
        .as_array()
        .expect("list")
        .len();
    assert_eq!(after, before, "a refused invitation leaves no row");

    // One row per pending person: the second invitation is the first one sent again.
    let first = app
        .ok(
            &owner,
            INVITE,
            invite_vars(&client, "Nia", "nia@first-use.example", "PAYER"),
        )
        .await["inviteContact"]
        .clone();
    let second = app
        .ok(
            &owner,
            INVITE,
            invite_vars(
                &client,
                "Nia Papadopoulou",
                "nia@first-use.example",
                "ADMIN",
            ),
        )
        .await["inviteContact"]
        .clone();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second["sentCount"], 2);
    assert_eq!(second["name"], "Nia Papadopoulou");
    let rows = app.ok(&owner, "{ invitations { email } }", json!({})).await["invitations"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|i| i["email"] == "nia@first-use.example")
        .count();
    assert_eq!(rows, 1);
    let role = app
        .ok(
            &owner,
            "query($c: ID!) { client(id: $c) { contacts { email role } } }",
            json!({ "c": client }),
        )
        .await["client"]["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["email"] == "nia@first-use.example")
        .expect("the invited contact")["role"]
        .clone();
    assert_eq!(role, "ADMIN", "the typed role is the one kept");

    // A spare pending invitation for an active contact (as older versions made them): revoking it
    // leaves the contact signed in.
    let cookie = app.sign_in("acme", &active).await;
    app.exec_in_tenant(
        &tenant,
        &format!(
            "INSERT INTO invitations (id, tenant_id, contact_id, email, token_hash, status, invited_by, created_at, expires_at) \
             SELECT '01900000-0000-7000-8000-000000000abc', tenant_id, id, email, 'spare-hash', 'pending', 'legacy', 1, 99999999999999 \
             FROM contacts WHERE tenant_id = '{tenant}' AND email = '{active}'"
        ),
    )
    .await;
    let spare = app
        .ok(&owner, "{ invitations { id email status } }", json!({}))
        .await["invitations"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["email"] == active.as_str() && i["status"] == "pending")
        .expect("the spare invitation")["id"]
        .clone();
    app.ok(
        &owner,
        "mutation($id: ID!) { revokeInvitation(id: $id) { status } }",
        json!({ "id": spare }),
    )
    .await;
    let me = app
        .gql_cookie(&cookie, "{ viewer { name } }", json!({}))
        .await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert!(me.json()["data"]["viewer"]["name"].is_string());
    let again = app.sign_in("acme", &active).await;
    assert!(!again.is_empty(), "the contact can still sign in");
}

/// The staff invitations page: a refusal is a sentence; a revocation asks first and says what it
/// revoked; the confirmation names the address invited.
async fn invitation_forms_confirm_and_say_what_happened(app: TestApp) {
    seeded(&app).await;
    let (client, contacts) = first_client(&app).await;
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let h = form(&staff);
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &h,
            &format!(
                "client={client}&name=X&email={}&role=PAYER",
                encode(&contacts[0].0)
            ),
        )
        .await;
    let shown = follow(&app, &r, &staff).await;
    assert!(
        shown
            .body
            .contains("This person already has access to the portal."),
        "{}",
        shown.body
    );
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &h,
            &format!("client={client}&name=Theo&email=theo%40first-use.example&role=VIEWER"),
        )
        .await;
    let shown = follow(&app, &r, &staff).await;
    assert!(
        shown
            .body
            .contains("Invitation sent to theo@first-use.example."),
        "{}",
        shown.body
    );
    // The list links to a confirmation; nothing is revoked by following it.
    let id = app
        .gql_cookie(&staff, "{ invitations { id email } }", json!({}))
        .await
        .json()["data"]["invitations"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["email"] == "theo@first-use.example")
        .expect("Theo's invitation")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert!(shown
        .body
        .contains(&format!("/acme/staff/invitations?revoke={id}")));
    assert!(!shown
        .body
        .contains(&format!("/acme/forms/invitations/{id}/revoke")));
    let ask = page(
        &app,
        &format!("/acme/staff/invitations?revoke={id}"),
        &staff,
    )
    .await;
    assert!(ask.body.contains("Revoke this invitation?"), "{}", ask.body);
    assert!(ask
        .body
        .contains(&format!("/acme/forms/invitations/{id}/revoke")));
    assert_eq!(theo_status(&app, &staff).await, "pending");
    let r = app
        .request(
            "POST",
            &format!("/acme/forms/invitations/{id}/revoke"),
            &h,
            "",
        )
        .await;
    let shown = follow(&app, &r, &staff).await;
    assert!(
        shown
            .body
            .contains("Invitation for theo@first-use.example revoked."),
        "{}",
        shown.body
    );
    assert_eq!(theo_status(&app, &staff).await, "revoked");
    // A subject that the server did not sign is not shown.
    let forged = page(
        &app,
        "/acme/staff/invitations?done=invited&n=call+555-0100&sig=00",
        &staff,
    )
    .await;
    assert!(!forged.body.contains("555-0100"));
}

/// Bad addresses: a malformed or mistyped id is "Invoice not found" (404) inside the portal's
/// layout; an unknown page of a portal is a 404 with its menu; a client opening a staff page gets
/// 404; an inverted period is a message on the form (400), never a 500.
async fn bad_addresses_are_not_found_and_bad_periods_are_messages(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let cookie = app.sign_in("acme", &contacts[0].0).await;
    for bad in [
        "not-an-id",
        "SW52b2ljZTpub3QtYS11dWlk",
        "Q2xpZW50OjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMGFiYw",
    ] {
        let r = page(&app, &format!("/acme/invoices/{bad}"), &cookie).await;
        assert_eq!(r.status, 404, "{bad}: {}", r.body);
        assert!(r.body.contains("Invoice not found"), "{}", r.body);
        assert!(
            r.body.contains("class=\"menu\""),
            "inside the portal's layout"
        );
    }
    let r = page(&app, "/acme/payments/nope", &cookie).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Payment not found"));
    let r = page(&app, "/acme/no/such/page", &cookie).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("class=\"menu\""));
    for staff_page in [
        "staff/clients",
        "staff/payments",
        "staff/invitations",
        "staff/notifications",
    ] {
        let r = page(&app, &format!("/acme/{staff_page}"), &cookie).await;
        assert_eq!(r.status, 404, "{staff_page}");
        assert!(!r.body.contains("Live payments"), "{staff_page}");
    }
    let r = page(
        &app,
        "/acme/statement?from=2026-12-31&to=2026-01-01",
        &cookie,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r
        .body
        .contains("The end of the period is before its start."));
    assert!(r.body.contains("id=\"s-from\""), "the form stays");
    let r = page(
        &app,
        "/acme/invoices?from=2026-12-31&to=2026-01-01",
        &cookie,
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r
        .body
        .contains("The end of the period is before its start."));
    let greek = app
        .request(
            "GET",
            "/acme/statement?from=2026-12-31&to=2026-01-01",
            &[("cookie", cookie.as_str()), ("accept-language", "el")],
            "",
        )
        .await;
    assert!(
        greek
            .body
            .contains("Το τέλος της περιόδου είναι πριν από την αρχή της."),
        "{}",
        greek.body
    );
}

/// Signing in from a deep link lands on that page: the sign-in form carries it, the emailed link
/// and its page keep it, and the session starts there. Another site's address is never followed.
async fn signing_in_from_a_deep_link_lands_on_that_page(app: TestApp) {
    seeded(&app).await;
    let (email, _) = first_client(&app).await.1[0].clone();
    let first = app.sign_in("acme", &email).await;
    let inv = app
        .gql_cookie(&first, "{ invoices(first: 1) { nodes { id } } }", json!({}))
        .await
        .json()["data"]["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("invoice")
        .to_owned();
    let deep = format!("/acme/invoices/{inv}");
    let signed_out = app.request("GET", &deep, &[], "").await;
    assert!(
        signed_out.body.contains(&format!("value=\"{deep}\"")),
        "{}",
        signed_out.body
    );
    let tenant = acme_id(&app).await;
    for (next, lands) in [
        (deep.clone(), deep.clone()),
        ("//evil.example/x".to_owned(), "/acme/".to_owned()),
        ("/northwind/invoices".to_owned(), "/acme/".to_owned()),
    ] {
        let r = app
            .request(
                "POST",
                "/acme/auth/magic-link",
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("origin", ORIGIN),
                ],
                &format!("email={}&next={}", encode(&email), encode(&next)),
            )
            .await;
        assert_eq!(r.status, 303);
        let sent = r.header("location").expect("location");
        let shown = app.request("GET", &sent, &[], "").await;
        assert!(shown.body.contains("Check your inbox"), "{}", shown.body);
        assert!(shown.body.contains("Use another address"));
        assert!(!shown.body.contains("id=\"email\""), "the form is replaced");
        let mail = app.app.store.outbox(&tenant, 1).await.expect("outbox");
        let link = mail[0]
            .body
            .split_whitespace()
            .find(|w| w.contains("/auth/magic?token="))
            .expect("link")
            .to_owned();
        let path = link.trim_start_matches("http://localhost").to_owned();
        let opened = app.request("GET", &path, &[], "").await;
        let token = path
            .split("token=")
            .nth(1)
            .and_then(|t| t.split('&').next())
            .expect("token");
        let next_field = opened
            .body
            .split("name=\"next\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let done = app
            .request(
                "POST",
                "/acme/auth/magic",
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("origin", ORIGIN),
                ],
                &format!("token={token}&next={}", encode(&next_field)),
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(
            done.header("location").as_deref(),
            Some(lands.as_str()),
            "{next}"
        );
    }
}

/// The invoice list: "Unpaid" means issued or partially paid; clients are never offered drafts;
/// column headers sort; the count has the right plural.
async fn invoice_filters_offer_unpaid_and_headers_sort(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let cookie = app.sign_in("acme", &contacts[0].0).await;
    let list = page(&app, "/acme/invoices", &cookie).await;
    assert!(list.body.contains("value=\"unpaid\""));
    assert!(
        !list.body.contains("value=\"draft\""),
        "no drafts for clients"
    );
    assert!(list.body.contains("data-autosubmit"));
    assert!(
        list.body.contains("sort=total-desc"),
        "the Total header sorts"
    );
    let unpaid = page(&app, "/acme/invoices?status=unpaid&cols=balance", &cookie).await;
    let want = app
        .gql_cookie(
            &cookie,
            "{ invoices(first: 1, filter: { status: [ISSUED, PARTIALLY_PAID] }) { totalCount } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["totalCount"]
        .as_i64()
        .expect("count");
    assert!(want > 1);
    assert!(
        unpaid.body.contains(&format!("{want} invoices")),
        "{}",
        unpaid.body
    );
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let list = page(&app, "/acme/invoices", &staff).await;
    assert!(list.body.contains("value=\"draft\""), "staff filter drafts");
}

/// The pay page: the chosen invoices with their balances, the total and "Pay €X"; a refused
/// amount is a sentence beside the field (money formatted) and the typed value stays; credit is
/// used first (payments' unallocated credit, then credit notes), audited, and can settle in full.
async fn paying_shows_the_total_and_uses_credit_first(app: TestApp) {
    let (tenant, owner) = app.tenant("alpha").await;
    let c = crate::common::party(&app, &tenant, &owner, "Helios", "EUR").await;
    let i1 = crate::common::invoice(&app, &owner, &c.client_gid, "100", true).await;
    let i2 = crate::common::invoice(&app, &owner, &c.client_gid, "250", true).await;
    let i3 = crate::common::invoice(&app, &owner, &c.client_gid, "10", true).await;
    app.ok(
        &owner,
        "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": { "allowPartialPayments": true, "minimumPartialAmount": "10" } }),
    )
    .await;
    let cookie = app.sign_in("alpha", "payer@helios.example").await;
    let both = format!("invoice={i1}&invoice={i2}");
    let pay = page(&app, &format!("/alpha/pay?{both}"), &cookie).await;
    assert_eq!(pay.status, 200, "{}", pay.body);
    assert!(pay.body.contains("What you are paying"));
    assert!(pay.body.contains("€100.00") && pay.body.contains("€250.00"));
    assert!(pay.body.contains("Pay €350.00"), "{}", pay.body);
    assert!(!pay.body.contains("Credit available"), "no credit yet");

    // A refused amount: a sentence next to the field, the typed value kept.
    let h = form(&cookie);
    for (typed, says) in [
        ("12.345", "Enter an amount such as 120.50."),
        ("1000", "The amount is more than the €350.00 due."),
        ("5", "A partial payment is at least €10.00."),
    ] {
        let r = app
            .request(
                "POST",
                "/alpha/forms/pay",
                &h,
                &format!("{both}&amount={typed}&method=BANK_TRANSFER"),
            )
            .await;
        let location = r.header("location").unwrap_or_default();
        assert!(location.contains("field=amount"), "{typed}: {location}");
        let shown = follow(&app, &r, &cookie).await;
        assert!(shown.body.contains(says), "{typed}: {}", shown.body);
        assert!(
            shown.body.contains(&format!("value=\"{typed}\"")),
            "{typed}"
        );
        assert!(shown.body.contains("id=\"pay-amount-error\""));
    }

    // Credit: an over-payment of 110 held for the client.
    app.ok(
        &owner,
        "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
        json!({ "i": { "clientId": c.client_gid, "amount": "120", "method": "CASH",
            "allocations": [{ "invoiceId": i3, "amount": "10" }] } }),
    )
    .await;
    let pay = page(&app, &format!("/alpha/pay?{both}"), &cookie).await;
    assert!(pay.body.contains("Credit available"));
    assert!(pay.body.contains("Use credit (€110.00)"), "{}", pay.body);
    let viewer = app
        .gql(
            &c.viewer_token,
            "mutation($ids: [ID!]!) { useCredit(invoiceIds: $ids) { applied { amount } } }",
            json!({ "ids": [i1] }),
        )
        .await;
    assert_eq!(viewer["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let r = app.request("POST", "/alpha/forms/credit", &h, &both).await;
    let shown = follow(&app, &r, &cookie).await;
    assert!(
        shown.body.contains("Credit of €110.00 used."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Pay €240.00"), "{}", shown.body);
    let balances = |ids: Vec<String>| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let mut out = Vec::new();
            for id in ids {
                let d = app
                    .ok(
                        &owner,
                        "query($id: ID!) { invoice(id: $id) { status balance { amount } } }",
                        json!({ "id": id }),
                    )
                    .await;
                out.push((
                    d["invoice"]["status"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    d["invoice"]["balance"]["amount"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                ));
            }
            out
        }
    };
    assert_eq!(
        balances(vec![i1.clone(), i2.clone()]).await,
        vec![
            ("PAID".to_owned(), "0.00".to_owned()),
            ("PARTIALLY_PAID".to_owned(), "240.00".to_owned())
        ]
    );
    let audit = app
        .ok(&owner, "{ auditEvents(first: 20) { action } }", json!({}))
        .await;
    assert!(audit["auditEvents"]
        .as_array()
        .expect("audit")
        .iter()
        .any(|e| e["action"] == "credit.used"));

    // A credit note that covers the rest settles it from credit: nothing is left to pay online.
    let cn = app
        .ok(
            &owner,
            "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "amount": "500", "reason": "Goodwill" } }),
        )
        .await["createCreditNote"]["id"]
        .clone();
    app.ok(
        &owner,
        "mutation($id: ID!) { issueCreditNote(id: $id) { status } }",
        json!({ "id": cn }),
    )
    .await;
    let pay = page(&app, &format!("/alpha/pay?invoice={i2}"), &cookie).await;
    assert!(
        pay.body.contains("Settle from credit (€240.00)"),
        "{}",
        pay.body
    );
    let r = app
        .request("POST", "/alpha/forms/credit", &h, &format!("invoice={i2}"))
        .await;
    let shown = follow(&app, &r, &cookie).await;
    assert!(
        shown.body.contains("Credit of €240.00 used."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Nothing is due."), "{}", shown.body);
    assert_eq!(
        balances(vec![i2.clone()]).await,
        vec![("PAID".to_owned(), "0.00".to_owned())]
    );
    let left = app
        .ok(&owner, "query($id: ID!) { node(id: $id) { ... on CreditNote { remaining { amount } status } } }", json!({ "id": cn }))
        .await;
    assert_eq!(left["node"]["remaining"]["amount"], "260.00");
}

/// Money on pages reconciles: invoice line amounts add up to the subtotal; the statement shows
/// credit held as its own line between amount due and balance; payment history says what is
/// held as credit.
async fn amounts_on_pages_add_up(app: TestApp) {
    let (tenant, owner) = app.tenant("alpha").await;
    let c = crate::common::party(&app, &tenant, &owner, "Helios", "EUR").await;
    let inv = app
        .ok(
            &owner,
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "issueDate": "2026-01-10", "dueDate": "2026-02-09", "lines": [
                { "description": "Design", "quantity": "2.5", "unitPrice": "80", "taxRate": "24", "discountPercent": "10" },
                { "description": "Hosting", "quantity": "1", "unitPrice": "19.99", "taxRate": "13" },
                { "description": "Print", "quantity": "3", "unitPrice": "7.10", "taxRate": "24" }
            ] } }),
        )
        .await["createInvoice"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": inv }),
    )
    .await;
    let paid = crate::common::invoice(&app, &owner, &c.client_gid, "100", true).await;
    app.ok(
        &owner,
        "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
        json!({ "i": { "clientId": c.client_gid, "amount": "150", "method": "BANK_TRANSFER",
            "allocations": [{ "invoiceId": paid, "amount": "100" }] } }),
    )
    .await;
    let cookie = app.sign_in("alpha", "admin@helios.example").await;
    let page_inv = page(&app, &format!("/alpha/invoices/{inv}"), &cookie).await;
    let cents = |text: &str| -> i64 {
        text.chars()
            .filter(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .expect("an amount")
    };
    let amounts: i64 = page_inv
        .body
        .split("data-label=\"Amount\"")
        .skip(1)
        .map(|cell| {
            let text = cell.split_once('>').map(|x| x.1).unwrap_or("");
            cents(text.split('<').next().unwrap_or(""))
        })
        .sum();
    let subtotal = page_inv
        .body
        .split("Subtotal</dt><dd>")
        .nth(1)
        .and_then(|x| x.split('<').next())
        .map(cents)
        .expect("the subtotal");
    assert_eq!(
        amounts, subtotal,
        "the Amount column adds up to the subtotal"
    );
    assert_eq!(subtotal, 20000 + 1999 + 2130);
    assert!(page_inv.body.contains("Tax rate"));

    let statement = page(&app, "/alpha/statement", &cookie).await;
    assert!(
        statement.body.contains("Totals for the period"),
        "{}",
        statement.body
    );
    assert!(statement.body.contains("Unapplied credit held for you"));
    assert!(statement.body.contains("−€50.00"));
    let history = page(&app, "/alpha/payments", &cookie).await;
    assert!(
        history.body.contains("Unapplied — held as credit: €50.00"),
        "{}",
        history.body
    );
    assert!(
        history.body.contains("Bank transfer"),
        "methods read as words"
    );
}

/// Staff notifications are sentences in the reader's language that link to what they describe.
async fn notifications_are_sentences_that_link(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let cookie = app.sign_in("acme", &contacts[0].0).await;
    let inv = app
        .gql_cookie(
            &cookie,
            "{ invoices(first: 1, filter: { status: [ISSUED] }) { nodes { id number } } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["nodes"][0]
        .clone();
    let (id, number) = (
        inv["id"].as_str().expect("id").to_owned(),
        inv["number"].as_str().expect("number").to_owned(),
    );
    page(&app, &format!("/acme/invoices/{id}"), &cookie).await;
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let list = page(&app, "/acme/staff/notifications", &staff).await;
    assert!(
        list.body.contains(&format!("opened invoice {number}.")),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("href=\"/acme/invoices/{id}\"")));
    assert!(!list.body.contains("invoice.viewed"), "no raw kinds");
    let r = app
        .request("POST", "/acme/forms/language", &form(&staff), "locale=el")
        .await;
    assert_eq!(r.status, 303);
    let greek = page(&app, "/acme/staff/notifications", &staff).await;
    assert!(
        greek
            .body
            .contains(&format!("άνοιξε το τιμολόγιο {number}.")),
        "{}",
        greek.body
    );
    assert!(greek.body.contains("Προβολή τιμολογίου"));
}

/// Dashboards: open invoices first (the longest overdue at the top), quick actions as buttons,
/// staff figures per currency with links filtered by that currency, and titles that name the
/// page and the business.
async fn dashboards_put_what_needs_attention_first(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let cookie = app.sign_in("acme", &contacts[0].0).await;
    let first_open = app
        .gql_cookie(
            &cookie,
            "{ invoices(first: 1, filter: { status: [ISSUED, PARTIALLY_PAID] }, orderBy: { field: DUE_DATE, direction: ASC }) { nodes { number } } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["nodes"][0]["number"]
        .as_str()
        .expect("an open invoice")
        .to_owned();
    let home = page(&app, "/acme/", &cookie).await;
    assert!(
        home.body
            .contains("<title>Dashboard · Acme Design Studio</title>"),
        "{}",
        &home.body[..600]
    );
    let recent = home.body.split("id=\"recent\"").nth(1).expect("the list");
    assert!(recent.contains("Needs attention"));
    let first_row = recent.split("<tbody>").nth(1).expect("rows");
    let first_number = first_row
        .split("href=\"/acme/invoices/")
        .nth(1)
        .and_then(|x| x.split('>').nth(1))
        .and_then(|x| x.split('<').next())
        .expect("a number");
    assert_eq!(first_number, first_open);
    assert!(home.body.contains("class=\"quick\""));
    assert!(!home.body.contains("class=\"actions\""));

    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let home = page(&app, "/acme/", &staff).await;
    let owner = app.token(&acme_id(&app).await, Role::Owner, None).await;
    let figures = app
        .ok(
            &owner,
            "{ dashboard { currencies { currency overdueCount } } }",
            json!({}),
        )
        .await["dashboard"]["currencies"]
        .as_array()
        .expect("currencies")
        .clone();
    assert!(figures.len() > 1, "the demo has several currencies");
    for f in &figures {
        let currency = f["currency"].as_str().expect("currency");
        let n = f["overdueCount"].as_i64().expect("count");
        let link = format!("currency={currency}\"");
        assert!(
            home.body
                .split("href=\"/acme/invoices?status=overdue")
                .skip(1)
                .any(|h| h.split('>').next().unwrap_or("").contains(&link)),
            "{link}"
        );
        let listed = page(
            &app,
            &format!("/acme/invoices?status=overdue&currency={currency}"),
            &staff,
        )
        .await;
        let want = if n == 1 {
            "1 invoice".to_owned()
        } else {
            format!("{n} invoices")
        };
        assert!(listed.body.contains(&want), "{currency}: {want}");
    }
}

/// Estimates: those awaiting a decision come first; each has a page with its lines; accepting
/// asks first and says what is accepted; the confirmation names the estimate.
async fn estimates_are_decided_on_their_own_page_after_a_confirmation(app: TestApp) {
    seeded(&app).await;
    let (_, contacts) = first_client(&app).await;
    let admin = &contacts.iter().find(|c| c.1 == "ADMIN").expect("admin").0;
    let cookie = app.sign_in("acme", admin).await;
    let all = app
        .gql_cookie(
            &cookie,
            "{ estimates(first: 100) { nodes { id number status total { amount } } } }",
            json!({}),
        )
        .await
        .json()["data"]["estimates"]["nodes"]
        .as_array()
        .expect("estimates")
        .clone();
    let sent = all
        .iter()
        .find(|e| e["status"] == "SENT")
        .expect("a sent estimate")
        .clone();
    assert!(
        all.iter().any(|e| e["status"] != "SENT"),
        "the demo has decided ones too"
    );
    let list = page(&app, "/acme/estimates", &cookie).await;
    let first_row = list.body.split("<tbody>").nth(1).expect("rows");
    let first_status = first_row
        .split("class=\"status s-")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("a status");
    assert_eq!(first_status, "sent", "awaiting a decision comes first");
    let id = sent["id"].as_str().expect("id");
    let number = sent["number"].as_str().expect("number");
    let doc = page(&app, &format!("/acme/estimates/{id}"), &cookie).await;
    assert!(doc.body.contains(&format!("class=\"docnum\">{number}<")));
    assert!(doc.body.contains("Unit price"), "the lines are shown");
    assert!(
        !doc.body.contains("/accept\""),
        "no accept form before asking"
    );
    let ask = page(
        &app,
        &format!("/acme/estimates/{id}?decide=accept"),
        &cookie,
    )
    .await;
    assert!(
        ask.body.contains(&format!("Accept estimate {number}?")),
        "{}",
        ask.body
    );
    assert!(ask.body.contains("Confirm acceptance"));
    let r = app
        .request(
            "POST",
            &format!("/acme/forms/estimates/{id}/accept"),
            &form(&cookie),
            "comment=Go+ahead",
        )
        .await;
    let shown = follow(&app, &r, &cookie).await;
    assert!(
        shown.body.contains(&format!("Estimate {number} accepted.")),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Go ahead"));
    let missing = page(&app, "/acme/estimates/nope", &cookie).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Estimate not found"));
}

/// One name for a payment: the return page and the receipt say its number, never a gateway or
/// attempt code; the receipt shows what it was applied to and each invoice's balance now.
async fn a_payment_has_one_name_and_its_receipt_reconciles(app: TestApp) {
    let (tenant, owner) = app.tenant("alpha").await;
    let c = crate::common::party(&app, &tenant, &owner, "Helios", "EUR").await;
    let i1 = crate::common::invoice(&app, &owner, &c.client_gid, "100", true).await;
    let i2 = crate::common::invoice(&app, &owner, &c.client_gid, "250", true).await;
    app.ok(
        &owner,
        "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": { "allowPartialPayments": true, "minimumPartialAmount": "10" } }),
    )
    .await;
    let cookie = app.sign_in("alpha", "payer@helios.example").await;
    let r = app
        .request(
            "POST",
            "/alpha/forms/pay",
            &form(&cookie),
            &format!("invoice={i1}&invoice={i2}&amount=200&method=DEMO"),
        )
        .await;
    let demo = r.header("location").expect("the demo gateway's page");
    // The demo gateway's page is a portal page: styled, translated, saying nothing is charged.
    let demo_page = app.request("GET", &demo, &[], "").await;
    assert_eq!(demo_page.status, 200);
    let body = without_comments(&demo_page.body);
    assert!(
        body.contains("portal.css") && body.contains("nothing is charged"),
        "{body}"
    );
    assert!(body.contains("€200.00"));
    let done = app
        .request(
            "POST",
            &demo,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ORIGIN),
            ],
            "outcome=succeeded",
        )
        .await;
    let back = done.header("location").expect("back to the portal");
    let shown = page(&app, &back, &cookie).await;
    let payment = app
        .gql_cookie(
            &cookie,
            "{ payments(first: 1) { nodes { id number } } }",
            json!({}),
        )
        .await
        .json()["data"]["payments"]["nodes"][0]
        .clone();
    let number = payment["number"].as_str().expect("number");
    assert!(
        shown.body.contains(&format!("<strong>{number}</strong>")),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("pd_"), "no gateway token as a name");
    assert!(
        !shown.body.contains("Quote this reference"),
        "only transfers quote one"
    );
    let receipt = page(
        &app,
        &format!("/alpha/payments/{}", payment["id"].as_str().expect("id")),
        &cookie,
    )
    .await;
    assert!(receipt
        .body
        .contains(&format!("class=\"docnum\">{number}<")));
    assert!(receipt.body.contains("Applied to"));
    assert!(receipt.body.contains("Balance now"));
    // 200 paid the older invoice (100) in full and 100 of the other: 150 remains on it.
    assert!(receipt.body.contains("€150.00"), "{}", receipt.body);
    assert!(receipt.body.contains("Amount paid"));
    assert!(!receipt.body.contains("pd_"));
}

/// The pages emailed links open are the portal's own: branded, translated, saying who invited
/// whom and what they will be able to do, and saying plainly when a link cannot be used.
async fn link_pages_are_branded_portal_pages(app: TestApp) {
    seeded(&app).await;
    let tenant = acme_id(&app).await;
    let (client, contacts) = first_client(&app).await;
    // A sign-in link's page: a button that signs in; the token never leaves the site.
    app.request(
        "POST",
        "/acme/auth/magic-link",
        &[("content-type", "application/json")],
        &json!({ "email": contacts[0].0 }).to_string(),
    )
    .await;
    let mail = app.app.store.outbox(&tenant, 1).await.expect("outbox");
    let link = mail[0]
        .body
        .split_whitespace()
        .find(|w| w.contains("/auth/magic?token="))
        .expect("link")
        .trim_start_matches("http://localhost")
        .to_owned();
    let opened = app.request("GET", &link, &[], "").await;
    assert_eq!(opened.status, 200);
    assert_eq!(
        opened.header("referrer-policy").as_deref(),
        Some("same-origin")
    );
    let body = without_comments(&opened.body);
    assert!(body.contains("Sign in to Acme Design Studio"), "{body}");
    assert!(body.contains("class=\"card-brand\""), "branded");
    assert!(body.contains("portal.css"), "styled like the portal");
    let used = app
        .request(
            "POST",
            "/acme/auth/magic",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ORIGIN),
            ],
            "token=ml_not_a_real_token",
        )
        .await;
    assert_eq!(used.status, 303);
    let said = app
        .request(
            "GET",
            &used.header("location").expect("where"),
            &[("accept-language", "el")],
            "",
        )
        .await;
    assert_eq!(said.status, 400);
    let body = without_comments(&said.body);
    assert!(
        body.contains("Αυτός ο σύνδεσμος δεν μπορεί να χρησιμοποιηθεί"),
        "{body}"
    );
    assert!(body.contains("Acme Design Studio"));

    // An invitation's page: who invited whom, to which client, to do what.
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &form(&staff),
            &format!(
                "client={client}&name=Theo+Nikolaou&email=theo%40first-use.example&role=PAYER"
            ),
        )
        .await;
    assert_eq!(r.status, 303);
    let mail = app.app.store.outbox(&tenant, 1).await.expect("outbox");
    let link = mail[0]
        .body
        .split_whitespace()
        .find(|w| w.contains("/auth/invite?token="))
        .expect("invitation link")
        .trim_start_matches("http://localhost")
        .to_owned();
    let page_inv = app.request("GET", &link, &[], "").await;
    assert_eq!(page_inv.status, 200);
    let body = without_comments(&page_inv.body);
    assert!(body.contains("Olivia Owner"), "who invited: {body}");
    assert!(body.contains("theo@first-use.example"));
    assert!(
        body.contains("see and pay the invoices of"),
        "what they can do"
    );
    assert!(body.contains("Accept and sign in"));
    let token = link.split("token=").nth(1).expect("token");
    let accepted = app
        .request(
            "POST",
            "/acme/auth/invite",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ORIGIN),
            ],
            &format!("token={token}"),
        )
        .await;
    assert_eq!(accepted.status, 303);
    assert!(accepted.cookie().is_some());
    let again = app.request("GET", &link, &[], "").await;
    assert_eq!(again.status, 400);
    assert!(without_comments(&again.body).contains("This invitation cannot be used"));
}

/// An invoice link opens the invoice as a portal page: branded, in the reader's language, that
/// one invoice only; an unknown link says so (404); staff read that it was opened.
async fn invoice_links_open_a_branded_document(app: TestApp) {
    seeded(&app).await;
    let owner = app.token(&acme_id(&app).await, Role::Owner, None).await;
    let inv = app
        .ok(
            &owner,
            "{ invoices(first: 1, filter: { status: [ISSUED] }) { nodes { id number } } }",
            json!({}),
        )
        .await["invoices"]["nodes"][0]
        .clone();
    let url = app
        .ok(
            &owner,
            "mutation($i: ID!) { createInvoiceLink(invoiceId: $i, expiresInDays: 30) { url } }",
            json!({ "i": inv["id"] }),
        )
        .await["createInvoiceLink"]["url"]
        .as_str()
        .expect("url")
        .trim_start_matches("http://localhost")
        .to_owned();
    let number = inv["number"].as_str().expect("number");
    let opened = app
        .request("GET", &url, &[("accept-language", "el")], "")
        .await;
    assert_eq!(opened.status, 200);
    let body = without_comments(&opened.body);
    assert!(
        body.contains(&format!("class=\"docnum\">{number}<")),
        "{body}"
    );
    assert!(body.contains("Χρέωση σε"), "in Greek: {body}");
    assert!(body.contains("class=\"card-brand\"") && body.contains("Acme Design Studio"));
    assert_eq!(
        opened.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    let bad = app.request("GET", &format!("{url}x"), &[], "").await;
    assert_eq!(bad.status, 404);
    assert!(without_comments(&bad.body).contains("This link is not valid"));
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let list = page(&app, "/acme/staff/notifications", &staff).await;
    assert!(
        list.body
            .contains(&format!("Invoice {number} was opened through its link.")),
        "{}",
        list.body
    );
}

/// The menu's unread counts update live: `viewerCounts` sends the caller's counts at once, then
/// again when a client's message raises them (over a real socket, with the session cookie).
async fn unread_counts_update_live(app: TestApp) {
    seeded(&app).await;
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let addr = app.spawn_server().await;
    let (mut ws, acked) = crate::common::ws::connect(
        addr,
        &[("Cookie", staff.as_str()), ("Origin", ORIGIN)],
        json!({}),
    )
    .await;
    assert!(acked);
    crate::common::ws::subscribe(
        &mut ws,
        "1",
        "subscription { viewerCounts { unreadMessages unreadNotifications } }",
    )
    .await;
    let first = crate::common::ws::next_data(&mut ws, 5000)
        .await
        .expect("the counts at once")["payload"]["data"]["viewerCounts"]
        .clone();
    let (messages, notes) = (
        first["unreadMessages"].as_i64().expect("messages"),
        first["unreadNotifications"]
            .as_i64()
            .expect("notifications"),
    );
    let (_, contacts) = first_client(&app).await;
    let contact = app.sign_in("acme", &contacts[0].0).await;
    let inv = app
        .gql_cookie(
            &contact,
            "{ invoices(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["nodes"][0]["id"]
        .clone();
    let posted = app
        .gql_cookie(
            &contact,
            "mutation($s: ID!) { postMessage(subjectId: $s, body: \"Is this paid?\") { id } }",
            json!({ "s": inv }),
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let next = crate::common::ws::next_data(&mut ws, 5000)
        .await
        .expect("new counts")["payload"]["data"]["viewerCounts"]
        .clone();
    assert_eq!(
        next["unreadMessages"].as_i64(),
        Some(messages + 1),
        "{next}"
    );
    assert_eq!(
        next["unreadNotifications"].as_i64(),
        Some(notes + 1),
        "{next}"
    );
}

/// Times of day are the business's local time: the time zone is set through the API (audited,
/// a bad name refused), the portal shows instants in it and says which it is.
async fn times_are_shown_in_the_business_time_zone(app: TestApp) {
    seeded(&app).await;
    let tenant = acme_id(&app).await;
    let owner = app.token(&tenant, Role::Owner, None).await;
    let bad = app
        .gql(
            &owner,
            "mutation { setTimeZone(timeZone: \"Mars/Olympus\") }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let set = app
        .ok(
            &owner,
            "mutation { setTimeZone(timeZone: \"Asia/Tokyo\") }",
            json!({}),
        )
        .await;
    assert_eq!(set["setTimeZone"], "Asia/Tokyo");
    let profile = app
        .ok(
            &owner,
            "{ portal(slug: \"acme\") { timeZone utcOffsets { from minutes } } }",
            json!({}),
        )
        .await;
    assert_eq!(profile["portal"]["timeZone"], "Asia/Tokyo");
    assert_eq!(profile["portal"]["utcOffsets"][0]["minutes"], 540);
    // A notification made now reads in Tokyo time (UTC+9, no summer time), without "UTC".
    let (_, contacts) = first_client(&app).await;
    let contact = app.sign_in("acme", &contacts[0].0).await;
    let inv = app
        .gql_cookie(
            &contact,
            "{ invoices(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await
        .json()["data"]["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("invoice")
        .to_owned();
    page(&app, &format!("/acme/invoices/{inv}"), &contact).await;
    let created = app
        .ok(
            &owner,
            "{ notifications(first: 1) { createdAt } }",
            json!({}),
        )
        .await["notifications"][0]["createdAt"]
        .as_i64()
        .expect("createdAt");
    let local = chrono::DateTime::from_timestamp_millis(created + 9 * 3_600_000)
        .expect("instant")
        .format("%H:%M")
        .to_string();
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let list = page(&app, "/acme/staff/notifications", &staff).await;
    assert!(
        list.body.contains(&format!(", {local}<")),
        "{local}: {}",
        list.body
    );
    assert!(list.body.contains("Times are in Tokyo time"));
    let audit = app
        .ok(&owner, "{ auditEvents(first: 20) { action } }", json!({}))
        .await;
    assert!(audit["auditEvents"]
        .as_array()
        .expect("audit")
        .iter()
        .any(|e| e["action"] == "tenant.time_zone_changed"));
}

async fn theo_status(app: &TestApp, staff: &str) -> Value {
    app.gql_cookie(staff, "{ invitations { email status } }", json!({}))
        .await
        .json()["data"]["invitations"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["email"] == "theo@first-use.example")
        .expect("Theo")["status"]
        .clone()
}

/// Every HTML page people see is the portal's: the API writes none by hand. (Emails are not
/// pages: their one HTML layout is `core/mail/message.rs`.)
#[test]
fn the_api_writes_no_html_pages() {
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("api/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("core/mail/message.rs")
            {
                let text = std::fs::read_to_string(&path).expect("source");
                for tag in ["<!doctype", "<html", "<h1>", "<p>", "<form "] {
                    if text.to_ascii_lowercase().contains(tag) {
                        found.push(format!("{} has {tag}", path.display()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

both_backends!(
    saving_billing_details_stores_exactly_what_was_typed,
    invitations_never_lock_out_a_contact_who_has_access,
    invitation_forms_confirm_and_say_what_happened,
    bad_addresses_are_not_found_and_bad_periods_are_messages,
    signing_in_from_a_deep_link_lands_on_that_page,
    invoice_filters_offer_unpaid_and_headers_sort,
    paying_shows_the_total_and_uses_credit_first,
    amounts_on_pages_add_up,
    notifications_are_sentences_that_link,
    dashboards_put_what_needs_attention_first,
    estimates_are_decided_on_their_own_page_after_a_confirmation,
    a_payment_has_one_name_and_its_receipt_reconciles,
    link_pages_are_branded_portal_pages,
    invoice_links_open_a_branded_document,
    unread_counts_update_live,
    times_are_shown_in_the_business_time_zone,
);
