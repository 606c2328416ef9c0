//! The portal over HTTP on both backends (no browser): pages rendered on the server with the
//! signed-in person's data, tenant and client isolation, the rules for the in-process executor
//! (no mutation without a POST from the portal's Origin), form actions, the CSP nonce, the page
//! language, and status codes.

use crate::common::{Kind, TestApp};
use portico::core::scope::Role;
use serde_json::json;

const ORIGIN: &str = "http://localhost";

async fn seeded(app: &TestApp) {
    portico::cli::demo::seed_if_empty(&app.app.store)
        .await
        .expect("demo data");
}

/// The demo tenant `acme`'s id.
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

/// An issued invoice the signed-in contact can see.
async fn open_invoice(app: &TestApp, cookie: &str) -> String {
    app.gql_cookie(
        cookie,
        "{ invoices(first: 1, filter: { status: [ISSUED] }) { nodes { id } } }",
        json!({}),
    )
    .await
    .json()["data"]["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("an open invoice")
        .to_owned()
}

/// The admin contact of acme's first client: (email, client name).
async fn acme_contact(app: &TestApp) -> (String, String, String) {
    let tenant_id = acme_id(app).await;
    let owner = app.token(&tenant_id, Role::Owner, None).await;
    let d = app
        .ok(
            &owner,
            "{ clients(first: 2) { nodes { name contacts { email role } } } }",
            json!({}),
        )
        .await;
    let first = &d["clients"]["nodes"][0];
    let email = first["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["role"] == "ADMIN")
        .expect("admin")["email"]
        .as_str()
        .expect("email")
        .to_owned();
    (
        email,
        first["name"].as_str().expect("name").to_owned(),
        d["clients"]["nodes"][1]["name"]
            .as_str()
            .expect("second client")
            .to_owned(),
    )
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> crate::common::Raw {
    app.request("GET", path, &[("cookie", cookie)], "").await
}

/// A contact's pages arrive complete from the server: their client's data, never another
/// client's or tenant's; the signed-out visitor gets the sign-in form.
async fn pages_show_the_signed_in_contacts_data_only(app: TestApp) {
    seeded(&app).await;
    let (email, client, other_client) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;

    let home = page(&app, "/acme/", &cookie).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Amount due"), "{}", home.body);
    assert!(home.body.contains(&client));
    assert!(
        home.body.contains("<svg"),
        "the chart is drawn on the server"
    );
    assert!(!home.body.contains(&other_client));

    let list = page(&app, "/acme/invoices?status=paid", &cookie).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("INV-"), "{}", list.body);
    assert!(!list.body.contains(&other_client));

    // The same session on another tenant's portal counts as signed out.
    let other = page(&app, "/northwind/", &cookie).await;
    assert_eq!(other.status, 200);
    assert!(
        other.body.contains("Email me a sign-in link"),
        "{}",
        other.body
    );
    assert!(!other.body.contains(&client));

    // No session: the sign-in form, with the tenant's name.
    let anon = app.request("GET", "/acme/invoices", &[], "").await;
    assert!(
        anon.body.contains("Sign in to Acme Design Studio"),
        "{}",
        anon.body
    );
    assert!(!anon.body.contains("INV-"));

    // Unknown things are 404.
    assert_eq!(
        app.request("GET", "/acme/nope/nope", &[], "").await.status,
        404
    );
    let missing = page(
        &app,
        "/acme/invoices/SW52b2ljZTowMWEyMDJiZi1iMmQxLTcyMjAtYTgwZC1mZjMwYmQ2NjcwMDA",
        &cookie,
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(
        app.request("GET", "/nosuchtenant/", &[], "").await.status,
        404
    );
}

/// Pages carry a fresh CSP nonce on their inline scripts, `<html lang>` and a title in `<head>`.
async fn pages_carry_a_nonce_their_language_and_a_title(app: TestApp) {
    seeded(&app).await;
    let a = app.request("GET", "/acme/sign-in", &[], "").await;
    let b = app.request("GET", "/acme/sign-in", &[], "").await;
    let nonce = |r: &crate::common::Raw| {
        let csp = r.header("content-security-policy").expect("csp");
        let n = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("a nonce")
            .to_owned();
        assert!(
            !csp.contains("'unsafe-inline'; ")
                || !csp.contains("script-src 'self' 'unsafe-inline'")
        );
        n
    };
    let (na, nb) = (nonce(&a), nonce(&b));
    assert_ne!(na, nb, "a new nonce per response");
    assert!(
        a.body.contains(&format!("<script nonce=\"{na}\">")),
        "{}",
        a.body
    );
    assert!(
        !a.body
            .replace(&format!("<script nonce=\"{na}\">"), "")
            .contains("<script>"),
        "every inline script carries the nonce"
    );
    assert!(
        a.body.starts_with("<!DOCTYPE html>") && a.body.contains("<html lang=\"en\">"),
        "{}",
        &a.body[..200.min(a.body.len())]
    );
    assert!(a
        .body
        .contains("<head><meta charset=\"utf-8\"><title>Sign in to Acme Design Studio</title>"));
    assert_eq!(a.header("cache-control").as_deref(), Some("no-store"));

    let greek = app
        .request(
            "GET",
            "/acme/sign-in",
            &[("accept-language", "el-GR,el;q=0.9,en;q=0.5")],
            "",
        )
        .await;
    assert!(greek.body.contains("<html lang=\"el\">"));
    assert!(
        greek.body.contains("Στείλτε μου σύνδεσμο"),
        "{}",
        greek.body
    );
    let cookie_wins = app
        .request(
            "GET",
            "/acme/sign-in",
            &[("accept-language", "el"), ("cookie", "portico_lang=en")],
            "",
        )
        .await;
    assert!(cookie_wins.body.contains("Email me a sign-in link"));
}

/// Forms change things only when posted from the portal's own pages; the language a person
/// chooses is stored and used on every page.
async fn forms_need_the_portals_origin_and_language_is_per_person(app: TestApp) {
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;

    // Without Origin (or from another site) nothing changes.
    for origin in [None, Some("https://evil.example")] {
        let mut headers = vec![
            ("cookie", cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        if let Some(o) = origin {
            headers.push(("origin", o));
        }
        let r = app
            .request("POST", "/acme/forms/language", &headers, "locale=el")
            .await;
        assert_eq!(r.status, 303);
        let to = r.header("location").unwrap_or_default();
        assert!(to.contains("error="), "{to}");
        let home = page(&app, "/acme/", &cookie).await;
        assert!(home.body.contains("<html lang=\"en\">"));
    }

    // From the portal: Greek, remembered for this person (not only the browser's cookie).
    let r = app
        .request(
            "POST",
            "/acme/forms/language",
            &form_headers(&cookie),
            "locale=el",
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap_or_default().contains("done="));
    assert!(r
        .header("set-cookie")
        .unwrap_or_default()
        .contains("portico_lang=el"));
    let home = page(&app, "/acme/", &cookie).await;
    assert!(home.body.contains("Οφειλόμενο ποσό"), "{}", home.body);
    let viewer = app
        .gql_cookie(&cookie, "{ viewer { locale } }", json!({}))
        .await
        .json();
    assert_eq!(viewer["data"]["viewer"]["locale"], "el");

    // A bad value is refused and changes nothing.
    let r = app
        .request(
            "POST",
            "/acme/forms/language",
            &form_headers(&cookie),
            "locale=xx",
        )
        .await;
    assert!(r.header("location").unwrap_or_default().contains("error="));
    let viewer = app
        .gql_cookie(&cookie, "{ viewer { locale } }", json!({}))
        .await
        .json();
    assert_eq!(viewer["data"]["viewer"]["locale"], "el");
}

/// The portal's server function runs queries for the signed-in person, refuses other sites, and
/// never runs a mutation from a page load.
async fn the_server_function_follows_the_apis_rules(app: TestApp) {
    seeded(&app).await;
    let (email, client, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let call = |origin: Option<&'static str>, query: &'static str| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let mut headers = vec![
                ("cookie", cookie.as_str()),
                ("content-type", "application/json"),
            ];
            if let Some(o) = origin {
                headers.push(("origin", o));
            }
            app.request(
                "POST",
                "/_portal/api/graphql",
                &headers,
                &json!({ "tenant": "acme", "query": query, "variables": {} }).to_string(),
            )
            .await
            .json()
        }
    };
    let ok = call(Some(ORIGIN), "{ viewer { client { name } } }").await;
    assert_eq!(
        ok["ok"]["viewer"]["client"]["name"],
        client.as_str(),
        "{ok}"
    );
    let foreign = call(Some("https://evil.example"), "{ viewer { name } }").await;
    assert_eq!(foreign["err"][0], "FORBIDDEN", "{foreign}");
    let none = call(None, "{ viewer { name } }").await;
    assert_eq!(none["err"][0], "FORBIDDEN", "{none}");
    let sub = call(Some(ORIGIN), "subscription { paymentEvents { action } }").await;
    assert_eq!(sub["err"][0], "BAD_USER_INPUT", "{sub}");
}

async fn estimate(app: &TestApp, cookie: &str, id: &str) -> serde_json::Value {
    app.gql_cookie(
        cookie,
        "query($id: ID!) { node(id: $id) { ... on Estimate { status decisionComment } } }",
        json!({ "id": id }),
    )
    .await
    .json()["data"]["node"]
        .clone()
}

fn form_headers(cookie: &str) -> Vec<(&str, &str)> {
    vec![
        ("cookie", cookie),
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", ORIGIN),
    ]
}

/// The portal's forms: reject an estimate (a reason is required), pay (to the gateway's page),
/// billing details (the client's admin only), invitations (staff), and the print view.
async fn forms_do_what_they_say_and_refuse_bad_input(app: TestApp) {
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let h = form_headers(&cookie);

    // Reject a sent estimate: without a reason nothing changes; with one it is rejected.
    let sent = app
        .gql_cookie(
            &cookie,
            "{ estimates(first: 50) { nodes { id status } } }",
            json!({}),
        )
        .await
        .json();
    let est = sent["data"]["estimates"]["nodes"]
        .as_array()
        .expect("estimates")
        .iter()
        .find(|e| e["status"] == "SENT")
        .expect("a sent estimate")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/acme/forms/estimates/{est}/reject");
    let r = app.request("POST", &path, &h, "reason=").await;
    assert!(
        r.header("location").unwrap_or_default().contains("error="),
        "{:?}",
        r.header("location")
    );

    assert_eq!(estimate(&app, &cookie, &est).await["status"], "SENT");
    // The page shows the action's own (signed) message; a forged one reads as a generic failure.
    let back_to = r.header("location").unwrap_or_default();
    let shown = page(&app, &back_to, &cookie).await;
    assert!(shown.body.contains("class=\"error\""), "{}", shown.body);
    assert!(back_to.contains("&sig="), "{back_to}");
    let message = back_to
        .split("error=")
        .nth(1)
        .and_then(|m| m.split('&').next())
        .unwrap_or("");
    assert!(!message.is_empty());
    let forged = page(
        &app,
        "/acme/estimates?error=Call+us+at+555-0100&sig=00",
        &cookie,
    )
    .await;
    assert!(!forged.body.contains("555-0100"), "{}", forged.body);
    assert!(forged.body.contains("Something went wrong"));
    let forged = app
        .request(
            "GET",
            "/acme/sign-in?error=Your+account+is+locked.+Call+555-0100",
            &[],
            "",
        )
        .await;
    assert!(!forged.body.contains("555-0100"));
    assert!(forged.body.contains("Sign-in failed. Try again."));
    let known = app
        .request(
            "GET",
            "/acme/sign-in?error=That%20is%20not%20an%20email%20address.",
            &[("accept-language", "el")],
            "",
        )
        .await;
    assert!(
        known.body.contains("Αυτό δεν είναι διεύθυνση email."),
        "{}",
        known.body
    );
    let r = app
        .request("POST", &path, &h, "reason=Too+expensive+%26+late")
        .await;
    assert!(
        r.header("location")
            .unwrap_or_default()
            .starts_with(&format!("/acme/estimates/{est}?done=rejected&n=EST-")),
        "{:?}",
        r.header("location")
    );
    let after = estimate(&app, &cookie, &est).await;
    assert_eq!(after["status"], "REJECTED");
    assert_eq!(after["decisionComment"], "Too expensive & late");

    // Pay: to the demo gateway's page; choosing nothing is refused.
    let inv = open_invoice(&app, &cookie).await;
    let r = app
        .request(
            "POST",
            "/acme/forms/pay",
            &h,
            &format!("invoice={inv}&method=DEMO"),
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        r.header("location")
            .unwrap_or_default()
            .contains("/acme/pay/demo/pd_"),
        "{:?}",
        r.header("location")
    );
    let r = app
        .request("POST", "/acme/forms/pay", &h, "method=DEMO")
        .await;
    assert!(r.header("location").unwrap_or_default().contains("error="));
    let r = app
        .request("POST", "/acme/forms/pay", &h, &format!("invoice={inv}"))
        .await;
    assert!(
        r.header("location").unwrap_or_default().contains("error="),
        "no method chosen"
    );

    // Billing details: the client's admin saves them; a bad email is refused and changes nothing.
    let r = app
        .request(
            "POST",
            "/acme/forms/billing",
            &h,
            "name=Brooklyn+Coffee+Co&email=not-an-email&tax_id=&address=",
        )
        .await;
    assert!(r.header("location").unwrap_or_default().contains("error="));
    let r = app
        .request(
            "POST",
            "/acme/forms/billing",
            &h,
            "name=Brooklyn+Coffee+Co&email=ap%40brooklyn.example&tax_id=EL123&address=1+Main+St",
        )
        .await;
    assert_eq!(
        r.header("location").as_deref(),
        Some("/acme/settings?done=billing")
    );
    let settings = page(&app, "/acme/settings", &cookie).await;
    assert!(
        settings.body.contains("ap@brooklyn.example"),
        "{}",
        settings.body
    );

    // The print view is the document alone.
    let print = page(&app, &format!("/acme/invoices/{inv}?print=1"), &cookie).await;
    assert!(print.body.contains("Bill to"));
    assert!(!print.body.contains("class=\"menu\""));
    let normal = page(&app, &format!("/acme/invoices/{inv}"), &cookie).await;
    assert!(normal.body.contains("class=\"menu\""));

    // A client's admin invites people to its own client; another client's id is refused.
    let clients = app
        .gql_cookie(&cookie, "{ viewer { client { id } } }", json!({}))
        .await
        .json();
    let client_id = clients["data"]["viewer"]["client"]["id"]
        .as_str()
        .expect("client")
        .to_owned();
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &h,
            &format!("client={client_id}&name=X&email=x%40y.example&role=ADMIN"),
        )
        .await;
    assert!(
        r.header("location")
            .unwrap_or_default()
            .starts_with("/acme/staff/invitations?done=invited&n="),
        "{:?}",
        r.header("location")
    );
    let other = app
        .ok(
            &app.token(&acme_id(&app).await, Role::Owner, None).await,
            "{ clients(first: 2) { nodes { id } } }",
            json!({}),
        )
        .await["clients"]["nodes"][1]["id"]
        .as_str()
        .expect("second client")
        .to_owned();
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &h,
            &format!("client={other}&name=X&email=x2%40y.example&role=ADMIN"),
        )
        .await;
    assert!(
        r.header("location").unwrap_or_default().contains("error="),
        "{:?}",
        r.header("location")
    );

    // Staff invite, see it pending, and revoke it.
    let staff = app.sign_in("acme", "olivia@acme.example").await;
    let hs = form_headers(&staff);
    let r = app
        .request(
            "POST",
            "/acme/forms/invitations",
            &hs,
            &format!(
                "client={client_id}&name=New+Person&email=new.person%40brooklyn.example&role=PAYER"
            ),
        )
        .await;
    assert!(
        r.header("location")
            .unwrap_or_default()
            .starts_with("/acme/staff/invitations?done=invited&n="),
        "{:?}",
        r.header("location")
    );
    let list = page(&app, "/acme/staff/invitations", &staff).await;
    assert!(
        list.body.contains("new.person@brooklyn.example"),
        "{}",
        list.body
    );
    let inv_id = app
        .gql_cookie(&staff, "{ invitations { id email status } }", json!({}))
        .await
        .json()["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .find(|i| i["email"] == "new.person@brooklyn.example")
        .expect("the invitation")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let r = app
        .request(
            "POST",
            &format!("/acme/forms/invitations/{inv_id}/revoke"),
            &hs,
            "",
        )
        .await;
    assert!(
        r.header("location").unwrap_or_default().starts_with(
            "/acme/staff/invitations?done=revoked&n=new.person%40brooklyn.example&sig="
        ),
        "{:?}",
        r.header("location")
    );
    let after = app
        .gql_cookie(&staff, "{ invitations { email status } }", json!({}))
        .await
        .json();
    assert!(after["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .any(|i| i["email"] == "new.person@brooklyn.example" && i["status"] == "revoked"));
    // A tenant segment that decodes to a path elsewhere never becomes a redirect.
    for evil in [
        "/%2Fevil.example/forms/pay",
        "/%2F%2Fevil.example/forms/language",
        "/ACME/forms/language",
    ] {
        let r = app.request("POST", evil, &hs, "locale=el").await;
        assert_eq!(r.status, 404, "{evil}");
        assert!(r.header("location").is_none());
    }
    let r = app
        .request(
            "POST",
            &format!("/acme/forms/invitations/{inv_id}/explode"),
            &hs,
            "",
        )
        .await;
    assert_eq!(r.status, 404);
}

both_backends!(
    pages_show_the_signed_in_contacts_data_only,
    pages_carry_a_nonce_their_language_and_a_title,
    forms_need_the_portals_origin_and_language_is_per_person,
    the_server_function_follows_the_apis_rules,
    forms_do_what_they_say_and_refuse_bad_input,
);

/// A mutation in a page load (GET) is refused by the executor even with a valid session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_loads_never_run_mutations() {
    use portico_web::server::{Call, GraphqlExecutor};
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let exec = portico::http::portal::PortalExecutor {
        schema: app.app.schema.clone(),
        shared: app.app.shared(),
    };
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("cookie", cookie.parse().expect("header"));
    let answer = exec
        .execute(Call {
            method: &axum::http::Method::GET,
            headers: &headers,
            tenant: "acme",
            query: "mutation { setMyLanguage(locale: \"el\") }",
            variables: json!({}),
        })
        .await;
    assert_eq!(answer.error.map(|e| e.0).as_deref(), Some("FORBIDDEN"));
    let viewer = app
        .gql_cookie(&cookie, "{ viewer { locale } }", json!({}))
        .await
        .json();
    assert_ne!(viewer["data"]["viewer"]["locale"], "el");
    // A query in the same page load runs.
    let answer = exec
        .execute(Call {
            method: &axum::http::Method::GET,
            headers: &headers,
            tenant: "acme",
            query: "{ viewer { role } }",
            variables: json!({}),
        })
        .await;
    assert!(answer.error.is_none(), "{:?}", answer.error);
    assert_eq!(answer.data["viewer"]["role"], "contact_admin");
}

/// Outside the demo the demo gateway is off: not offered, refused, and its pages are gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_gateway_is_off_unless_enabled() {
    let Some(app) = TestApp::start_with(Kind::Sqlite, |c| c.demo_gateway = false).await else {
        return;
    };
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let settings = app
        .gql_cookie(&cookie, "{ paymentSettings { methods } }", json!({}))
        .await
        .json();
    let methods = settings["data"]["paymentSettings"]["methods"]
        .as_array()
        .expect("methods")
        .clone();
    assert!(!methods.contains(&json!("DEMO")), "{methods:?}");
    let inv = open_invoice(&app, &cookie).await;
    let r = app
        .gql_cookie(
            &cookie,
            "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id } }",
            json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
        )
        .await
        .json();
    assert_eq!(r["errors"][0]["extensions"]["code"], "CONFLICT", "{r}");
    let pay = page(&app, "/acme/pay", &cookie).await;
    assert!(
        !pay.body.contains("m-DEMO"),
        "the pay page offers no demo gateway"
    );
    let demo = app
        .request("GET", "/acme/pay/demo/pd_whatever", &[], "")
        .await;
    assert_eq!(demo.status, 404);
}

/// Another site cannot make the portal mail sign-in links, and logging out never redirects off-site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_out_refuse_other_sites() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let tenant_id = acme_id(&app).await;
    let before = app
        .app
        .store
        .outbox(&tenant_id, 100)
        .await
        .expect("outbox")
        .len();
    let r = app
        .request(
            "POST",
            "/acme/auth/magic-link",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "https://evil.example"),
            ],
            &format!("email={email}"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let after = app
        .app
        .store
        .outbox(&tenant_id, 100)
        .await
        .expect("outbox")
        .len();
    assert_eq!(before, after, "no mail was queued");
    // From the portal's own form it works.
    let r = app
        .request(
            "POST",
            "/acme/auth/magic-link",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ORIGIN),
            ],
            &format!("email={email}"),
        )
        .await;
    assert_eq!(
        r.header("location").as_deref(),
        Some("/acme/sign-in?sent=1")
    );

    let cookie = app.sign_in("acme", &email).await;
    let out = app
        .request(
            "POST",
            "/%2Fevil.example/auth/logout",
            &[("cookie", cookie.as_str()), ("origin", ORIGIN)],
            "",
        )
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location").as_deref(), Some("/"));
    let out = app
        .request(
            "POST",
            "/acme/auth/logout",
            &[("cookie", cookie.as_str()), ("origin", ORIGIN)],
            "",
        )
        .await;
    assert_eq!(out.header("location").as_deref(), Some("/acme/"));
}

/// A live subscription opened with a session stops when the session ends: after logout no event
/// reaches the socket and the subscription completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_stop_when_the_session_ends() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let tenant_id = acme_id(&app).await;
    let client = app
        .gql_cookie(&cookie, "{ viewer { client { id } } }", json!({}))
        .await
        .json()["data"]["viewer"]["client"]["id"]
        .as_str()
        .expect("client")
        .to_owned();
    let client_id = portico::core::ids::decode(&async_graphql::ID(client), "Client").expect("id");
    let event = |action: &str| portico::core::events::Event {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: tenant_id.clone(),
        client_id: client_id.clone(),
        topic: portico::core::events::Topic::Payment,
        action: action.to_owned(),
        subject_id: "p".into(),
        status: None,
        amount_minor: Some(100),
        currency: Some("USD".into()),
        at: 0,
    };
    let addr = app.spawn_server().await;
    let (mut ws, acked) = crate::common::ws::connect(
        addr,
        &[("Cookie", cookie.as_str()), ("Origin", ORIGIN)],
        json!({}),
    )
    .await;
    assert!(acked);
    crate::common::ws::subscribe(&mut ws, "1", "subscription { paymentEvents { action } }").await;
    // Publish until the subscription (registered asynchronously) delivers one.
    let mut got = None;
    for _ in 0..50 {
        app.app.bus.publish(event("recorded")).await;
        if let Some(v) = crate::common::ws::next_data(&mut ws, 200).await {
            got = Some(v);
            break;
        }
    }
    assert_eq!(
        got.expect("a live event while signed in")["payload"]["data"]["paymentEvents"]["action"],
        "recorded"
    );

    let out = app
        .request(
            "POST",
            "/acme/auth/logout",
            &[("cookie", cookie.as_str()), ("origin", ORIGIN)],
            "",
        )
        .await;
    assert_eq!(out.status, 303);
    app.app.bus.publish(event("refunded")).await;
    // The next message is the subscription's end, never the event.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("the subscription completes")
            .expect("socket open")
            .expect("message");
        if let Message::Text(t) = msg {
            let v: serde_json::Value = serde_json::from_str(&t).expect("json");
            assert_ne!(
                v["type"], "next",
                "an event reached a signed-out socket: {v}"
            );
            if v["type"] == "complete" {
                break;
            }
        }
    }
}

/// Opening a thread from another site's link reads it without marking it read; opening it from
/// the portal marks it read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_same_site_visits_mark_a_thread_read() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    seeded(&app).await;
    let (email, _, _) = acme_contact(&app).await;
    let cookie = app.sign_in("acme", &email).await;
    let threads = app
        .gql_cookie(&cookie, "{ threads { id unreadCount } }", json!({}))
        .await
        .json();
    let thread = threads["data"]["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["unreadCount"].as_i64().unwrap_or(0) > 0)
        .expect("an unread thread")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let count = |v: serde_json::Value| {
        v["data"]["threads"]
            .as_array()
            .expect("threads")
            .iter()
            .find(|t| t["id"] == thread.as_str())
            .map(|t| t["unreadCount"].as_i64().unwrap_or(0))
            .unwrap_or(0)
    };
    let path = format!("/acme/messages/{thread}");
    let cross = app
        .request(
            "GET",
            &path,
            &[
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "cross-site"),
            ],
            "",
        )
        .await;
    assert_eq!(cross.status, 200);
    assert!(cross.body.contains("Write a message"));
    let after = app
        .gql_cookie(&cookie, "{ threads { id unreadCount } }", json!({}))
        .await
        .json();
    assert!(
        count(after) > 0,
        "a cross-site visit marked the thread read"
    );
    let same = app
        .request(
            "GET",
            &path,
            &[
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "same-origin"),
            ],
            "",
        )
        .await;
    assert_eq!(same.status, 200);
    let after = app
        .gql_cookie(&cookie, "{ threads { id unreadCount } }", json!({}))
        .await
        .json();
    assert_eq!(count(after), 0);
}
