//! Character encodings as sites serve them: most pages are UTF-8, some
//! Russian and Ukrainian sites windows-1251 (with the charset only in a
//! `<meta>`, only in the `Content-Type` header, or nowhere), a Polish one
//! ISO-8859-2. Pages are written as text and encoded last, with
//! `encoding_rs`; characters the encoding lacks become numeric character
//! references, as browsers' encoders do.

use serde::{Deserialize, Serialize};

/// The bytes' encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageEncoding {
    Utf8,
    Windows1251,
    Iso88592,
}

/// Where the charset is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CharsetDeclaration {
    HeaderAndMeta,
    MetaOnly,
    HeaderOnly,
    Missing,
}

impl PageEncoding {
    /// The WHATWG label (`windows-1251`).
    pub fn label(self) -> &'static str {
        match self {
            PageEncoding::Utf8 => "utf-8",
            PageEncoding::Windows1251 => "windows-1251",
            PageEncoding::Iso88592 => "iso-8859-2",
        }
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            PageEncoding::Utf8 => encoding_rs::UTF_8,
            PageEncoding::Windows1251 => encoding_rs::WINDOWS_1251,
            PageEncoding::Iso88592 => encoding_rs::ISO_8859_2,
        }
    }

    /// `text` as bytes in this encoding.
    pub(crate) fn encode(self, text: &str) -> Vec<u8> {
        let (bytes, _, _) = self.encoding().encode(text);
        bytes.into_owned()
    }

    /// `bytes` decoded from this encoding (for tests and the truth).
    pub fn decode(self, bytes: &[u8]) -> String {
        let (text, _) = self.encoding().decode_without_bom_handling(bytes);
        text.into_owned()
    }
}

impl CharsetDeclaration {
    pub fn in_header(self) -> bool {
        matches!(
            self,
            CharsetDeclaration::HeaderAndMeta | CharsetDeclaration::HeaderOnly
        )
    }

    pub fn in_meta(self) -> bool {
        matches!(
            self,
            CharsetDeclaration::HeaderAndMeta | CharsetDeclaration::MetaOnly
        )
    }
}

/// The `Content-Type` of an HTML page.
pub(crate) fn html_content_type(encoding: PageEncoding, declaration: CharsetDeclaration) -> String {
    if declaration.in_header() {
        format!("text/html; charset={}", encoding.label())
    } else {
        "text/html".to_owned()
    }
}

/// The `<meta charset>` line, or nothing.
pub(crate) fn meta_charset(encoding: PageEncoding, declaration: CharsetDeclaration) -> String {
    if declaration.in_meta() {
        format!(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={}\">\n",
            encoding.label()
        )
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::PageEncoding;

    #[test]
    fn real_legacy_bytes() {
        assert_eq!(
            PageEncoding::Windows1251.encode("Москва"),
            b"\xcc\xee\xf1\xea\xe2\xe0"
        );
        assert_eq!(PageEncoding::Iso88592.encode("Kraków"), b"Krak\xf3w");
        // Characters the encoding lacks become references.
        assert_eq!(PageEncoding::Windows1251.encode("₽"), b"&#8381;");
        assert_eq!(PageEncoding::Utf8.encode("ä"), "ä".as_bytes());
        assert_eq!(
            PageEncoding::Windows1251.decode(b"\xe2\xf7\xe5\xf0\xe0"),
            "вчера"
        );
    }
}
