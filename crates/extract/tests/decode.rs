//! Charset decoding on real encoded bytes: neutral Russian, Ukrainian,
//! Polish and Czech listing text encoded with encoding_rs here, then
//! decoded by `decode_html` from header, BOM, `<meta>` or detection; wrong
//! declarations fall back to detection.

use cartograph_extract::{decode_html, decode_html_with_tld_hint, CharsetSource};
use encoding_rs::{Encoding, ISO_8859_2, KOI8_R, UTF_8, WINDOWS_1250, WINDOWS_1251};

const RUSSIAN: &str = "Объявления в Москве: Анна, 27 лет, приятная собеседница для ужина и прогулок по центру города. \
Цена договорная, звонить вечером. Новая анкета, фото настоящие, встречи только в городе.";
const UKRAINIAN: &str =
    "Оголошення у Києві: Марія, 29 років, супровід на вечерю та прогулянки містом. \
Ціна за годину, дзвоніть увечері. Нова анкета, справжні фото, зустрічі лише в місті.";
const POLISH: &str =
    "Ogłoszenia w Łodzi: Zuzanna, 26 lat, towarzyszka na kolację i spacery po mieście. \
Cena za godzinę, dzwoń wieczorem. Świeże zdjęcia, spotkania tylko w śródmieściu, źródło zaufane.";
const CZECH: &str = "Inzeráty v Brně: Tereza, 28 let, společnice na večeři a procházky městem. \
Cena za hodinu, volejte večer. Nový inzerát, skutečné fotografie, schůzky jen ve městě, řádně ověřeno.";

fn page(text: &str, head: &str) -> String {
    format!("<!DOCTYPE html><html><head>{head}<title>List</title></head><body><div class=\"ad\"><p>{text}</p></div></body></html>")
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "test text must fit {}", encoding.name());
    bytes.into_owned()
}

struct Case<'a> {
    headers: &'a [(&'a str, &'a str)],
    body: Vec<u8>,
    tld: Option<&'a str>,
}

fn check(
    case: Case<'_>,
    expected_encoding: &str,
    expected_source: CharsetSource,
    expected_text: &str,
) {
    let headers: Vec<(String, String)> = case
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    let decoded = decode_html_with_tld_hint(&headers, &case.body, case.tld);
    assert_eq!(decoded.encoding, expected_encoding, "{expected_text:.40}");
    assert_eq!(decoded.source, expected_source, "{expected_text:.40}");
    assert!(decoded.text.contains(expected_text), "{}", decoded.text);
    assert_eq!(decoded.replacements, 0);
}

#[test]
fn declared_charsets_are_honoured() {
    let content_type = |charset: &'static str| -> [(&'static str, &'static str); 1] {
        [("Content-Type", charset)]
    };
    check(
        Case {
            headers: &content_type("text/html; charset=windows-1251"),
            body: encode(WINDOWS_1251, &page(RUSSIAN, "")),
            tld: None,
        },
        "windows-1251",
        CharsetSource::Header,
        RUSSIAN,
    );
    check(
        Case {
            headers: &content_type("text/html; charset=\"iso-8859-2\""),
            body: encode(ISO_8859_2, &page(POLISH, "")),
            tld: None,
        },
        "ISO-8859-2",
        CharsetSource::Header,
        POLISH,
    );
    check(
        Case {
            headers: &[],
            body: encode(KOI8_R, &page(RUSSIAN, "<meta charset=\"koi8-r\">")),
            tld: None,
        },
        "KOI8-R",
        CharsetSource::Meta,
        RUSSIAN,
    );
    check(
        Case {
            headers: &content_type("text/html"),
            body: encode(
                ISO_8859_2,
                &page(
                    CZECH,
                    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-2\">",
                ),
            ),
            tld: None,
        },
        "ISO-8859-2",
        CharsetSource::Meta,
        CZECH,
    );
    // A meta tag after a long comment, inside the prescan window.
    let long_comment = format!("<!-- {} -->", "x".repeat(2000));
    check(
        Case {
            headers: &[],
            body: encode(
                WINDOWS_1251,
                &page(
                    UKRAINIAN,
                    &format!("{long_comment}<meta charset=windows-1251>"),
                ),
            ),
            tld: None,
        },
        "windows-1251",
        CharsetSource::Meta,
        UKRAINIAN,
    );
    // A BOM beats the header.
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(page(UKRAINIAN, "").as_bytes());
    check(
        Case {
            headers: &content_type("text/html; charset=windows-1251"),
            body: with_bom,
            tld: None,
        },
        "UTF-8",
        CharsetSource::Bom,
        UKRAINIAN,
    );
    // The header beats a meta tag.
    check(
        Case {
            headers: &content_type("text/html; charset=utf-8"),
            body: page(POLISH, "<meta charset=iso-8859-2>").into_bytes(),
            tld: None,
        },
        "UTF-8",
        CharsetSource::Header,
        POLISH,
    );
}

#[test]
fn undeclared_charsets_are_detected() {
    check(
        Case {
            headers: &[],
            body: encode(WINDOWS_1251, &page(RUSSIAN, "")),
            tld: None,
        },
        "windows-1251",
        CharsetSource::Detected,
        RUSSIAN,
    );
    check(
        Case {
            headers: &[],
            body: encode(KOI8_R, &page(RUSSIAN, "")),
            tld: None,
        },
        // chardetng names the KOI8 family by its superset; Russian text
        // decodes identically.
        "KOI8-U",
        CharsetSource::Detected,
        RUSSIAN,
    );
    check(
        Case {
            headers: &[("Content-Type", "text/html")],
            body: encode(WINDOWS_1251, &page(UKRAINIAN, "")),
            tld: Some("ua"),
        },
        "windows-1251",
        CharsetSource::Detected,
        UKRAINIAN,
    );
    check(
        Case {
            headers: &[],
            body: encode(ISO_8859_2, &page(POLISH, "")),
            tld: Some("pl"),
        },
        "ISO-8859-2",
        CharsetSource::Detected,
        POLISH,
    );
    check(
        Case {
            headers: &[],
            body: encode(WINDOWS_1250, &page(CZECH, "")),
            tld: Some("cz"),
        },
        "windows-1250",
        CharsetSource::Detected,
        CZECH,
    );
    check(
        Case {
            headers: &[],
            body: page(UKRAINIAN, "").into_bytes(),
            tld: None,
        },
        "UTF-8",
        CharsetSource::Detected,
        UKRAINIAN,
    );
    check(
        Case {
            headers: &[],
            body: page("Plain ASCII listing, 5 ads.", "").into_bytes(),
            tld: None,
        },
        "UTF-8",
        CharsetSource::Default,
        "Plain ASCII listing, 5 ads.",
    );
}

#[test]
fn wrong_declarations_fall_back_to_detection() {
    // The server's default utf-8 on a windows-1251 page: almost every
    // Cyrillic byte would become U+FFFD.
    let declared_utf8 = [("Content-Type", "text/html; charset=UTF-8")];
    let body = encode(WINDOWS_1251, &page(RUSSIAN, ""));
    let naive = UTF_8.decode_without_bom_handling(&body).0;
    assert!(
        naive.matches('\u{FFFD}').count() > 50,
        "the declaration is really wrong"
    );
    check(
        Case {
            headers: &declared_utf8,
            body,
            tld: None,
        },
        "windows-1251",
        CharsetSource::Detected,
        RUSSIAN,
    );
    // A copied <meta charset=windows-1251> on a page saved as UTF-8.
    check(
        Case {
            headers: &[],
            body: page(UKRAINIAN, "<meta charset=windows-1251>").into_bytes(),
            tld: None,
        },
        "UTF-8",
        CharsetSource::Detected,
        UKRAINIAN,
    );
    // A KOI8-R label on ISO-8859-2 bytes cannot be caught (every byte is
    // valid in both); a UTF-8 page with one damaged byte keeps its label.
    let mut damaged = page(POLISH, "").into_bytes();
    damaged.insert(40, 0xFF);
    let decoded = decode_html(
        &[("Content-Type".into(), "text/html; charset=utf-8".into())],
        &damaged,
    );
    assert_eq!(decoded.source, CharsetSource::Header);
    assert_eq!(decoded.encoding, "UTF-8");
    assert_eq!(decoded.replacements, 1);
}

#[test]
fn unknown_labels_and_odd_tlds_are_survived() {
    let body = encode(
        WINDOWS_1251,
        &page(RUSSIAN, "<meta charset=no-such-charset>"),
    );
    let decoded = decode_html_with_tld_hint(
        &[("content-type".into(), "text/html; charset=bogus".into())],
        &body,
        Some("Not.A-TLD"),
    );
    assert_eq!(decoded.source, CharsetSource::Detected);
    assert_eq!(decoded.encoding, "windows-1251");
    assert!(decoded.text.contains(RUSSIAN));
    let empty = decode_html(&[], b"");
    assert_eq!(
        (empty.text.as_str(), empty.source),
        ("", CharsetSource::Default)
    );
}
