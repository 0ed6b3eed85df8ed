//! Prices on cards, one table row per case.

use super::*;

use Currency::{Chf, Czk, Eur, Gbp, Huf, Pln, Ron, Rub, Sek, Try, Uah, Usd};
use PriceUnit::{Day, Days14, Days21, Days7, Hour, Night, Other};

fn check(input: &str, language: Option<&str>, expect: &[(u64, Currency, PriceUnit)]) {
    let got: Vec<(u64, Currency, PriceUnit)> = find_prices(input, language)
        .into_iter()
        .map(|price| (price.amount_minor, price.currency, price.unit))
        .collect();
    assert_eq!(got, expect, "find_prices({input:?}, {language:?})");
}

#[test]
fn amounts_in_every_common_number_format() {
    for (input, expect) in [
        ("150 €", 15_000),
        ("150€", 15_000),
        ("€150", 15_000),
        ("EUR 150", 15_000),
        ("1.000,50 €", 100_050),
        ("1,000.50 EUR", 100_050),
        ("1.000 €", 100_000),
        ("1,000 €", 100_000),
        ("10.5 €", 1_050),
        ("10,50 €", 1_050),
        ("1 000 €", 100_000),
        ("1'000 €", 100_000),
        ("1.000.000 €", 100_000_000),
        ("150,- €", 15_000),
        ("150.-€", 15_000),
        ("Preis: 150,-€", 15_000),
        ("150 euro", 15_000),
        ("150 евро", 15_000),
        ("150 євро", 15_000),
    ] {
        check(input, None, &[(expect, Eur, Other)]);
    }
}

#[test]
fn currencies_by_symbol_code_and_word() {
    for (input, currency) in [
        ("$200", Usd),
        ("200 USD", Usd),
        ("£200", Gbp),
        ("200 GBP", Gbp),
        ("CHF 200", Chf),
        ("200 zł", Pln),
        ("200 PLN", Pln),
        ("200 lei", Ron),
        ("200 RON", Ron),
        ("200 TL", Try),
        ("200 ₺", Try),
        ("200 TRY", Try),
        ("200 грн", Uah),
        ("200 ₴", Uah),
        ("200 UAH", Uah),
        ("200 руб.", Rub),
        ("200 ₽", Rub),
        ("200 RUB", Rub),
        ("200 Kč", Czk),
        ("200 CZK", Czk),
        ("200 Ft", Huf),
        ("200 HUF", Huf),
        ("200 лв.", Currency::Bgn),
        ("200 BGN", Currency::Bgn),
        ("200 SEK", Sek),
    ] {
        check(input, None, &[(20_000, currency, Other)]);
    }
}

#[test]
fn units_before_after_and_behind_linkers() {
    for (input, language, expect) in [
        ("150 €/h", None, vec![(15_000, Eur, Hour)]),
        ("150€ pro Stunde", Some("de"), vec![(15_000, Eur, Hour)]),
        ("€150 per hour", Some("en"), vec![(15_000, Eur, Hour)]),
        ("$200/hr", None, vec![(20_000, Usd, Hour)]),
        ("£120 an hour", None, vec![(12_000, Gbp, Hour)]),
        ("150 € la heure", Some("fr"), vec![(15_000, Eur, Hour)]),
        ("150 € por hora", Some("es"), vec![(15_000, Eur, Hour)]),
        ("150 € all'ora", Some("it"), vec![(15_000, Eur, Hour)]),
        ("3000 грн за годину", Some("uk"), vec![(300_000, Uah, Hour)]),
        ("2000 грн/год", Some("uk"), vec![(200_000, Uah, Hour)]),
        ("5000 руб. за час", Some("ru"), vec![(500_000, Rub, Hour)]),
        ("300 lei pe oră", Some("ro"), vec![(30_000, Ron, Hour)]),
        ("200 zł za godzinę", Some("pl"), vec![(20_000, Pln, Hour)]),
        ("2000 TL saatlik", Some("tr"), vec![(200_000, Try, Hour)]),
        ("saatlik 2000 TL", Some("tr"), vec![(200_000, Try, Hour)]),
        ("1500 ₺ gecelik", Some("tr"), vec![(150_000, Try, Night)]),
        ("1.000,50 € pro Nacht", None, vec![(100_050, Eur, Night)]),
        ("1,000.50 USD per night", None, vec![(100_050, Usd, Night)]),
        ("10 000 руб. за ночь", None, vec![(1_000_000, Rub, Night)]),
        ("Ночь — 10 000 руб.", None, vec![(1_000_000, Rub, Night)]),
        ("€500 for a night", None, vec![(50_000, Eur, Night)]),
        ("CHF 250 pro Stunde", None, vec![(25_000, Chf, Hour)]),
        ("3000 Kč/h", None, vec![(300_000, Czk, Hour)]),
        ("20 000 Ft/h", None, vec![(2_000_000, Huf, Hour)]),
        ("100 лв на час", None, vec![(10_000, Currency::Bgn, Hour)]),
        ("24 h 1000 €", None, vec![(100_000, Eur, Day)]),
        ("1 day: 1000 €", None, vec![(100_000, Eur, Day)]),
        ("60 min 150 €", None, vec![(15_000, Eur, Hour)]),
        ("30 min 80 €", None, vec![(8_000, Eur, Other)]),
        ("1 750 € la journée", Some("fr"), vec![(175_000, Eur, Day)]),
        ("2 400 zł za dobę", Some("pl"), vec![(240_000, Pln, Day)]),
        (
            "01/01/2025 £1,300 per night",
            Some("en"),
            vec![(130_000, Gbp, Night)],
        ),
        ("1.200 € el día", Some("es"), vec![(120_000, Eur, Day)]),
        (
            "22.500 lei pentru 14 zile",
            Some("ro"),
            vec![(2_250_000, Ron, Days14)],
        ),
        (
            "36.500 lei pentru 21 de zile",
            Some("ro"),
            vec![(3_650_000, Ron, Days21)],
        ),
        // A posting time before the price is not what it buys.
        (
            "il y a 4 jours 470 € la nuit",
            Some("fr"),
            vec![(47_000, Eur, Night)],
        ),
        (
            "vor 7 Tagen 1 200 € pro Monat",
            Some("de"),
            vec![(120_000, Eur, Other)],
        ),
        ("hace 2 horas 150 €", Some("es"), vec![(15_000, Eur, Other)]),
        ("5000 € for 7 days", None, vec![(500_000, Eur, Days7)]),
        ("7 Tage 5000 €", None, vec![(500_000, Eur, Days7)]),
        ("на 14 дней 30000 руб", None, vec![(3_000_000, Rub, Days14)]),
        ("21 gün 10000 TL", None, vec![(1_000_000, Try, Days21)]),
        ("2 weeks 8000 EUR", None, vec![(800_000, Eur, Days14)]),
        ("7 днів 40000 грн", None, vec![(4_000_000, Uah, Days7)]),
        ("one week: 4000 €", None, vec![(400_000, Eur, Days7)]),
    ] {
        check(input, language, &expect);
    }
}

#[test]
fn price_lists_pair_each_price_with_its_own_unit() {
    for (input, expect) in [
        (
            "1 Stunde: 150 €, 2 Stunden: 280 €, Nacht: 800 €",
            vec![
                (15_000, Eur, Hour),
                (28_000, Eur, Other),
                (80_000, Eur, Night),
            ],
        ),
        (
            "1h 150€ 2h 280€",
            vec![(15_000, Eur, Hour), (28_000, Eur, Other)],
        ),
        (
            "150€ 1h, 280€ 2h",
            vec![(15_000, Eur, Hour), (28_000, Eur, Other)],
        ),
        (
            "150 €/h 800 €/night",
            vec![(15_000, Eur, Hour), (80_000, Eur, Night)],
        ),
        (
            "1 hour - 150€ / 2 hours - 250€ / night - 800€",
            vec![
                (15_000, Eur, Hour),
                (25_000, Eur, Other),
                (80_000, Eur, Night),
            ],
        ),
        (
            "€150 €200",
            vec![(15_000, Eur, Other), (20_000, Eur, Other)],
        ),
        (
            "150-200 €/h",
            vec![(15_000, Eur, Hour), (20_000, Eur, Hour)],
        ),
        (
            "Escort 150 € Dinner date 300 €",
            vec![(15_000, Eur, Other), (30_000, Eur, Other)],
        ),
    ] {
        check(input, None, &expect);
    }
}

#[test]
fn phones_ages_dates_and_heights_are_not_prices() {
    for input in [
        "",
        "Call +49 171 1234567",
        "Age 23, 165 cm, 55 kg",
        "12.03.2024 14:30",
        "5 ft 7 in tall",
        "try 2 hours",
        "body rub 150",
        "Ron 25",
        "24/7 service",
        "Anna, 23",
        "150",
        "150,- inkl.",
        "0 €",
        "call 0800 €",
    ] {
        check(input, None, &[]);
    }
}
