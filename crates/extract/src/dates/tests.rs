//! Posted-time readings, one table row per case. `now` is Sunday
//! 2024-03-10 12:00 UTC throughout.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 10, 12, 0, 0).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .expect("test timestamps are written %Y-%m-%d %H:%M[:%S]")
        .and_utc()
}

/// What a reading should be: the instant, precision and relativeness.
type Expect = Option<(&'static str, PostedPrecision, bool)>;

fn check(
    reader: fn(&str, Option<&str>, DateTime<Utc>) -> Option<PostedTime>,
    name: &str,
    input: &str,
    language: Option<&str>,
    expect: Expect,
) {
    let got = reader(input, language, now());
    let expect = expect.map(|(instant, precision, relative)| PostedTime {
        at: at(instant),
        precision,
        relative,
    });
    assert_eq!(got, expect, "{name}({input:?}, {language:?})");
}

fn check_parse(input: &str, language: Option<&str>, expect: Expect) {
    check(parse_posted, "parse_posted", input, language, expect);
}

fn check_find(input: &str, language: Option<&str>, expect: Expect) {
    check(find_posted, "find_posted", input, language, expect);
}

use PostedPrecision::{Day, Hour, Minute, Month};

#[test]
fn numeric_dates_in_every_common_layout() {
    for (input, expect) in [
        ("03.03.2024", ("2024-03-03 00:00", Day, false)),
        ("3.3.2024", ("2024-03-03 00:00", Day, false)),
        ("03/03/2024", ("2024-03-03 00:00", Day, false)),
        ("03-03-2024", ("2024-03-03 00:00", Day, false)),
        ("3/3/24", ("2024-03-03 00:00", Day, false)),
        ("03.03.99", ("1999-03-03 00:00", Day, false)),
        ("2024-03-03", ("2024-03-03 00:00", Day, false)),
        ("2024/03/03", ("2024-03-03 00:00", Day, false)),
        ("12/25/2023", ("2023-12-25 00:00", Day, false)),
        ("03.03.2024 14:30", ("2024-03-03 14:30", Minute, false)),
        (
            "03.03.2024, 14:30:15",
            ("2024-03-03 14:30:15", Minute, false),
        ),
        ("2024-03-03T14:30:00Z", ("2024-03-03 14:30", Minute, false)),
        (
            "2024-03-03T14:30:00.250Z",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "2024-03-03T14:30:00+02:00",
            ("2024-03-03 12:30", Minute, false),
        ),
        ("2024-03-03 14:30 UTC", ("2024-03-03 14:30", Minute, false)),
        ("03.03.", ("2024-03-03 00:00", Day, true)),
        ("03.03", ("2024-03-03 00:00", Day, true)),
        ("15.03.", ("2023-03-15 00:00", Day, true)),
        ("(03.03.2024)", ("2024-03-03 00:00", Day, false)),
    ] {
        check_parse(input, None, Some(expect));
    }
}

#[test]
fn month_names_in_ten_languages() {
    for (input, language, expect) in [
        ("3 марта", "ru", ("2024-03-03 00:00", Day, true)),
        ("3 березня", "uk", ("2024-03-03 00:00", Day, true)),
        ("3 marca", "pl", ("2024-03-03 00:00", Day, true)),
        ("3 Mart", "tr", ("2024-03-03 00:00", Day, true)),
        ("3. März", "de", ("2024-03-03 00:00", Day, true)),
        ("3 mars", "fr", ("2024-03-03 00:00", Day, true)),
        ("3 de marzo", "es", ("2024-03-03 00:00", Day, true)),
        ("3 marzo", "it", ("2024-03-03 00:00", Day, true)),
        ("3 martie", "ro", ("2024-03-03 00:00", Day, true)),
        ("3 March 2024", "en", ("2024-03-03 00:00", Day, false)),
        (
            "March 3, 2024 at 2:30 pm",
            "en",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "Mar 3rd, 2024, 9 a.m.",
            "en",
            ("2024-03-03 09:00", Hour, false),
        ),
        (
            "Sunday, 3rd of March 2024",
            "en",
            ("2024-03-03 00:00", Day, false),
        ),
        (
            "3 марта 2024 г., 14:30",
            "ru",
            ("2024-03-03 14:30", Minute, false),
        ),
        ("3 марта в 14:30", "ru", ("2024-03-03 14:30", Minute, true)),
        (
            "3 березня 2024 р. о 14:30",
            "uk",
            ("2024-03-03 14:30", Minute, false),
        ),
        ("3 мар. 2024", "ru", ("2024-03-03 00:00", Day, false)),
        (
            "le 3 mars 2024 à 14h30",
            "fr",
            ("2024-03-03 14:30", Minute, false),
        ),
        ("3 mars à 14h", "fr", ("2024-03-03 14:00", Hour, true)),
        (
            "3 de marzo de 2024 a las 14:30",
            "es",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "Sonntag, 3. März 2024, 14:30 Uhr",
            "de",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "3. März 2024 um 14.30 Uhr",
            "de",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "3 marzo 2024 alle 14:30",
            "it",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "3 martie 2024, ora 14:30",
            "ro",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "3 marca 2024 o 14:30",
            "pl",
            ("2024-03-03 14:30", Minute, false),
        ),
        (
            "3 Mart 2024 14:30",
            "tr",
            ("2024-03-03 14:30", Minute, false),
        ),
        ("3 Şubat 2024", "tr", ("2024-02-03 00:00", Day, false)),
        ("3 лютого 2024", "uk", ("2024-02-03 00:00", Day, false)),
        ("25 декабря", "ru", ("2023-12-25 00:00", Day, true)),
        ("März 2024", "de", ("2024-03-01 00:00", Month, false)),
        ("3 мaртa", "ru", ("2024-03-03 00:00", Day, true)), // Latin a's
    ] {
        check_parse(input, Some(language), Some(expect));
        // The same text must read the same when the language is unknown.
        check_parse(input, None, Some(expect));
    }
}

#[test]
fn relative_dates_in_ten_languages() {
    for (input, expect) in [
        ("3 hours ago", ("2024-03-10 09:00", Hour, true)),
        ("a minute ago", ("2024-03-10 11:59", Minute, true)),
        ("an hour ago", ("2024-03-10 11:00", Hour, true)),
        ("2 weeks ago", ("2024-02-25 12:00", Day, true)),
        ("3 months ago", ("2023-12-10 12:00", Month, true)),
        ("vor 2 Tagen", ("2024-03-08 12:00", Day, true)),
        ("vor einer Stunde", ("2024-03-10 11:00", Hour, true)),
        ("vor 5 Minuten", ("2024-03-10 11:55", Minute, true)),
        ("il y a 3 jours", ("2024-03-07 12:00", Day, true)),
        ("il y a une heure", ("2024-03-10 11:00", Hour, true)),
        ("hace 2 días", ("2024-03-08 12:00", Day, true)),
        ("hace un mes", ("2024-02-10 12:00", Month, true)),
        ("2 giorni fa", ("2024-03-08 12:00", Day, true)),
        ("un'ora fa", ("2024-03-10 11:00", Hour, true)),
        ("3 часа назад", ("2024-03-10 09:00", Hour, true)),
        ("час назад", ("2024-03-10 11:00", Hour, true)),
        ("5 минут назад", ("2024-03-10 11:55", Minute, true)),
        ("2 години тому", ("2024-03-10 10:00", Hour, true)),
        ("годину тому", ("2024-03-10 11:00", Hour, true)),
        ("3 дні тому", ("2024-03-07 12:00", Day, true)),
        ("acum 3 zile", ("2024-03-07 12:00", Day, true)),
        ("acum o oră", ("2024-03-10 11:00", Hour, true)),
        ("3 godziny temu", ("2024-03-10 09:00", Hour, true)),
        ("godzinę temu", ("2024-03-10 11:00", Hour, true)),
        ("2 saat önce", ("2024-03-10 10:00", Hour, true)),
        ("3 gün önce", ("2024-03-07 12:00", Day, true)),
        ("bir hafta önce", ("2024-03-03 12:00", Day, true)),
        ("just now", ("2024-03-10 12:00", Minute, true)),
        ("только что", ("2024-03-10 12:00", Minute, true)),
    ] {
        check_parse(input, None, Some(expect));
    }
}

#[test]
fn today_and_yesterday_with_and_without_time() {
    for (input, expect) in [
        ("сегодня 14:30", ("2024-03-10 14:30", Minute, true)),
        ("Сегодня в 09:15", ("2024-03-10 09:15", Minute, true)),
        ("вчера", ("2024-03-09 12:00", Day, true)),
        ("вчера в 23:05", ("2024-03-09 23:05", Minute, true)),
        ("сьогодні о 10:00", ("2024-03-10 10:00", Minute, true)),
        ("вчора", ("2024-03-09 12:00", Day, true)),
        ("azi", ("2024-03-10 12:00", Day, true)),
        ("ieri la 18:00", ("2024-03-09 18:00", Minute, true)),
        ("dzisiaj", ("2024-03-10 12:00", Day, true)),
        ("wczoraj, 18:00", ("2024-03-09 18:00", Minute, true)),
        ("bugün", ("2024-03-10 12:00", Day, true)),
        ("dün 18:00", ("2024-03-09 18:00", Minute, true)),
        ("heute", ("2024-03-10 12:00", Day, true)),
        ("gestern um 18:00 Uhr", ("2024-03-09 18:00", Minute, true)),
        ("aujourd'hui", ("2024-03-10 12:00", Day, true)),
        ("hier à 18h", ("2024-03-09 18:00", Hour, true)),
        ("hoy", ("2024-03-10 12:00", Day, true)),
        ("ayer a las 18:00", ("2024-03-09 18:00", Minute, true)),
        ("oggi", ("2024-03-10 12:00", Day, true)),
        ("ieri alle 18:00", ("2024-03-09 18:00", Minute, true)),
        ("today, 2:15 pm", ("2024-03-10 14:15", Minute, true)),
        ("yesterday", ("2024-03-09 12:00", Day, true)),
        ("позавчера", ("2024-03-08 12:00", Day, true)),
        ("Вчера в", ("2024-03-09 12:00", Day, true)),
        ("14:30", ("2024-03-10 14:30", Minute, true)),
        ("18:30", ("2024-03-09 18:30", Minute, true)),
        ("3 pm", ("2024-03-10 15:00", Hour, true)),
    ] {
        check_parse(input, None, Some(expect));
    }
}

#[test]
fn non_dates_are_refused_as_whole_texts() {
    for input in [
        "",
        "   ",
        "hello",
        "150 €",
        "+49 30 1234567",
        "24/7",
        "3/4",
        "99.99.9999",
        "31.02.2024",
        "1.000,50",
        "03.03.1985",
        "in 2 hours",
        "20.04.2025",
    ] {
        check_parse(input, None, None);
    }
}

#[test]
fn finds_the_posting_time_inside_a_card() {
    for (input, language, expect) in [
        (
            "Anna, 23 — Berlin — 150 € — 2 hours ago",
            None,
            Some(("2024-03-10 10:00", Hour, true)),
        ),
        (
            "Alter 23 Jahre, vor 3 Tagen aktualisiert",
            Some("de"),
            Some(("2024-03-07 12:00", Day, true)),
        ),
        (
            "Posted: 03.03.2024 Price: 150",
            None,
            Some(("2024-03-03 00:00", Day, false)),
        ),
        (
            "добавлено 09.03 14:30",
            Some("ru"),
            Some(("2024-03-09 14:30", Minute, true)),
        ),
        (
            "опубликовано 3 марта, Киев",
            None,
            Some(("2024-03-03 00:00", Day, true)),
        ),
        (
            "Je suis ici depuis hier",
            Some("fr"),
            Some(("2024-03-09 12:00", Day, true)),
        ),
        (
            "Je suis ici depuis hier",
            Some("FR"),
            Some(("2024-03-09 12:00", Day, true)),
        ),
        (
            "Hier, 18:00 — Paris",
            None,
            Some(("2024-03-09 18:00", Minute, true)),
        ),
        (
            "Age 19. 19.02.2024",
            None,
            Some(("2024-02-19 00:00", Day, false)),
        ),
        (
            "Available from 20.04.2024, posted 01.03.2024",
            None,
            Some(("2024-03-01 00:00", Day, false)),
        ),
        (
            "Dodano: wczoraj 21:40, Kraków",
            Some("pl"),
            Some(("2024-03-09 21:40", Minute, true)),
        ),
        (
            "İlan tarihi: bugün 10:05",
            Some("tr"),
            Some(("2024-03-10 10:05", Minute, true)),
        ),
        (
            "Actualizat acum 2 ore",
            Some("ro"),
            Some(("2024-03-10 10:00", Hour, true)),
        ),
        (
            "Оновлено 2 години тому",
            Some("ru"),
            Some(("2024-03-10 10:00", Hour, true)),
        ),
    ] {
        check_find(input, language, expect);
    }
}

#[test]
fn prices_phones_and_ages_are_not_dates_inside_a_card() {
    for (input, language) in [
        ("Call 0171 1234567, 120 EUR/h", None),
        ("Tel. 06.12.34.56.78", None),
        ("Tel 0171-12-03-24", None),
        ("Preis 1.000,50 €", None),
        ("I am 25 years old, new in town", None),
        ("2 hours 200 EUR, 3 Stunden 280 EUR", None),
        ("Ich bin hier in Berlin", None),
        ("Anna 3 Jan", None),
        ("Jan 23, Berlin", None),
        ("Open 10:00-22:00, 24/7", None),
        ("Call now", None),
        ("1 godz. 200 zł", Some("pl")),
        ("saatlik 2000 TL, 25 yaşında", Some("tr")),
        ("від 2 годин 1500 грн", Some("uk")),
        ("12.50 EUR", None),
        // "Just" before a verb is "just arrived", not a posting time.
        ("Соломія, щойно приїхала! Одеса", Some("uk")),
        ("Анна, только что приехала", Some("ru")),
        ("Anna, soeben angekommen", Some("de")),
    ] {
        check_find(input, language, None);
    }
}
