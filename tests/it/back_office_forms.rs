//! The back-office's money forms through the portal, on both backends: a payment spread over
//! several invoices from the client's page, an open credit note applied to another invoice from
//! that invoice's page, and an API token made in Settings whose secret is shown once and never
//! travels in an address.

use crate::common::{enc, invoice, party, TestApp};
use portico::core::scope::Role;
use portico::domain::Email;
use serde_json::json;

async fn balance(app: &TestApp, owner: &str, id: &str) -> String {
    app.ok(
        owner,
        "query($id: ID!) { invoice(id: $id) { balance { amount } } }",
        json!({ "id": id }),
    )
    .await["invoice"]["balance"]["amount"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn money_forms_work_from_the_portal(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    app.app
        .store
        .create_staff_user(
            &t,
            &Email::parse("ada@alpha.example").expect("email"),
            "Ada",
            Role::Admin,
        )
        .await
        .expect("staff");
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let a = invoice(&app, &owner, &c.client_gid, "100.00", true).await;
    let b = invoice(&app, &owner, &c.client_gid, "250.00", true).await;
    let cookie = app.sign_in("alpha", "ada@alpha.example").await;
    let origin = app.app.config.origin();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", origin.as_str()),
        ("cookie", cookie.as_str()),
    ];

    // The client's page offers both open invoices to allocate to.
    let page = app
        .request(
            "GET",
            &format!("/alpha/staff/clients/{}", enc(&c.client_gid)),
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
    assert!(page.body.contains("record-payment"), "the panel is there");
    assert_eq!(page.body.matches("name=\"allocate\"").count(), 2);

    // 300 received: 60 to the first, 200 to the second, 40 left as credit.
    let body = format!(
        "currency=EUR&amount=300&method=BANK_TRANSFER&received_on=2026-11-20&reference=TRX-9&invoice={}&allocate=60&invoice={}&allocate=200,00",
        enc(&a),
        enc(&b)
    );
    let path = format!("/alpha/forms/clients/{}/payment", enc(&c.client_gid));
    let done = app.request("POST", &path, &headers, &body).await;
    let to = done.header("location").unwrap_or_default();
    assert!(to.contains("done=recorded"), "{to}");
    assert_eq!(balance(&app, &owner, &a).await, "40.00");
    assert_eq!(balance(&app, &owner, &b).await, "50.00");
    let credit = app
        .ok(
            &owner,
            "{ clientBalances { clientId credit { amount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        credit["clientBalances"][0]["credit"]["amount"], "40.00",
        "{credit}"
    );
    // A bad allocation records nothing.
    let bad = format!(
        "currency=EUR&amount=10&method=CASH&invoice={}&allocate=ten",
        enc(&a)
    );
    let refused = app.request("POST", &path, &headers, &bad).await;
    assert!(refused
        .header("location")
        .is_some_and(|l| l.contains("error=")));
    assert_eq!(balance(&app, &owner, &a).await, "40.00");
    // A contact cannot use the form.
    let contact = app.sign_in("alpha", "admin@helios.example").await;
    let theirs = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", origin.as_str()),
        ("cookie", contact.as_str()),
    ];
    let denied = app.request("POST", &path, &theirs, &body).await;
    assert!(denied
        .header("location")
        .is_some_and(|l| l.contains("error=")));
    assert_eq!(balance(&app, &owner, &b).await, "50.00");

    // An open credit note made for another reason is applied to invoice A from A's page.
    let cn = app
        .ok(
            &owner,
            "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "reason": "Goodwill", "amount": "25.00" } }),
        )
        .await["createCreditNote"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(
        &owner,
        "mutation($id: ID!) { issueCreditNote(id: $id) { id } }",
        json!({ "id": cn }),
    )
    .await;
    let inv_page = app
        .request(
            "GET",
            &format!("/alpha/invoices/{}", enc(&a)),
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
    assert!(
        inv_page.body.contains("apply-credit"),
        "offered on the invoice"
    );
    let apply = format!("credit_note={}&amount=25", enc(&cn));
    let done = app
        .request(
            "POST",
            &format!("/alpha/forms/invoices/{}/apply-credit", enc(&a)),
            &headers,
            &apply,
        )
        .await;
    assert!(done
        .header("location")
        .is_some_and(|l| l.contains("done=credit-applied")));
    assert_eq!(balance(&app, &owner, &a).await, "15.00");
    let cn_left = app
        .ok(
            &owner,
            "query($c: ID!) { creditNotes(clientId: $c, first: 5) { nodes { status remaining { amount } } } }",
            json!({ "c": c.client_gid }),
        )
        .await;
    assert_eq!(
        cn_left["creditNotes"]["nodes"][0]["remaining"]["amount"],
        "0.00"
    );

    // An API token: made in Settings, its secret comes in an HttpOnly cookie for that page only,
    // never in the address; the page shows it once and clears it.
    let made = app
        .request(
            "POST",
            "/alpha/forms/tokens/new",
            &headers,
            "name=Accounting+sync&role=PARTNER&scope=WRITE",
        )
        .await;
    let to = made.header("location").unwrap_or_default();
    assert!(to.starts_with("/alpha/settings?done=token-created"), "{to}");
    let set = made
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portico_new_token="))
        .expect("the token's cookie")
        .to_owned();
    assert!(
        set.contains("HttpOnly")
            && set.contains("Path=/alpha/settings")
            && set.contains("Max-Age=120"),
        "{set}"
    );
    let token = set
        .trim_start_matches("portico_new_token=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(!to.contains(&token), "the secret is not in the address");
    let shown = app
        .request(
            "GET",
            &to,
            &[("cookie", &format!("{cookie}; portico_new_token={token}"))],
            "",
        )
        .await;
    assert!(shown.body.contains(&token), "shown once on the page");
    assert!(shown
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("portico_new_token=;") && c.contains("Max-Age=0")));
    // The token works, as a partner that may write but not take payments.
    let me = app.gql(&token, "{ viewer { role } }", json!({})).await;
    assert_eq!(me["data"]["viewer"]["role"], "partner", "{me}");
    let listed = app
        .ok(&owner, "{ apiTokens { name scopes revoked } }", json!({}))
        .await;
    assert!(
        listed["apiTokens"].as_array().is_some_and(|a| a
            .iter()
            .any(|t| t["name"] == "Accounting sync" && t["scopes"] == "read,write")),
        "{listed}"
    );
}

crate::both_backends!(money_forms_work_from_the_portal);
