//! What `portico demo` prints once seeded: the portal's address and a sign-in link per person.

use super::{err, staff, Summary};
use crate::core::db::Store;
use crate::core::mail::message::{Brand, Lang, Template};
use crate::core::scope::Role;

/// What `portico demo` prints: where to go and tokens to try the API with.
pub async fn welcome(store: &Store, summary: &Summary, base: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    out.push_str(if summary.seeded {
        "Demo data seeded.\n"
    } else {
        "Using existing data.\n"
    });
    out.push_str(&format!("Portico is at {base}/  (GraphQL: POST {base}/graphql, subscriptions: {base}/graphql/ws)\n\n"));
    for t in store.tenants().await.map_err(err)? {
        let partner = store
            .create_token(&t.id, "demo partner", Role::Partner, None)
            .await
            .map_err(err)?;
        let owner = store
            .create_token(&t.id, "demo owner", Role::Owner, None)
            .await
            .map_err(err)?;
        out.push_str(&format!(
            "Tenant {} ({})\n  partner token: {}\n  staff (owner) token: {}\n",
            t.name, t.slug, partner.token, owner.token
        ));
        let owner_email = format!(
            "olivia@{}",
            t.email
                .as_deref()
                .and_then(|e| e.split('@').nth(1))
                .unwrap_or("example.com")
        );
        if let Some(link) = sign_in_link(store, &t, &owner_email, base).await? {
            out.push_str(&format!(
                "  staff sign-in link (Olivia Owner, valid 10 minutes): {link}\n"
            ));
        }
        let staff = staff(&t.id, &t.slug);
        if let Some(client) = store
            .clients(&staff, 1, 0)
            .await
            .map_err(err)?
            .into_iter()
            .next()
        {
            if let Some(contact) = store
                .contacts_of(&staff, &client.id)
                .await
                .map_err(err)?
                .into_iter()
                .find(|c| c.role == "admin")
            {
                let token = store
                    .create_token(&t.id, "demo contact", Role::ContactAdmin, Some(&contact.id))
                    .await
                    .map_err(err)?;
                out.push_str(&format!(
                    "  client contact token ({} at {}): {}\n",
                    contact.name, client.name, token.token
                ));
                if let Some(link) = sign_in_link(store, &t, &contact.email, base).await? {
                    out.push_str(&format!(
                        "  client sign-in link ({}, valid 10 minutes): {link}\n",
                        contact.name
                    ));
                }
            }
        }
    }
    out.push_str(&format!(
        "\nTry:\n  curl -s {base}/graphql -H 'Content-Type: application/json' -H \"Authorization: Bearer $TOKEN\" \\\n    \
         -d '{{\"query\":\"{{ viewer {{ role tenant {{ name }} }} dashboard {{ currencies {{ currency amountDue {{ amount }} }} }} }}\"}}'\n\
         Pay offline with the demo gateway (as a client contact; open the returned redirectUrl):\n  \
         curl -s {base}/graphql -H 'Content-Type: application/json' -H \"Authorization: Bearer $CONTACT_TOKEN\" \\\n    \
         -d '{{\"query\":\"mutation {{ startPayment(input: {{ method: DEMO }}) {{ amount {{ amount currency }} redirectUrl }} }}\"}}'\n\
         New sign-in links: curl -X POST {base}/SLUG/auth/magic-link -H 'Content-Type: application/json' -d '{{\"email\":\"…\"}}'\n\
         (without PORTICO_SMTP_URL the email, with its link, is written to this log)\n"
    ));
    Ok(out)
}

/// A fresh magic link for `email` (queued as mail too), or `None` if no such user.
async fn sign_in_link(
    store: &Store,
    t: &crate::tenancy::Tenant,
    email: &str,
    base: &str,
) -> anyhow::Result<Option<String>> {
    let Some(user) = store.find_login_user(&t.id, email).await.map_err(err)? else {
        return Ok(None);
    };
    let (token, hash) = crate::core::tokens::generate_with("ml", &t.id);
    let link = format!(
        "{}/{}/auth/magic?token={token}",
        base.trim_end_matches('/'),
        t.slug
    );
    let email = crate::identity::mail::MagicLinkEmail {
        name: &user.name,
        link: &link,
    }
    .render(
        &Brand::new(&t.name, &t.brand_color),
        Lang::from_locale(user.locale.as_deref()),
    );
    store
        .create_magic_link(&t.id, &user, &hash, &email)
        .await
        .map_err(err)?;
    Ok(Some(link))
}

/// The CLI's `--contact EMAIL` lookup.
pub async fn contact_id_by_email(
    store: &Store,
    tenant_id: &str,
    email: &str,
) -> anyhow::Result<Option<String>> {
    store
        .contact_id_by_email(tenant_id, email)
        .await
        .map_err(err)
}
