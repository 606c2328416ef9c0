//! Identity over HTTP on both backends: magic links (mail over real SMTP, single use, expiry,
//! tenant binding, GET never consumes, enumeration, rate limits), sessions (fixation, logout,
//! listing and revoking, a disabled contact's sessions end), CSRF and Origin rules, failed-attempt
//! notifications, security headers.

use crate::common::smtp::SmtpServer;
use crate::common::{party, Kind, TestApp};
use portico::core::scope::Role;
use portico::domain::Email;
use serde_json::{json, Value};
use std::time::Duration;

const ORIGIN: &str = "http://localhost";

/// A link that cannot be used: no session, and back to the link's own page, which says why.
fn refused_link(r: &crate::common::Raw) -> bool {
    r.status == 303
        && r.cookie().is_none()
        && r.header("location").is_some_and(|l| l.contains("error="))
}

async fn staff_user(app: &TestApp, tenant_id: &str, email: &str, role: Role) {
    app.app
        .store
        .create_staff_user(
            tenant_id,
            &Email::parse(email).expect("email"),
            "Sam Staff",
            role,
        )
        .await
        .expect("staff");
}

async fn request_link(app: &TestApp, slug: &str, email: &str) -> crate::common::Raw {
    app.request(
        "POST",
        &format!("/{slug}/auth/magic-link"),
        &[("content-type", "application/json")],
        &json!({ "email": email }).to_string(),
    )
    .await
}

/// The token of the newest magic link mailed in a tenant (from the outbox).
async fn latest_token(app: &TestApp, tenant_id: &str) -> String {
    let mail = app.app.store.outbox(tenant_id, 1).await.expect("outbox");
    let body = &mail.first().expect("a queued mail").body;
    body.split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("token")
        .to_owned()
}

async fn consume(
    app: &TestApp,
    slug: &str,
    token: &str,
    extra: &[(&str, &str)],
) -> crate::common::Raw {
    let mut headers = vec![
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", ORIGIN),
    ];
    headers.extend_from_slice(extra);
    app.request(
        "POST",
        &format!("/{slug}/auth/magic"),
        &headers,
        &format!("token={token}"),
    )
    .await
}

async fn login(app: &TestApp, slug: &str, tenant_id: &str, email: &str) -> String {
    assert_eq!(request_link(app, slug, email).await.status, 202);
    let token = latest_token(app, tenant_id).await;
    let resp = consume(app, slug, &token, &[]).await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    resp.cookie().expect("session cookie")
}

async fn viewer(app: &TestApp, cookie: &str) -> Value {
    app.gql_cookie(cookie, "{ viewer { role name } }", json!({}))
        .await
        .json()
}

async fn a_magic_link_signs_in_once_and_a_get_never_consumes_it(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Admin).await;
    assert_eq!(
        request_link(&app, "alpha", "Sam@Alpha.example")
            .await
            .status,
        202
    );
    let token = latest_token(&app, &t).await;
    assert!(token.len() > 60, "≥128-bit secret: {token}");
    for _ in 0..2 {
        let page = app
            .request("GET", &format!("/alpha/auth/magic?token={token}"), &[], "")
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("method=\"post\""), "{}", page.body);
        assert_eq!(
            page.header("referrer-policy").as_deref(),
            Some("same-origin")
        );
    }
    let first = consume(&app, "alpha", &token, &[]).await;
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location").as_deref(), Some("/alpha/"));
    let set_cookie = first.header("set-cookie").expect("cookie");
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    let cookie = first.cookie().expect("cookie");
    assert_eq!(
        viewer(&app, &cookie).await["data"]["viewer"],
        json!({ "role": "admin", "name": "Sam Staff" })
    );
    let again = consume(&app, "alpha", &token, &[]).await;
    assert!(refused_link(&again), "a link works once");
    assert!(again.cookie().is_none());
}

async fn expired_links_and_links_of_another_tenant_do_not_sign_in(app: TestApp) {
    let (a, _) = app.tenant("alpha").await;
    let (_b, _) = app.tenant("beta").await;
    staff_user(&app, &a, "sam@alpha.example", Role::Owner).await;
    request_link(&app, "alpha", "sam@alpha.example").await;
    let token = latest_token(&app, &a).await;
    assert!(
        refused_link(&consume(&app, "beta", &token, &[]).await),
        "alpha's link on beta"
    );
    app.app.clock().advance(Duration::from_millis(
        portico::identity::service::MAGIC_LINK_MS as u64 + 1,
    ));
    assert!(
        refused_link(&consume(&app, "alpha", &token, &[]).await),
        "expired"
    );
    let fresh = {
        request_link(&app, "alpha", "sam@alpha.example").await;
        latest_token(&app, &a).await
    };
    assert_eq!(consume(&app, "alpha", &fresh, &[]).await.status, 303);
    assert!(refused_link(
        &consume(&app, "alpha", "ml_garbage", &[]).await
    ));
}

async fn known_and_unknown_addresses_get_the_same_answer(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let known = request_link(&app, "alpha", "sam@alpha.example").await;
    let unknown = request_link(&app, "alpha", "nobody@alpha.example").await;
    assert_eq!(
        (known.status, known.body.clone()),
        (unknown.status, unknown.body.clone())
    );
    assert_eq!(
        app.app.store.outbox(&t, 10).await.expect("outbox").len(),
        1,
        "mail only for the known address"
    );
    let bad = request_link(&app, "alpha", "not an email").await;
    assert_eq!(bad.status, 400);
    let events = app
        .app
        .store
        .audit_events(&admin_scope(&app, &t).await, None, 10)
        .await
        .expect("audit");
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "auth.magic_link.requested")
            .count(),
        2,
        "every attempt is audited"
    );
}

async fn admin_scope(app: &TestApp, tenant_id: &str) -> portico::core::scope::Scope {
    let token = app.token(tenant_id, Role::Owner, None).await;
    app.app
        .store
        .authenticate_token(&token)
        .await
        .expect("auth")
        .expect("scope")
}

/// Requests for one address are never refused (a stranger asking for Sam's links must not lock
/// Sam out); past five in 15 minutes, Sam's mailbox gets at most one link every two minutes.
async fn requests_for_one_address_slow_its_links_but_never_lock_it_out(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    for _ in 0..12 {
        assert_eq!(
            request_link(&app, "alpha", "sam@alpha.example")
                .await
                .status,
            202
        );
    }
    let mails = app.app.store.outbox(&t, 50).await.expect("outbox");
    assert_eq!(
        mails.len(),
        5,
        "five at the normal pace, then none within two minutes"
    );
    // The newest link in the mailbox signs Sam in.
    let token = latest_token(&app, &t).await;
    assert_eq!(consume(&app, "alpha", &token, &[]).await.status, 303);
    // Two minutes after the last link, the next request mails one again.
    app.app.clock().advance(Duration::from_millis(
        portico::identity::routes::SLOW_PACE_MS as u64 + 1,
    ));
    assert_eq!(
        request_link(&app, "alpha", "sam@alpha.example")
            .await
            .status,
        202
    );
    assert_eq!(app.app.store.outbox(&t, 50).await.expect("outbox").len(), 6);
    assert_eq!(
        request_link(&app, "alpha", "sam@alpha.example")
            .await
            .status,
        202
    );
    assert_eq!(
        app.app.store.outbox(&t, 50).await.expect("outbox").len(),
        6,
        "and then waits again"
    );
}

async fn a_new_login_gets_a_new_session_and_logout_ends_it(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let first = login(&app, "alpha", &t, "sam@alpha.example").await;
    // Logging in again from a browser that holds a session replaces it (no fixation).
    request_link(&app, "alpha", "sam@alpha.example").await;
    let token = latest_token(&app, &t).await;
    let second = consume(&app, "alpha", &token, &[("cookie", &first)])
        .await
        .cookie()
        .expect("cookie");
    assert_ne!(first, second);
    assert_eq!(
        app.gql_cookie(&first, "{ viewer { role } }", json!({}))
            .await
            .status,
        401
    );
    assert_eq!(
        viewer(&app, &second).await["data"]["viewer"]["role"],
        "owner"
    );
    let out = app
        .request(
            "POST",
            "/alpha/auth/logout",
            &[("cookie", &second), ("origin", ORIGIN)],
            "",
        )
        .await;
    assert_eq!(out.status, 303);
    assert!(out
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    assert_eq!(
        app.gql_cookie(&second, "{ viewer { role } }", json!({}))
            .await
            .status,
        401
    );
}

async fn users_list_and_revoke_their_sessions(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Member).await;
    let laptop = login(&app, "alpha", &t, "sam@alpha.example").await;
    let phone = login(&app, "alpha", &t, "sam@alpha.example").await;
    let list = app
        .gql_cookie(&laptop, "{ mySessions { id current } }", json!({}))
        .await
        .json();
    let sessions = list["data"]["mySessions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(sessions.len(), 2, "{list}");
    let other = sessions
        .iter()
        .find(|s| s["current"] == false)
        .expect("other")["id"]
        .clone();
    let revoke = app
        .gql_cookie(
            &laptop,
            "mutation($id: ID!) { revokeSession(id: $id) }",
            json!({ "id": other }),
        )
        .await
        .json();
    assert_eq!(revoke["data"]["revokeSession"], true, "{revoke}");
    assert_eq!(
        app.gql_cookie(&phone, "{ viewer { role } }", json!({}))
            .await
            .status,
        401
    );
    assert_eq!(
        viewer(&app, &laptop).await["data"]["viewer"]["role"],
        "member"
    );
    // Someone else's session cannot be revoked.
    staff_user(&app, &t, "eve@alpha.example", Role::Member).await;
    let eve = login(&app, "alpha", &t, "eve@alpha.example").await;
    let mine = app
        .gql_cookie(&laptop, "{ mySessions { id } }", json!({}))
        .await
        .json()["data"]["mySessions"][0]["id"]
        .clone();
    let denied = app
        .gql_cookie(
            &eve,
            "mutation($id: ID!) { revokeSession(id: $id) }",
            json!({ "id": mine }),
        )
        .await
        .json();
    assert_eq!(denied["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

async fn disabling_a_contact_ends_its_sessions_at_once(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let cookie = login(&app, "alpha", &t, "payer@helios.example").await;
    assert_eq!(
        viewer(&app, &cookie).await["data"]["viewer"]["role"],
        "contact_payer"
    );
    let contacts = app
        .ok(
            &owner,
            "query($c: ID!) { client(id: $c) { contacts { id email } } }",
            json!({ "c": c.client_gid }),
        )
        .await;
    let id = contacts["client"]["contacts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["email"] == "payer@helios.example"))
        .expect("payer")["id"]
        .clone();
    app.ok(
        &owner,
        "mutation($id: ID!) { disableContact(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.gql_cookie(&cookie, "{ viewer { role } }", json!({}))
            .await
            .status,
        401
    );
    let (status, _) = app
        .post(
            Some(&c.payer_token),
            "application/json",
            json!({ "query": "{ viewer { role } }" }).to_string(),
        )
        .await;
    assert_eq!(status, 401, "its API tokens end too");
    assert_eq!(
        request_link(&app, "alpha", "payer@helios.example")
            .await
            .status,
        202
    );
    assert_eq!(
        app.app.store.outbox(&t, 10).await.expect("outbox").len(),
        1,
        "no new link for a disabled contact"
    );
}

async fn cookie_requests_need_json_and_the_portals_origin(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let cookie = login(&app, "alpha", &t, "sam@alpha.example").await;
    let mutation = json!({ "query": "mutation { createClient(input: { name: \"Forged\", currency: \"EUR\" }) { id } }" }).to_string();
    let plain = app
        .request(
            "POST",
            "/graphql",
            &[
                ("content-type", "text/plain"),
                ("cookie", &cookie),
                ("origin", ORIGIN),
            ],
            &mutation,
        )
        .await;
    assert_eq!(plain.status, 415);
    let form = app
        .request(
            "POST",
            "/graphql",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", &cookie),
            ],
            &mutation,
        )
        .await;
    assert_eq!(form.status, 415);
    let foreign = app
        .request(
            "POST",
            "/graphql",
            &[
                ("content-type", "application/json"),
                ("cookie", &cookie),
                ("origin", "https://evil.example"),
            ],
            &mutation,
        )
        .await;
    assert_eq!(foreign.status, 403);
    let no_origin = app
        .request(
            "POST",
            "/graphql",
            &[("content-type", "application/json"), ("cookie", &cookie)],
            &mutation,
        )
        .await;
    assert_eq!(no_origin.status, 403);
    let clients = app
        .gql_cookie(
            &cookie,
            "{ clients { edges { node { name } } } }",
            json!({}),
        )
        .await
        .json();
    assert_eq!(
        clients["data"]["clients"]["edges"],
        json!([]),
        "nothing was created"
    );
    let logout = app
        .request(
            "POST",
            "/alpha/auth/logout",
            &[("cookie", &cookie), ("origin", "https://evil.example")],
            "",
        )
        .await;
    assert_eq!(logout.status, 403);
    let consume_foreign = app
        .request(
            "POST",
            "/alpha/auth/magic",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "https://evil.example"),
            ],
            "token=x",
        )
        .await;
    assert_eq!(consume_foreign.status, 403);
}

async fn repeated_failures_notify_staff_and_are_audited(app: TestApp) {
    let (_t, owner) = app.tenant("alpha").await;
    for i in 0..6 {
        let r = consume(&app, "alpha", &format!("ml_wrong_{i}"), &[]).await;
        assert!(refused_link(&r));
    }
    let data = app
        .ok(
            &owner,
            "{ notifications { kind message } auditEvents(first: 20) { action } }",
            json!({}),
        )
        .await;
    let notes = data["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(notes.len(), 1, "{data}");
    assert_eq!(notes[0]["kind"], "auth.failures");
    let failures = data["auditEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "auth.magic_link.failed")
        .count();
    assert_eq!(failures, 6);
}

async fn responses_carry_security_headers(app: TestApp) {
    app.tenant("alpha").await;
    let home = app.request("GET", "/", &[], "").await;
    let csp = home.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self' 'nonce-")
            && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    assert!(
        !csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")),
        "{csp}"
    );
    assert_eq!(
        home.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(home.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(
        home.header("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    let page = app
        .request("GET", "/alpha/auth/magic?token=x", &[], "")
        .await;
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("same-origin")
    );
}

async fn an_invoice_link_shows_one_invoice_until_revoked_or_expired(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    app.tenant("beta").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let inv = crate::common::invoice(&app, &owner, &c.client_gid, "120.50", true).await;
    let draft = crate::common::invoice(&app, &owner, &c.client_gid, "1", false).await;
    let create = "mutation($i: ID!, $d: Int) { createInvoiceLink(invoiceId: $i, expiresInDays: $d) { id url revoked } }";
    assert_eq!(
        app.err_code(&owner, create, json!({ "i": draft })).await,
        "CONFLICT"
    );
    assert_eq!(
        app.err_code(&c.admin_token, create, json!({ "i": inv }))
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.err_code(&owner, create, json!({ "i": inv, "d": 0 }))
            .await,
        "BAD_USER_INPUT"
    );
    let made = app.ok(&owner, create, json!({ "i": inv, "d": 30 })).await;
    let url = made["createInvoiceLink"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let path = url.trim_start_matches("http://localhost").to_owned();
    let page = app.request("GET", &path, &[], "").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("INV-2026-00001")
            && page.body.contains("€120.50")
            && page.body.contains("Helios"),
        "{}",
        page.body
    );
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    let other_tenant = path.replacen("/alpha/", "/beta/", 1);
    assert_eq!(app.request("GET", &other_tenant, &[], "").await.status, 404);
    assert_eq!(
        app.request("GET", &format!("{path}x"), &[], "")
            .await
            .status,
        404
    );
    let listed = app
        .ok(
            &owner,
            "query($i: ID!) { invoiceLinks(invoiceId: $i) { id url revoked } }",
            json!({ "i": inv }),
        )
        .await;
    assert_eq!(
        listed["invoiceLinks"][0]["url"],
        Value::Null,
        "the secret is shown once"
    );
    let data = app
        .ok(
            &owner,
            "{ notifications { kind } auditEvents(first: 5) { action actorKind } }",
            json!({}),
        )
        .await;
    assert_eq!(data["notifications"][0]["kind"], "invoice.viewed");
    assert!(
        data["auditEvents"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["action"] == "invoice_link.viewed"),
        "{data}"
    );
    let id = made["createInvoiceLink"]["id"].clone();
    app.ok(
        &owner,
        "mutation($id: ID!) { revokeInvoiceLink(id: $id) { revoked } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.request("GET", &path, &[], "").await.status,
        404,
        "revoked"
    );
    let second = app.ok(&owner, create, json!({ "i": inv, "d": 2 })).await["createInvoiceLink"]
        ["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let second = second.trim_start_matches("http://localhost").to_owned();
    assert_eq!(app.request("GET", &second, &[], "").await.status, 200);
    app.app
        .clock()
        .advance(Duration::from_secs(2 * 86_400 - 60));
    assert_eq!(
        app.request("GET", &second, &[], "").await.status,
        200,
        "still open a minute before it expires"
    );
    app.app.clock().advance(Duration::from_secs(60));
    assert_eq!(
        app.request("GET", &second, &[], "").await.status,
        404,
        "expired"
    );
}

/// The token of the newest invitation mailed in a tenant.
async fn latest_invite_token(app: &TestApp, tenant_id: &str) -> String {
    let mail = app.app.store.outbox(tenant_id, 1).await.expect("outbox");
    let body = &mail.first().expect("a queued mail").body;
    body.split("auth/invite?token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("token")
        .to_owned()
}

async fn accept(app: &TestApp, slug: &str, token: &str) -> crate::common::Raw {
    app.request(
        "POST",
        &format!("/{slug}/auth/invite"),
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", ORIGIN),
        ],
        &format!("token={token}"),
    )
    .await
}

async fn invitations_are_sent_accepted_resent_revoked_and_limited(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let invite = "mutation($i: InviteContactInput!) { inviteContact(input: $i) { id status email sentCount } }";
    let vars = |email: &str| json!({ "i": { "clientId": c.client_gid, "name": "Nia New", "email": email, "role": "PAYER" } });
    let sent = app.ok(&owner, invite, vars("nia@helios.example")).await;
    assert_eq!(sent["inviteContact"]["status"], "pending");
    let token = latest_invite_token(&app, &t).await;
    // Before accepting, the invitee cannot sign in with a magic link.
    request_link(&app, "alpha", "nia@helios.example").await;
    assert_eq!(app.app.store.outbox(&t, 10).await.expect("outbox").len(), 1);
    let page = app
        .request("GET", &format!("/alpha/auth/invite?token={token}"), &[], "")
        .await;
    assert_eq!(page.status, 200, "a GET shows the accept button only");
    let accepted = accept(&app, "alpha", &token).await;
    assert_eq!(accepted.status, 303);
    let cookie = accepted.cookie().expect("cookie");
    assert_eq!(
        viewer(&app, &cookie).await["data"]["viewer"],
        json!({ "role": "contact_payer", "name": "Nia New" })
    );
    assert!(
        refused_link(&accept(&app, "alpha", &token).await),
        "used once"
    );
    let list = app
        .ok(
            &owner,
            "query($c: ID) { invitations(clientId: $c) { id status } }",
            json!({ "c": c.client_gid }),
        )
        .await;
    assert_eq!(list["invitations"][0]["status"], "accepted");

    // Resend gives a new link; the old one stops working. Revoking takes access away at once.
    let second =
        app.ok(&owner, invite, vars("omar@helios.example")).await["inviteContact"]["id"].clone();
    let old = latest_invite_token(&app, &t).await;
    let resent = app
        .ok(
            &owner,
            "mutation($id: ID!) { resendInvitation(id: $id) { sentCount status } }",
            json!({ "id": second }),
        )
        .await;
    assert_eq!(
        resent["resendInvitation"],
        json!({ "sentCount": 2, "status": "pending" })
    );
    let new = latest_invite_token(&app, &t).await;
    assert_ne!(old, new);
    assert!(refused_link(&accept(&app, "alpha", &old).await));
    let omar = accept(&app, "alpha", &new).await.cookie().expect("cookie");
    assert_eq!(
        viewer(&app, &omar).await["data"]["viewer"]["role"],
        "contact_payer"
    );
    app.ok(
        &owner,
        "mutation($id: ID!) { revokeInvitation(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    assert_eq!(
        app.gql_cookie(&omar, "{ viewer { role } }", json!({}))
            .await
            .status,
        401
    );

    // Expired invitations read as expired and can be resent.
    let third =
        app.ok(&owner, invite, vars("pia@helios.example")).await["inviteContact"]["id"].clone();
    app.app.clock().advance(Duration::from_millis(
        portico::parties::invitations::INVITATION_MS as u64 + 1,
    ));
    let list = app
        .ok(&owner, "{ invitations { id status } }", json!({}))
        .await;
    let status = list["invitations"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == third))
        .expect("third")["status"]
        .clone();
    assert_eq!(status, "expired");
    assert!(refused_link(
        &accept(&app, "alpha", &latest_invite_token(&app, &t).await).await
    ));

    // Roles: payers and viewers cannot invite; the client's admin contact can, for its own client only.
    assert_eq!(
        app.err_code(&c.payer_token, invite, vars("x@helios.example"))
            .await,
        "FORBIDDEN"
    );
    app.ok(&c.admin_token, invite, vars("quinn@helios.example"))
        .await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    let foreign = json!({ "i": { "clientId": other.client_gid, "name": "X", "email": "x@kyklos.example", "role": "VIEWER" } });
    assert_eq!(
        app.err_code(&c.admin_token, invite, foreign).await,
        "FORBIDDEN"
    );

    // The daily limit (owner sets it) refuses more invitations with a clear error. The week the
    // clock moved above put the earlier invitations out of today's count: Quinn's is the one.
    assert_eq!(
        app.err_code(
            &c.admin_token,
            "mutation { setInvitationDailyLimit(limit: 1) }",
            json!({})
        )
        .await,
        "FORBIDDEN"
    );
    app.ok(
        &owner,
        "mutation { setInvitationDailyLimit(limit: 1) }",
        json!({}),
    )
    .await;
    let body = app.gql(&owner, invite, vars("rae@helios.example")).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("daily limit"),
        "{body}"
    );
}

both_backends!(
    invitations_are_sent_accepted_resent_revoked_and_limited,
    an_invoice_link_shows_one_invoice_until_revoked_or_expired,
    a_magic_link_signs_in_once_and_a_get_never_consumes_it,
    expired_links_and_links_of_another_tenant_do_not_sign_in,
    known_and_unknown_addresses_get_the_same_answer,
    requests_for_one_address_slow_its_links_but_never_lock_it_out,
    a_new_login_gets_a_new_session_and_logout_ends_it,
    users_list_and_revoke_their_sessions,
    disabling_a_contact_ends_its_sessions_at_once,
    cookie_requests_need_json_and_the_portals_origin,
    repeated_failures_notify_staff_and_are_audited,
    responses_carry_security_headers,
);

/// The email goes out over real SMTP and the link in it signs the user in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_email_arrives_over_smtp_and_its_link_works() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let Some(app) = TestApp::start_with(Kind::Sqlite, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    assert_eq!(
        request_link(&app, "alpha", "sam@alpha.example")
            .await
            .status,
        202
    );
    let mail = smtp.next(30).await.expect("the email arrives");
    assert_eq!(mail.to, vec!["sam@alpha.example".to_owned()]);
    assert!(
        mail.data
            .contains("Subject: Your sign-in link for Tenant alpha"),
        "{}",
        mail.data
    );
    let link = mail
        .link_containing("/alpha/auth/magic?token=")
        .expect("a link");
    let path = link.trim_start_matches("http://localhost");
    let page = app.request("GET", path, &[], "").await;
    assert_eq!(page.status, 200);
    let token = path.split("token=").nth(1).expect("token");
    let resp = consume(&app, "alpha", token, &[]).await;
    assert_eq!(resp.status, 303);
    assert_eq!(
        viewer(&app, &resp.cookie().expect("cookie")).await["data"]["viewer"]["role"],
        "owner"
    );
}

/// SMTP down, then up: the queued mail is delivered once, by the outbox worker's retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_while_smtp_is_down_arrives_once_when_it_returns() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("probe")
        .local_addr()
        .expect("addr");
    let url = format!("smtp://{port}");
    let Some(app) = TestApp::start_with(Kind::Sqlite, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    assert_eq!(
        request_link(&app, "alpha", "sam@alpha.example")
            .await
            .status,
        202
    );
    // Wait until the worker has tried and failed at least once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let outbox = app.app.store.outbox(&t, 1).await.expect("outbox");
        if outbox[0].attempts >= 1 {
            assert_eq!(outbox[0].status, "pending");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never tried"
        );
        tokio::task::yield_now().await;
    }
    let smtp = SmtpServer::start_on(port).await;
    let mail = smtp.next(60).await.expect("delivered after SMTP returns");
    assert_eq!(mail.to, vec!["sam@alpha.example".to_owned()]);
    assert!(smtp.next(5).await.is_none(), "delivered once");
    assert_eq!(
        app.app.store.outbox(&t, 1).await.expect("outbox")[0].status,
        "sent"
    );
}

/// Over https the cookie is `__Host-` and Secure, and responses carry HSTS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_cookies_are_host_prefixed_and_secure_with_hsts() {
    let Some(app) = TestApp::start_with(Kind::Sqlite, |c| {
        c.base_url = "https://portal.example.com".into()
    })
    .await
    else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    assert_eq!(
        request_link(&app, "alpha", "sam@alpha.example")
            .await
            .status,
        202
    );
    let token = latest_token(&app, &t).await;
    let resp = app
        .request(
            "POST",
            "/alpha/auth/magic",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "https://portal.example.com"),
            ],
            &format!("token={token}"),
        )
        .await;
    assert_eq!(resp.status, 303);
    let set = resp.header("set-cookie").unwrap_or_default();
    assert!(
        set.starts_with("__Host-portico_session=")
            && set.contains("; Secure")
            && set.contains("Path=/"),
        "{set}"
    );
    assert!(resp
        .header("strict-transport-security")
        .unwrap_or_default()
        .contains("max-age="));
}

/// A browser's WebSocket authenticates with its session cookie only from the portal's origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_socket_accepts_the_session_cookie_only_from_the_portals_origin() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let cookie = login(&app, "alpha", &t, "sam@alpha.example").await;
    let addr = app.spawn_server().await;
    let connect = |origin: &'static str| {
        let cookie = cookie.clone();
        async move {
            crate::common::ws::connect(addr, &[("Cookie", &cookie), ("Origin", origin)], json!({}))
                .await
                .1
        }
    };
    assert!(connect("http://localhost").await, "same origin is accepted");
    assert!(
        !connect("https://evil.example").await,
        "a foreign origin is refused"
    );
}

/// Using a session slides its idle expiry forward, never past its absolute lifetime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn using_a_session_slides_its_expiry_up_to_the_absolute_lifetime() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let clock = app.app.clock().clone();
    let before = clock.now_ms();
    let cookie = login(&app, "alpha", &t, "sam@alpha.example").await;
    let signed_in = clock.now_ms();
    let day = 86_400_000;
    let expiry = |data: &Value| {
        data["data"]["mySessions"][0]["expiresAt"]
            .as_i64()
            .unwrap_or_default()
    };
    // Twenty days on, a request slides the idle expiry to thirty days from then.
    clock.advance(Duration::from_millis(20 * day as u64));
    app.gql_cookie(&cookie, "{ viewer { role } }", json!({}))
        .await;
    let after = app
        .gql_cookie(&cookie, "{ mySessions { expiresAt } }", json!({}))
        .await
        .json();
    let slid = expiry(&after);
    assert!(
        slid >= before + 50 * day && slid <= clock.now_ms() + 30 * day,
        "slid to thirty days from the request: {after}"
    );
    // Used again at 45 and 70 days, it slides no further than 90 days from sign-in.
    for _ in 0..2 {
        clock.advance(Duration::from_millis(25 * day as u64));
        app.gql_cookie(&cookie, "{ viewer { role } }", json!({}))
            .await;
    }
    let capped = app
        .gql_cookie(&cookie, "{ mySessions { expiresAt } }", json!({}))
        .await
        .json();
    let cap = expiry(&capped);
    assert!(
        cap >= before + 90 * day && cap <= signed_in + 90 * day,
        "capped at the absolute lifetime: {capped}"
    );
    // Past it, the session no longer signs in.
    clock.advance(Duration::from_millis(21 * day as u64));
    let gone = app
        .gql_cookie(&cookie, "{ viewer { role } }", json!({}))
        .await
        .json();
    assert!(
        gone["data"]["viewer"].is_null() || gone["errors"].is_array(),
        "{gone}"
    );
}

/// The client's address behind a trusted proxy (`PORTICO_TRUSTED_PROXIES`): a stranger's flood is
/// limited to the stranger's own address; another person signs in from theirs, and their session
/// and the staff alert about failed sign-ins carry the real address.
async fn behind_a_trusted_proxy_limits_and_records_the_real_address(kind: Kind) {
    let Some(app) = TestApp::start_with(kind, |c| {
        c.trusted_proxies = portico::core::client_ip::parse_trusted("127.0.0.1/32").expect("list");
    })
    .await
    else {
        return;
    };
    let (t, _) = app.tenant("alpha").await;
    staff_user(&app, &t, "sam@alpha.example", Role::Owner).await;
    let addr = app.spawn_server().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let ask = |from: &'static str, email: String| {
        let http = http.clone();
        async move {
            http.post(format!("http://{addr}/alpha/auth/magic-link"))
                .header("x-forwarded-for", format!("6.6.6.6, {from}"))
                .json(&json!({ "email": email }))
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        }
    };
    // A stranger's flood of unknown addresses, through the proxy.
    let flood: Vec<_> = (0..30)
        .map(|i| ask("203.0.113.7", format!("nobody{i}@alpha.example")))
        .collect();
    for status in futures_util::future::join_all(flood).await {
        assert_eq!(status, 202);
    }
    assert_eq!(
        ask("203.0.113.7", "sam@alpha.example".into()).await,
        429,
        "the stranger's own address is limited"
    );
    // Sam, from another address, is not.
    assert_eq!(ask("198.51.100.9", "sam@alpha.example".into()).await, 202);
    let token = latest_token(&app, &t).await;
    let signed_in = http
        .post(format!("http://{addr}/alpha/auth/magic"))
        .header("x-forwarded-for", "198.51.100.9")
        .header("origin", ORIGIN)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("consume");
    assert_eq!(signed_in.status().as_u16(), 303);
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    let sessions = app
        .gql_cookie(&cookie, "{ mySessions { ip current } }", json!({}))
        .await
        .json();
    assert_eq!(
        sessions["data"]["mySessions"][0]["ip"], "198.51.100.9",
        "{sessions}"
    );
    // Failed sign-ins are reported to staff with the address they came from.
    for _ in 0..5 {
        let r = http
            .post(format!("http://{addr}/alpha/auth/magic"))
            .header("x-forwarded-for", "192.0.2.66")
            .header("origin", ORIGIN)
            .form(&[("token", "ml_not-a-real-token")])
            .send()
            .await
            .expect("consume");
        assert_ne!(r.status().as_u16(), 500);
    }
    let owner = app.token(&t, Role::Owner, None).await;
    let notes = app
        .ok(&owner, "{ notifications { kind params } }", json!({}))
        .await;
    let alert = notes["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .find(|n| n["kind"] == "auth.failures")
        .unwrap_or_else(|| panic!("no alert: {notes}"))
        .clone();
    let params: Value =
        serde_json::from_str(alert["params"].as_str().expect("params")).expect("json");
    assert_eq!(params["ip"], "192.0.2.66");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_sqlite() {
    behind_a_trusted_proxy_limits_and_records_the_real_address(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_postgres() {
    behind_a_trusted_proxy_limits_and_records_the_real_address(Kind::Postgres).await
}

/// Without a trusted proxy, forwarding headers are ignored: a sender cannot pick a fresh
/// rate-limit bucket by writing a different `X-Forwarded-For` each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_from_untrusted_peers_are_ignored() {
    let Some(app) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    app.tenant("alpha").await;
    let addr = app.spawn_server().await;
    let http = reqwest::Client::new();
    let flood: Vec<_> = (0..31)
        .map(|i| {
            let http = http.clone();
            async move {
                http.post(format!("http://{addr}/alpha/auth/magic-link"))
                    .header("x-forwarded-for", format!("203.0.113.{i}"))
                    .header("forwarded", format!("for=198.51.100.{i}"))
                    .json(&json!({ "email": format!("nobody{i}@alpha.example") }))
                    .send()
                    .await
                    .expect("send")
                    .status()
                    .as_u16()
            }
        })
        .collect();
    let statuses = futures_util::future::join_all(flood).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        1,
        "one bucket for the one real peer: {statuses:?}"
    );
}
