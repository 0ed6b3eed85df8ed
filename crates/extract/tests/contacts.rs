//! Contact signals of ad cards: kinds, obscured numbers, pseudonyms, and
//! the things that must not be taken for phone numbers. All numbers are
//! made up; texts are neutral.

use std::collections::BTreeSet;

use cartograph_extract::{find_contacts, ContactKind, ContactPseudonym, LinkageKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use ContactKind::*;

const KEY_BYTES: [u8; 32] = [7; 32];

/// What one card should yield: the kinds, whether obscured, and the
/// identifiers behind the pseudonyms ("tel:+43…", "telegram:anna_b").
struct Expect<'e> {
    kinds: &'e [ContactKind],
    obscured: bool,
    identifiers: &'e [&'e str],
}

/// The pseudonym of `identifier`, computed here independently of the crate.
fn pseudonym(identifier: &str) -> ContactPseudonym {
    let (namespace, _) = identifier.split_once(':').expect("namespaced identifier");
    let kind = match namespace {
        "tel" => Phone,
        "telegram" => Telegram,
        "instagram" => Instagram,
        "onlyfans" => OnlyFans,
        "twitter" => Twitter,
        "tiktok" => TikTok,
        "facebook" => Facebook,
        "vk" => Vk,
        "snapchat" => Snapchat,
        other => panic!("unknown namespace {other}"),
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&KEY_BYTES).expect("any key length");
    mac.update(identifier.as_bytes());
    ContactPseudonym {
        kind,
        digest: hex::encode(mac.finalize().into_bytes()),
    }
}

fn check(text: &str, hrefs: &[&str], region: &str, expect: Expect<'_>) {
    let key = LinkageKey::new(KEY_BYTES);
    let signals = find_contacts(text, hrefs, region, &key);
    let expected_kinds: BTreeSet<ContactKind> = expect.kinds.iter().copied().collect();
    let expected_pseudonyms: BTreeSet<ContactPseudonym> = expect
        .identifiers
        .iter()
        .map(|identifier| pseudonym(identifier))
        .collect();
    assert_eq!(signals.kinds, expected_kinds, "kinds of {text:?} {hrefs:?}");
    assert_eq!(
        signals.obscured, expect.obscured,
        "obscured of {text:?} {hrefs:?}"
    );
    assert_eq!(
        signals.pseudonyms, expected_pseudonyms,
        "pseudonyms of {text:?} {hrefs:?} (expected {:?})",
        expect.identifiers
    );
}

fn none() -> Expect<'static> {
    Expect {
        kinds: &[],
        obscured: false,
        identifiers: &[],
    }
}

#[test]
fn plainly_written_numbers() {
    for (text, region, identifier) in [
        ("Anruf: 0664 1234567", "AT", "tel:+436641234567"),
        ("Tel. +43 664 123 45 67", "AT", "tel:+436641234567"),
        ("+43 (0) 664 1234567", "AT", "tel:+436641234567"),
        ("Tel.-Nr.: 0664/1234567", "AT", "tel:+436641234567"),
        ("0043 664 1234567 ab 10 Uhr", "AT", "tel:+436641234567"),
        ("Handy 0151 23456789", "DE", "tel:+4915123456789"),
        ("069.912.34.56", "FR", "tel:+33699123456"),
        ("appelez le 06 99 12 34 56", "FR", "tel:+33699123456"),
        ("chiama 347 123 4567", "IT", "tel:+393471234567"),
        ("llama al 612 34 56 78", "ES", "tel:+34612345678"),
        ("тел. 8 (912) 345-67-89", "RU", "tel:+79123456789"),
        ("+7 912 345-67-89", "RU", "tel:+79123456789"),
        ("тел 067 123 45 67", "UA", "tel:+380671234567"),
        ("suna la 0722 123 456", "RO", "tel:+40722123456"),
        ("zadzwoń 512 345 678", "PL", "tel:+48512345678"),
        ("ara 0532 123 45 67", "TR", "tel:+905321234567"),
        ("call 07400 123456", "GB", "tel:+447400123456"),
        // The site's country in any case; an international number abroad.
        ("Tel 0664 1234567", "at", "tel:+436641234567"),
        ("Handy +43 664 1234567", "DE", "tel:+436641234567"),
    ] {
        check(
            text,
            &[],
            region,
            Expect {
                kinds: &[Phone],
                obscured: false,
                identifiers: &[identifier],
            },
        );
    }
}

#[test]
fn obscured_numbers_are_recovered_and_flagged() {
    for (text, region, identifier) in [
        // Digits as words, in the site's language and others.
        (
            "zero six six four one two three four five six seven",
            "AT",
            "tel:+436641234567",
        ),
        (
            "null sechs sechs vier eins zwei drei vier fünf sechs sieben",
            "AT",
            "tel:+436641234567",
        ),
        ("NULL SECHS SECHS VIER 1234567", "AT", "tel:+436641234567"),
        ("zéro six quatre-vingt", "FR", ""),
        (
            "zéro six neuf neuf un deux trois quatre cinq six",
            "FR",
            "tel:+33699123456",
        ),
        (
            "cero seis uno dos tres cuatro cinco seis siete ocho",
            "ES",
            "tel:+34612345678",
        ),
        (
            "tre quattro sette uno due tre quattro cinque sei sette",
            "IT",
            "tel:+393471234567",
        ),
        (
            "восемь девять один два три четыре пять шесть семь восемь девять",
            "RU",
            "tel:+79123456789",
        ),
        (
            "ноль шесть семь один два три четыре пять шесть семь",
            "UA",
            "tel:+380671234567",
        ),
        ("нуль шість сім 123 45 67", "UA", "tel:+380671234567"),
        (
            "zero șapte doi doi unu doi trei patru cinci șase",
            "RO",
            "tel:+40722123456",
        ),
        (
            "pięć jeden dwa trzy cztery pięć sześć siedem osiem",
            "PL",
            "tel:+48512345678",
        ),
        (
            "sıfır beş üç iki bir iki üç dört beş altı yedi",
            "TR",
            "tel:+905321234567",
        ),
        // Spelled plus.
        (
            "plus vier drei sechs sechs vier 1234567",
            "AT",
            "tel:+436641234567",
        ),
        ("плюс семь 912 345 67 89", "RU", "tel:+79123456789"),
        // Spread out and odd separators.
        ("0 6 6 4 - 1 2 3 4 5 6 7", "AT", "tel:+436641234567"),
        ("0664*123*45*67", "AT", "tel:+436641234567"),
        ("0664 -- 1234567", "AT", "tel:+436641234567"),
        // Look-alike letters.
        ("O664 l234567", "AT", "tel:+436641234567"),
        ("0664 I23 4S67", "AT", "tel:+436641234567"),
        ("Об64 1234567", "AT", ""),
        ("О664 1234567", "AT", "tel:+436641234567"), // Cyrillic О
        ("8 999 О49 83 ОО", "RU", "tel:+79990498300"), // zeros at the end
        ("O5 36 49 OO lO", "FR", "tel:+33536490010"),
        ("Ol 99 OO 28 85", "FR", "tel:+33199002885"),
        ("0664 2|34567", "AT", "tel:+436642134567"),
        ("0664 12B 4567", "AT", "tel:+43664128 4567"),
    ] {
        let identifiers: Vec<&str> = if identifier.is_empty() {
            vec![]
        } else {
            vec![identifier]
        };
        let identifiers: Vec<String> = identifiers
            .iter()
            .map(|identifier| identifier.replace(' ', ""))
            .collect();
        let identifiers: Vec<&str> = identifiers.iter().map(String::as_str).collect();
        let expect = if identifiers.is_empty() {
            none()
        } else {
            Expect {
                kinds: &[Phone],
                obscured: true,
                identifiers: &identifiers,
            }
        };
        check(text, &[], region, expect);
    }
}

#[test]
fn prices_dates_ages_ids_and_postcodes_are_not_numbers() {
    for (text, region) in [
        ("1 Std. 150 €, 2 Std. 250 €, Nacht 1.200 €", "AT"),
        ("Preis: 1.500.000 €", "AT"),
        ("Online seit 12.03.2024 um 10:30", "AT"),
        ("Posted 2024-03-12, updated 2024-03-14", "GB"),
        ("Alter 23, 170 cm, 55 kg", "AT"),
        ("23 / 170 / 55 / 75B", "AT"),
        ("Anzeige ID 48213377", "DE"),
        ("ID: 612345678", "ES"),
        ("#612345678", "ES"),
        ("Ref. 347123456", "IT"),
        ("site.test/ad/612345678", "ES"),
        ("ID612345678", "ES"),
        ("1010 Wien, 1020 Wien, 8010 Graz", "AT"),
        ("10115 Berlin 20095 Hamburg 80331 München", "DE"),
        ("Mo-Fr 10-22, Sa 12-20", "AT"),
        ("Termine 2019-2024 und 2025-2026", "DE"),
        ("Öffnungszeiten 10:00-22:00 Uhr 24/7", "AT"),
        ("Größe 36 38 40 42 44 46", "DE"),
        ("Preise: 100, 150, 200, 300, 400", "IT"),
        ("un deux trois", "FR"),
        ("", "AT"),
        ("0664 1234567", "ZZ"),
        // A date with a time, or after a count, in one run of digits.
        ("Toulouse 1 100 € la nuit 01/01/2025 04:47", "FR"),
        ("Risposte: 47 · Visite: 4323 01/01/2025", "IT"),
        ("Aufrufe 4323 2025-01-03 14:05", "DE"),
    ] {
        check(text, &[], region, none());
    }
}

#[test]
fn two_fields_on_one_line_still_give_the_number() {
    check(
        "Alter 23 0664 1234567",
        &[],
        "AT",
        Expect {
            kinds: &[Phone],
            obscured: false,
            identifiers: &["tel:+436641234567"],
        },
    );
    check(
        "0664 1234567 0676 7654321",
        &[],
        "AT",
        Expect {
            kinds: &[Phone],
            obscured: false,
            identifiers: &["tel:+436641234567", "tel:+436767654321"],
        },
    );
}

#[test]
fn links_give_kinds_and_pseudonyms() {
    for (hrefs, kinds, identifiers) in [
        (
            &["tel:+436641234567"][..],
            &[Phone][..],
            &["tel:+436641234567"][..],
        ),
        (&["tel:0664-123-45-67"], &[Phone], &["tel:+436641234567"]),
        (
            &["https://wa.me/436641234567"],
            &[WhatsApp],
            &["tel:+436641234567"],
        ),
        (
            &["https://api.whatsapp.com/send?phone=436641234567&text=Hallo"],
            &[WhatsApp],
            &["tel:+436641234567"],
        ),
        (
            &["viber://chat?number=%2B436641234567"],
            &[Viber],
            &["tel:+436641234567"],
        ),
        (
            &["https://signal.me/#p/+436641234567"],
            &[Signal],
            &["tel:+436641234567"],
        ),
        (
            &["https://t.me/+436641234567"],
            &[Telegram],
            &["tel:+436641234567"],
        ),
        (
            &["https://t.me/Anna_Example"],
            &[Telegram],
            &["telegram:anna_example"],
        ),
        (
            &["https://www.instagram.com/anna.example/"],
            &[Instagram],
            &["instagram:anna.example"],
        ),
        (
            &["https://onlyfans.com/annaexample"],
            &[OnlyFans],
            &["onlyfans:annaexample"],
        ),
        (
            &["https://x.com/AnnaExample"],
            &[Twitter],
            &["twitter:annaexample"],
        ),
        (
            &["https://twitter.com/annaexample?lang=de"],
            &[Twitter],
            &["twitter:annaexample"],
        ),
        (
            &["https://www.tiktok.com/@anna.example"],
            &[TikTok],
            &["tiktok:anna.example"],
        ),
        (
            &["https://m.facebook.com/anna.example"],
            &[Facebook],
            &["facebook:anna.example"],
        ),
        (
            &["https://www.facebook.com/profile.php?id=100000000000001"],
            &[Facebook],
            &["facebook:100000000000001"],
        ),
        (
            &["https://vk.com/anna_example"],
            &[Vk],
            &["vk:anna_example"],
        ),
        (
            &["https://www.snapchat.com/add/anna.example"],
            &[Snapchat],
            &["snapchat:anna.example"],
        ),
        // The same number by phone and WhatsApp is one contact.
        (
            &["tel:+436641234567", "https://wa.me/436641234567"],
            &[Phone, WhatsApp],
            &["tel:+436641234567"],
        ),
    ] {
        check(
            "",
            hrefs,
            "AT",
            Expect {
                kinds,
                obscured: false,
                identifiers,
            },
        );
    }
}

#[test]
fn links_that_name_nobody_are_ignored() {
    for href in [
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fsite.test%2Fad%2F1",
        "https://twitter.com/intent/tweet?url=https://site.test/ad/1",
        "https://t.me/share/url?url=https://site.test/ad/1",
        "https://t.me/+AbCdEfGhIjK",
        "https://www.instagram.com/",
        "https://chat.whatsapp.com/AbCdEfGh",
        "https://wa.me/12",
        "https://site.test/ad/436641234567",
        "mailto:someone@example.org",
        "tel:",
    ] {
        check("", &[href], "AT", none());
    }
}

#[test]
fn names_and_handles_in_text() {
    for (text, kinds, identifiers) in [
        (
            "Nur WhatsApp oder Telegram",
            &[WhatsApp, Telegram][..],
            &[][..],
        ),
        ("Пишите в Телеграм или Вайбер", &[Telegram, Viber], &[]),
        (
            "ватсап 0664 1234567",
            &[WhatsApp, Phone],
            &["tel:+436641234567"],
        ),
        (
            "Telegram: @Anna_Example",
            &[Telegram],
            &["telegram:anna_example"],
        ),
        (
            "insta @anna.example.",
            &[Instagram],
            &["instagram:anna.example"],
        ),
        (
            "OnlyFans: annaexample",
            &[OnlyFans],
            &["onlyfans:annaexample"],
        ),
        ("Telegram me anytime", &[Telegram], &[]),
        ("Signal, Viber, WhatsApp", &[Signal, Viber, WhatsApp], &[]),
        (
            "auf t.me/anna_example schreiben",
            &[Telegram],
            &["telegram:anna_example"],
        ),
        (
            "wa.me/436641234567 oder instagram.com/anna.example",
            &[WhatsApp, Instagram],
            &["tel:+436641234567", "instagram:anna.example"],
        ),
        ("TikTok und Snapchat, VK", &[TikTok, Snapchat, Vk], &[]),
        // Word-bounded: neither is a network name.
        ("Instant reply, fast track", &[], &[]),
        ("Vkusno", &[], &[]),
    ] {
        check(
            text,
            &[],
            "AT",
            Expect {
                kinds,
                obscured: false,
                identifiers,
            },
        );
    }
}

#[test]
fn warm_up_leaves_results_unchanged() {
    let key = LinkageKey::new(KEY_BYTES);
    let before = find_contacts("0664 1234567", &[], "AT", &key);
    cartograph_extract::warm_up();
    cartograph_extract::warm_up();
    assert_eq!(find_contacts("0664 1234567", &[], "AT", &key), before);
}

#[test]
fn pseudonyms_differ_by_key_and_never_show_the_number() {
    let text = "0664 1234567, Telegram @anna_example";
    let one = find_contacts(text, &[], "AT", &LinkageKey::new([1; 32]));
    let other = find_contacts(text, &[], "AT", &LinkageKey::new([2; 32]));
    assert_eq!(one.pseudonyms.len(), 2);
    assert!(one.pseudonyms.is_disjoint(&other.pseudonyms));

    let printed = format!("{one:?} {one:#?} {:?}", LinkageKey::new([1; 32]));
    for secret in ["1234567", "664", "anna", "436641234567"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    let serialised = serde_json::to_string(&one).expect("serialises");
    assert!(!serialised.contains("1234567") && !serialised.contains("anna"));
}

#[test]
fn hostile_input_stays_cheap_and_safe() {
    let long_digits = "1 ".repeat(50_000);
    let long_words = "zero ".repeat(20_000);
    let key = LinkageKey::new(KEY_BYTES);
    for text in [
        long_digits.as_str(),
        long_words.as_str(),
        "+++---(((",
        "ʼʼʼ'п'",
    ] {
        let signals = find_contacts(text, &[text], "AT", &key);
        assert!(signals.pseudonyms.len() < 1000);
    }
}
