//! Passkeys end to end with webauthn-authenticator-rs's software passkey as the authenticator:
//! registration by a signed-in user, discoverable sign-in, replay and duplicate refusal, removal.

use crate::common::{Raw, TestApp};
use portico::core::scope::Role;
use portico::domain::Email;
use serde_json::{json, Value};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

const ORIGIN: &str = "http://localhost";

async fn signed_in(app: &TestApp, t: &str) -> String {
    app.app
        .store
        .create_staff_user(
            t,
            &Email::parse("sam@alpha.example").expect("email"),
            "Sam",
            Role::Admin,
        )
        .await
        .expect("staff");
    let r = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/json")],
            r#"{"email":"sam@alpha.example"}"#,
        )
        .await;
    assert_eq!(r.status, 202);
    let body = app.app.store.outbox(t, 1).await.expect("outbox")[0]
        .body
        .clone();
    let token = body
        .split("token=")
        .nth(1)
        .and_then(|x| x.split_whitespace().next())
        .expect("token")
        .to_owned();
    let r = app
        .request(
            "POST",
            "/alpha/auth/magic",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", ORIGIN),
            ],
            &format!("token={token}"),
        )
        .await;
    r.cookie().expect("cookie")
}

async fn post(app: &TestApp, path: &str, cookie: Option<&str>, body: Value) -> Raw {
    let mut headers = vec![("content-type", "application/json"), ("origin", ORIGIN)];
    if let Some(c) = cookie {
        headers.push(("cookie", c));
    }
    app.request("POST", path, &headers, &body.to_string()).await
}

async fn register(app: &TestApp, cookie: &str, key: &mut SoftPasskey, name: &str) -> (Raw, Value) {
    let start = post(
        app,
        "/alpha/auth/passkeys/register/start",
        Some(cookie),
        json!({ "name": name }),
    )
    .await;
    assert_eq!(start.status, 200, "{}", start.body);
    let start = start.json();
    let options: CreationChallengeResponse =
        serde_json::from_value(start["options"].clone()).expect("options");
    let credential = key
        .do_registration(Url::parse(ORIGIN).expect("url"), options)
        .expect("the authenticator registers");
    let finish = json!({ "ceremony": start["ceremony"], "credential": credential });
    (
        post(
            app,
            "/alpha/auth/passkeys/register/finish",
            Some(cookie),
            finish.clone(),
        )
        .await,
        finish,
    )
}

/// Email-first sign-in: the software passkey (like any non-discoverable authenticator) needs the
/// credential list that the email selects.
async fn sign_in(app: &TestApp, key: &mut SoftPasskey) -> (Raw, Value) {
    sign_in_offering(app, key, None).await
}

/// Like `sign_in`, but a tampering client adds `extra` to the credentials the server listed.
async fn sign_in_offering(
    app: &TestApp,
    key: &mut SoftPasskey,
    extra: Option<&Value>,
) -> (Raw, Value) {
    let start = post(
        app,
        "/alpha/auth/passkeys/login/start",
        None,
        json!({ "email": "sam@alpha.example" }),
    )
    .await;
    assert_eq!(start.status, 200, "{}", start.body);
    let mut start = start.json();
    if let (Some(id), Some(list)) = (
        extra,
        start["options"]["publicKey"]["allowCredentials"].as_array_mut(),
    ) {
        list.push(json!({ "id": id, "type": "public-key" }));
    }
    let options: RequestChallengeResponse =
        serde_json::from_value(start["options"].clone()).expect("options");
    let assertion = key
        .do_authentication(Url::parse(ORIGIN).expect("url"), options)
        .expect("the authenticator signs");
    let finish = json!({ "ceremony": start["ceremony"], "credential": assertion });
    (
        post(
            app,
            "/alpha/auth/passkeys/login/finish",
            None,
            finish.clone(),
        )
        .await,
        finish,
    )
}

async fn a_registered_passkey_signs_in_and_replays_and_duplicates_are_refused(app: TestApp) {
    let (t, _) = app.tenant("alpha").await;
    let cookie = signed_in(&app, &t).await;
    let mut laptop = SoftPasskey::new(true);
    let (reg, reg_body) = register(&app, &cookie, &mut laptop, "Laptop").await;
    assert_eq!(reg.status, 200, "{}", reg.body);
    // The same registration response again: the ceremony was taken, so it is refused.
    let again = post(
        &app,
        "/alpha/auth/passkeys/register/finish",
        Some(&cookie),
        reg_body.clone(),
    )
    .await;
    assert_eq!(again.status, 400, "{}", again.body);
    // The same credential under a fresh ceremony: refused too (challenge mismatch).
    let start = post(
        &app,
        "/alpha/auth/passkeys/register/start",
        Some(&cookie),
        json!({ "name": "Again" }),
    )
    .await
    .json();
    let replay = json!({ "ceremony": start["ceremony"], "credential": reg_body["credential"] });
    assert_ne!(
        post(
            &app,
            "/alpha/auth/passkeys/register/finish",
            Some(&cookie),
            replay
        )
        .await
        .status,
        200
    );
    let mut phone = SoftPasskey::new(true);
    assert_eq!(
        register(&app, &cookie, &mut phone, "Phone").await.0.status,
        200
    );
    // The store never registers a credential id twice, whoever asks.
    let token = cookie
        .split_once('=')
        .map(|(_, v)| v)
        .expect("cookie value");
    let scope = app
        .app
        .store
        .session_scope(&t, &portico::core::tokens::hash(token))
        .await
        .expect("lookup")
        .expect("session");
    let cred_id = reg_body["credential"]["id"]
        .as_str()
        .expect("credential id");
    let dup = app
        .app
        .store
        .add_passkey(
            &scope,
            "00000000-0000-4000-8000-000000000000",
            cred_id,
            "Dup",
            "{}",
        )
        .await;
    assert_eq!(dup.err().map(|e| e.code()), Some("CONFLICT"));
    let keys = app
        .gql_cookie(&cookie, "{ myPasskeys { id name } }", json!({}))
        .await
        .json();
    let names: Vec<&str> = keys["data"]["myPasskeys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Laptop", "Phone"], "{keys}");

    let (login, assertion) = sign_in(&app, &mut laptop).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let session = login.cookie().expect("a session cookie");
    assert_ne!(session, cookie);
    let me = app
        .gql_cookie(&session, "{ viewer { role name } }", json!({}))
        .await
        .json();
    assert_eq!(
        me["data"]["viewer"],
        json!({ "role": "admin", "name": "Sam" })
    );
    let replayed = post(&app, "/alpha/auth/passkeys/login/finish", None, assertion).await;
    assert_eq!(replayed.status, 401, "a replayed assertion is refused");
    assert!(replayed.cookie().is_none());
    // A second sign-in with the same key works (its counter moves on).
    assert_eq!(sign_in(&app, &mut laptop).await.0.status, 200);

    // Removed passkeys no longer sign in; an unknown authenticator never did.
    let laptop_id = keys["data"]["myPasskeys"][0]["id"].clone();
    let removed = app
        .gql_cookie(
            &cookie,
            "mutation($id: ID!) { removePasskey(id: $id) }",
            json!({ "id": laptop_id }),
        )
        .await
        .json();
    assert_eq!(removed["data"]["removePasskey"], true, "{removed}");
    let laptop_credential = &reg_body["credential"]["id"];
    assert_eq!(
        sign_in_offering(&app, &mut laptop, Some(laptop_credential))
            .await
            .0
            .status,
        401,
        "a removed passkey is refused"
    );
    let mut stranger = SoftPasskey::new(true);
    let start = post(
        &app,
        "/alpha/auth/passkeys/login/start",
        None,
        json!({ "email": "nobody@alpha.example" }),
    )
    .await
    .json();
    // The answer does not tell whether an address has passkeys: an unknown one gets one
    // credential id too, of the same form, the same each time it asks.
    let decoy = start["options"]["publicKey"]["allowCredentials"].clone();
    let known = post(
        &app,
        "/alpha/auth/passkeys/login/start",
        None,
        json!({ "email": "sam@alpha.example" }),
    )
    .await
    .json()["options"]["publicKey"]["allowCredentials"]
        .clone();
    assert_eq!(decoy.as_array().map(Vec::len), Some(1), "{decoy}");
    assert_eq!(known.as_array().map(Vec::len), Some(1), "{known}");
    assert_eq!(decoy[0]["type"], known[0]["type"]);
    let again = post(
        &app,
        "/alpha/auth/passkeys/login/start",
        None,
        json!({ "email": "nobody@alpha.example" }),
    )
    .await
    .json();
    assert_eq!(again["options"]["publicKey"]["allowCredentials"], decoy);
    let options: RequestChallengeResponse =
        serde_json::from_value(start["options"].clone()).expect("options");
    // A software passkey with no credential for this site cannot even answer.
    assert!(stranger
        .do_authentication(Url::parse(ORIGIN).expect("url"), options)
        .is_err());
    assert_eq!(sign_in(&app, &mut phone).await.0.status, 200);
}

async fn registration_needs_a_session_from_the_portals_origin(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let cookie = signed_in(&app, &t).await;
    let no_session = post(&app, "/alpha/auth/passkeys/register/start", None, json!({})).await;
    assert_eq!(no_session.status, 401);
    let foreign = app
        .request(
            "POST",
            "/alpha/auth/passkeys/register/start",
            &[
                ("content-type", "application/json"),
                ("origin", "https://evil.example"),
                ("cookie", &cookie),
            ],
            "{}",
        )
        .await;
    assert_eq!(foreign.status, 403);
    let (status, body) = app
        .post(
            Some(&owner),
            "application/json",
            json!({ "query": "{ myPasskeys { id } }" }).to_string(),
        )
        .await;
    assert_eq!(
        (
            status.as_u16(),
            body["errors"][0]["extensions"]["code"].clone()
        ),
        (200, json!("FORBIDDEN")),
        "tokens have no passkeys"
    );
}

both_backends!(
    a_registered_passkey_signs_in_and_replays_and_duplicates_are_refused,
    registration_needs_a_session_from_the_portals_origin,
);
