//! The portal in a real browser: Debian's headless Chromium over WebDriver, against the real server
//! (SQLite, in-process bus, demo data, mail over a loopback SMTP server) with the WASM bundle that
//! `cargo xtask client` builds. Covers sign-in by magic link and by passkey (Chromium's virtual
//! authenticator), filtering and paying invoices with the status changing live, the staff feed
//! updating live, deciding an estimate, posting a message, every page at desktop and phone widths
//! (screenshots under test-output/screenshots, axe-core with no serious or critical violations, no
//! console errors), and every page complete with JavaScript off.

mod common;
#[path = "browser/staff.rs"]
mod staff;

use std::net::SocketAddr;
use std::path::PathBuf;

use common::smtp::SmtpServer;
use common::webdriver::{Browser, Driver};
use common::{Kind, TestApp};
use portico::core::scope::Role;
use serde_json::{json, Value};

const TENANT: &str = "acme";

struct Portal {
    app: TestApp,
    smtp: SmtpServer,
    base: String,
    owner_token: String,
    contact_token: String,
    contact_email: String,
    staff_email: String,
    http: reqwest::Client,
}

/// The checkout under test (from `cargo test`'s environment: a binary built in another checkout
/// sharing the target directory must not test that one).
fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("..")
}

fn output_dir() -> PathBuf {
    repo().join("test-output")
}

/// Fails under CI (skips otherwise) when the browser bundle has not been built.
fn bundle_built() -> bool {
    let wasm = repo().join("web/public/wasm/portal_bg.wasm");
    if wasm.is_file() {
        return true;
    }
    let msg = "the portal's WASM bundle is missing: run `cargo xtask client`";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
    false
}

impl Portal {
    async fn start() -> Option<Portal> {
        if !bundle_built() {
            return None;
        }
        let smtp = SmtpServer::start().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Passkeys need a host name, not an IP address: the portal lives at localhost.
        let base = format!("http://localhost:{port}");
        let smtp_url = smtp.url();
        let b = base.clone();
        // Crypto payments through a local PassimPay, so the pay page offers them.
        let passimpay = common::passimpay::FakePassimpay::start(4242, "platform-secret").await;
        let passimpay_url = passimpay.url();
        let app = TestApp::start_with(Kind::Sqlite, move |c| {
            c.base_url = b;
            c.smtp_url = Some(smtp_url);
            c.public_signup = true;
            c.passimpay_api_base = passimpay_url;
        })
        .await?;
        portico::cli::demo::seed_if_empty(&app.app.store)
            .await
            .expect("demo data");
        portico::cli::demo::seed_webhooks(&app.app, &base)
            .await
            .expect("demo webhooks");
        std::mem::forget(passimpay);
        let router = app.router.clone();
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        let tenant = app
            .app
            .store
            .tenant_by_slug(TENANT)
            .await
            .expect("tenant")
            .expect("acme exists");
        let owner_token = app.token(&tenant.id, Role::Owner, None).await;
        app.ok(
            &owner_token,
            "mutation { setPassimpayCredentials(platformId: \"4242\", secretKey: \"platform-secret\") }",
            json!({}),
        )
        .await;
        let clients = app
            .ok(
                &owner_token,
                "{ clients(first: 1) { nodes { contacts { id email role } } } }",
                json!({}),
            )
            .await;
        let admin = clients["clients"]["nodes"][0]["contacts"]
            .as_array()
            .expect("contacts")
            .iter()
            .find(|c| c["role"] == "ADMIN")
            .expect("an admin contact")
            .clone();
        let contact_email = admin["email"].as_str().expect("email").to_owned();
        let contact_id = admin["id"].as_str().expect("id").to_owned();
        let contact_id = portico::core::ids::decode(&async_graphql::ID(contact_id), "Contact")
            .expect("contact id");
        let contact_token = app
            .token(&tenant.id, Role::ContactAdmin, Some(&contact_id))
            .await;
        Some(Portal {
            app,
            smtp,
            base,
            owner_token,
            contact_token,
            contact_email,
            staff_email: "olivia@acme.example".into(),
            http: reqwest::Client::new(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{TENANT}{path}", self.base)
    }

    /// The sign-in link from the next email to `to`.
    async fn link_for(&self, to: &str) -> String {
        loop {
            let mail = self.smtp.next(20).await.expect("a sign-in email arrives");
            if mail.to.iter().any(|t| t.contains(to)) {
                return mail.link_containing("/auth/magic").expect("a link");
            }
        }
    }

    /// Signs `browser` in as `email`: the sign-in form, the email over SMTP, its link.
    async fn sign_in_with_form(&self, browser: &Browser, email: &str) {
        browser.goto(&self.url("/sign-in")).await;
        browser.type_into("#email", email).await;
        browser
            .click("form[action$='/auth/magic-link'] button")
            .await;
        browser.wait_text("main", "on its way").await;
        let link = self.link_for(email).await;
        browser.goto(&link).await;
        browser.click("form button[type=submit]").await;
        browser.find("nav.menu").await;
    }

    /// Signs in without the form (for tests about other things): asks for a link over HTTP.
    async fn sign_in(&self, browser: &Browser, email: &str) {
        let r = self
            .http
            .post(self.url("/auth/magic-link"))
            .json(&json!({ "email": email }))
            .send()
            .await
            .expect("magic link request");
        assert_eq!(r.status().as_u16(), 202);
        let link = self.link_for(email).await;
        browser.goto(&link).await;
        browser.click("form button[type=submit]").await;
        browser.find("nav.menu").await;
    }

    async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.app.ok(token, query, variables).await
    }
}

/// Fails on console errors (CSP violations, failed loads, panics); returns the warnings.
async fn assert_clean_console(browser: &Browser, page: &str) {
    // A page that is meant to answer 404, 400 or 403 logs its own status; nothing else may.
    let expected_status =
        page.contains("nope") || page.contains("no/such") || page.contains("error=");
    let errors: Vec<String> = browser
        .console()
        .await
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .filter(|e| {
            !(expected_status
                && e["message"].as_str().is_some_and(|m| {
                    ["status of 404", "status of 400", "status of 403"]
                        .iter()
                        .any(|s| m.contains(s))
                }))
        })
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(errors.is_empty(), "console errors on {page}: {errors:#?}");
}

/// Runs axe-core in the page; returns serious and critical WCAG violations.
async fn axe(browser: &Browser) -> Vec<String> {
    let path = repo().join("tests/browser/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("axe-core is missing: npm ci --prefix tests/browser (tests/run does it)")
    });
    browser
        .js(&format!("{source}\nreturn true;"), json!([]))
        .await;
    let r = browser
        .js_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            json!([]),
        )
        .await;
    r.as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Magic-link sign-in (email read from the SMTP server), search and filter invoices, open one,
/// pay it through the demo gateway and watch the status change without a reload while a staff
/// browser receives the payment in its live feed; then accept an estimate and post a message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signs_in_pays_and_staff_see_it_live() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let client = driver.session(1280, 900, true).await;
    let staff = driver.session(1280, 900, true).await;

    // Staff watch the live feed.
    portal.sign_in(&staff, &portal.staff_email).await;
    staff.goto(&portal.url("/staff/payments")).await;
    staff
        .wait_js(
            "the feed to go live",
            "return document.querySelector('#feed-state')?.dataset.live === 'on'",
        )
        .await;
    staff
        .js("window.__stayed = 'yes'; return true;", json!([]))
        .await;

    // The client signs in with the emailed link.
    portal
        .sign_in_with_form(&client, &portal.contact_email)
        .await;
    assert!(client.text("h1").await.contains("Dashboard"));
    assert!(client.text("main").await.contains("Amount due"));

    // Keyboard: the first Tab reaches the skip link, which takes focus to the page's content;
    // the next Tab goes to the content's first control, not back to the menu.
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    client.press(TAB).await;
    assert_eq!(
        client
            .js("return document.activeElement.className", json!([]))
            .await,
        json!("skip")
    );
    client.press(ENTER).await;
    client
        .wait_js(
            "focus on the content",
            "return document.activeElement.id === 'content'",
        )
        .await;
    client.press(TAB).await;
    assert_eq!(
        client.js("return !!document.activeElement.closest('main') && !document.activeElement.closest('nav')", json!([])).await,
        json!(true)
    );

    // Search by number, then filter by status.
    let open = portal
        .gql(
            &portal.contact_token,
            "{ invoices(first: 50, filter: { status: [ISSUED] }) { nodes { id number balance { amount } } } }",
            json!({}),
        )
        .await;
    let target = open["invoices"]["nodes"][0].clone();
    let number = target["number"]
        .as_str()
        .expect("an open invoice")
        .to_owned();
    client.goto(&portal.url("/invoices")).await;
    client.type_into("#f-q", &number).await;
    client.click("form.filters button[type=submit]").await;
    client.wait_js("the search result", &format!(
        "return location.search.includes('q=') && document.querySelectorAll('table.invoices tbody tr').length === 1 && document.querySelector('table.invoices tbody').innerText.includes('{number}')"
    )).await;
    client.goto(&portal.url("/invoices?status=paid")).await;
    let rows = client
        .js("return [...document.querySelectorAll('table.invoices tbody tr')].map(r => r.innerText)", json!([]))
        .await;
    let rows = rows.as_array().expect("rows");
    assert!(!rows.is_empty(), "some paid invoices");
    assert!(
        rows.iter()
            .all(|r| r.as_str().unwrap_or("").contains("paid")),
        "{rows:?}"
    );

    // Open the invoice and pay it through the demo gateway, leaving it pending at first.
    client.goto(&portal.url("/invoices")).await;
    client.type_into("#f-q", &number).await;
    client.click("form.filters button[type=submit]").await;
    client
        .wait_js("the search", "return location.search.includes('q=')")
        .await;
    client
        .click(&format!(
            "table.invoices a[href$='/invoices/{}']",
            target["id"].as_str().unwrap_or_default()
        ))
        .await;
    client.wait_text("h1", &number).await;
    client
        .click("a.button.primary[href*='/pay?invoice=']")
        .await;
    client.find("form.pay").await;
    // Only this invoice, through the demo gateway.
    client
        .js(
            "document.querySelectorAll('form.pay input[name=invoice]').forEach(i => i.checked = i.value === arguments[0]);
             document.querySelector('#m-DEMO').checked = true; return true;",
            json!([target["id"]]),
        )
        .await;
    client.click("form.pay button[type=submit]").await;
    client.wait_text("h1", "Demo payment").await;
    let demo_page = client.url().await;
    client.click("input[value=pending] + button").await;
    client.wait_js("the return page to go live", "const s = document.querySelector('#attempt-status'); return s?.dataset.status === 'processing' && s?.dataset.live === 'on'").await;
    client
        .js("window.__stayed = 'yes'; return true;", json!([]))
        .await;

    // The gateway reports success out of band (as a webhook would).
    let r = portal
        .http
        .post(&demo_page)
        .header("Origin", &portal.base)
        .form(&[("outcome", "succeeded")])
        .send()
        .await
        .expect("gateway");
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "{}",
        r.status()
    );

    client
        .wait_js(
            "the status to turn succeeded",
            "return document.querySelector('#attempt-status')?.dataset.status === 'succeeded'",
        )
        .await;
    assert_eq!(
        client.js("return window.__stayed", json!([])).await,
        json!("yes"),
        "the client page reloaded"
    );
    let paid = portal
        .gql(
            &portal.contact_token,
            "query($id: ID!) { invoice(id: $id) { status balance { minor } } }",
            json!({ "id": target["id"] }),
        )
        .await;
    assert_eq!(paid["invoice"]["status"], "PAID");
    let receipt = client.text("#attempt-status").await;
    assert!(
        receipt.contains("See the receipt") && receipt.contains("PAY-"),
        "{receipt}"
    );

    // Staff saw it arrive without a reload.
    let payment_number = portal
        .gql(
            &portal.owner_token,
            "{ payments(first: 1) { nodes { number } } }",
            json!({}),
        )
        .await["payments"]["nodes"][0]["number"]
        .as_str()
        .expect("payment")
        .to_owned();
    staff
        .wait_js(
            "the payment in the feed",
            &format!(
        "return !!document.querySelector('#payments-feed li[data-number=\"{payment_number}\"]')"
    ),
        )
        .await;
    assert_eq!(
        staff.js("return window.__stayed", json!([])).await,
        json!("yes"),
        "the staff page reloaded"
    );
    // The new row is marked new, with its time of day, status and client.
    let row = staff
        .js(
            &format!("const li = document.querySelector('#payments-feed li[data-number=\"{payment_number}\"]'); return [li.className, li.textContent];"),
            json!([]),
        )
        .await;
    assert_eq!(row[0], "new", "{row}");
    let text = row[1].as_str().unwrap_or_default();
    assert!(
        text.split(|c: char| c.is_whitespace()).any(|w| w.len() == 5
            && w.as_bytes()[2] == b':'
            && w.replace(':', "").bytes().all(|b| b.is_ascii_digit()))
            && text.contains("New")
            && text.contains("succeeded"),
        "{text}"
    );
    assert_clean_console(&client, "payment").await;
    assert_clean_console(&staff, "staff feed").await;

    // Accept an estimate with a comment: the list leads to it, the confirmation says what is
    // accepted.
    let estimate_id = portal
        .gql(
            &portal.contact_token,
            "{ estimates(first: 100) { nodes { id status } } }",
            json!({}),
        )
        .await["estimates"]["nodes"]
        .as_array()
        .and_then(|list| list.iter().find(|e| e["status"] == "SENT").cloned())
        .expect("a sent estimate")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    client.goto(&portal.url("/estimates")).await;
    client
        .click(&format!("a.button[href$='/estimates/{estimate_id}']"))
        .await;
    client
        .click("a.button.primary[href*='decide=accept']")
        .await;
    client.wait_text("#decision", "Accept estimate").await;
    client
        .type_into("#decision-comment", "Looks good, go ahead")
        .await;
    client
        .click("form[action$='/accept'] button[type=submit]")
        .await;
    client.wait_text("main", "accepted.").await;
    client
        .wait_text("section.decision", "Looks good, go ahead")
        .await;
    let e = portal
        .gql(
            &portal.contact_token,
            "query($id: ID!) { node(id: $id) { ... on Estimate { status decisionComment } } }",
            json!({ "id": estimate_id }),
        )
        .await;
    assert_eq!(e["node"]["status"], "ACCEPTED");

    // Post a message in a thread: the staff page's Messages badge counts it without a reload.
    let badge = "const a = document.querySelector('nav.menu a[href$=\"/messages\"] .badge'); return a ? parseInt(a.textContent) : 0;";
    let before = staff.js(badge, json!([])).await.as_i64().unwrap_or(0);
    client.goto(&portal.url("/messages")).await;
    client.click("ul.threads li a").await;
    client
        .type_into("#m-body", "Could you send the timesheet too?")
        .await;
    client
        .click("form[action*='/messages/'] button[type=submit]")
        .await;
    client
        .wait_text("ol.messages", "Could you send the timesheet too?")
        .await;
    assert_clean_console(&client, "messages").await;
    staff
        .wait_js(
            "the staff menu's unread messages to go up",
            &format!(
                "const a = document.querySelector('nav.menu a[href$=\"/messages\"] .badge'); return !!a && parseInt(a.textContent) > {before};"
            ),
        )
        .await;
    assert_eq!(
        staff.js("return window.__stayed", json!([])).await,
        json!("yes"),
        "the staff page reloaded"
    );

    client.close().await;
    staff.close().await;
}

/// A contact adds a passkey with the browser's virtual authenticator, signs out, and signs back
/// in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_is_registered_and_signs_in() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let b = driver.session(1280, 900, true).await;
    let authenticator = b.virtual_authenticator().await;
    portal.sign_in(&b, &portal.contact_email).await;
    b.goto(&portal.url("/settings")).await;
    b.wait_js(
        "the page to hydrate",
        "return document.documentElement.dataset.hydrated === '1'",
    )
    .await;
    b.click("#passkey-add").await;
    b.wait_js(
        "the passkey to be saved",
        "return location.search.includes('done=passkey')",
    )
    .await;
    b.wait_text("main", "Passkey on").await;
    assert_eq!(b.credentials(&authenticator).await.len(), 1);

    b.click("form[action$='/auth/logout'] button").await;
    b.wait_js(
        "the sign-in page",
        "return !!document.querySelector('#passkey-login')",
    )
    .await;
    b.goto(&portal.url("/sign-in")).await;
    b.wait_js(
        "the page to hydrate",
        "return document.documentElement.dataset.hydrated === '1'",
    )
    .await;
    b.click("#passkey-login").await;
    b.wait_js(
        "the dashboard",
        "return !!document.querySelector('nav.menu')",
    )
    .await;
    assert!(b.text("h1").await.contains("Dashboard"));
    assert_clean_console(&b, "passkeys").await;
    b.close().await;
}

type Pages = Vec<(&'static str, String, &'static str)>;

/// The pages a contact and a staff member can open: (name, path, a text the page must show).
async fn pages(portal: &Portal) -> (Pages, Pages) {
    let ids = portal
        .gql(
            &portal.contact_token,
            "{ invoices(first: 1, filter: { status: [PARTIALLY_PAID] }) { nodes { id } } payments(first: 1) { nodes { id } } threads { id } }",
            json!({}),
        )
        .await;
    let invoice = ids["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("invoice")
        .to_owned();
    let payment = ids["payments"]["nodes"][0]["id"]
        .as_str()
        .expect("payment")
        .to_owned();
    let thread = ids["threads"][0]["id"].as_str().expect("thread").to_owned();
    let pending = portal
        .gql(
            &portal.owner_token,
            "{ invitations { id status } }",
            json!({}),
        )
        .await["invitations"]
        .as_array()
        .and_then(|list| list.iter().find(|i| i["status"] == "pending").cloned())
        .expect("the demo has a pending invitation")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let client_id = portal
        .gql(
            &portal.owner_token,
            "{ clients(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["clients"]["nodes"][0]["id"]
        .as_str()
        .expect("client")
        .to_owned();
    let draft = portal
        .gql(
            &portal.owner_token,
            "{ invoices(first: 1, filter: { status: [DRAFT] }) { nodes { id } } }",
            json!({}),
        )
        .await["invoices"]["nodes"][0]["id"]
        .as_str()
        .expect("the demo has a draft invoice")
        .to_owned();
    let client = vec![
        ("dashboard", "/".to_owned(), "Amount due"),
        ("invoices", "/invoices".to_owned(), "Invoices"),
        ("invoice", format!("/invoices/{invoice}"), "Balance"),
        (
            "invoice-print",
            format!("/invoices/{invoice}?print=1"),
            "Bill to",
        ),
        ("pay", "/pay".to_owned(), "What you are paying"),
        (
            "pay-choose",
            "/pay?choose=1".to_owned(),
            "Choose what to pay",
        ),
        (
            "invoice-missing",
            "/invoices/nope".to_owned(),
            "Invoice not found",
        ),
        ("not-found", "/no/such/page".to_owned(), "Page not found"),
        ("payments", "/payments".to_owned(), "Payment history"),
        ("receipt", format!("/payments/{payment}"), "Receipt"),
        ("estimates", "/estimates".to_owned(), "Estimates"),
        ("credit-notes", "/credit-notes".to_owned(), "Credit notes"),
        ("statement", "/statement".to_owned(), "Closing balance"),
        ("projects", "/projects".to_owned(), "By task"),
        ("messages", "/messages".to_owned(), "Messages"),
        ("thread", format!("/messages/{thread}"), "Write a message"),
        ("settings", "/settings".to_owned(), "Billing details"),
        ("help", "/help".to_owned(), "Frequently asked questions"),
    ];
    let staff = vec![
        ("dashboard", "/".to_owned(), "Amount due"),
        (
            "live-payments",
            "/staff/payments".to_owned(),
            "Live payments",
        ),
        ("clients", "/staff/clients".to_owned(), "New client"),
        (
            "client",
            format!("/staff/clients/{client_id}"),
            "Billing details",
        ),
        (
            "client-statement",
            format!("/statement?client={client_id}"),
            "Closing balance",
        ),
        ("invitations", "/staff/invitations".to_owned(), "Invite"),
        (
            "notifications",
            "/staff/notifications".to_owned(),
            "Notifications",
        ),
        ("invoices", "/invoices".to_owned(), "New invoice"),
        (
            "invoice",
            format!("/invoices/{invoice}"),
            "Record a payment",
        ),
        (
            "invoice-new",
            format!("/staff/invoices/new?client={client_id}"),
            "Save and issue",
        ),
        (
            "invoice-edit",
            format!("/staff/invoices/{draft}/edit"),
            "Save draft",
        ),
        ("portal", "/staff/portal".to_owned(), "Sections clients see"),
        ("webhooks", "/staff/webhooks".to_owned(), "Add an endpoint"),
        ("estimates", "/estimates".to_owned(), "New estimate"),
        (
            "estimate-new",
            format!("/staff/estimates/new?client={client_id}"),
            "Save and send",
        ),
        ("settings", "/settings".to_owned(), "Business details"),
        (
            "invitation-revoke",
            format!("/staff/invitations?revoke={pending}"),
            "Revoke this invitation?",
        ),
    ];
    (client, staff)
}

/// Every page at desktop and phone widths: a screenshot, axe-core without serious or critical
/// violations, no sideways scrolling, and no console errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_at_desktop_and_phone_widths() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (client_pages, staff_pages) = pages(&portal).await;
    let dir = output_dir().join("screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    let mut problems = Vec::new();

    // Pages people reach before signing in: the sign-in page and the pages emailed links open.
    let signed_out = driver.session(1280, 900, true).await;
    for (lang, width, w, h) in [
        ("en", "desktop", 1280, 900),
        ("en", "phone", 390, 844),
        ("el", "desktop", 1280, 900),
        ("el", "phone", 390, 844),
    ] {
        signed_out.resize(w, h).await;
        // Before signing in, the language comes from the `portico_lang` cookie.
        signed_out.goto(&portal.url("/sign-in")).await;
        signed_out
            .js(
                &format!("document.cookie = 'portico_lang={lang}; path=/'; return true;"),
                json!([]),
            )
            .await;
        let suffix = if lang == "en" { "" } else { "-el" };
        for (name, path, css) in [
            ("sign-in", "/sign-in", "#email"),
            ("sign-in-sent", "/sign-in?sent=1", "#link-sent"),
            ("magic-link", "/auth/magic?token=ml_example", "#use-link"),
            ("magic-link-used", "/auth/magic?error=used", "main h1"),
            ("magic-link-network", "/auth/magic?error=network", "main h1"),
            ("invitation-invalid", "/auth/invite?token=nope", "main h1"),
        ] {
            signed_out.goto(&portal.url(path)).await;
            signed_out.find(css).await;
            let html_lang = signed_out
                .js("return document.documentElement.lang", json!([]))
                .await;
            assert_eq!(html_lang, json!(lang), "{path} in {lang}");
            signed_out
                .full_screenshot(&dir.join(format!("{name}-{width}{suffix}.png")), w, h)
                .await;
            for v in axe(&signed_out).await {
                problems.push(format!("{name} ({width}, {lang}): {v}"));
            }
            assert_clean_console(&signed_out, path).await;
        }
        // The deployment's own pages: public sign-up.
        for (name, path, css) in [
            ("signup", "/signup", "#signup"),
            ("signup-error", "/signup?error=slug_taken&business=Acme&slug=acme&name=Ann&email=ann%40example.com&currency=EUR", "#signup-error"),
            ("signup-sent", "/signup?sent=ann%40example.com", "main h1"),
            ("signup-verify", "/signup/verify?token=su_example", "#confirm-signup"),
        ] {
            signed_out.goto(&format!("{}{path}", portal.base)).await;
            signed_out.find(css).await;
            signed_out
                .full_screenshot(&dir.join(format!("{name}-{width}{suffix}.png")), w, h)
                .await;
            for v in axe(&signed_out).await {
                problems.push(format!("{name} ({width}, {lang}): {v}"));
            }
            assert_clean_console(&signed_out, path).await;
        }
    }
    signed_out.close().await;

    for (who, email, list) in [
        ("client", portal.contact_email.clone(), client_pages),
        ("staff", portal.staff_email.clone(), staff_pages),
    ] {
        let b = driver.session(1280, 900, true).await;
        portal.sign_in(&b, &email).await;
        // Every page in English, then in Greek (chosen in Settings, as a person would).
        for (lang, width, w, h) in [
            ("en", "desktop", 1280, 900),
            ("en", "phone", 390, 844),
            ("el", "desktop", 1280, 900),
            ("el", "phone", 390, 844),
        ] {
            if lang == "el" && width == "desktop" {
                b.goto(&portal.url("/settings")).await;
                b.js(
                    "document.querySelector('#lang').value = 'el'; document.querySelector('#lang').form.submit(); return true;",
                    json!([]),
                )
                .await;
                b.wait_js(
                    "the portal to speak Greek",
                    "return document.documentElement.lang === 'el'",
                )
                .await;
            }
            b.resize(w, h).await;
            for (name, path, expect) in &list {
                b.goto(&portal.url(path)).await;
                if lang == "en" {
                    b.wait_text("main", expect).await;
                } else {
                    b.wait_js(
                        &format!("{path} in Greek"),
                        "return document.documentElement.lang === 'el' && !!document.querySelector('main h1, main h2')",
                    )
                    .await;
                }
                let suffix = if lang == "en" {
                    String::new()
                } else {
                    "-el".to_owned()
                };
                b.full_screenshot(&dir.join(format!("{who}-{name}-{width}{suffix}.png")), w, h)
                    .await;
                for v in axe(&b).await {
                    problems.push(format!("{who} {path} ({width}, {lang}): {v}"));
                }
                // Usable on a phone: nothing makes the page scroll sideways.
                let overflow = b
                    .js(
                        "const d = document.documentElement; return d.scrollWidth - d.clientWidth",
                        json!([]),
                    )
                    .await;
                if overflow.as_i64().unwrap_or(0) > 0 {
                    problems.push(format!(
                        "{who} {path} ({width}, {lang}): {overflow} px wider than the window"
                    ));
                }
                // Lists offer themselves as spreadsheets (an XLSX zip and a CSV with BOM) and
                // documents as PDFs: every download is visible and opens with the page's session.
                let lists = [
                    "invoices",
                    "payments",
                    "credit-notes",
                    "statement",
                    "projects",
                    "client-statement",
                ];
                let documents = [
                    "invoices",
                    "invoice",
                    "payments",
                    "receipt",
                    "estimates",
                    "credit-notes",
                    "statement",
                    "client-statement",
                ];
                if lists.contains(name) || documents.contains(name) {
                    let files = b
                        .js_async(
                            "const done = arguments[arguments.length - 1];\
                             const all = [...document.querySelectorAll('a[download]')];\
                             const pdfs = all.filter(a => a.href.includes('.pdf')).slice(0, 2);\
                             const links = all.filter(a => !a.href.includes('.pdf')).concat(pdfs);\
                             Promise.all(links.map(a => fetch(a.href, { credentials: 'same-origin' }).then(async r => {\
                               const bytes = new Uint8Array(await r.arrayBuffer()); const box = a.getBoundingClientRect();\
                               return { href: a.getAttribute('href'), status: r.status, first: Array.from(bytes.slice(0, 4)),\
                                        size: bytes.length, visible: box.width > 0 && box.height > 0 };\
                             }))).then(done, e => done(String(e)));",
                            json!([]),
                        )
                        .await;
                    let list = files.as_array().cloned().unwrap_or_default();
                    let opens = |f: &serde_json::Value, ext: &str, magic: serde_json::Value| {
                        f["href"].as_str().is_some_and(|h| h.contains(ext))
                            && f["status"] == 200
                            && f["first"] == magic
                            && f["visible"] == true
                    };
                    let xlsx = list
                        .iter()
                        .any(|f| opens(f, ".xlsx?", json!([80, 75, 3, 4])));
                    let csv = list.iter().any(|f| {
                        f["href"].as_str().is_some_and(|h| h.contains(".csv?"))
                            && f["status"] == 200
                            && f["first"]
                                .as_array()
                                .is_some_and(|b| b[..3] == [239, 187, 191])
                    });
                    let pdf = list
                        .iter()
                        .any(|f| opens(f, ".pdf?", json!([37, 80, 68, 70])));
                    let all_open = list
                        .iter()
                        .all(|f| f["status"] == 200 && f["size"].as_i64().unwrap_or(0) > 0);
                    let wanted = (!lists.contains(name) || (xlsx && csv))
                        && (!documents.contains(name) || pdf);
                    if !(wanted && all_open) {
                        problems.push(format!("{who} {path} ({width}, {lang}): downloads {files}"));
                    }
                }
                assert_clean_console(&b, path).await;
            }
        }
        b.close().await;
    }
    assert!(
        problems.is_empty(),
        "accessibility violations:\n{}",
        problems.join("\n")
    );
}

/// With JavaScript off every page still arrives complete: its heading, its data and its forms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_complete_without_javascript() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let (client_pages, staff_pages) = pages(&portal).await;
    for (email, list) in [
        (portal.contact_email.clone(), client_pages),
        (portal.staff_email.clone(), staff_pages),
    ] {
        let b = driver.session(1280, 900, false).await;
        // Forms work without script: sign in through the sign-in form.
        portal.sign_in_with_form(&b, &email).await;
        assert_eq!(b.js("return 1", json!([])).await, json!(1));
        for (_, path, expect) in &list {
            b.goto(&portal.url(path)).await;
            let text = b.text("main").await;
            assert!(
                text.contains(expect),
                "{path} without JavaScript lacks {expect:?}: {text}"
            );
        }
        b.close().await;
    }
}
