//! Public sign-up on both backends: off by default (404); when on, the form's link arrives over
//! SMTP, nothing exists until it is used, using it once creates the business with its owner
//! signed in; bad input goes back to the form with what was typed; a taken address, a reused or
//! expired link and a flood are refused.

use crate::common::smtp::SmtpServer;
use crate::common::{Kind, TestApp};
use serde_json::json;

fn form(origin: &str) -> [(&str, &str); 2] {
    [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", origin),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_sign_up_is_off_unless_the_deployment_turns_it_on() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    let origin = app.app.config.origin();
    assert_eq!(app.request("GET", "/signup", &[], "").await.status, 404);
    let posted = app
        .request(
            "POST",
            "/signup",
            &form(&origin),
            "business=Acme&slug=acme&name=Ann&email=ann%40acme.example&currency=EUR",
        )
        .await;
    assert_eq!(posted.status, 404);
    assert!(app
        .app
        .store
        .tenant_by_slug("acme")
        .await
        .expect("read")
        .is_none());
    let landing = app.request("GET", "/", &[], "").await;
    assert!(!landing.body.contains("/signup"));
}

async fn sign_up(kind: Kind) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let Some(app) = TestApp::start_with(kind, |c| {
        c.smtp_url = Some(url);
        c.public_signup = true;
    })
    .await
    else {
        return;
    };
    let origin = app.app.config.origin();
    let page = app.request("GET", "/signup", &[], "").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Open your client portal"));
    assert!(app
        .request("GET", "/", &[], "")
        .await
        .body
        .contains("href=\"/signup\""));

    // Bad input goes back with what was typed, and creates nothing.
    let bad = app
        .request(
            "POST",
            "/signup",
            &form(&origin),
            "business=Acme+Builders&slug=Acme+Builders&name=Ann&email=ann%40acme.example&currency=EUR",
        )
        .await;
    assert_eq!(bad.status, 303);
    let to = bad.header("location").unwrap_or_default();
    assert!(
        to.starts_with("/signup?error=slug&business=Acme%20Builders"),
        "{to}"
    );
    let again = app.request("GET", &to, &[], "").await;
    assert!(again.body.contains("value=\"Acme Builders\""));
    assert!(again.body.contains("aria-invalid=\"true\""));
    let reserved = app
        .request(
            "POST",
            "/signup",
            &form(&origin),
            "business=A&slug=graphql&name=Ann&email=ann%40acme.example&currency=EUR",
        )
        .await;
    assert!(reserved
        .header("location")
        .unwrap_or_default()
        .starts_with("/signup?error=slug"));
    // Another page's post is refused.
    let cross = app
        .request(
            "POST",
            "/signup",
            &form("http://evil.example"),
            "business=Acme&slug=acme&name=Ann&email=ann%40acme.example&currency=EUR",
        )
        .await;
    assert_eq!(cross.status, 403);

    let good = "business=Acme+Builders&slug=acme&name=Ann+Smith&email=ann%40acme.example&currency=EUR&lang=en";
    let asked = app.request("POST", "/signup", &form(&origin), good).await;
    assert_eq!(
        asked.header("location").as_deref(),
        Some("/signup?sent=ann%40acme.example")
    );
    let sent = app
        .request("GET", "/signup?sent=ann%40acme.example", &[], "")
        .await;
    assert!(sent.body.contains("ann@acme.example"));
    let mail = smtp.next(20).await.expect("the sign-up email arrives");
    assert!(mail.to.iter().any(|t| t.contains("ann@acme.example")));
    let link = mail
        .link_containing("/signup/verify?token=")
        .expect("a link");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    // Nothing exists yet, and opening the link creates nothing.
    assert!(app
        .app
        .store
        .tenant_by_slug("acme")
        .await
        .expect("read")
        .is_none());
    let opened = app
        .request("GET", &format!("/signup/verify?token={token}"), &[], "")
        .await;
    assert_eq!(opened.status, 200);
    assert!(opened.body.contains("confirm-signup"));
    assert!(app
        .app
        .store
        .tenant_by_slug("acme")
        .await
        .expect("read")
        .is_none());

    // A second person asking for the same address gets a link too, but only one can use it.
    let rival = "business=Other&slug=acme&name=Bob&email=bob%40other.example&currency=USD";
    assert!(app
        .request("POST", "/signup", &form(&origin), rival)
        .await
        .header("location")
        .unwrap_or_default()
        .starts_with("/signup?sent="));
    let rival_mail = smtp.next(20).await.expect("the rival's email");
    let rival_token = rival_mail
        .link_containing("/signup/verify?token=")
        .and_then(|l| l.split("token=").nth(1).map(str::to_owned))
        .expect("token");

    // Used once: the business exists, Ann owns it and is signed in.
    let body = format!("token={token}");
    let done = app
        .request("POST", "/signup/verify", &form(&origin), &body)
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location").as_deref(), Some("/acme/"));
    let cookie = done.cookie().expect("signed in");
    let me = app
        .gql_cookie(
            &cookie,
            "{ viewer { role name } businessSettings { name } auditEvents(first: 10) { action actorId detail } }",
            json!({}),
        )
        .await
        .json();
    assert_eq!(me["data"]["viewer"]["role"], "owner", "{me}");
    assert_eq!(me["data"]["viewer"]["name"], "Ann Smith");
    assert_eq!(me["data"]["businessSettings"]["name"], "Acme Builders");
    let created = me["data"]["auditEvents"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["action"] == "tenant.created").cloned())
        .expect("the creation is audited");
    assert!(
        created["detail"]
            .as_str()
            .is_some_and(|d| d.contains("sign-up") && d.contains("ann@acme.example")),
        "{created}"
    );
    let twice = app
        .request("POST", "/signup/verify", &form(&origin), &body)
        .await;
    assert_eq!(
        twice.header("location").as_deref(),
        Some("/signup/verify?error=used")
    );
    assert!(twice.cookie().is_none());
    let late = app
        .request(
            "POST",
            "/signup/verify",
            &form(&origin),
            &format!("token={rival_token}"),
        )
        .await;
    assert_eq!(
        late.header("location").as_deref(),
        Some("/signup/verify?error=slug_taken")
    );
    let t = app
        .app
        .store
        .tenant_by_slug("acme")
        .await
        .expect("read")
        .expect("acme");
    assert_eq!(t.default_currency.code(), "EUR");
    // The address is taken now.
    let taken = app.request("POST", "/signup", &form(&origin), rival).await;
    assert!(taken
        .header("location")
        .unwrap_or_default()
        .starts_with("/signup?error=slug_taken"));

    // Links expire after a day.
    let c = "business=Cee&slug=cee&name=Cy&email=cy%40cee.example&currency=EUR";
    app.request("POST", "/signup", &form(&origin), c).await;
    // (Ann's welcome email may come first.)
    let cy = loop {
        let m = smtp.next(20).await.expect("cy's email");
        if m.to.iter().any(|t| t.contains("cy@cee.example")) {
            break m;
        }
    }
    .link_containing("/signup/verify?token=")
    .and_then(|l| l.split("token=").nth(1).map(str::to_owned))
    .expect("token");
    app.app
        .clock()
        .advance(std::time::Duration::from_secs(25 * 3600));
    let expired = app
        .request(
            "POST",
            "/signup/verify",
            &form(&origin),
            &format!("token={cy}"),
        )
        .await;
    assert_eq!(
        expired.header("location").as_deref(),
        Some("/signup/verify?error=used")
    );
    assert!(app
        .app
        .store
        .tenant_by_slug("cee")
        .await
        .expect("read")
        .is_none());

    // One address asks for at most three links an hour.
    let flood = "business=Dee&slug=dee&name=Di&email=di%40dee.example&currency=EUR";
    for _ in 0..3 {
        let r = app.request("POST", "/signup", &form(&origin), flood).await;
        assert!(r
            .header("location")
            .unwrap_or_default()
            .starts_with("/signup?sent="));
    }
    let r = app.request("POST", "/signup", &form(&origin), flood).await;
    assert!(r
        .header("location")
        .unwrap_or_default()
        .starts_with("/signup?error=too_many"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sqlite() {
    sign_up(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_postgres() {
    sign_up(Kind::Postgres).await
}
