// Passkey ceremonies for the portal: the server's WebAuthn options (base64url) to the browser's
// navigator.credentials and back. Imported by the portal's WASM; no other script runs on the page.
const b64uToBuf = (s) => {
  const pad = "=".repeat((4 - (s.length % 4)) % 4);
  const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
};
const bufToB64u = (b) => {
  let s = "";
  for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

async function post(url, body) {
  const r = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let json = {};
  try { json = JSON.parse(text); } catch (_) { json = {}; }
  if (!r.ok) throw new Error(json.error || `request failed (${r.status})`);
  return json;
}

// Resolves to "" on success, else a message for the person.
export async function passkeyLogin(tenant) {
  try {
    if (!window.PublicKeyCredential) return "This browser has no passkey support.";
    const start = await post(`/${tenant}/auth/passkeys/login/start`, {});
    const pk = start.options.publicKey;
    pk.challenge = b64uToBuf(pk.challenge);
    (pk.allowCredentials || []).forEach((c) => { c.id = b64uToBuf(c.id); });
    const cred = await navigator.credentials.get({ publicKey: pk });
    const r = cred.response;
    await post(`/${tenant}/auth/passkeys/login/finish`, {
      ceremony: start.ceremony,
      credential: {
        id: cred.id,
        rawId: bufToB64u(cred.rawId),
        type: cred.type,
        extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          authenticatorData: bufToB64u(r.authenticatorData),
          clientDataJSON: bufToB64u(r.clientDataJSON),
          signature: bufToB64u(r.signature),
          userHandle: r.userHandle ? bufToB64u(r.userHandle) : null,
        },
      },
    });
    window.location.assign(`/${tenant}/`);
    return "";
  } catch (e) {
    return String(e && e.message ? e.message : e);
  }
}

export async function passkeyRegister(tenant, name) {
  try {
    if (!window.PublicKeyCredential) return "This browser has no passkey support.";
    const start = await post(`/${tenant}/auth/passkeys/register/start`, { name });
    const pk = start.options.publicKey;
    pk.challenge = b64uToBuf(pk.challenge);
    pk.user.id = b64uToBuf(pk.user.id);
    // Ask for a discoverable credential, so "Sign in with a passkey" works without an email.
    pk.authenticatorSelection = Object.assign({}, pk.authenticatorSelection, {
      residentKey: "required",
      requireResidentKey: true,
    });
    (pk.excludeCredentials || []).forEach((c) => { c.id = b64uToBuf(c.id); });
    const cred = await navigator.credentials.create({ publicKey: pk });
    const r = cred.response;
    await post(`/${tenant}/auth/passkeys/register/finish`, {
      ceremony: start.ceremony,
      credential: {
        id: cred.id,
        rawId: bufToB64u(cred.rawId),
        type: cred.type,
        extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        response: {
          attestationObject: bufToB64u(r.attestationObject),
          clientDataJSON: bufToB64u(r.clientDataJSON),
          transports: r.getTransports ? r.getTransports() : null,
        },
      },
    });
    return "";
  } catch (e) {
    return String(e && e.message ? e.message : e);
  }
}
