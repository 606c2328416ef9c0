//! Secrets handed to people and programs: `<prefix>_<tenant id>_<secret>` with 256 random bits,
//! stored only as a SHA-256 hash. Prefixes: `pt` API token, `ps` session, `ml` magic link, `pi`
//! invitation, `pl` invoice link. The tenant id lets the lookup run inside that tenant's
//! row-level-security scope.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token for `tenant_id` (plaintext, shown once) and its hash (stored).
pub fn generate(tenant_id: &str) -> (String, String) {
    generate_with("pt", tenant_id)
}

/// A fresh secret with `prefix` for `tenant_id` and its hash.
pub fn generate_with(prefix: &str, tenant_id: &str) -> (String, String) {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!(
        "{prefix}_{}_{}",
        tenant_id.replace('-', ""),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    );
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tenant id embedded in a token, if it has the right shape.
pub fn tenant_of(token: &str) -> Option<String> {
    tenant_of_with("pt", token)
}

/// The tenant id embedded in a secret with `prefix`.
pub fn tenant_of_with(prefix: &str, token: &str) -> Option<String> {
    let rest = token.strip_prefix(prefix)?.strip_prefix('_')?;
    if token.len() > 200 {
        return None;
    }
    let (simple, secret) = rest.split_once('_')?;
    if simple.len() != 32 || secret.len() < 40 {
        return None;
    }
    uuid::Uuid::try_parse(simple)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_names_its_tenant_and_hashes_stably() {
        let tenant = uuid::Uuid::now_v7().to_string();
        let (token, h) = generate(&tenant);
        assert_eq!(tenant_of(&token).as_deref(), Some(tenant.as_str()));
        assert_eq!(hash(&token), h);
        assert_ne!(generate(&tenant).0, token);
    }

    #[test]
    fn malformed_tokens_name_no_tenant() {
        for bad in [
            "",
            "pt_",
            "pt_abc_def",
            "Bearer x",
            "pt_00000000000000000000000000000000_short",
        ] {
            assert_eq!(tenant_of(bad), None, "{bad}");
        }
    }
}
