//! Encryption at rest for gateway credentials: ChaCha20-Poly1305 with a 256-bit key from
//! `PORTICO_SECRET_KEY` (64 hex characters). Stored as base64 of nonce ‖ ciphertext.

use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// From 64 hex characters.
    pub fn from_hex(hex: &str) -> anyhow::Result<SecretBox> {
        let hex = hex.trim();
        anyhow::ensure!(
            hex.len() == 64,
            "PORTICO_SECRET_KEY must be 64 hex characters (32 bytes)"
        );
        let bytes = (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| anyhow::anyhow!("PORTICO_SECRET_KEY must be hex"))?;
        Ok(SecretBox {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)),
        })
    }

    pub fn seal(&self, plaintext: &str) -> anyhow::Result<String> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend(ct);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let raw = base64::engine::general_purpose::STANDARD.decode(sealed)?;
        anyhow::ensure!(raw.len() > 12, "sealed value too short");
        let (nonce, ct) = raw.split_at(12);
        let pt = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| anyhow::anyhow!("cannot decrypt (wrong PORTICO_SECRET_KEY?)"))?;
        Ok(String::from_utf8(pt)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_never_show_in_clear() {
        let a = SecretBox::from_hex(&"11".repeat(32)).expect("key");
        let b = SecretBox::from_hex(&"22".repeat(32)).expect("key");
        let sealed = a.seal("sk_test_123").expect("seal");
        assert!(!sealed.contains("sk_test"));
        assert_ne!(
            sealed,
            a.seal("sk_test_123").expect("seal"),
            "a fresh nonce each time"
        );
        assert_eq!(a.open(&sealed).expect("open"), "sk_test_123");
        assert!(b.open(&sealed).is_err());
        assert!(SecretBox::from_hex("abc").is_err());
    }
}
