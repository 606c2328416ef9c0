//! The client portal as a business sets it up: name and brand colour (a colour white text cannot
//! be read on is refused), the sections clients see (a turned-off section is refused to contacts
//! in the API and in downloads, never to staff), and help articles in each language, rendered
//! safely; each change audited; members and contacts refused.

use crate::common::{get, invoice, party, TestApp};
use portico::core::scope::Role;
use serde_json::{json, Value};

const PROFILE: &str = "query($s: String!) { portal(slug: $s) { name brandColor clientSections } }";

async fn audit_actions(app: &TestApp, owner: &str) -> Vec<String> {
    app.ok(owner, "{ auditEvents(first: 50) { action } }", json!({}))
        .await["auditEvents"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

async fn branding_and_sections(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let member = app.token(&t, Role::Member, None).await;
    let brand = "mutation($i: BrandingInput!) { updateBranding(input: $i) }";

    app.ok(
        &owner,
        brand,
        json!({ "i": { "name": "Alpha Studio", "brandColor": "#0B5D3B" } }),
    )
    .await;
    let p = app
        .ok(&c.payer_token, PROFILE, json!({ "s": "alpha" }))
        .await["portal"]
        .clone();
    assert_eq!(
        (p["name"].as_str(), p["brandColor"].as_str()),
        (Some("Alpha Studio"), Some("#0b5d3b"))
    );
    // Too light for white text: refused, saying why, and nothing changes.
    let resp = app
        .gql(
            &owner,
            brand,
            json!({ "i": { "name": "Pale", "brandColor": "#ffe066" } }),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["field"], "brandColor",
        "{resp}"
    );
    assert!(resp["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("4.5:1")));
    for bad in ["green", "#12345", ""] {
        let code = app
            .err_code(
                &owner,
                brand,
                json!({ "i": { "name": "X", "brandColor": bad } }),
            )
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{bad}");
    }
    let p2 = app
        .ok(&c.payer_token, PROFILE, json!({ "s": "alpha" }))
        .await["portal"]
        .clone();
    assert_eq!(p2, p, "nothing changed");
    for token in [&member, &c.admin_token] {
        let code = app
            .err_code(
                token,
                brand,
                json!({ "i": { "name": "Mine", "brandColor": "#000000" } }),
            )
            .await;
        assert_eq!(code, "FORBIDDEN");
    }

    // Projects and statements off: gone from the profile, refused to contacts, kept for staff.
    let sections = "mutation($s: [ClientSection!]!) { setClientSections(sections: $s) }";
    let on = app
        .ok(
            &owner,
            sections,
            json!({ "s": ["INVOICES", "ESTIMATES", "CREDIT_NOTES", "MESSAGES", "HELP"] }),
        )
        .await;
    assert_eq!(on["setClientSections"].as_array().map(Vec::len), Some(5));
    let p = app
        .ok(&c.payer_token, PROFILE, json!({ "s": "alpha" }))
        .await["portal"]
        .clone();
    assert_eq!(
        p["clientSections"],
        json!(["INVOICES", "ESTIMATES", "CREDIT_NOTES", "MESSAGES", "HELP"])
    );
    let projects = "{ projects { id } }";
    assert_eq!(
        app.err_code(&c.payer_token, projects, json!({})).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.err_code(&c.admin_token, projects, json!({})).await,
        "FORBIDDEN"
    );
    app.ok(&owner, projects, json!({})).await;
    app.ok(&member, projects, json!({})).await;
    let statement = "query($c: ID!) { statement(clientId: $c, from: \"2026-01-01\", to: \"2026-12-31\") { closingBalance { amount } } }";
    assert_eq!(
        app.err_code(&c.payer_token, statement, json!({ "c": c.client_gid }))
            .await,
        "FORBIDDEN"
    );
    let pdf = get(
        &app,
        "/alpha/documents/statement.pdf?from=2026-01-01&to=2026-12-31",
        &c.payer_token,
    )
    .await;
    assert_eq!(pdf.status, 403, "the download is refused too");
    let pdf = get(
        &app,
        &format!(
            "/alpha/documents/statement.pdf?client={}&from=2026-01-01&to=2026-12-31",
            c.client_gid
        ),
        &owner,
    )
    .await;
    assert_eq!(pdf.status, 200, "staff keep it");
    // Invoices stay on: contacts still read theirs.
    let inv = invoice(&app, &owner, &c.client_gid, "10.00", true).await;
    app.ok(
        &c.payer_token,
        "query($id: ID!) { invoice(id: $id) { id } }",
        json!({ "id": inv }),
    )
    .await;
    // Messages off too: posting is refused.
    app.ok(&owner, sections, json!({ "s": ["INVOICES"] })).await;
    let post = "mutation($s: ID!) { postMessage(subjectId: $s, body: \"hello\") { id } }";
    assert_eq!(
        app.err_code(&c.payer_token, post, json!({ "s": inv }))
            .await,
        "FORBIDDEN"
    );
    app.ok(&owner, post, json!({ "s": inv })).await;
    // Members do not change them.
    assert_eq!(
        app.err_code(&member, sections, json!({ "s": [] })).await,
        "FORBIDDEN"
    );

    let actions = audit_actions(&app, &owner).await;
    for a in ["tenant.branding_changed", "tenant.client_sections_changed"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

async fn help_articles_in_each_language(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let member = app.token(&t, Role::Member, None).await;
    let create = "mutation($i: HelpArticleInput!) { createHelpArticle(input: $i) { id html } }";
    let list = "{ helpArticles { title locale html } }";

    // Nothing written yet.
    assert_eq!(
        app.ok(&c.payer_token, list, json!({})).await["helpArticles"],
        json!([])
    );
    let greek = app
        .ok(&owner, create, json!({ "i": { "locale": "el", "title": "Πώς πληρώνω;", "position": 1,
            "body": "Με **κάρτα** ή [μεταφορά](https://bank.example).\n\n<script>alert(1)</script>\n\nΔείτε [εδώ](javascript:alert(1)) <img src=x onerror=alert(1)>" } }))
        .await["createHelpArticle"]
        .clone();
    let html = greek["html"].as_str().unwrap_or_default();
    assert!(
        html.contains("<strong>κάρτα</strong>") && html.contains("href=\"https://bank.example\""),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(!html.contains("href=\"javascript"), "{html}");
    app.ok(
        &owner,
        create,
        json!({ "i": { "locale": "en", "title": "How do I pay?", "body": "By card." } }),
    )
    .await;

    // A contact reading Greek sees the Greek article; one reading English the English one.
    app.ok(
        &c.payer_token,
        "mutation { setMyLanguage(locale: \"el\") }",
        json!({}),
    )
    .await;
    let seen = app.ok(&c.payer_token, list, json!({})).await["helpArticles"].clone();
    assert_eq!(seen.as_array().map(Vec::len), Some(1));
    assert_eq!(seen[0]["title"], "Πώς πληρώνω;");
    let seen = app.ok(&c.admin_token, list, json!({})).await["helpArticles"].clone();
    assert_eq!(seen[0]["title"], "How do I pay?");
    // Staff see them all.
    let all = app.ok(&owner, list, json!({})).await["helpArticles"].clone();
    assert_eq!(all.as_array().map(Vec::len), Some(2));

    // An edit reads back; bad input changes nothing.
    let id = greek["id"].as_str().expect("id").to_owned();
    let update = "mutation($id: ID!, $i: HelpArticleInput!) { updateHelpArticle(id: $id, input: $i) { title body position } }";
    let edited = app
        .ok(&owner, update, json!({ "id": id, "i": { "locale": "el", "title": "Πληρωμές", "body": "Με κάρτα.", "position": 2 } }))
        .await["updateHelpArticle"]
        .clone();
    assert_eq!(
        edited,
        json!({ "title": "Πληρωμές", "body": "Με κάρτα.", "position": 2 })
    );
    for bad in [
        json!({ "locale": "fr", "title": "T", "body": "B" }),
        json!({ "locale": "el", "title": "", "body": "B" }),
        json!({ "locale": "el", "title": "T", "body": "x".repeat(20_001) }),
    ] {
        let code = app
            .err_code(&owner, update, json!({ "id": id, "i": bad }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT");
    }
    let seen = app.ok(&c.payer_token, list, json!({})).await["helpArticles"][0]["title"].clone();
    assert_eq!(seen, "Πληρωμές");

    // Only the owner and admins write them.
    for token in [&member, &c.admin_token] {
        let code = app
            .err_code(
                token,
                create,
                json!({ "i": { "locale": "en", "title": "T", "body": "B" } }),
            )
            .await;
        assert_eq!(code, "FORBIDDEN");
    }
    // Help turned off: contacts are refused the articles.
    app.ok(
        &owner,
        "mutation { setClientSections(sections: [INVOICES]) }",
        json!({}),
    )
    .await;
    assert_eq!(
        app.err_code(&c.payer_token, list, json!({})).await,
        "FORBIDDEN"
    );
    app.ok(
        &owner,
        "mutation { setClientSections(sections: [INVOICES, HELP]) }",
        json!({}),
    )
    .await;
    // Deleted, it is gone; another business cannot delete it.
    let (_, other) = app.tenant("beta").await;
    let code = app
        .err_code(
            &other,
            "mutation($id: ID!) { deleteHelpArticle(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    app.ok(
        &owner,
        "mutation($id: ID!) { deleteHelpArticle(id: $id) }",
        json!({ "id": id }),
    )
    .await;
    let left: Value = app.ok(&owner, list, json!({})).await["helpArticles"].clone();
    assert_eq!(left.as_array().map(Vec::len), Some(1));
    let actions = audit_actions(&app, &owner).await;
    for a in [
        "help_article.created",
        "help_article.updated",
        "help_article.deleted",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

/// A 1 × 1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// Logos on the local folder (SQLite) and on an S3-compatible server (PostgreSQL + moto): an SVG
/// with a script is cleaned before it is stored, served under a policy that runs nothing, and
/// printed on documents; a PNG replaces it; bad files, members and contacts are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logos_are_kept_in_the_file_store_and_served_safely() {
    use crate::common::s3::S3Server;
    use crate::common::Kind;
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let s3 = match kind {
            Kind::Postgres => match S3Server::start().await {
                Some(s) => Some(s),
                None => continue,
            },
            Kind::Sqlite => None,
        };
        let files = s3.as_ref().map(S3Server::files);
        let Some(app) = TestApp::start_with(kind, |c| {
            if let Some(f) = files {
                c.files = f;
            }
        })
        .await
        else {
            continue;
        };
        let (t, owner) = app.tenant("alpha").await;
        let c = party(&app, &t, &owner, "Helios", "EUR").await;
        let member = app.token(&t, Role::Member, None).await;
        let set = "mutation($i: String!) { setLogo(image: $i) }";
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="#0b5d3b"/></svg>"##;
        let uri = |mime: &str, bytes: &[u8]| {
            use base64::Engine;
            format!(
                "data:{mime};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
        };
        let path = app
            .ok(
                &owner,
                set,
                json!({ "i": uri("image/svg+xml", svg.as_bytes()) }),
            )
            .await["setLogo"]
            .as_str()
            .expect("path")
            .to_owned();
        assert!(
            path.starts_with("/alpha/brand/logo-") && path.ends_with(".svg"),
            "{path}"
        );
        let p = app
            .ok(&c.payer_token, PROFILE_LOGO, json!({ "s": "alpha" }))
            .await;
        assert_eq!(p["portal"]["logo"], path.as_str());
        let served = app.request("GET", &path, &[], "").await;
        assert_eq!(served.status, 200);
        assert_eq!(
            served.header("content-type").as_deref(),
            Some("image/svg+xml")
        );
        assert!(served
            .header("content-security-policy")
            .is_some_and(|v| v.contains("sandbox")));
        let body = served.body.clone();
        assert!(
            !body.contains("script") && !body.contains("onload"),
            "{body}"
        );
        assert!(body.contains("<rect") && body.contains("#0b5d3b"), "{body}");
        // On S3 the bucket holds exactly what is served.
        if let Some(s3) = &s3 {
            let key = format!(
                "tenants/{t}/{}",
                path.rsplit('/').next().unwrap_or_default()
            );
            assert_eq!(
                s3.object(&key).await.as_deref(),
                Some(served.bytes.as_slice())
            );
        }
        // Documents print it (and still draw).
        let inv = invoice(&app, &owner, &c.client_gid, "10.00", true).await;
        let pdf = get(
            &app,
            &format!("/alpha/documents/invoice/{inv}.pdf"),
            &c.payer_token,
        )
        .await;
        assert_eq!(pdf.status, 200);

        // A PNG replaces it; the old address no longer answers.
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(PNG)
            .expect("png");
        let path2 = app
            .ok(&owner, set, json!({ "i": uri("image/png", &png) }))
            .await["setLogo"]
            .as_str()
            .expect("path")
            .to_owned();
        let served = app.request("GET", &path2, &[], "").await;
        assert_eq!(
            (served.status.as_u16(), served.bytes.clone()),
            (200, png.clone())
        );
        assert_eq!(served.header("content-type").as_deref(), Some("image/png"));
        assert_eq!(app.request("GET", &path, &[], "").await.status, 404);
        assert_eq!(
            app.request("GET", &path2.replace("/alpha/", "/beta/"), &[], "")
                .await
                .status,
            404
        );
        let pdf = get(
            &app,
            &format!("/alpha/documents/invoice/{inv}.pdf"),
            &c.payer_token,
        )
        .await;
        assert_eq!(pdf.status, 200);

        // Refused: another kind of file, an SVG declaring entities, and anyone but owner/admin.
        for bad in [
            uri("image/gif", b"GIF89a\x01\x00\x01\x00"),
            uri(
                "image/svg+xml",
                br#"<!DOCTYPE svg [<!ENTITY a "x">]><svg>&a;</svg>"#,
            ),
            "not a data uri".to_owned(),
        ] {
            let resp = app.gql(&owner, set, json!({ "i": bad })).await;
            assert_eq!(resp["errors"][0]["extensions"]["field"], "logo", "{resp}");
        }
        for token in [&member, &c.admin_token] {
            let code = app
                .err_code(token, set, json!({ "i": uri("image/png", &png) }))
                .await;
            assert_eq!(code, "FORBIDDEN");
        }
        let p = app
            .ok(&c.payer_token, PROFILE_LOGO, json!({ "s": "alpha" }))
            .await;
        assert_eq!(p["portal"]["logo"], path2.as_str(), "unchanged by refusals");
        // Removed: the name shows instead.
        app.ok(&owner, "mutation { removeLogo }", json!({})).await;
        let p = app
            .ok(&c.payer_token, PROFILE_LOGO, json!({ "s": "alpha" }))
            .await;
        assert_eq!(p["portal"]["logo"], Value::Null);
        assert_eq!(app.request("GET", &path2, &[], "").await.status, 404);
        let actions = audit_actions(&app, &owner).await;
        assert!(actions.iter().any(|a| a == "tenant.logo_changed"));
        assert!(actions.iter().any(|a| a == "tenant.logo_removed"));
    }
}

const PROFILE_LOGO: &str = "query($s: String!) { portal(slug: $s) { logo } }";

/// `portico tenant create … --owner-email`: the business and its owner exist, the owner's
/// welcome email arrives over SMTP with a link that still signs in two days later (once), and
/// the dashboard's first steps tick off as they are done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_business_gets_its_owner_a_welcome_link_and_first_steps() {
    use crate::common::smtp::SmtpServer;
    use crate::common::Kind;
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let smtp = SmtpServer::start().await;
        let url = smtp.url();
        let Some(app) = TestApp::start_with(kind, |c| c.smtp_url = Some(url)).await else {
            continue;
        };
        let t = app
            .app
            .store
            .create_business(portico::identity::onboarding::NewBusiness {
                slug: portico::domain::Slug::parse("new-biz").expect("slug"),
                name: "New Biz".into(),
                currency: portico::domain::Currency::parse("EUR").expect("currency"),
                owner_email: portico::domain::Email::parse("nora@newbiz.example").expect("email"),
                owner_name: "Nora".into(),
                signed_up: false,
            })
            .await
            .expect("created");
        let mail = loop {
            let m = smtp.next(20).await.expect("the welcome email arrives");
            if m.to.iter().any(|t| t.contains("nora@newbiz.example")) {
                break m;
            }
        };
        assert!(
            mail.data.contains("New Biz's client portal is ready"),
            "{}",
            mail.data
        );
        let link = mail
            .link_containing("/new-biz/auth/magic?token=")
            .expect("a link");
        let token = link.split("token=").nth(1).expect("token").to_owned();
        // Still good two days later, once.
        app.app
            .clock()
            .advance(std::time::Duration::from_secs(2 * 86_400));
        let origin = app.app.config.origin();
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", origin.as_str()),
        ];
        let body = format!("token={token}");
        let done = app
            .request("POST", "/new-biz/auth/magic", &headers, &body)
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let cookie = done.cookie().expect("session");
        let again = app
            .request("POST", "/new-biz/auth/magic", &headers, &body)
            .await;
        assert!(again.cookie().is_none(), "used once");
        let steps = "{ viewer { role } gettingStarted { branding paymentMethod firstClient firstInvoice done } }";
        let first = app.gql_cookie(&cookie, steps, json!({})).await.json();
        assert_eq!(first["data"]["viewer"]["role"], "owner", "{first}");
        assert_eq!(
            first["data"]["gettingStarted"],
            json!({ "branding": false, "paymentMethod": false, "firstClient": false, "firstInvoice": false, "done": false })
        );
        let owner = app.token(&t.id, Role::Owner, None).await;
        app.ok(
            &owner,
            "mutation { updateBranding(input: { name: \"New Biz\", brandColor: \"#0b5d3b\" }) }",
            json!({}),
        )
        .await;
        app.ok(
            &owner,
            "mutation { updateDocumentSettings(input: { iban: \"GR1601101250000000012300695\" }) }",
            json!({}),
        )
        .await;
        let client = app
            .ok(
                &owner,
                "mutation { createClient(input: { name: \"First\" }) { id currency } }",
                json!({}),
            )
            .await["createClient"]
            .clone();
        assert_eq!(
            client["currency"], "EUR",
            "the business's currency by default"
        );
        invoice(
            &app,
            &owner,
            client["id"].as_str().expect("id"),
            "10",
            false,
        )
        .await;
        let last = app.gql_cookie(&cookie, steps, json!({})).await.json();
        assert_eq!(last["data"]["gettingStarted"]["done"], true, "{last}");
        let member = app.token(&t.id, Role::Member, None).await;
        assert_eq!(
            app.err_code(&member, "{ gettingStarted { done } }", json!({}))
                .await,
            "FORBIDDEN"
        );
    }
}

/// Sessions last as long as the business says, within the deployment's bounds: a shorter limit
/// also ends the sessions already open once they pass it.
async fn session_lifetime_is_the_businesss_within_bounds(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let member = app.token(&t, Role::Member, None).await;
    let set = "mutation($i: Int!, $a: Int!) { setSessionLifetime(idleDays: $i, absoluteDays: $a) }";
    for (i, a) in [(0, 10), (31, 40), (5, 4), (5, 91)] {
        let code = app.err_code(&owner, set, json!({ "i": i, "a": a })).await;
        assert_eq!(code, "BAD_USER_INPUT", "{i} {a}");
    }
    assert_eq!(
        app.err_code(&member, set, json!({ "i": 1, "a": 2 })).await,
        "FORBIDDEN"
    );
    // Its payer contact signs in.
    party(&app, &t, &owner, "Helios", "EUR").await;
    let email = "payer@helios.example";
    let cookie = app.sign_in("alpha", email).await;
    let me = "{ viewer { name } }";
    assert!(app.gql_cookie(&cookie, me, json!({})).await.json()["errors"].is_null());
    // Down to one day unused and two in all: the open session follows.
    app.ok(&owner, set, json!({ "i": 1, "a": 2 })).await;
    let s = app
        .ok(
            &owner,
            "{ businessSettings { sessionIdleDays sessionAbsoluteDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        s["businessSettings"],
        json!({ "sessionIdleDays": 1, "sessionAbsoluteDays": 2 })
    );
    app.app
        .clock()
        .advance(std::time::Duration::from_secs(20 * 3600));
    assert!(
        app.gql_cookie(&cookie, me, json!({})).await.json()["errors"].is_null(),
        "used within a day"
    );
    app.app
        .clock()
        .advance(std::time::Duration::from_secs(30 * 3600));
    let after = app.gql_cookie(&cookie, me, json!({})).await.json();
    assert_eq!(
        after["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{after}"
    );
    // A new sign-in gets the new limits too: a day and a half unused ends it.
    let fresh = app.sign_in("alpha", email).await;
    app.app
        .clock()
        .advance(std::time::Duration::from_secs(36 * 3600));
    let idle = app.gql_cookie(&fresh, me, json!({})).await.json();
    assert_eq!(
        idle["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{idle}"
    );
    assert!(audit_actions(&app, &owner)
        .await
        .iter()
        .any(|a| a == "tenant.session_lifetime_changed"));
}

crate::both_backends!(
    branding_and_sections,
    help_articles_in_each_language,
    session_lifetime_is_the_businesss_within_bounds
);
