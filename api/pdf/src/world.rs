//! The Typst world of one document: the fixed layout, its data as `data.json`, and at most a
//! logo and a QR code as images. Fonts, the standard library and the parsed layout are built once
//! per process and shared.

use std::sync::LazyLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::{Document, Error};

/// What `data.json` holds: the document, and which images the world serves.
#[derive(Serialize)]
pub(crate) struct Data<'a> {
    #[serde(flatten)]
    pub doc: &'a Document,
    /// The logo's format (`png`, `jpg`, `svg`) when there is one.
    pub logo: Option<&'static str>,
    pub qr: bool,
}

/// A path in the project root. File ids are interned for the life of the process, so only the
/// fixed names below are ever made.
fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("fixed path {path}"));
    RootedPath::new(VirtualRoot::Project, path).intern()
}

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    layout: Source,
    data: FileId,
    logo: FileId,
    qr: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        layout: Source::new(
            file_id("document.typ"),
            include_str!("../templates/document.typ").to_owned(),
        ),
        data: file_id("data.json"),
        logo: file_id("logo"),
        qr: file_id("qr.svg"),
    }
});

pub(crate) struct DocWorld {
    data: Bytes,
    logo: Option<Bytes>,
    qr: Option<Bytes>,
}

impl DocWorld {
    pub fn new(data: Vec<u8>, logo: Option<Vec<u8>>, qr: Option<Vec<u8>>) -> Self {
        Self {
            data: Bytes::new(data),
            logo: logo.map(Bytes::new),
            qr: qr.map(Bytes::new),
        }
    }

    pub fn render(&self) -> Result<(Vec<u8>, usize), Error> {
        let document = typst::compile::<PagedDocument>(self)
            .output
            .map_err(|d| Error::Layout(self.describe(&d)))?;
        let pdf = typst_pdf::pdf(&document, &PdfOptions::default())
            .map_err(|d| Error::Layout(self.describe(&d)))?;
        // The memo cache grows with every distinct document (tens of MiB for a long statement);
        // keeping none bounds memory at the cost of nothing measurable (see `bench-pdf`).
        typst::comemo::evict(0);
        Ok((pdf, document.pages().len()))
    }

    fn describe(&self, diagnostics: &[SourceDiagnostic]) -> String {
        diagnostics
            .iter()
            .map(|d| {
                let at = d
                    .span
                    .id()
                    .zip(self.range(d.span))
                    .and_then(|(id, range)| {
                        let source = self.source(id).ok()?;
                        let (line, col) = source.lines().byte_to_line_column(range.start)?;
                        Some(format!(
                            "{}:{}:{} ",
                            id.vpath().get_without_slash(),
                            line + 1,
                            col + 1
                        ))
                    })
                    .unwrap_or_default();
                format!("{at}{}", d.message)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.vpath().get_without_slash().into())
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        SHARED.layout.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == SHARED.layout.id() {
            Ok(SHARED.layout.clone())
        } else {
            Err(Self::not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let file = if id == SHARED.data {
            Some(&self.data)
        } else if id == SHARED.logo {
            self.logo.as_ref()
        } else if id == SHARED.qr {
            self.qr.as_ref()
        } else {
            None
        };
        file.cloned().ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    /// Documents print their own dates; `datetime.today()` is not used.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
