//! How staff sign in, on both backends: the business's networks (through a trusted proxy, so each
//! request comes from the address the test names), passkeys required once a person has one, a
//! list that would lock out its author refused; clients unaffected. And the languages the portal
//! offers its clients.

use crate::common::{party, Kind, TestApp};
use portico::core::scope::Role;
use portico::domain::Email;
use serde_json::{json, Value};

const ORIGIN: &str = "http://localhost";
const SECURITY: &str = "mutation($p: Boolean!, $n: [String!]!) { setStaffSecurity(requirePasskeys: $p, networks: $n) }";

struct Browser {
    http: reqwest::Client,
    addr: std::net::SocketAddr,
}

/// What a sign-in by link from `from` ended in: (status, where to, session cookie).
async fn link(
    app: &TestApp,
    b: &Browser,
    tenant_id: &str,
    from: &str,
    email: &str,
) -> (u16, String, Option<String>) {
    let asked = b
        .http
        .post(format!("http://{}/alpha/auth/magic-link", b.addr))
        .header("x-forwarded-for", from)
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("ask");
    assert_eq!(asked.status().as_u16(), 202);
    let mail = app.app.store.outbox(tenant_id, 1).await.expect("outbox");
    let token = mail[0]
        .body
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("token")
        .to_owned();
    let done = b
        .http
        .post(format!("http://{}/alpha/auth/magic", b.addr))
        .header("x-forwarded-for", from)
        .header("origin", ORIGIN)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("consume");
    let location = done
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cookie = done
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    (done.status().as_u16(), location, cookie)
}

async fn as_cookie(app: &TestApp, cookie: &str, query: &str, variables: Value) -> Value {
    app.gql_cookie(cookie, query, variables).await.json()
}

async fn staff_sign_in_follows_the_business_rules(kind: Kind) {
    let Some(app) = TestApp::start_with(kind, |c| {
        c.trusted_proxies = portico::core::client_ip::parse_trusted("127.0.0.1/32").expect("list");
    })
    .await
    else {
        return;
    };
    let (t, owner) = app.tenant("alpha").await;
    app.app
        .store
        .create_staff_user(
            &t,
            &Email::parse("sam@alpha.example").expect("email"),
            "Sam",
            Role::Owner,
        )
        .await
        .expect("staff");
    let c = party(&app, &t, &owner, "Ivy", "EUR").await;
    let _ = c;
    let b = Browser {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        addr: app.spawn_server().await,
    };
    let sam = "sam@alpha.example";

    // Sam signs in from the office.
    let (status, _, cookie) = link(&app, &b, &t, "198.51.100.9", sam).await;
    assert_eq!(status, 303);
    let cookie = cookie.expect("signed in");
    // A list without Sam's own address is refused, and nothing changes.
    let shut_out = as_cookie(
        &app,
        &cookie,
        SECURITY,
        json!({ "p": false, "n": ["203.0.113.0/24"] }),
    )
    .await;
    assert_eq!(
        shut_out["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{shut_out}"
    );
    assert_eq!(shut_out["errors"][0]["extensions"]["field"], "networks");
    let bad = as_cookie(
        &app,
        &cookie,
        SECURITY,
        json!({ "p": false, "n": ["office"] }),
    )
    .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "networks", "{bad}");
    let settings = "{ businessSettings { staffPasskeysRequired staffNetworks } }";
    assert_eq!(
        app.ok(&owner, settings, json!({})).await["businessSettings"]["staffNetworks"],
        json!([])
    );
    // The office network (and a v6 range), typed one per line or with commas.
    let set = as_cookie(
        &app,
        &cookie,
        SECURITY,
        json!({ "p": false, "n": ["198.51.100.0/24, 2001:db8::/32", "198.51.100.0/24"] }),
    )
    .await;
    assert_eq!(
        set["data"]["setStaffSecurity"],
        json!(["198.51.100.0/24", "2001:db8::/32"]),
        "{set}"
    );
    assert_eq!(
        app.ok(&owner, settings, json!({})).await["businessSettings"],
        json!({ "staffPasskeysRequired": false, "staffNetworks": ["198.51.100.0/24", "2001:db8::/32"] })
    );

    // From elsewhere Sam's link is refused (and the refusal audited); from the office it works.
    let (status, to, cookie_elsewhere) = link(&app, &b, &t, "203.0.113.7", sam).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/alpha/auth/magic?error=network")
    );
    assert!(cookie_elsewhere.is_none());
    let page = b
        .http
        .get(format!("http://{}{to}", b.addr))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 403);
    assert!(page
        .text()
        .await
        .unwrap_or_default()
        .contains("office network"));
    let audit = app
        .ok(
            &owner,
            "{ auditEvents(first: 20) { action detail } }",
            json!({}),
        )
        .await;
    assert!(
        audit["auditEvents"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["action"] == "auth.sign_in.refused"
                && e["detail"].as_str().is_some_and(|d| d.contains("network")))),
        "{audit}"
    );
    let audit_change = audit["auditEvents"].as_array().is_some_and(|a| {
        a.iter()
            .any(|e| e["action"] == "tenant.staff_security_changed")
    });
    assert!(audit_change, "{audit}");
    assert_eq!(link(&app, &b, &t, "198.51.100.20", sam).await.0, 303);
    // Clients sign in from anywhere.
    let (status, to, client_cookie) = link(&app, &b, &t, "203.0.113.7", "payer@ivy.example").await;
    assert_eq!((status, to.as_str()), (303, "/alpha/"));
    assert!(client_cookie.is_some());

    // Passkeys required: without one, Sam still signs in by link (the first sign-in) ...
    let set = as_cookie(
        &app,
        &cookie,
        SECURITY,
        json!({ "p": true, "n": ["198.51.100.0/24"] }),
    )
    .await;
    assert!(set.get("errors").is_none(), "{set}");
    assert_eq!(link(&app, &b, &t, "198.51.100.9", sam).await.0, 303);
    // ... and once Sam has a passkey, only with it.
    app.exec_in_tenant(
        &t,
        "INSERT INTO passkeys (id, tenant_id, user_kind, user_id, user_handle, credential_id, name, passkey, created_at) \
         SELECT 'pk-sam', tenant_id, 'staff', id, 'handle', 'cred', 'Laptop', '{}', 0 FROM staff_users WHERE email = 'sam@alpha.example'",
    )
    .await;
    let (status, to, none) = link(&app, &b, &t, "198.51.100.9", sam).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/alpha/auth/magic?error=passkey")
    );
    assert!(none.is_none());
    // A client is never asked for one.
    assert!(link(&app, &b, &t, "198.51.100.9", "payer@ivy.example")
        .await
        .2
        .is_some());
    // Only the owner and admins set the rules.
    assert_eq!(
        app.err_code(&c.admin_token, SECURITY, json!({ "p": false, "n": [] }))
            .await,
        "FORBIDDEN"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_follows_the_business_rules_sqlite() {
    staff_sign_in_follows_the_business_rules(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_follows_the_business_rules_postgres() {
    staff_sign_in_follows_the_business_rules(Kind::Postgres).await
}

async fn the_portal_speaks_the_languages_the_business_offers(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Ivy", "EUR").await;
    let _ = c;
    let set = "mutation($l: [String!]!) { setLanguages(languages: $l) }";
    let profile = "{ portal(slug: \"alpha\") { languages } }";
    assert_eq!(
        app.ok(&owner, profile, json!({})).await["portal"]["languages"],
        json!(["en", "el"])
    );
    for bad in [json!([]), json!(["fr"])] {
        let body = app.gql(&owner, set, json!({ "l": bad })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "languages",
            "{body}"
        );
    }
    assert_eq!(
        app.ok(&owner, profile, json!({})).await["portal"]["languages"],
        json!(["en", "el"])
    );
    assert_eq!(
        app.ok(&owner, set, json!({ "l": ["el", "EL"] })).await["setLanguages"],
        json!(["el"])
    );
    assert_eq!(
        app.ok(&owner, profile, json!({})).await["portal"]["languages"],
        json!(["el"])
    );
    // A contact who never chose a language gets their sign-in email in the business's.
    let asked = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/json")],
            &json!({ "email": "viewer@ivy.example" }).to_string(),
        )
        .await;
    assert_eq!(asked.status, 202);
    let mail = app.app.store.outbox(&t, 1).await.expect("outbox");
    assert!(
        mail[0].subject.starts_with("Ο σύνδεσμος σύνδεσης"),
        "{}",
        mail[0].subject
    );
    // A visitor asking for English gets the business's only language.
    let page = app
        .request(
            "GET",
            "/alpha/sign-in",
            &[("accept-language", "en-GB,en")],
            "",
        )
        .await;
    assert!(
        page.body.contains("<html lang=\"el\"") || page.body.contains("Σύνδεση"),
        "{}",
        &page.body[..400.min(page.body.len())]
    );
    // A client who chose English sees Greek too; staff keep English.
    let client = app.sign_in("alpha", "payer@ivy.example").await;
    let _ = app
        .gql_cookie(
            &client,
            "mutation { setMyLanguage(locale: \"en\") }",
            json!({}),
        )
        .await;
    let home = app
        .request("GET", "/alpha/", &[("cookie", &client)], "")
        .await;
    assert!(
        home.body.contains("Τιμολόγια"),
        "the client's menu is in Greek"
    );
    assert_eq!(
        app.err_code(&c.admin_token, set, json!({ "l": ["en"] }))
            .await,
        "FORBIDDEN"
    );
}

crate::both_backends!(the_portal_speaks_the_languages_the_business_offers);
