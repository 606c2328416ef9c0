//! Passkeys over HTTP (JSON, called from the portal's pages with `navigator.credentials`):
//! a signed-in user registers several named passkeys; anyone signs in with one (discoverable
//! credentials, no username). Ceremony state is kept server-side and taken once; counters and
//! backup flags are updated as webauthn-rs documents (`Passkey::update_credential`).

use axum::body::Bytes;
use axum::extract::{Path, State};

use crate::core::client_ip::ClientIp;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::json;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Uuid,
};

use super::relying_party::webauthn;
use super::routes::{client_of, origin_ok, session_token, start_session};
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::identity::UserKind;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/auth/passkeys/register/start",
            post(register_start),
        )
        .route(
            "/{tenant}/auth/passkeys/register/finish",
            post(register_finish),
        )
        .route("/{tenant}/auth/passkeys/login/start", post(login_start))
        .route("/{tenant}/auth/passkeys/login/finish", post(login_finish))
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn refuse(status: StatusCode, message: &str) -> Response {
    reply(status, json!({ "error": message }))
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "passkey ceremony failed");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "passkeys are unavailable, try again shortly",
    )
}

/// The signed-in user of this tenant, from the session cookie, for a same-origin JSON request.
async fn signed_in(
    state: &AppState,
    tenant_id: &str,
    headers: &HeaderMap,
) -> Result<Scope, Response> {
    let config = &state.config;
    if !origin_ok(config, headers) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "cross-origin request refused",
        ));
    }
    let token = session_token(config, headers)
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "sign in first"))?;
    match state
        .store
        .session_scope(tenant_id, &crate::core::tokens::hash(&token))
        .await
    {
        Ok(Some(scope)) => Ok(scope),
        Ok(None) => Err(refuse(StatusCode::UNAUTHORIZED, "sign in first")),
        Err(e) => Err(internal(e)),
    }
}

async fn tenant_id(state: &AppState, slug: &str) -> Result<(String, String), Response> {
    match state.store.tenant_by_slug(slug).await {
        Ok(Some(t)) => Ok((t.id.into_string(), t.slug)),
        Ok(None) => Err(refuse(StatusCode::NOT_FOUND, "unknown portal")),
        Err(e) => Err(internal(e)),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Registration {
    name: String,
    handle: String,
    state: PasskeyRegistration,
}

async fn register_start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (tenant, _) = match tenant_id(&state, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let scope = match signed_in(&state, &tenant, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let name = req
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("Passkey")
        .trim()
        .chars()
        .take(60)
        .collect::<String>();
    let name = if name.is_empty() {
        "Passkey".to_owned()
    } else {
        name
    };
    let store = &state.store;
    let (handle, existing) = match (
        store.user_handle(&scope).await,
        store.my_passkeys(&scope).await,
    ) {
        (Ok(h), Ok(e)) => (h, e),
        (Err(e), _) | (_, Err(e)) => return internal(e),
    };
    let exclude = existing
        .iter()
        .filter_map(|p| serde_json::from_str::<Passkey>(&p.passkey).ok())
        .map(|p| p.cred_id().clone())
        .collect::<Vec<_>>();
    let Ok(uuid) = Uuid::parse_str(&handle) else {
        return internal("stored user handle is not a uuid");
    };
    let Some(wa) = webauthn(&state, &headers) else {
        return passkeys_off();
    };
    let (options, reg) = match wa.start_passkey_registration(
        uuid,
        &scope.actor_name,
        &scope.actor_name,
        Some(exclude),
    ) {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let saved = serde_json::to_string(&Registration {
        name,
        handle,
        state: reg,
    })
    .map_err(|e| e.to_string());
    let ceremony = match saved {
        Ok(s) => {
            store
                .save_ceremony(&tenant, "register", scope.session_id.as_deref(), &s)
                .await
        }
        Err(e) => return internal(e),
    };
    match ceremony {
        Ok(id) => reply(
            StatusCode::OK,
            json!({ "ceremony": id, "options": options }),
        ),
        Err(e) => internal(e),
    }
}

async fn register_finish(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (tenant, _) = match tenant_id(&state, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let scope = match signed_in(&state, &tenant, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    #[derive(serde::Deserialize)]
    struct Finish {
        ceremony: String,
        credential: RegisterPublicKeyCredential,
    }
    let Ok(finish) = serde_json::from_slice::<Finish>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "send {ceremony, credential}");
    };
    let store = &state.store;
    let saved = match store
        .take_ceremony(
            &tenant,
            &finish.ceremony,
            "register",
            scope.session_id.as_deref(),
        )
        .await
    {
        Ok(Some(s)) => s,
        Ok(None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "this registration has expired or was already used; start again",
            )
        }
        Err(e) => return internal(e),
    };
    let Ok(reg) = serde_json::from_str::<Registration>(&saved) else {
        return internal("stored ceremony unreadable");
    };
    let Some(wa) = webauthn(&state, &headers) else {
        return passkeys_off();
    };
    let passkey = match wa.finish_passkey_registration(&finish.credential, &reg.state) {
        Ok(p) => p,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("the passkey could not be registered: {e}"),
            )
        }
    };
    let cred_id = base64_id(AsRef::<[u8]>::as_ref(passkey.cred_id()));
    let Ok(serialized) = serde_json::to_string(&passkey) else {
        return internal("passkey not serialisable");
    };
    match store
        .add_passkey(&scope, &reg.handle, &cred_id, &reg.name, &serialized)
        .await
    {
        Ok(id) => reply(
            StatusCode::OK,
            json!({ "id": crate::core::ids::encode("Passkey", &id).0, "name": reg.name }),
        ),
        Err(crate::core::error::AppError::Conflict(m)) => refuse(StatusCode::CONFLICT, &m),
        Err(e) => internal(e),
    }
}

fn base64_id(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KnownLogin {
    kind: UserKind,
    user_id: String,
    state: PasskeyAuthentication,
}

/// Starts a sign-in. With `{"email": …}` of someone who has passkeys, the options list their
/// credentials (for authenticators without discoverable credentials); otherwise the options are
/// discoverable (the browser offers the user's passkeys). Unknown addresses get discoverable
/// options too, so the answer does not tell whether an address has passkeys.
async fn login_start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !origin_ok(&state.config, &headers) {
        return refuse(StatusCode::FORBIDDEN, "cross-origin request refused");
    }
    let (tenant, _) = match tenant_id(&state, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = &state.store;
    let Some(webauthn) = webauthn(&state, &headers) else {
        return passkeys_off();
    };
    let email = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("email")
                .and_then(|e| e.as_str())
                .map(|e| e.trim().to_lowercase())
        });
    let asked_for = email.clone();
    if let Some(email) = email {
        let known = match store.find_login_user(&tenant, &email).await {
            Ok(Some(user)) => store
                .passkeys_of(&tenant, user.kind, &user.id)
                .await
                .map(|k| (user, k)),
            Ok(None) => Ok((
                crate::identity::LoginUser {
                    kind: UserKind::Contact,
                    id: String::new(),
                    name: String::new(),
                    email,
                    locale: None,
                },
                Vec::new(),
            )),
            Err(e) => Err(e),
        };
        let (user, stored) = match known {
            Ok(k) => k,
            Err(e) => return internal(e),
        };
        let keys: Vec<Passkey> = stored
            .iter()
            .filter_map(|s| serde_json::from_str(&s.passkey).ok())
            .collect();
        if !keys.is_empty() {
            let (options, auth) = match webauthn.start_passkey_authentication(&keys) {
                Ok(r) => r,
                Err(e) => return internal(e),
            };
            let saved = serde_json::to_string(&KnownLogin {
                kind: user.kind,
                user_id: user.id,
                state: auth,
            });
            let Ok(saved) = saved else {
                return internal("state not serialisable");
            };
            return match store
                .save_ceremony(&tenant, "login_known", None, &saved)
                .await
            {
                Ok(id) => reply(
                    StatusCode::OK,
                    json!({ "ceremony": id, "options": options }),
                ),
                Err(e) => internal(e),
            };
        }
    }
    let (options, auth) = match webauthn.start_discoverable_authentication() {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let Ok(saved) = serde_json::to_string(&auth) else {
        return internal("state not serialisable");
    };
    let Ok(mut options) = serde_json::to_value(&options) else {
        return internal("options not serialisable");
    };
    if let Some(email) = asked_for {
        // An address without passkeys (or unknown) gets the same shape of answer as one with a
        // passkey: a credential id of the same kind, stable for that address, that no
        // authenticator holds. So the answer never tells which addresses have passkeys.
        options["publicKey"]["allowCredentials"] = json!([{ "type": "public-key", "id": decoy_credential(&state.config, &tenant, &email) }]);
    }
    match store.save_ceremony(&tenant, "login", None, &saved).await {
        Ok(id) => reply(
            StatusCode::OK,
            json!({ "ceremony": id, "options": options }),
        ),
        Err(e) => internal(e),
    }
}

/// A credential id (base64url, 32 bytes) for an address that has no passkey: keyed from the
/// configuration (every instance gives the same one), so it is stable for one address and cannot
/// be told from a real one by computing it.
fn decoy_credential(config: &crate::core::config::Config, tenant: &str, email: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let key = config.derived_key("passkey decoys");
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).expect("any key length");
    mac.update(tenant.as_bytes());
    mac.update(b"\n");
    mac.update(email.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

async fn login_finish(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !origin_ok(&state.config, &headers) {
        return refuse(StatusCode::FORBIDDEN, "cross-origin request refused");
    }
    let (tenant, slug) = match tenant_id(&state, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    #[derive(serde::Deserialize)]
    struct Finish {
        ceremony: String,
        credential: PublicKeyCredential,
    }
    let Ok(finish) = serde_json::from_slice::<Finish>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "send {ceremony, credential}");
    };
    let ip_addr = ip.0;
    let client = client_of(&headers, ip);
    let store = &state.store;
    let ip = client.ip.clone().unwrap_or_else(|| "unknown".into());
    let Some(webauthn) = webauthn(&state, &headers) else {
        return passkeys_off();
    };
    let (row, mut passkey, result) = match store
        .take_ceremony(&tenant, &finish.ceremony, "login", None)
        .await
    {
        Ok(Some(saved)) => {
            let Ok(auth) = serde_json::from_str::<DiscoverableAuthentication>(&saved) else {
                return internal("stored ceremony unreadable");
            };
            let Ok((handle, cred_id)) =
                webauthn.identify_discoverable_authentication(&finish.credential)
            else {
                return denied(&state, &tenant, &ip, "no user handle").await;
            };
            let stored = match store.passkeys_by_handle(&tenant, &handle.to_string()).await {
                Ok(s) => s,
                Err(e) => return internal(e),
            };
            let found = stored.into_iter().find_map(|s| {
                let p = serde_json::from_str::<Passkey>(&s.passkey).ok()?;
                (AsRef::<[u8]>::as_ref(p.cred_id()) == cred_id).then_some((s, p))
            });
            let Some((row, passkey)) = found else {
                return denied(&state, &tenant, &ip, "unknown passkey").await;
            };
            // `_v2` takes a raw `Credential`, reachable only with webauthn-rs's
            // `danger-credential-internals` feature; the v1 call with the single matching key
            // performs the same verification.
            #[allow(deprecated)]
            let verified = webauthn.finish_discoverable_authentication(
                &finish.credential,
                auth,
                &[DiscoverableKey::from(&passkey)],
            );
            match verified {
                Ok(r) => (row, passkey, r),
                Err(_) => return denied(&state, &tenant, &ip, "assertion refused").await,
            }
        }
        Ok(None) => {
            let saved = match store
                .take_ceremony(&tenant, &finish.ceremony, "login_known", None)
                .await
            {
                Ok(Some(s)) => s,
                Ok(None) => {
                    return denied(&state, &tenant, &ip, "unknown, expired or used ceremony").await
                }
                Err(e) => return internal(e),
            };
            let Ok(known) = serde_json::from_str::<KnownLogin>(&saved) else {
                return internal("stored ceremony unreadable");
            };
            let result =
                match webauthn.finish_passkey_authentication(&finish.credential, &known.state) {
                    Ok(r) => r,
                    Err(_) => return denied(&state, &tenant, &ip, "assertion refused").await,
                };
            let stored = match store.passkeys_of(&tenant, known.kind, &known.user_id).await {
                Ok(s) => s,
                Err(e) => return internal(e),
            };
            let found = stored.into_iter().find_map(|s| {
                let p = serde_json::from_str::<Passkey>(&s.passkey).ok()?;
                (p.cred_id() == result.cred_id()).then_some((s, p))
            });
            let Some((row, passkey)) = found else {
                return denied(&state, &tenant, &ip, "passkey removed").await;
            };
            (row, passkey, result)
        }
        Err(e) => return internal(e),
    };
    let updated = match passkey.update_credential(&result) {
        Some(true) => serde_json::to_string(&passkey).ok(),
        _ => None,
    };
    if let Err(e) = store
        .passkey_used(&tenant, &row.id, updated.as_deref())
        .await
    {
        return internal(e);
    }
    // The business's networks apply to staff whatever the way in.
    let refusal = match store.tenant_by_id(&tenant).await {
        Ok(Some(t)) => store
            .refuse_staff_sign_in(&t, row.user_kind, &row.user_id, ip_addr, false)
            .await
            .unwrap_or(None),
        _ => None,
    };
    if refusal.is_some() {
        return refuse(
            StatusCode::FORBIDDEN,
            "staff of this business sign in only from its own networks",
        );
    }
    let _ = store
        .audit_anonymous(
            &tenant,
            "auth.passkey.used",
            row.user_kind.as_str(),
            &row.user_id,
            json!({ "passkey": row.id }),
        )
        .await;
    let mut resp = start_session(
        &state,
        &tenant,
        &slug,
        row.user_kind,
        &row.user_id,
        &client,
        None,
    )
    .await;
    if resp.status() == StatusCode::SEE_OTHER {
        // A JSON caller gets the cookie and where to go next.
        let cookie = resp.headers().get(header::SET_COOKIE).cloned();
        resp = reply(
            StatusCode::OK,
            json!({ "ok": true, "redirect": format!("/{slug}/") }),
        );
        if let Some(c) = cookie {
            resp.headers_mut().insert(header::SET_COOKIE, c);
        }
    }
    resp
}

/// A refused sign-in: audited, counted towards the failed-attempt notice, one message for all causes.
async fn denied(state: &AppState, tenant: &str, ip: &str, why: &str) -> Response {
    let _ = state
        .store
        .audit_anonymous(
            tenant,
            "auth.passkey.failed",
            "ip",
            ip,
            json!({ "reason": why }),
        )
        .await;
    refuse(
        StatusCode::UNAUTHORIZED,
        "this passkey could not sign you in",
    )
}

fn passkeys_off() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "passkeys need PORTICO_BASE_URL with a host name",
    )
}
