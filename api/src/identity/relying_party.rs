//! The passkeys' relying party: the deployment's host (`PORTICO_BASE_URL`), or on a business's
//! own host that host (see `tenancy::hosts`).

use axum::http::HeaderMap;
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

use crate::core::config::Config;
use crate::core::state::AppState;

/// The relying party for this deployment: its id is the host of `PORTICO_BASE_URL`.
pub fn relying_party(config: &Config) -> anyhow::Result<Webauthn> {
    let origin =
        Url::parse(&config.origin()).map_err(|e| anyhow::anyhow!("PORTICO_BASE_URL: {e}"))?;
    let rp_id = origin
        .host_str()
        .ok_or_else(|| anyhow::anyhow!("PORTICO_BASE_URL has no host"))?
        .to_owned();
    let webauthn = WebauthnBuilder::new(&rp_id, &origin)
        .map_err(|e| anyhow::anyhow!("passkeys: {e}"))?
        .rp_name("Portico")
        .build()
        .map_err(|e| anyhow::anyhow!("passkeys: {e}"))?;
    Ok(webauthn)
}

/// The relying party; `None` when passkeys are off (no host name in the base URL). On a
/// business's own host it is that host (see `tenancy::hosts`): a passkey made there works there.
pub(crate) fn webauthn(state: &AppState, headers: &HeaderMap) -> Option<std::sync::Arc<Webauthn>> {
    let origin = headers
        .get(crate::tenancy::hosts::ORIGIN_HEADER)
        .and_then(|o| o.to_str().ok());
    match origin {
        Some(origin) => {
            let url = Url::parse(origin).ok()?;
            let rp_id = url.host_str()?.to_owned();
            WebauthnBuilder::new(&rp_id, &url)
                .ok()?
                .rp_name("Portico")
                .build()
                .ok()
                .map(std::sync::Arc::new)
        }
        None => state.webauthn.clone(),
    }
}
