//! `portico demo`: seeds two tenants with a realistic ledger (clients with several contacts,
//! 240 invoices in every state and several currencies, payments, credit notes, estimates,
//! projects with time entries, threads with unread messages, a logo per tenant) through the same
//! store calls the API uses, then prints what a newcomer needs.

mod business;
mod webhooks;
mod welcome;

pub use webhooks::seed_webhooks;
pub use welcome::{contact_id_by_email, welcome};

use base64::Engine;
use chrono::{Days, NaiveDate};
use portico_domain::{Currency, Discount, Email, LineInput, Money, PaymentMethod, Slug};
use rust_decimal::Decimal;

use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::scope::{Role, Scope};
use crate::credit::NewCreditNote;
use crate::estimates::NewEstimate;
use crate::invoicing::NewInvoice;
use crate::invoicing::NewLine;
use crate::parties::NewClient;
use crate::parties::NewContact;
use crate::payments::NewPayment;
use crate::projects::NewProject;
use crate::projects::NewTimeEntry;
use crate::tenancy::NewTenant;
use crate::threads::SubjectKind;

pub struct Summary {
    pub seeded: bool,
}

/// A small deterministic generator so the demo is the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next(items.len() as u64) as usize]
    }
}

struct TenantPlan {
    slug: &'static str,
    name: &'static str,
    currency: &'static str,
    email: &'static str,
    /// IANA time zone: the portal shows times of day in it.
    time_zone: &'static str,
    /// The logo: initials on a rounded square of this colour.
    logo: (&'static str, &'static str),
    clients: &'static [(&'static str, &'static str)],
    services: &'static [(&'static str, i64)],
}

const PLANS: [TenantPlan; 2] = [
    TenantPlan {
        slug: "acme",
        name: "Acme Design Studio",
        currency: "EUR",
        email: "billing@acme.example",
        time_zone: "Europe/Athens",
        logo: ("AD", "#c2410c"),
        clients: &[
            ("Helios Hotels", "EUR"),
            ("Kykladic Ferries", "EUR"),
            ("Olive & Thyme Restaurants", "EUR"),
            ("Nordlicht GmbH", "EUR"),
            ("Thames Analytics Ltd", "GBP"),
            ("Brooklyn Coffee Co", "USD"),
        ],
        services: &[
            ("Brand identity workshop", 180_000),
            ("Website design (per page)", 45_000),
            ("Illustration set", 60_000),
            ("Monthly retainer", 250_000),
            ("Photography day rate", 90_000),
            ("Print layout", 35_000),
        ],
    },
    TenantPlan {
        slug: "northwind",
        name: "Northwind Builders",
        currency: "USD",
        email: "ar@northwind.example",
        time_zone: "America/New_York",
        logo: ("NB", "#166534"),
        clients: &[
            ("Maple Street Condos", "USD"),
            ("Riverside School District", "USD"),
            ("Pinecrest Medical", "USD"),
            ("Harbor Logistics", "USD"),
            ("Toronto Lofts Inc", "CAD"),
            ("Lakeside Retail", "USD"),
        ],
        services: &[
            ("Framing labour (hours)", 8_500),
            ("Concrete (cubic yard)", 16_500),
            ("Electrical rough-in", 420_000),
            ("Drywall (sheet)", 2_900),
            ("Site supervision (day)", 75_000),
            ("Permit and inspection fees", 38_000),
        ],
    },
];

const PEOPLE: [&str; 12] = [
    "Maria Papadopoulou",
    "Nikos Georgiou",
    "Anna Schmidt",
    "James Carter",
    "Sofia Rossi",
    "Liam O'Brien",
    "Elena Dimitriou",
    "Noah Williams",
    "Chloé Martin",
    "Oliver Brown",
    "Yuki Tanaka",
    "Ava Johnson",
];

fn staff(tenant_id: &str, slug: &str) -> Scope {
    Scope {
        tenant_id: crate::core::ids::TenantId::from_raw(tenant_id.to_owned()),
        tenant_slug: slug.to_owned(),
        role: Role::Owner,
        actor_id: "demo".into(),
        actor_name: "Olivia Owner".into(),
        client_id: None,
        contact_id: None,
        session_id: None,
        grants: crate::core::scope::Grants::ALL,
    }
}

fn contact_scope(staff: &Scope, client_id: &str, contact_id: &str, name: &str) -> Scope {
    Scope {
        role: Role::ContactAdmin,
        actor_id: contact_id.to_owned(),
        actor_name: name.to_owned(),
        client_id: Some(crate::core::ids::ClientId::from_raw(client_id)),
        contact_id: Some(crate::core::ids::ContactId::from_raw(contact_id)),
        ..staff.clone()
    }
}

/// A small self-contained SVG logo (no external references) as a `data:` URI.
fn logo((initials, colour): (&str, &str)) -> String {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\
         <rect width=\"64\" height=\"64\" rx=\"14\" fill=\"{colour}\"/>\
         <path d=\"M12 50 L52 50\" stroke=\"#ffffff\" stroke-opacity=\"0.5\" stroke-width=\"3\"/>\
         <text x=\"32\" y=\"40\" font-family=\"system-ui, sans-serif\" font-size=\"24\" font-weight=\"700\" \
         text-anchor=\"middle\" fill=\"#ffffff\">{initials}</text></svg>"
    );
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

fn err(e: crate::core::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("seeding demo data: {e}")
}

/// Seeds the demo tenants when no tenant exists yet.
pub async fn seed_if_empty(store: &Store) -> anyhow::Result<Summary> {
    if !store.is_empty().await.map_err(err)? {
        return Ok(Summary { seeded: false });
    }
    let today = store.clock().today_utc();
    for (i, plan) in PLANS.iter().enumerate() {
        seed_tenant(store, plan, today, 0x5eed + i as u64)
            .await
            .map_err(err)?;
    }
    Ok(Summary { seeded: true })
}

async fn seed_tenant(
    store: &Store,
    plan: &TenantPlan,
    today: NaiveDate,
    seed: u64,
) -> AppResult<()> {
    let mut dice = Dice(seed);
    let tenant = store
        .create_tenant(NewTenant {
            slug: Slug::parse(plan.slug)?,
            name: plan.name.into(),
            default_currency: Currency::parse(plan.currency)?,
            email: Some(plan.email.into()),
            phone: Some("+30 210 000 0000".into()),
            address: Some("1 Demo Street, Athens".into()),
        })
        .await?;
    let staff = staff(&tenant.id, &tenant.slug);
    store
        .set_tenant_logo(&staff, Some(&logo(plan.logo)))
        .await?;
    // The brand colour is the logo's: each demo portal looks like its own business.
    store.set_tenant_brand_color(&staff, plan.logo.1).await?;
    store.set_tenant_time_zone(&staff, plan.time_zone).await?;
    business::seed(store, &staff, plan.slug, plan.email).await?;
    let domain = plan.email.split('@').nth(1).unwrap_or("example.com");
    for (name, role) in [
        ("Olivia Owner", Role::Owner),
        ("Adam Admin", Role::Admin),
        ("Mia Member", Role::Member),
    ] {
        let first = name.split(' ').next().unwrap_or(name).to_lowercase();
        store
            .create_staff_user(
                &tenant.id,
                &Email::parse(&format!("{first}@{domain}"))?,
                name,
                role,
            )
            .await?;
    }
    let mut invoice_count = 0;
    for (ci, (client_name, currency)) in plan.clients.iter().enumerate() {
        let currency = Currency::parse(currency)?;
        let domain = client_name
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "");
        let client = store
            .create_client(
                &staff,
                NewClient {
                    name: (*client_name).into(),
                    email: Some(Email::parse(&format!("accounts@{domain}.example"))?),
                    tax_id: Some(format!("EL{:09}", 100_000_000 + ci * 7919)),
                    address: Some(format!("{} Market Street", 10 + ci)),
                    place: crate::parties::Place {
                        city: Some("Athens".into()),
                        postal_code: Some(format!("105 {:02}", 50 + ci)),
                        country: Some("GR".into()),
                    },
                    currency,
                },
            )
            .await?;
        let mut first_contact = None;
        for (k, role) in ["admin", "payer", "viewer"].iter().enumerate() {
            let person = PEOPLE[(ci * 2 + k) % PEOPLE.len()];
            let local = person
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), ".");
            let contact = store
                .create_contact(
                    &staff,
                    NewContact {
                        client_id: client.id.clone(),
                        name: person.into(),
                        email: Email::parse(&format!("{local}@{domain}.example"))?,
                        role: (*role).into(),
                    },
                )
                .await?;
            first_contact.get_or_insert((contact.id, person));
        }
        // Two clients have a colleague invited who has not accepted yet (staff can resend or
        // revoke it from the invitations page).
        if ci < 2 {
            let colleague = PEOPLE[(ci * 2 + 5) % PEOPLE.len()];
            let local = colleague
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), ".");
            let (_, hash) = crate::core::tokens::generate_with("iv", &tenant.id);
            store
                .invite_contact(
                    &staff,
                    crate::parties::NewInvitation {
                        client_id: client.id.clone(),
                        name: colleague.to_owned(),
                        email: Email::parse(&format!("new.{local}@{domain}.example"))?,
                        role: "payer".into(),
                    },
                    crate::parties::InvitationMail {
                        token_hash: &hash,
                        email: &crate::core::mail::message::Template::render(
                            &crate::parties::mail::InvitationEmail {
                                invitee: colleague,
                                inviter: "Demo",
                                link: "(a demo invitation: its link is not shown)",
                                portal: "(the demo portal)",
                            },
                            &crate::core::mail::message::Brand::new(plan.name, "#1f4e79"),
                            crate::core::mail::message::Lang::En,
                        ),
                    },
                )
                .await?;
        }
        let (contact_id, contact_name) = first_contact.unwrap_or_default();
        let as_contact = contact_scope(&staff, &client.id, &contact_id, contact_name);

        // 20 invoices per client over the last ~14 months, in every state.
        let mut open_invoice = None;
        for n in 0..20u64 {
            let issue = today - Days::new(420 - n * 21 + dice.next(10));
            let mut lines = Vec::new();
            for _ in 0..(1 + dice.next(4)) {
                let (desc, price) = dice.pick(plan.services);
                let discount = if dice.next(5) == 0 {
                    Discount::Percent(Decimal::new(10, 0))
                } else {
                    Discount::None
                };
                lines.push(NewLine::new(
                    (*desc).into(),
                    LineInput {
                        quantity: Decimal::new(2 + dice.next(8) as i64 * 5, 1),
                        unit_price_minor: *price,
                        tax_rate: Decimal::new(*dice.pick(&[0i64, 13, 24]), 0),
                        discount,
                    },
                ));
            }
            let inv = store
                .create_invoice(
                    &staff,
                    NewInvoice {
                        client_id: client.id.clone(),
                        number: None,
                        reference: Some(format!("PO-{}", 4000 + invoice_count)),
                        currency: Some(currency),
                        issue_date: issue,
                        due_date: Some(issue + Days::new(30)),
                        notes: Some("Thank you for your business.".into()),
                        terms: Some("Payment within 30 days by bank transfer or card.".into()),
                        lines,
                    },
                )
                .await?;
            invoice_count += 1;
            // The most recent invoices stay open; older ones are mostly settled.
            let fate = if n == 19 {
                0
            } else if n >= 16 {
                1 + dice.next(2)
            } else {
                dice.next(10)
            };
            if fate == 0 {
                continue; // draft
            }
            let inv = store.issue_invoice(&staff, &inv.id).await?;
            if matches!(fate, 1 | 2) {
                open_invoice = Some(inv.id.clone());
            }
            let pay = |amount: Money, on: NaiveDate| NewPayment {
                client_id: client.id.clone(),
                amount,
                method: if n % 3 == 0 {
                    PaymentMethod::Card
                } else {
                    PaymentMethod::BankTransfer
                },
                reference: Some(format!("TRX-{}", 90_000 + invoice_count)),
                received_on: on.min(today),
                notes: None,
                allocations: Some(vec![portico_domain::Allocation {
                    invoice_id: inv.id.to_string(),
                    amount,
                }]),
            };
            match fate {
                1 => {}
                2 => {
                    let half = Money::new(inv.total.minor / 2, currency);
                    store
                        .record_payment(&staff, pay(half, issue + Days::new(20)))
                        .await?;
                }
                3 => {
                    store
                        .void_invoice(&staff, &inv.id, Some("Issued in error".into()))
                        .await?;
                }
                4 => {
                    let cn = store
                        .create_credit_note(
                            &staff,
                            NewCreditNote {
                                client_id: client.id.clone(),
                                invoice_id: Some(inv.id.to_string()),
                                amount: Money::new(inv.total.minor / 5, currency),
                                reason: "Discount for late delivery".into(),
                                issue_date: issue + Days::new(5),
                            },
                        )
                        .await?;
                    store.issue_credit_note(&staff, &cn.id).await?;
                    store
                        .apply_credit_note(&staff, &cn.id, &inv.id, cn.total, issue + Days::new(5))
                        .await?;
                }
                _ => {
                    store
                        .record_payment(
                            &staff,
                            pay(inv.total, issue + Days::new(10 + dice.next(25))),
                        )
                        .await?;
                }
            }
        }
        // An overpayment that becomes credit, and an open credit note.
        store
            .record_payment(
                &staff,
                NewPayment {
                    client_id: client.id.clone(),
                    amount: Money::new(25_000, currency),
                    method: PaymentMethod::BankTransfer,
                    reference: Some("ADVANCE".into()),
                    received_on: today - Days::new(3),
                    notes: Some("Advance payment".into()),
                    allocations: Some(Vec::new()),
                },
            )
            .await?;
        let cn = store
            .create_credit_note(
                &staff,
                NewCreditNote {
                    client_id: client.id.clone(),
                    invoice_id: None,
                    amount: Money::new(5_000, currency),
                    reason: "Goodwill credit".into(),
                    issue_date: today - Days::new(10),
                },
            )
            .await?;
        store.issue_credit_note(&staff, &cn.id).await?;

        // Estimates in every state.
        for (k, state) in ["draft", "sent", "accepted", "rejected", "expired"]
            .iter()
            .enumerate()
        {
            let (desc, price) = plan.services[k % plan.services.len()];
            let valid = if *state == "expired" {
                today - Days::new(5)
            } else {
                today + Days::new(30)
            };
            let est = store
                .create_estimate(
                    &staff,
                    NewEstimate {
                        client_id: client.id.clone(),
                        number: None,
                        currency: Some(currency),
                        issue_date: today - Days::new(40),
                        valid_until: Some(valid),
                        notes: Some("Prices valid for 30 days.".into()),
                        lines: vec![NewLine::new(
                            desc.into(),
                            LineInput {
                                quantity: Decimal::new(2, 0),
                                unit_price_minor: price,
                                tax_rate: Decimal::new(24, 0),
                                discount: Discount::None,
                            },
                        )],
                    },
                )
                .await?;
            if *state == "draft" {
                continue;
            }
            store.send_estimate(&staff, &est.id).await?;
            match *state {
                "accepted" => {
                    store
                        .accept_estimate(
                            &as_contact,
                            &est.id,
                            Some("Looks good, go ahead.".into()),
                            today,
                        )
                        .await?;
                }
                "rejected" => {
                    store
                        .reject_estimate(
                            &as_contact,
                            &est.id,
                            "Over our budget this quarter.".into(),
                            today,
                        )
                        .await?;
                }
                _ => {}
            }
        }

        // A project with time entries and a thread.
        let project = store
            .create_project(
                &staff,
                NewProject {
                    client_id: client.id.clone(),
                    name: format!(
                        "{client_name} — {}",
                        if ci % 2 == 0 { "rebrand" } else { "renovation" }
                    ),
                    description: Some("Phase 1 of the engagement.".into()),
                },
            )
            .await?;
        for d in 0..24u64 {
            store
                .add_time_entry(
                    &staff,
                    NewTimeEntry {
                        project_id: project.id.clone(),
                        task: (*dice.pick(&["Discovery", "Design", "Build", "Review"])).into(),
                        assignee: PEOPLE[(d as usize + ci) % 4].into(),
                        date: today - Days::new(180 - d * 7),
                        hours: Decimal::new(5 + dice.next(70) as i64, 1),
                        billable: d % 5 != 0,
                        note: None,
                    },
                )
                .await?;
        }
        store
            .post_message(
                &staff,
                SubjectKind::Project,
                &project.id,
                "Kick-off notes are attached; first review next week.".into(),
            )
            .await?;
        store
            .post_message(
                &as_contact,
                SubjectKind::Project,
                &project.id,
                "Thanks! Looking forward to it.".into(),
            )
            .await?;
        // A question on an open invoice that staff answered: the contact has an unread reply.
        if let Some(invoice_id) = &open_invoice {
            store
                .post_message(
                    &as_contact,
                    SubjectKind::Invoice,
                    invoice_id,
                    "Could you confirm the bank details for this invoice?".into(),
                )
                .await?;
            store
                .post_message(
                    &staff,
                    SubjectKind::Invoice,
                    invoice_id,
                    "Of course: they are on the invoice, and you can also pay by card in the portal."
                        .into(),
                )
                .await?;
        }
    }
    Ok(())
}
