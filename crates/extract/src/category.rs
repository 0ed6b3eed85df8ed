//! What kind of site this is (mapping field l), predicted from words and
//! structure, to set next to the analyst's hint.
//!
//! Per page, [`category_cues`] counts the distinct cue terms of each
//! category in the page's own text (title, headings, navigation, footer:
//! where sites name themselves, "Escorts Wien", "Forum", "Kleinanzeigen")
//! and in the start of its cards' text (where boards print "Replies: 12"
//! and social tiles "2,300 followers"). Terms that are ordinary words in an
//! ad ("cars", "jobs" name the other sections of a general classifieds
//! site) are read in the page's own text only. Matching is the lexicons':
//! folded, word-bounded, one Aho-Corasick pass.
//!
//! Per site, [`predict_category`] scores every category: the share of
//! pages showing its cues (capped at three distinct terms a page), plus
//! structure the words cannot show — cards that link to other sites
//! (aggregators name their sources), ads offering social-network profiles,
//! one venue for all ads (a club). "other" wins when nothing scores. The
//! confidence is the winner's share of all scores, so two categories that
//! fit equally well give 0.5 each, not a false certainty.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use cartograph_config::SiteCategory;

use crate::lexicon::match_form;

/// Where a cue term counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only in the page's own text around the cards.
    Chrome,
    /// Also in the cards' text.
    Anywhere,
}

use Reach::{Anywhere, Chrome};
use SiteCategory::{
    Aggregator, Classifieds, Club, Dating, EscortDirectory, Forum, Massage, SocialProfiles,
    SugarDating,
};

/// Cue terms per category in the crawl's ten languages (and English, which
/// sites everywhere borrow). Neutral words only.
const CUES: &[(SiteCategory, Reach, &str)] = &[
    // Escort directories name themselves; "досуг" and "towarzystwo" are
    // the usual euphemisms.
    (EscortDirectory, Chrome, "escort"),
    (EscortDirectory, Chrome, "escorts"),
    (EscortDirectory, Chrome, "escort service"),
    (EscortDirectory, Chrome, "escortservice"),
    (EscortDirectory, Chrome, "escort girls"),
    (EscortDirectory, Chrome, "escorte"),
    (EscortDirectory, Chrome, "eskort"),
    (EscortDirectory, Chrome, "эскорт"),
    (EscortDirectory, Chrome, "ескорт"),
    (EscortDirectory, Chrome, "begleitung"),
    (EscortDirectory, Chrome, "begleitservice"),
    (EscortDirectory, Chrome, "acompañantes"),
    (EscortDirectory, Chrome, "accompagnatrici"),
    (EscortDirectory, Chrome, "досуг"),
    (EscortDirectory, Chrome, "дозвілля"),
    (EscortDirectory, Chrome, "towarzystwo"),
    (EscortDirectory, Chrome, "towarzyskie"),
    // General classifieds: their name, and the other sections they run.
    (Classifieds, Chrome, "classifieds"),
    (Classifieds, Chrome, "classified ads"),
    (Classifieds, Chrome, "kleinanzeigen"),
    (Classifieds, Chrome, "petites annonces"),
    (Classifieds, Chrome, "clasificados"),
    (Classifieds, Chrome, "anuncios clasificados"),
    (Classifieds, Chrome, "annunci gratuiti"),
    (Classifieds, Chrome, "piccoli annunci"),
    (Classifieds, Chrome, "доска объявлений"),
    (Classifieds, Chrome, "дошка оголошень"),
    (Classifieds, Chrome, "ogłoszenia drobne"),
    (Classifieds, Chrome, "mica publicitate"),
    (Classifieds, Chrome, "anunturi gratuite"),
    (Classifieds, Chrome, "ilan panosu"),
    (Classifieds, Chrome, "seri ilanlar"),
    (Classifieds, Chrome, "cars"),
    (Classifieds, Chrome, "jobs"),
    (Classifieds, Chrome, "emploi"),
    (Classifieds, Chrome, "empleo"),
    (Classifieds, Chrome, "lavoro"),
    (Classifieds, Chrome, "работа"),
    (Classifieds, Chrome, "робота"),
    (Classifieds, Chrome, "praca"),
    (Classifieds, Chrome, "furniture"),
    (Classifieds, Chrome, "real estate"),
    (Classifieds, Chrome, "autos"),
    (Classifieds, Chrome, "möbel"),
    (Classifieds, Chrome, "immobilien"),
    (Classifieds, Chrome, "voitures"),
    (Classifieds, Chrome, "meubles"),
    (Classifieds, Chrome, "immobilier"),
    (Classifieds, Chrome, "emplois"),
    (Classifieds, Chrome, "coches"),
    (Classifieds, Chrome, "muebles"),
    (Classifieds, Chrome, "inmuebles"),
    (Classifieds, Chrome, "mobili"),
    (Classifieds, Chrome, "immobili"),
    (Classifieds, Chrome, "мебель"),
    (Classifieds, Chrome, "недвижимость"),
    (Classifieds, Chrome, "меблі"),
    (Classifieds, Chrome, "нерухомість"),
    (Classifieds, Chrome, "motoryzacja"),
    (Classifieds, Chrome, "meble"),
    (Classifieds, Chrome, "nieruchomości"),
    (Classifieds, Chrome, "mobilă"),
    (Classifieds, Chrome, "imobiliare"),
    (Classifieds, Chrome, "locuri de muncă"),
    (Classifieds, Chrome, "vasıta"),
    (Classifieds, Chrome, "mobilya"),
    (Classifieds, Chrome, "emlak"),
    (Classifieds, Chrome, "iş ilanları"),
    // Aggregators call themselves so and name their sources.
    (Aggregator, Chrome, "aggregator"),
    (Aggregator, Chrome, "agregator"),
    (Aggregator, Chrome, "agrégateur"),
    (Aggregator, Chrome, "agregador"),
    (Aggregator, Chrome, "aggregatore"),
    (Aggregator, Chrome, "агрегатор"),
    (Aggregator, Chrome, "toplayıcı"),
    (Aggregator, Anywhere, "source"),
    (Aggregator, Anywhere, "quelle"),
    (Aggregator, Anywhere, "fuente"),
    (Aggregator, Anywhere, "fonte"),
    (Aggregator, Anywhere, "источник"),
    (Aggregator, Anywhere, "джерело"),
    (Aggregator, Anywhere, "źródło"),
    (Aggregator, Anywhere, "sursa"),
    (Aggregator, Anywhere, "kaynak"),
    // Boards: their name and the thread statistics on every row.
    (Forum, Anywhere, "forum"),
    (Forum, Anywhere, "board"),
    (Forum, Anywhere, "thread"),
    (Forum, Anywhere, "threads"),
    (Forum, Anywhere, "replies"),
    (Forum, Anywhere, "views"),
    (Forum, Anywhere, "author"),
    (Forum, Anywhere, "foren"),
    (Forum, Anywhere, "antworten"),
    (Forum, Anywhere, "aufrufe"),
    (Forum, Anywhere, "zugriffe"),
    (Forum, Anywhere, "autor"),
    (Forum, Anywhere, "réponses"),
    (Forum, Anywhere, "vues"),
    (Forum, Anywhere, "auteur"),
    (Forum, Anywhere, "foro"),
    (Forum, Anywhere, "respuestas"),
    (Forum, Chrome, "visitas"),
    (Forum, Anywhere, "risposte"),
    (Forum, Chrome, "visite"),
    (Forum, Anywhere, "autore"),
    (Forum, Anywhere, "форум"),
    (Forum, Anywhere, "ответы"),
    (Forum, Anywhere, "просмотры"),
    (Forum, Anywhere, "автор"),
    (Forum, Anywhere, "відповіді"),
    (Forum, Anywhere, "перегляди"),
    (Forum, Anywhere, "odpowiedzi"),
    (Forum, Anywhere, "wyświetlenia"),
    (Forum, Anywhere, "răspunsuri"),
    (Forum, Anywhere, "vizualizări"),
    (Forum, Anywhere, "yanıtlar"),
    (Forum, Anywhere, "görüntülenme"),
    (Forum, Anywhere, "yazar"),
    // Sugar dating: the borrowed English terms and the local ones.
    (SugarDating, Anywhere, "sugar"),
    (SugarDating, Anywhere, "sugar daddy"),
    (SugarDating, Anywhere, "sugar baby"),
    (SugarDating, Anywhere, "sugardaddy"),
    (SugarDating, Chrome, "arrangement"),
    (SugarDating, Chrome, "allowance"),
    (SugarDating, Chrome, "taschengeld"),
    (SugarDating, Chrome, "sponsoring"),
    (SugarDating, Chrome, "содержанки"),
    (SugarDating, Chrome, "спонсор"),
    (SugarDating, Chrome, "спонсори"),
    (SugarDating, Chrome, "спонсоры"),
    // Dating sites.
    (Dating, Chrome, "dating"),
    (Dating, Chrome, "singles"),
    (Dating, Chrome, "partnersuche"),
    (Dating, Chrome, "rencontres"),
    (Dating, Chrome, "citas"),
    (Dating, Chrome, "incontri"),
    (Dating, Chrome, "знакомства"),
    (Dating, Chrome, "знайомства"),
    (Dating, Chrome, "randki"),
    (Dating, Chrome, "întâlniri"),
    (Dating, Chrome, "arkadaşlık"),
    // Massage salons.
    (Massage, Chrome, "massage"),
    (Massage, Chrome, "massages"),
    (Massage, Chrome, "massagesalon"),
    (Massage, Chrome, "masaje"),
    (Massage, Chrome, "masajes"),
    (Massage, Chrome, "massaggio"),
    (Massage, Chrome, "massaggi"),
    (Massage, Chrome, "массаж"),
    (Massage, Chrome, "масаж"),
    (Massage, Chrome, "masaż"),
    (Massage, Chrome, "masaj"),
    (Massage, Chrome, "salon"),
    (Massage, Chrome, "salons"),
    (Massage, Chrome, "spa"),
    (Massage, Chrome, "wellness"),
    // Clubs: the name, opening hours, who is in today.
    (Club, Chrome, "club"),
    (Club, Chrome, "clubs"),
    (Club, Chrome, "klub"),
    (Club, Chrome, "клуб"),
    (Club, Chrome, "kulüp"),
    (Club, Chrome, "laufhaus"),
    (Club, Chrome, "saunaclub"),
    (Club, Chrome, "opening hours"),
    (Club, Chrome, "open daily"),
    (Club, Chrome, "öffnungszeiten"),
    (Club, Chrome, "täglich geöffnet"),
    (Club, Chrome, "heute anwesend"),
    (Club, Chrome, "ouvert tous les jours"),
    (Club, Chrome, "abierto todos los días"),
    (Club, Chrome, "aperto tutti i giorni"),
    (Club, Chrome, "часы работы"),
    (Club, Chrome, "ежедневно"),
    (Club, Chrome, "щодня"),
    (Club, Chrome, "codziennie"),
    (Club, Chrome, "deschis zilnic"),
    (Club, Chrome, "her gün açık"),
    // Social profiles: follower counts.
    (SocialProfiles, Anywhere, "followers"),
    (SocialProfiles, Anywhere, "follower"),
    (SocialProfiles, Anywhere, "abonnés"),
    (SocialProfiles, Anywhere, "seguidores"),
    (SocialProfiles, Anywhere, "подписчиков"),
    (SocialProfiles, Anywhere, "подписчики"),
    (SocialProfiles, Anywhere, "підписників"),
    (SocialProfiles, Anywhere, "підписники"),
    (SocialProfiles, Anywhere, "obserwujących"),
    (SocialProfiles, Anywhere, "obserwujący"),
    (SocialProfiles, Anywhere, "urmăritori"),
    (SocialProfiles, Anywhere, "takipçi"),
    (SocialProfiles, Anywhere, "takipçiler"),
];

/// At most this many distinct cue terms of one category count on a page:
/// a footer of city links repeating "Escorts" must not outweigh a title.
const CUES_PER_PAGE: u32 = 3;

/// Distinct cue terms of each category on one page: in `chrome` (the
/// page's own text) every term, in `card_sample` (the start of the cards'
/// text) the terms that an ad would not use in passing.
pub(crate) fn category_cues(chrome: &str, card_sample: &str) -> BTreeMap<SiteCategory, u32> {
    let cues = cue_automaton();
    let mut found: Vec<bool> = vec![false; CUES.len()];
    for (text, is_chrome) in [(chrome, true), (card_sample, false)] {
        let form = match_form(text);
        let mut position = 0;
        while position < form.len() {
            let input = aho_corasick::Input::new(&form).span(position..form.len());
            let Some(hit) = cues.automaton.find(input) else {
                break;
            };
            for &term in &cues.pattern_terms[hit.pattern().as_usize()] {
                if is_chrome || CUES[term].1 == Anywhere {
                    found[term] = true;
                }
            }
            // Resume at the trailing space, which the next term may start with.
            position = hit.end() - 1;
        }
    }
    let mut counts = BTreeMap::new();
    for (term, _) in found.iter().enumerate().filter(|(_, found)| **found) {
        *counts.entry(CUES[term].0).or_insert(0) += 1;
    }
    counts
}

/// What the site classifier reads, summed over a site's pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct CategoryEvidence {
    /// Per category, the sum over pages of its distinct cues (capped at
    /// [`CUES_PER_PAGE`]) divided by that cap.
    pub(crate) cue_pages: BTreeMap<SiteCategory, f32>,
    pub(crate) pages: usize,
    /// Share of cards linking to another host.
    pub(crate) linking_elsewhere: f32,
    /// Share of ads offering a social-network profile.
    pub(crate) social_contacts: f32,
    /// Distinct places named, and ads naming one.
    pub(crate) distinct_places: usize,
    pub(crate) ads_with_place: usize,
}

impl CategoryEvidence {
    pub(crate) fn add_page(&mut self, cues: &BTreeMap<SiteCategory, u32>) {
        self.pages += 1;
        for (category, count) in cues {
            *self.cue_pages.entry(*category).or_insert(0.0) +=
                (*count).min(CUES_PER_PAGE) as f32 / CUES_PER_PAGE as f32;
        }
    }
}

/// Share of ads linking a social profile that any site may have.
const SOCIAL_SHARE_FLOOR: f32 = 0.5;

/// The score "other" gets: a category must show more than this.
const OTHER_SCORE: f32 = 0.15;

/// The predicted category and its confidence (see the module doc).
pub(crate) fn predict_category(evidence: &CategoryEvidence) -> (SiteCategory, f32) {
    let pages = evidence.pages.max(1) as f32;
    let mut scores: Vec<(SiteCategory, f32)> = SiteCategory::ALL
        .iter()
        .map(|&category| {
            let cues = evidence.cue_pages.get(&category).copied().unwrap_or(0.0) / pages;
            let structure = match category {
                SiteCategory::Aggregator => 1.5 * evidence.linking_elsewhere,
                // Many ads link a profile somewhere; a site of profiles is
                // one where most do.
                SiteCategory::SocialProfiles => {
                    (evidence.social_contacts - SOCIAL_SHARE_FLOOR).max(0.0) * 2.0
                }
                // Every ad in one place: one venue.
                SiteCategory::Club
                    if evidence.distinct_places == 1 && evidence.ads_with_place >= 5 =>
                {
                    0.3
                }
                SiteCategory::Other => OTHER_SCORE,
                _ => 0.0,
            };
            (category, cues + structure)
        })
        .collect();
    scores.sort_by(|first, second| second.1.total_cmp(&first.1));
    let total: f32 = scores.iter().map(|(_, score)| score).sum();
    let (best, best_score) = scores[0];
    let confidence = if total > 0.0 { best_score / total } else { 0.0 };
    (best, confidence)
}

struct CueAutomaton {
    automaton: AhoCorasick,
    /// The cue terms of each pattern (one form may be several terms).
    pattern_terms: Vec<Vec<usize>>,
}

fn cue_automaton() -> &'static CueAutomaton {
    static AUTOMATON: OnceLock<CueAutomaton> = OnceLock::new();
    AUTOMATON.get_or_init(|| {
        let mut forms: Vec<String> = Vec::new();
        let mut pattern_terms: Vec<Vec<usize>> = Vec::new();
        for (term, (_, _, text)) in CUES.iter().enumerate() {
            let form = match_form(text);
            match forms.iter().position(|known| *known == form) {
                Some(pattern) => pattern_terms[pattern].push(term),
                None => {
                    forms.push(form);
                    pattern_terms.push(vec![term]);
                }
            }
        }
        // A few hundred short constant terms: far below the size limits.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&forms)
            .expect("category cue automaton builds");
        CueAutomaton {
            automaton,
            pattern_terms,
        }
    })
}

/// Builds the cue automaton now, so the first page is not slower.
pub(crate) fn warm_up() {
    let _ = cue_automaton();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(chrome: &str, cards: &str, expected: &[(SiteCategory, u32)]) {
        let cues: Vec<(SiteCategory, u32)> = category_cues(chrome, cards).into_iter().collect();
        assert_eq!(cues, expected, "{chrome:?} / {cards:?}");
    }

    #[test]
    fn cues_are_whole_words_and_section_names_only_count_around_the_cards() {
        check(
            "Rosa Escorts Wien | Seite 2",
            "",
            &[(SiteCategory::EscortDirectory, 1)],
        );
        check(
            "",
            "Replies: 12 · Views: 340 · Author: member1",
            &[(Forum, 3)],
        );
        check("Forenregeln", "clubbing", &[]);
        check("", "I like cars and furniture", &[]);
        check("Cars · Furniture · Jobs", "", &[(Classifieds, 3)]);
        check(
            "Масаж у Києві",
            "2 300 підписників",
            &[(Massage, 1), (SocialProfiles, 1)],
        );
        check(
            "",
            "Massage and dinner dates, hotel visits by arrangement",
            &[],
        );
    }

    #[test]
    fn the_best_scoring_category_wins_and_nothing_is_other() {
        let mut evidence = CategoryEvidence::default();
        for _ in 0..4 {
            evidence.add_page(&BTreeMap::from([(Forum, 3), (Massage, 1)]));
        }
        let (category, confidence) = predict_category(&evidence);
        assert_eq!(category, Forum);
        assert!(confidence > 0.5 && confidence < 1.0, "{confidence}");
        let (category, _) = predict_category(&CategoryEvidence::default());
        assert_eq!(category, SiteCategory::Other);
        let linking = CategoryEvidence {
            pages: 1,
            linking_elsewhere: 0.9,
            ..CategoryEvidence::default()
        };
        assert_eq!(predict_category(&linking).0, Aggregator);
    }
}
