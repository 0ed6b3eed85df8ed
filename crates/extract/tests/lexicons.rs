//! The lexicons shipped in `config/lexicons/`: they load, cover the ten
//! languages and every category, and find the signals in neutral sample
//! cards written in each language.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cartograph_extract::{LexiconSet, RiskCategory};

fn shipped_sources() -> Vec<(String, String)> {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/lexicons");
    let mut sources: Vec<(String, String)> = std::fs::read_dir(&directory)
        .expect("config/lexicons exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .map(|path| {
            let name = path
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("readable lexicon");
            (name, text)
        })
        .collect();
    sources.sort();
    sources
}

fn shipped() -> LexiconSet {
    let sources = shipped_sources();
    let borrowed: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    LexiconSet::from_sources(&borrowed).unwrap_or_else(|error| panic!("shipped lexicons:\n{error}"))
}

#[test]
fn shipped_lexicons_cover_ten_languages_and_every_category() {
    let set = shipped();
    let languages: BTreeSet<&str> = set
        .languages()
        .iter()
        .map(|(language, _)| language.as_str())
        .collect();
    for language in ["en", "de", "fr", "es", "it", "ru", "uk", "ro", "pl", "tr"] {
        assert!(languages.contains(language), "no lexicon for {language}");
        for category in RiskCategory::ALL {
            let count = set
                .terms()
                .iter()
                .filter(|term| term.language == language && term.category == category)
                .count();
            assert!(count > 0, "{language} has no {} term", category.as_str());
        }
    }
    assert!(set.terms().iter().all(|term| !term.note.trim().is_empty()));
    let version = set.version();
    assert!(
        version.contains("en:") && version.contains(";sha256:"),
        "{version}"
    );
    println!("{} terms, version {version}", set.terms().len());
}

#[test]
fn sample_cards_hit_the_expected_categories() {
    use RiskCategory::*;
    let set = shipped();
    for (card, expect) in [
        (
            "Anna, 23. New in town, 100% real photos. Escort and dinner date. From Romania.",
            vec![TrustBuilding, Movement, Nationality, Services],
        ),
        (
            "Neu in der Stadt! Echte Fotos. Begleitservice, auch 7 Tage. Unsere Damen sind Rumäninnen.",
            vec![TrustBuilding, Movement, ThirdParty, RentalPeriod, Services],
        ),
        (
            "Nouvelle en ville, photos réelles, massage. Appelez le manager.",
            vec![TrustBuilding, Movement, ThirdParty, Services],
        ),
        (
            "Recién llegada, estudiante, fotos reales. Masajes. Varias chicas disponibles.",
            vec![Youth, TrustBuilding, Movement, MultipleProviders, Services],
        ),
        (
            "Appena arrivata, giovane, foto vere. Asta: miglior offerente.",
            vec![Youth, TrustBuilding, Movement, Auction],
        ),
        (
            "Новая в городе! Реальные фото. Сопровождение, на 14 дней. Украинка.",
            vec![TrustBuilding, Movement, RentalPeriod, Nationality, Services],
        ),
        (
            "Нова в місті, реальні фото. Наші дівчата, масаж.",
            vec![TrustBuilding, Movement, ThirdParty, Services],
        ),
        (
            "Noua in oras, poze reale, 21 de zile. Fetele noastre.",
            vec![TrustBuilding, Movement, ThirdParty, RentalPeriod],
        ),
        (
            "Nowa w mieście, prawdziwe zdjęcia, kilka dziewczyn, masaż.",
            vec![TrustBuilding, Movement, MultipleProviders, Services],
        ),
        (
            "Şehre yeni geldim, %100 gerçek, masaj, 7 gün. Ukraynalı.",
            vec![TrustBuilding, Movement, RentalPeriod, Nationality, Services],
        ),
    ] {
        let hits = set.scan(card);
        let got: Vec<RiskCategory> = hits.hit_categories().map(|(category, _)| category).collect();
        assert_eq!(got, expect, "{card:?}");
    }
}

#[test]
fn explicit_and_neighbouring_wording_is_not_in_the_youth_category() {
    // The lexicons keep to neutral forms; explicit youth wording is not a
    // term, and obscured-phone wording belongs to the contact extractor.
    let set = shipped();
    for text in [
        "barely legal",
        "new girl",
        "schoolgirl",
        "call me on zero one seven",
    ] {
        let hits = set.scan(text);
        assert_eq!(hits.category(RiskCategory::Youth).hits, 0, "{text:?}");
    }
}
