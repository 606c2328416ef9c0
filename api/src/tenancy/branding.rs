//! The business's name and brand colour as its portal, emails and documents show them. The colour
//! is the background of the portal's top bar (white text on it) and the colour of its links and
//! buttons, so it must keep white text readable: a contrast of at least 4.5:1 (WCAG AA).

use portico_domain::validate;

use crate::core::audit;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

/// The least contrast of white text on the brand colour.
pub const MIN_CONTRAST: f64 = 4.5;

/// `#1f4e79` → its red, green and blue; `None` unless six hex digits after `#`.
fn rgb(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let at = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([at(0)?, at(2)?, at(4)?])
}

/// The contrast ratio of white on `color` (1 to 21), as WCAG 2 defines it.
pub fn contrast_with_white(color: &str) -> Option<f64> {
    let [r, g, b] = rgb(color)?;
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    Some(1.05 / (luminance + 0.05))
}

/// A brand colour as stored (`#1f4e79`, lower case), or why it is refused.
pub fn brand_color(color: &str) -> AppResult<String> {
    let c = color.trim().to_ascii_lowercase();
    let Some(ratio) = contrast_with_white(&c) else {
        return Err(AppError::bad_input(
            "brandColor",
            "a colour is written as # and six hex digits, e.g. #1f4e79",
        ));
    };
    if ratio < MIN_CONTRAST {
        return Err(AppError::bad_input(
            "brandColor",
            "white text on this colour is hard to read (a contrast of at least 4.5:1 is needed); choose a darker colour",
        ));
    }
    Ok(c)
}

impl Store {
    /// Renames the business and sets its brand colour (owner and admin). Audited.
    pub async fn set_branding(&self, scope: &Scope, name: &str, color: &str) -> AppResult<()> {
        scope.require_admin()?;
        let name = validate::text("name", name, 100)?;
        let color = brand_color(color)?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query("UPDATE tenants SET name = $1, brand_color = $2 WHERE id = $3")
                .bind(name.clone())
                .bind(color.clone())
                .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.branding_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "name": name, "brand_color": color })),
        )
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keep_white_text_readable() {
        // The portal's default blue, black, white and a pale yellow.
        assert!(contrast_with_white("#1f4e79").is_some_and(|r| r > 8.0));
        assert!((contrast_with_white("#000000").unwrap_or(0.0) - 21.0).abs() < 0.01);
        assert!((contrast_with_white("#ffffff").unwrap_or(0.0) - 1.0).abs() < 0.01);
        assert_eq!(brand_color(" #1F4E79 ").ok().as_deref(), Some("#1f4e79"));
        assert!(brand_color("#ffeb3b").is_err());
        assert!(brand_color("#777777").is_err(), "4.48:1 is just short");
        assert!(brand_color("#767676").is_ok(), "4.54:1");
        for bad in ["1f4e79", "#1f4e7", "#1f4e7g", "red", ""] {
            assert!(brand_color(bad).is_err(), "{bad}");
        }
    }
}
