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

crate::both_backends!(branding_and_sections, help_articles_in_each_language);
