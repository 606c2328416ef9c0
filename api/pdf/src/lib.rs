//! Portico's PDF renderer.
//!
//! Every document kind (invoice, receipt, statement, credit note, estimate) is drawn by one Typst
//! layout, `templates/document.typ`, from a [`Document`]: text already translated and amounts
//! already formatted by the caller, so the layout has no logic of its own beyond placement. The
//! data reaches Typst as a virtual `data.json` file and is never spliced into template text.
//! Fonts come from the `typst-assets` crate (Libertinus Serif covers Greek); nothing is read from
//! disk or the network at run time.

mod model;
mod world;

pub use model::{Align, Column, Document, Fact, Link, Note, Party, Row, Stamp, Table, Total};

/// Why a document could not be drawn. Each is a defect in the caller or the layout, never bad
/// input from a person: the data is typed and the layout is fixed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("document data: {0}")]
    Data(#[from] serde_json::Error),
    #[error("qr code: {0}")]
    Qr(String),
    #[error("layout: {0}")]
    Layout(String),
}

/// A logo to draw in the header, decoded from its stored form.
pub struct Logo {
    pub bytes: Vec<u8>,
    /// `png`, `jpg` or `svg`.
    pub format: &'static str,
}

/// Draws `doc` as a PDF. CPU-bound (a few milliseconds in release builds): call it from a
/// blocking task.
pub fn render(doc: &Document, logo: Option<Logo>) -> Result<Vec<u8>, Error> {
    render_counted(doc, logo).map(|(pdf, _)| pdf)
}

/// [`render`], with the number of pages drawn.
pub fn render_counted(doc: &Document, logo: Option<Logo>) -> Result<(Vec<u8>, usize), Error> {
    let qr = match &doc.link {
        Some(link) => Some(qr_svg(&link.url)?),
        None => None,
    };
    let data = world::Data {
        doc,
        logo: logo.as_ref().map(|l| l.format),
        qr: qr.is_some(),
    };
    let world = world::DocWorld::new(
        serde_json::to_vec(&data)?,
        logo.map(|l| l.bytes),
        qr.map(String::into_bytes),
    );
    world.render()
}

/// The QR code of a link as an SVG, drawn in Rust (no web service).
fn qr_svg(url: &str) -> Result<String, Error> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Qr(e.to_string()))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(false)
        .dark_color(svg::Color("#111111"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests;
