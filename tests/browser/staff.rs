//! Staff run the business from the portal: an invoice written in the editor with the keyboard
//! alone (totals following every keystroke), issued, seen by the client with the same totals, a
//! partial payment recorded by staff arriving on the client's open page live; and the editor
//! without script (add a line, a refusal beside its field, save).

use super::*;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The amount in a money text ("EUR 422.30", "422,30 €"): its digits.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_write_an_invoice_with_the_keyboard_and_the_client_sees_it_live() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let staff = driver.session(1280, 900, true).await;
    let client = driver.session(1280, 900, true).await;
    portal.sign_in(&staff, &portal.staff_email).await;
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

    // From the invoices list to a new invoice for the client.
    staff
        .goto(&portal.url(&format!("/staff/invoices/new?client={client_id}")))
        .await;
    staff
        .wait_js(
            "hydration",
            "return document.documentElement.dataset.hydrated === '1'",
        )
        .await;
    assert_eq!(
        staff
            .js("return document.activeElement.id", json!([]))
            .await,
        json!("e-description-0"),
        "the first line has the focus"
    );

    // Five lines, keyboard only: type, Tab to the next field; each new line appears as the
    // last one is filled. One line has a 10% discount, one a 13% rate.
    let lines = [
        ["Kitchen design", "2", "100", "24", "10%"],
        ["Site visit", "1", "50", "13", ""],
        ["Samples", "3", "10", "24", ""],
        ["Delivery", "1", "25", "24", ""],
        ["Support hours", "1.5", "40", "24", ""],
    ];
    let mut steps = 0;
    for line in lines {
        for (n, value) in line.iter().enumerate() {
            if !value.is_empty() {
                staff.keys(value).await;
                steps += 1;
            }
            staff.press(TAB).await;
            steps += 1;
            if n == 4 {
                // Past the line's "Remove" button to the next line.
                staff.press(TAB).await;
                steps += 1;
            }
        }
    }
    // The totals follow as lines are typed: 365.00 - 20.00 + 77.30 VAT.
    staff.wait_text("#editor-total", "422").await;
    assert_eq!(digits(&staff.text("#editor-total").await), "42230");
    // Tab on to "Save and issue", then Enter.
    let mut tabs = 0;
    while staff
        .js("return document.activeElement.value === 'issue'", json!([]))
        .await
        != json!(true)
    {
        staff.press(TAB).await;
        tabs += 1;
        assert!(tabs < 30, "Save and issue is reachable by Tab");
    }
    staff.press(ENTER).await;
    steps += tabs + 1;
    staff.wait_text("main", "issued").await;
    eprintln!("keyboard: a 5-line invoice created and issued in {steps} key steps (typing a value counts as one)");
    let invoice_path = staff.url().await;
    let invoice_path = invoice_path
        .split(&format!("/{TENANT}"))
        .nth(1)
        .and_then(|p| p.split('?').next())
        .expect("the invoice's page")
        .to_owned();
    let staff_total = digits(&staff.wait_text("dd.grand", "4").await);
    assert_eq!(staff_total, "42230");

    // The client sees it, with the same lines and totals, and keeps the page open.
    portal.sign_in(&client, &portal.contact_email).await;
    client.goto(&portal.url(&invoice_path)).await;
    let page = client.text("main").await;
    for expected in ["Kitchen design", "Support hours", "Samples"] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    assert_eq!(digits(&client.wait_text("dd.grand", "4").await), "42230");
    client
        .wait_js(
            "the page to listen",
            "return document.querySelector('#balance')?.dataset.live === 'on'",
        )
        .await;

    // Staff record a partial payment; the client's balance changes without a reload.
    client
        .js("window.__stayed = 'yes'; return true;", json!([]))
        .await;
    staff.click("details.record summary").await;
    staff.type_into("#p-amount", "100.00").await;
    staff
        .click("form[action$='/payment'] button[type=submit]")
        .await;
    staff.wait_text("main", "recorded").await;
    client
        .wait_js(
            "the new balance",
            "return document.querySelector('#balance').innerText.replace(/\\D/g, '') === '32230'",
        )
        .await;
    assert_eq!(
        client.js("return window.__stayed", json!([])).await,
        json!("yes"),
        "no reload"
    );

    // The owner refunds part of it from the payment's receipt.
    staff.click("section a[href*='/payments/']").await;
    staff.click("details.refund summary").await;
    staff.type_into("#r-amount", "10.00").await;
    staff.type_into("#r-reason", "Samples returned").await;
    staff
        .click("form[action$='/refund'] button[type=submit]")
        .await;
    staff.wait_text("main", "refunded").await;
    assert!(staff.text("main").await.contains("Refunded"));

    // A credit note of 22.30 applied to the invoice: the client's open page follows.
    let before: i64 = digits(&client.text("#balance").await)
        .parse()
        .expect("a balance");
    staff.goto(&portal.url(&invoice_path)).await;
    staff.click("details.credit summary").await;
    staff.type_into("#cn-amount", "22.30").await;
    staff.type_into("#cn-reason", "Discount agreed").await;
    staff
        .click("form[action$='/credit'] button[type=submit]")
        .await;
    staff
        .wait_text("main [role=status]", "issued for this invoice")
        .await;
    client
        .wait_js(
            "the credited balance",
            &format!(
                "return document.querySelector('#balance').innerText.replace(/\\D/g, '') === '{}'",
                before - 2230
            ),
        )
        .await;

    // A link to share, listed on the page until it is revoked.
    staff.click("details.link summary").await;
    staff
        .click("form[action$='/link'] button[type=submit]")
        .await;
    let shared = staff
        .wait_text("main [role=status]", "Invoice link created")
        .await;
    assert!(shared.contains("/i/"), "the link is shown once: {shared}");
    staff.click("details.link summary").await;
    staff
        .click("form[action$='/unlink'] button[type=submit]")
        .await;
    staff.wait_text("main [role=status]", "revoked").await;
    assert!(staff.find_opt("form[action$='/unlink']").await.is_none());
    staff.close().await;
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoice_editor_works_without_javascript() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let staff = driver.session(1280, 900, false).await;
    portal.sign_in(&staff, &portal.staff_email).await;
    staff.goto(&portal.url("/invoices")).await;
    staff.click("a[href$='/staff/invoices/new']").await;
    staff.find("#e-description-0").await;
    staff.type_into("#e-description-0", "Consulting").await;
    staff.type_into("#e-quantity-0", "two").await;
    staff.type_into("#e-unit_price-0", "80").await;
    // "Add line" keeps what was typed and adds a line.
    staff.click("button[value='add']").await;
    staff.find("#e-description-1").await;
    assert_eq!(
        staff
            .js(
                "return document.querySelector('#e-description-0').value",
                json!([])
            )
            .await,
        json!("Consulting")
    );
    // A quantity that is not a number is refused beside its field, and nothing is saved.
    staff.click(".actions button[value='save']").await;
    staff.wait_text("#e-quantity-0-error", "quantity").await;
    assert_eq!(
        staff
            .js(
                "return document.querySelector('#e-quantity-0').getAttribute('aria-invalid')",
                json!([])
            )
            .await,
        json!("true")
    );
    staff.type_into("#e-quantity-0", "2").await;
    staff.click(".actions button[value='save']").await;
    staff.wait_text("main", "saved").await;
    // The saved draft, with its total computed on the server.
    assert_eq!(digits(&staff.text("dd.grand").await), "16000");
    assert!(staff.text("main").await.contains("Consulting"));

    // An accepted estimate becomes a draft invoice, opened in the editor with its lines.
    let accepted = portal
        .gql(
            &portal.owner_token,
            "{ estimates(first: 100) { nodes { id status } } }",
            json!({}),
        )
        .await["estimates"]["nodes"]
        .as_array()
        .and_then(|list| list.iter().find(|e| e["status"] == "ACCEPTED").cloned())
        .expect("the demo has an accepted estimate");
    staff
        .goto(&portal.url(&format!(
            "/estimates/{}",
            accepted["id"].as_str().unwrap_or_default()
        )))
        .await;
    staff.click("form[action$='/convert'] button").await;
    staff.wait_text("main", "draft invoice").await;
    assert!(staff.url().await.contains("/staff/invoices/"), "the editor");
    assert!(
        !staff
            .js(
                "return document.querySelector('#e-description-0').value",
                json!([])
            )
            .await
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "its lines came along"
    );
    staff.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_set_up_the_client_portal_and_clients_see_it() {
    let Some(portal) = Portal::start().await else {
        return;
    };
    let Some(driver) = Driver::start().await else {
        return;
    };
    let staff = driver.session(1280, 900, true).await;
    let client = driver.session(1280, 900, true).await;
    portal.sign_in(&staff, &portal.staff_email).await;
    staff.goto(&portal.url("/staff/portal")).await;
    staff
        .wait_js(
            "hydration",
            "return document.documentElement.dataset.hydrated === '1'",
        )
        .await;

    // A colour too light for white text is flagged while it is chosen, and refused on save.
    let pick = |c: &str| {
        format!(
            "const i = document.querySelector('#b-color'); i.value = '{c}'; i.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"
        )
    };
    staff.js(&pick("#ffe066"), json!([])).await;
    staff.wait_text("#b-contrast", "too light").await;
    staff
        .click("form[action$='/forms/branding'] button[type=submit]")
        .await;
    staff.wait_text("main [role=alert]", "hard to read").await;
    // The page came back: wait until it is live again before choosing.
    staff
        .wait_js(
            "hydration",
            "return document.documentElement.dataset.hydrated === '1'",
        )
        .await;
    // A dark green is readable, and the preview takes it at once.
    staff.js(&pick("#0b5d3b"), json!([])).await;
    staff.wait_text("#b-contrast", "readable").await;
    assert_eq!(
        staff
            .js("return getComputedStyle(document.querySelector('.brand-preview')).getPropertyValue('--brand').trim()", json!([]))
            .await,
        json!("#0b5d3b")
    );
    staff
        .click("form[action$='/forms/branding'] button[type=submit]")
        .await;
    staff.wait_text("main", "Name and colour saved").await;

    // A logo: an SVG carrying a script is stored without it.
    let svg = std::env::temp_dir().join(format!("portico-logo-{}.svg", std::process::id()));
    std::fs::write(
        &svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><circle cx="5" cy="5" r="5" fill="#0b5d3b"/></svg>"##,
    )
    .expect("write the logo");
    staff.upload("#b-logo", &svg).await;
    staff
        .click("form[action$='/forms/logo'] button[type=submit]")
        .await;
    staff.wait_text("main", "Logo saved").await;
    let _ = std::fs::remove_file(&svg);

    // Payments: bank transfer instructions and a minimum for part payments, kept after saving.
    staff.type_into("#ps-min", "25.00").await;
    staff
        .type_into(
            "#ps-bank",
            "IBAN GR16 0110 1250 0000 0001 2300 695, Acme Design Studio",
        )
        .await;
    staff
        .click("form[action$='/forms/payment-settings'] button[type=submit]")
        .await;
    staff
        .wait_text("main [role=status]", "Payment settings saved")
        .await;
    assert_eq!(
        staff
            .js("return document.querySelector('#ps-min').value", json!([]))
            .await,
        json!("25.00")
    );
    assert!(staff.text("#payments").await.contains("Bank transfer"));

    // Projects off for clients.
    staff.click("input[name=section][value=PROJECTS]").await;
    staff
        .click("form[action$='/forms/sections'] button[type=submit]")
        .await;
    staff.wait_text("main", "Sections saved").await;

    // A help article in Greek.
    staff
        .type_into("#h-title", "Πώς πληρώνω με μεταφορά;")
        .await;
    staff
        .js(
            "document.querySelector('#h-locale').value = 'el'; return true;",
            json!([]),
        )
        .await;
    staff
        .type_into(
            "#h-body",
            "Χρησιμοποιήστε τον **αριθμό του τιμολογίου** ως αιτιολογία.",
        )
        .await;
    staff
        .click("form[action$='/forms/help/save'] button[type=submit]")
        .await;
    staff.wait_text("main [role=status]", "Help article").await;

    // The client, reading Greek: the new colour, no Projects, the Greek article.
    portal.sign_in(&client, &portal.contact_email).await;
    client.goto(&portal.url("/settings")).await;
    client
        .js("document.querySelector('#lang').value = 'el'; document.querySelector('#lang').form.submit(); return true;", json!([]))
        .await;
    client
        .wait_js("Greek", "return document.documentElement.lang === 'el'")
        .await;
    assert_eq!(
        client
            .js("return getComputedStyle(document.querySelector('.shell')).getPropertyValue('--brand').trim()", json!([]))
            .await,
        json!("#0b5d3b")
    );
    // The logo in the client's header, served clean.
    let logo = client
        .js(
            "return document.querySelector('header.top .brand img')?.getAttribute('src')",
            json!([]),
        )
        .await;
    let logo = logo.as_str().expect("the logo shows").to_owned();
    assert!(logo.contains("/brand/logo-"), "{logo}");
    let served = portal
        .http
        .get(format!("{}{logo}", portal.base))
        .send()
        .await
        .expect("logo")
        .text()
        .await
        .expect("svg");
    assert!(
        served.contains("<circle") && !served.contains("script") && !served.contains("onload"),
        "{served}"
    );
    let menu = client.text("nav.menu").await;
    assert!(
        !menu.contains("Έργα") && menu.contains("Τιμολόγια"),
        "{menu}"
    );
    client.goto(&portal.url("/projects")).await;
    client
        .wait_js(
            "the refusal",
            "return !!document.querySelector('main') && !document.querySelector('main table')",
        )
        .await;
    assert!(!client.text("main").await.contains("Ανά εργασία"));
    client.goto(&portal.url("/help")).await;
    let help = client.text(".help-articles").await;
    assert!(help.contains("Πώς πληρώνω με μεταφορά;"), "{help}");
    // Opened, it shows the Markdown rendered.
    let body = client
        .js(
            "const d = [...document.querySelectorAll('.help-articles details')].find(d => d.querySelector('summary').innerText.includes('μεταφορά')); \
             d.querySelector('summary').click(); return d.querySelector('.article strong')?.innerText",
            json!([]),
        )
        .await;
    assert_eq!(body, json!("αριθμό του τιμολογίου"));
    staff.close().await;
    client.close().await;
}
