//! Host names on both backends: a business reached at its own host and at a subdomain of the
//! deployment's tenant domain signs people in, takes payments and mails links there; another
//! business's host never shows its data or takes its cookie or token; unknown hosts get 404.

use crate::common::{invoice, party, Kind, TestApp};
use serde_json::{json, Value};

const ACME: &str = "billing.acme.test";
const ACME_ORIGIN: &str = "http://billing.acme.test";
const BETA: &str = "beta.tenants.test";
const BETA_ORIGIN: &str = "http://beta.tenants.test";

async fn start(kind: Kind) -> Option<TestApp> {
    TestApp::start_with(kind, |c| {
        c.base_url = "http://portal.test".into();
        c.tenant_domain = Some("tenants.test".into());
    })
    .await
}

async fn on(
    app: &TestApp,
    host: &str,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
) -> crate::common::Raw {
    let mut headers = vec![("host", host)];
    headers.extend_from_slice(extra);
    app.request(method, path, &headers, "").await
}

/// Signs `email` in at `host` as a browser there does; returns the session cookie.
async fn sign_in_at(
    app: &TestApp,
    host: &str,
    origin: &str,
    slug: &str,
    tenant_id: &str,
    email: &str,
) -> String {
    let asked = app
        .request(
            "POST",
            &format!("/{slug}/auth/magic-link"),
            &[("host", host), ("content-type", "application/json")],
            &json!({ "email": email }).to_string(),
        )
        .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let mail = app.app.store.outbox(tenant_id, 1).await.expect("outbox");
    let body = &mail[0].body;
    assert!(
        body.contains(&format!("{origin}/{slug}/auth/magic?token=")),
        "the sign-in link uses the business's host: {body}"
    );
    let token = body
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("token")
        .to_owned();
    // From the deployment's address the link's form is refused: the page was not served there.
    let elsewhere = app
        .request(
            "POST",
            &format!("/{slug}/auth/magic"),
            &[
                ("host", host),
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "http://portal.test"),
            ],
            &format!("token={token}"),
        )
        .await;
    assert!(
        elsewhere.cookie().is_none(),
        "a cross-origin post signs nobody in"
    );
    let done = app
        .request(
            "POST",
            &format!("/{slug}/auth/magic"),
            &[
                ("host", host),
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", origin),
            ],
            &format!("token={token}"),
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    done.cookie().expect("session cookie")
}

async fn gql_at(
    app: &TestApp,
    host: &str,
    origin: &str,
    auth: (&str, &str),
    query: &str,
    variables: Value,
) -> crate::common::Raw {
    app.request(
        "POST",
        "/graphql",
        &[
            ("host", host),
            ("content-type", "application/json"),
            ("origin", origin),
            auth,
        ],
        &json!({ "query": query, "variables": variables }).to_string(),
    )
    .await
}

async fn a_business_host_serves_that_business_only(kind: Kind) {
    let Some(app) = start(kind).await else {
        return;
    };
    let (acme_id, acme_owner) = app.tenant("acme").await;
    let (beta_id, beta_owner) = app.tenant("beta").await;
    app.app
        .store
        .set_host_name("acme", Some("Billing.Acme.Test"))
        .await
        .expect("host set");
    // Nobody else may take it, nor the deployment's own host or the tenant domain.
    assert!(app
        .app
        .store
        .set_host_name("beta", Some(ACME))
        .await
        .is_err());
    assert!(app
        .app
        .store
        .set_host_name("beta", Some("portal.test"))
        .await
        .is_err());
    assert!(app
        .app
        .store
        .set_host_name("beta", Some("x.tenants.test"))
        .await
        .is_err());
    assert!(app
        .app
        .store
        .set_host_name("beta", Some("10.1.2.3"))
        .await
        .is_err());

    // Page addresses there are the business's; the root goes to its portal.
    let root = on(&app, ACME, "GET", "/", &[]).await;
    assert_eq!(root.status, 307);
    assert_eq!(root.header("location").as_deref(), Some("/acme/"));
    let sign_in = on(&app, ACME, "GET", "/acme/sign-in", &[]).await;
    assert_eq!(sign_in.status, 200);
    assert!(
        sign_in.body.contains("Tenant acme"),
        "{}",
        &sign_in.body[..300.min(sign_in.body.len())]
    );
    // Another business's pages are not there: they land under acme's address and name nothing.
    let other = on(&app, ACME, "GET", "/beta/sign-in", &[]).await;
    assert_eq!(
        other.header("location").as_deref(),
        Some("/acme/beta/sign-in")
    );
    let other = on(&app, ACME, "GET", "/acme/beta/sign-in", &[]).await;
    assert!(!other.body.contains("Tenant beta"));
    // The subdomain of the tenant domain is beta's; an unknown host is a plain 404.
    let beta_page = on(&app, BETA, "GET", "/beta/sign-in", &[]).await;
    assert_eq!(beta_page.status, 200);
    assert!(beta_page.body.contains("Tenant beta"));
    for host in ["evil.example", "nobody.tenants.test", "a.b.tenants.test"] {
        let r = on(&app, host, "GET", "/acme/sign-in", &[]).await;
        assert_eq!(r.status, 404, "{host}");
        assert!(!r.body.contains("Tenant"), "{host}");
    }
    // The deployment's own address keeps serving both under /SLUG/.
    assert_eq!(
        on(&app, "portal.test", "GET", "/acme/sign-in", &[])
            .await
            .status,
        200
    );
    assert_eq!(
        on(&app, "portal.test", "GET", "/beta/sign-in", &[])
            .await
            .status,
        200
    );

    // A client signs in at acme's host; the link came from there.
    let c = party(&app, &acme_id, &acme_owner, "Ivy", "EUR").await;
    let cookie = sign_in_at(
        &app,
        ACME,
        ACME_ORIGIN,
        "acme",
        &acme_id,
        "payer@ivy.example",
    )
    .await;
    let me = gql_at(
        &app,
        ACME,
        ACME_ORIGIN,
        ("cookie", &cookie),
        "{ viewer { role } }",
        json!({}),
    )
    .await;
    assert_eq!(
        me.json()["data"]["viewer"]["role"],
        "contact_payer",
        "{}",
        me.body
    );
    let home = on(&app, ACME, "GET", "/acme/", &[("cookie", &cookie)]).await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("Ivy"),
        "signed in at the business's host"
    );

    // The same cookie at beta's host, or with acme's host origin at beta: nobody is signed in.
    let stolen = gql_at(
        &app,
        BETA,
        BETA_ORIGIN,
        ("cookie", &cookie),
        "{ viewer { role } }",
        json!({}),
    )
    .await;
    assert_eq!(stolen.status, 403, "{}", stolen.body);
    let beta_home = on(&app, BETA, "GET", "/beta/", &[("cookie", &cookie)]).await;
    assert!(!beta_home.body.contains("Ivy"));
    // Acme's API token at beta's host is refused; at the deployment's address it works.
    let token = format!("Bearer {acme_owner}");
    let r = gql_at(
        &app,
        BETA,
        BETA_ORIGIN,
        ("authorization", &token),
        "{ clients(first: 5) { nodes { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let r = gql_at(
        &app,
        "portal.test",
        "http://portal.test",
        ("authorization", &token),
        "{ clients(first: 5) { nodes { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        r.json()["data"]["clients"]["nodes"][0]["name"],
        "Ivy",
        "{}",
        r.body
    );
    let beta_token = format!("Bearer {beta_owner}");
    let r = gql_at(
        &app,
        BETA,
        BETA_ORIGIN,
        ("authorization", &beta_token),
        "{ clients(first: 5) { nodes { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        r.json()["data"]["clients"]["nodes"],
        json!([]),
        "{}",
        r.body
    );
    let _ = beta_id;

    // The client pays at acme's host: the gateway's page is there too, and so is the receipt link.
    let inv = invoice(&app, &acme_owner, &c.client_gid, "120.00", true).await;
    let started = gql_at(
        &app,
        ACME,
        ACME_ORIGIN,
        ("cookie", &cookie),
        "mutation($i: StartPaymentInput!) { startPayment(input: $i) { redirectUrl } }",
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    let url = started.json()["data"]["startPayment"]["redirectUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        url.starts_with(&format!("{ACME_ORIGIN}/acme/pay/demo/")),
        "{}",
        started.body
    );
    let paid = app
        .request(
            "POST",
            url.trim_start_matches(ACME_ORIGIN),
            &[
                ("host", ACME),
                ("cookie", &cookie),
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ACME_ORIGIN),
            ],
            "outcome=succeeded",
        )
        .await;
    assert!(
        paid.status.is_redirection(),
        "{} {}",
        paid.status,
        paid.body
    );
    let status = app
        .ok(
            &acme_owner,
            "query($id: ID!) { invoice(id: $id) { status } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(status["invoice"]["status"], "PAID");
    let mails = app.app.store.outbox(&acme_id, 10).await.expect("outbox");
    let receipt = mails
        .iter()
        .find(|m| m.body.contains("/payments/"))
        .expect("a receipt email");
    assert!(
        receipt
            .body
            .contains(&format!("{ACME_ORIGIN}/acme/payments/")),
        "{}",
        receipt.body
    );
    // Documents the API names live at the host too.
    let urls = app
        .ok(
            &acme_owner,
            "query($id: ID!) { invoice(id: $id) { pdfUrl } }",
            json!({ "id": inv }),
        )
        .await;
    assert!(urls["invoice"]["pdfUrl"]
        .as_str()
        .is_some_and(|u| u.starts_with(&format!("{ACME_ORIGIN}/acme/documents/"))));

    // Passkeys there have the host as relying party.
    let start = app
        .request(
            "POST",
            "/acme/auth/passkeys/login/start",
            &[
                ("host", ACME),
                ("content-type", "application/json"),
                ("origin", ACME_ORIGIN),
            ],
            "{}",
        )
        .await;
    assert_eq!(
        start.json()["options"]["publicKey"]["rpId"],
        ACME,
        "{}",
        start.body
    );

    // Taken away, the host is unknown again (at once in this process) and links use the
    // deployment's address.
    app.app
        .store
        .set_host_name("acme", None)
        .await
        .expect("cleared");
    assert_eq!(
        on(&app, ACME, "GET", "/acme/sign-in", &[]).await.status,
        404
    );
    assert_eq!(
        app.app.store.tenant_url("acme").await,
        "http://acme.tenants.test/acme"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_host_serves_that_business_only_sqlite() {
    a_business_host_serves_that_business_only(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_host_serves_that_business_only_postgres() {
    a_business_host_serves_that_business_only(Kind::Postgres).await
}
