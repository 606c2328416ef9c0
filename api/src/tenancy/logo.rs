//! The business's logo, uploaded as PNG, JPEG or SVG (an SVG is rebuilt from an allow-list so it
//! can only draw; see `svg`). Kept in the file store under a hash of its bytes; the portal serves
//! it at `/{slug}/brand/{file}` and documents print it.

use base64::Engine;
use sha2::Digest;

use crate::core::audit;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::tenancy::Tenant;

/// The largest upload.
pub const MAX_UPLOAD: usize = 512 * 1024;
/// The largest width or height of a PNG logo, in pixels.
const MAX_SIDE: u32 = 4096;

/// An accepted logo: its bytes (an SVG already cleaned) and kind.
#[derive(Debug, Clone)]
pub struct Image {
    pub bytes: Vec<u8>,
    /// `png`, `jpg` or `svg`.
    pub ext: &'static str,
}

pub fn content_type(ext: &str) -> &'static str {
    match ext {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        _ => "image/svg+xml",
    }
}

fn bad(message: &str) -> AppError {
    AppError::bad_input("logo", message)
}

/// Reads an upload by its content (not its name): PNG (within 4096 × 4096 pixels), JPEG, or SVG
/// (cleaned). A `data:` URI is read as the file it carries.
pub fn read_upload(bytes: &[u8]) -> AppResult<Image> {
    if let Some(uri) = bytes.strip_prefix(b"data:") {
        let (meta, payload) = std::str::from_utf8(uri)
            .ok()
            .and_then(|u| u.split_once(','))
            .ok_or_else(|| bad("not a data: URI"))?;
        if !meta.ends_with(";base64") {
            return Err(bad("a logo's data: URI is base64"));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(payload.trim())
            .map_err(|_| bad("a logo's data: URI is base64"))?;
        return read_upload(&decoded);
    }
    if bytes.is_empty() {
        return Err(bad("choose an image file"));
    }
    if bytes.len() > MAX_UPLOAD {
        return Err(bad("a logo is at most 512 KiB"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let side = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let (w, h) = (side(16).unwrap_or(0), side(20).unwrap_or(0));
        if bytes.get(12..16) != Some(b"IHDR") || w == 0 || h == 0 {
            return Err(bad("the PNG file is damaged"));
        }
        if w > MAX_SIDE || h > MAX_SIDE {
            return Err(bad("a logo is at most 4096 pixels wide and high"));
        }
        return Ok(Image {
            bytes: bytes.to_vec(),
            ext: "png",
        });
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Image {
            bytes: bytes.to_vec(),
            ext: "jpg",
        });
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if head.contains("<svg")
        || head
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with("<?xml")
    {
        return Ok(Image {
            bytes: crate::tenancy::svg::sanitize(bytes)?,
            ext: "svg",
        });
    }
    Err(bad("a logo is a PNG, JPEG or SVG image"))
}

/// The store key of a tenant's logo file.
fn key(tenant_id: &str, file: &str) -> String {
    format!("tenants/{tenant_id}/{file}")
}

impl Store {
    /// Sets the business's logo (owner and admin); replaces any earlier one. Audited.
    pub async fn set_logo(&self, scope: &Scope, image: Image) -> AppResult<String> {
        scope.require_admin()?;
        let hash = sha2::Sha256::digest(&image.bytes);
        let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
        let file = format!("logo-{hex}.{}", image.ext);
        self.files()?
            .put(&key(&scope.tenant_id, &file), image.bytes)
            .await?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET logo_file = $1, logo = NULL WHERE id = $2")
                .bind(file.clone())
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.logo_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "file": file })),
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Removes the business's logo (owner and admin): its name shows instead. Audited.
    pub async fn remove_logo(&self, scope: &Scope) -> AppResult<()> {
        scope.require_admin()?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET logo_file = NULL, logo = NULL WHERE id = $1")
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.logo_removed",
            "tenant",
            &scope.tenant_id,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// The bytes of `tenant`'s uploaded logo and its kind, if it has one.
    pub async fn logo_file(&self, tenant: &Tenant) -> AppResult<Option<(Vec<u8>, &'static str)>> {
        let Some(file) = &tenant.logo_file else {
            return Ok(None);
        };
        let ext = match file.rsplit('.').next() {
            Some("png") => "png",
            Some("jpg") => "jpg",
            _ => "svg",
        };
        Ok(self
            .files()?
            .get(&key(&tenant.id, file))
            .await?
            .map(|b| (b, ext)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_read_by_their_content() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(64u32.to_be_bytes());
        png.extend(32u32.to_be_bytes());
        assert_eq!(read_upload(&png).map(|i| i.ext).ok(), Some("png"));
        let mut huge = png[..16].to_vec();
        huge.extend(5000u32.to_be_bytes());
        huge.extend(10u32.to_be_bytes());
        assert!(read_upload(&huge).is_err());
        assert_eq!(
            read_upload(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|i| i.ext).ok(),
            Some("jpg")
        );
        let svg = read_upload(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>")
            .expect("svg");
        assert!(!String::from_utf8_lossy(&svg.bytes).contains("script"));
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        assert_eq!(read_upload(uri.as_bytes()).map(|i| i.ext).ok(), Some("png"));
        assert!(read_upload(b"GIF89a").is_err());
        assert!(read_upload(b"").is_err());
        assert!(read_upload(&vec![b' '; MAX_UPLOAD + 1]).is_err());
    }
}
