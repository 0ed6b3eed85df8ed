//! Unit tests of the evidence graph on hand-made sites.

use super::*;
use crate::test_support::{
    data, site, sketch, text_id, with_ad, with_contact, with_template, with_tracking, Sighting,
};

fn kinds_between(graph: &ConnectionGraph, first: &str, second: &str) -> Vec<EdgeKind> {
    graph
        .edges
        .iter()
        .filter(|edge| {
            (edge.from == first && edge.to == second) || (edge.from == second && edge.to == first)
        })
        .map(|edge| edge.kind)
        .collect()
}

#[test]
fn same_template_links_twins_only() {
    let graph = build_graph(&data(vec![
        with_template(
            with_template(site("alpha"), 1, sketch(1, 0)),
            2,
            sketch(1, 4),
        ),
        with_template(site("beta"), 3, sketch(1, 10)),
        with_template(site("gamma"), 4, sketch(2, 0)),
        // Similar but below the threshold: 40 of 128 slots differ (0.69).
        with_template(site("delta"), 5, sketch(1, 40)),
    ]));
    assert_eq!(
        kinds_between(&graph, "alpha", "beta"),
        [EdgeKind::SameTemplate]
    );
    assert!(kinds_between(&graph, "alpha", "gamma").is_empty());
    assert!(kinds_between(&graph, "alpha", "delta").is_empty());
    let edge = &graph.edges[0];
    assert!(
        edge.strength > 0.9 && edge.strength < 1.0,
        "{}",
        edge.strength
    );
    assert_eq!(edge.capture_ids, [1, 2, 3]);
    assert!(!edge.directed);
}

#[test]
fn shared_tracking_ids_name_the_ids_and_captures() {
    let graph = build_graph(&data(vec![
        with_tracking(
            with_tracking(site("alpha"), "UA-1234567-1", 1),
            "G-ABCDEF1234",
            1,
        ),
        with_tracking(site("beta"), "UA-1234567-1", 7),
        with_tracking(site("gamma"), "G-OTHER12345", 9),
    ]));
    assert_eq!(graph.edges.len(), 1, "{:#?}", graph.edges);
    let edge = &graph.edges[0];
    assert_eq!(edge.kind, EdgeKind::SharedTrackingIds);
    assert_eq!((edge.from.as_str(), edge.to.as_str()), ("alpha", "beta"));
    assert_eq!(edge.shared_ids, ["UA-1234567-1"]);
    assert_eq!(edge.capture_ids, [1, 7]);
    assert!((edge.strength - 1.0).abs() < 1e-9);
}

const TEXTS: [&str; 5] = [
    "Heidi deine Begleitung am Abend ich spreche Deutsch und etwas Englisch ich mag Musik",
    "Birgit fröhliche Gesellschaft Termine nach telefonischer Vereinbarung immer pünktlich",
    "Elena elegant und herzlich freundliche und diskrete Begleitung zu Essen und Konzerten",
    "Anja charmantes Lächeln neu in der Stadt nur für kurze Zeit ruhig und diskret",
    "Carina ruhig und diskret Lichter der Stadt gute Gespräche und Reisen am Wochenende",
];

/// The same ad as an aggregator shows it: its own label and a "via" line.
fn copy_of(text: &str) -> String {
    format!("Teléfono {text} via source")
}

#[test]
fn copied_ads_are_found_across_labels_and_directed_by_first_run() {
    let mut source = site("source");
    let mut copier = site("copier");
    for (index, text) in TEXTS[..4].iter().enumerate() {
        source = with_ad(source, text, 1, 10 + index as u64);
        copier = with_ad(copier, &copy_of(text), 2, 20 + index as u64);
    }
    // Another ad from the same phrase book is not a copy.
    copier = with_ad(
        copier,
        "Carina elegant und herzlich ich spreche Deutsch Termine nach Vereinbarung",
        2,
        30,
    );
    source = with_ad(source, TEXTS[4], 1, 31);
    let graph = build_graph(&data(vec![copier, source]));
    assert_eq!(graph.edges.len(), 1, "{:#?}", graph.edges);
    let edge = &graph.edges[0];
    assert_eq!(edge.kind, EdgeKind::CopiedAds);
    assert_eq!(edge.count, 4);
    assert!(edge.directed);
    assert_eq!((edge.from.as_str(), edge.to.as_str()), ("source", "copier"));
    assert_eq!(edge.capture_ids, [10, 11, 12, 13, 20, 21, 22, 23]);
}

#[test]
fn copies_first_seen_in_one_run_are_undirected_and_too_few_are_no_edge() {
    let mut first = site("first");
    let mut second = site("second");
    for (index, text) in TEXTS[..3].iter().enumerate() {
        first = with_ad(first, text, 1, index as u64);
        second = with_ad(second, &copy_of(text), 1, 10 + index as u64);
    }
    let graph = build_graph(&data(vec![first.clone(), second]));
    assert_eq!(graph.edges.len(), 1);
    assert!(!graph.edges[0].directed);
    assert!(graph.edges[0].basis.contains("direction unknown"));

    let few = with_ad(with_ad(site("few"), TEXTS[0], 1, 40), TEXTS[1], 1, 41);
    let graph = build_graph(&data(vec![first, few]));
    assert!(graph.edges.is_empty(), "{:#?}", graph.edges);
}

fn sighting<'a>(pseudonym: &'a str, capture_id: u64, ad_text_ids: &'a [u64]) -> Sighting<'a> {
    Sighting {
        pseudonym,
        city: Some("Wien"),
        country: Some("AT"),
        run: 1,
        capture_id,
        ad_text_ids,
    }
}

#[test]
fn contacts_shared_only_through_copied_ads_are_not_a_second_kind() {
    let mut source = site("source");
    let mut aggregator = site("aggregator");
    for (index, text) in TEXTS[..3].iter().enumerate() {
        source = with_ad(source, text, 1, index as u64);
        aggregator = with_ad(aggregator, &copy_of(text), 2, 10 + index as u64);
    }
    source = with_contact(source, sighting("phone:aaa", 1, &[text_id(TEXTS[0])]));
    let copied_id = [text_id(&copy_of(TEXTS[0]))];
    aggregator = with_contact(aggregator, sighting("phone:aaa", 11, &copied_id));
    let graph = build_graph(&data(vec![source.clone(), aggregator.clone()]));
    assert_eq!(
        kinds_between(&graph, "source", "aggregator"),
        [EdgeKind::CopiedAds]
    );
    assert!(graph.same_operator.is_empty());

    // Both sites showing it on ads of their own: independent evidence.
    let source_own = "Yvonne Stammgast Hotel Wochenende nur Anrufe keine Nachrichten";
    let aggregator_own = "Zoe english speaking evenings only call first no messages please";
    source = with_ad(source, source_own, 1, 5);
    source = with_contact(source, sighting("phone:aaa", 5, &[text_id(source_own)]));
    aggregator = with_ad(aggregator, aggregator_own, 2, 15);
    let own_id = [text_id(aggregator_own)];
    aggregator = with_contact(aggregator, sighting("phone:aaa", 15, &own_id));
    let graph = build_graph(&data(vec![source, aggregator]));
    let mut kinds = kinds_between(&graph, "source", "aggregator");
    kinds.sort();
    assert_eq!(kinds, [EdgeKind::SharedContacts, EdgeKind::CopiedAds]);
    // One shared contact is a link, not operator evidence.
    assert!(graph.same_operator.is_empty());
    let contacts = graph
        .edges
        .iter()
        .find(|edge| edge.kind == EdgeKind::SharedContacts)
        .expect("contacts edge");
    assert_eq!(contacts.count, 1);
    assert!(!contacts.basis.contains("aaa"), "{}", contacts.basis);
}

#[test]
fn same_operator_needs_two_kinds() {
    let graph = build_graph(&data(vec![
        with_tracking(
            with_template(site("alpha"), 1, sketch(5, 0)),
            "UA-1111111-1",
            1,
        ),
        with_tracking(
            with_template(site("beta"), 2, sketch(5, 0)),
            "UA-1111111-1",
            2,
        ),
        with_template(site("gamma"), 3, sketch(5, 0)),
    ]));
    assert_eq!(
        graph.same_operator,
        [SameOperator {
            site_a: "alpha".to_owned(),
            site_b: "beta".to_owned(),
            kinds: vec![EdgeKind::SameTemplate, EdgeKind::SharedTrackingIds],
        }]
    );
    assert_eq!(
        kinds_between(&graph, "alpha", "gamma"),
        [EdgeKind::SameTemplate]
    );
    assert!(!graph.same_operator_as("alpha", "gamma"));
    assert!(graph.same_operator_as("beta", "alpha"));
}

#[test]
fn the_same_company_named_links_sites_and_with_a_template_is_one_operator() {
    let named = |mut site: SiteInput, name: &str, capture_id: u64| {
        site.evidence.company = Some(crate::model::CompanyObservation {
            name: name.to_owned(),
            capture_id,
        });
        site
    };
    let graph = build_graph(&data(vec![
        named(
            with_template(site("alpha"), 1, sketch(3, 0)),
            "Orchid Medien GmbH",
            1,
        ),
        named(
            with_template(site("beta"), 2, sketch(3, 2)),
            "ORCHID  Medien GmbH",
            2,
        ),
        named(site("gamma"), "Other Media Ltd", 3),
    ]));
    let mut kinds = kinds_between(&graph, "alpha", "beta");
    kinds.sort();
    assert_eq!(kinds, [EdgeKind::SameTemplate, EdgeKind::SameCompany]);
    assert!(kinds_between(&graph, "alpha", "gamma").is_empty());
    assert!(graph.same_operator_as("alpha", "beta"));
    let company = graph
        .edges
        .iter()
        .find(|edge| edge.kind == EdgeKind::SameCompany)
        .expect("company edge");
    assert_eq!(company.capture_ids, [1, 2]);
}

#[test]
fn alike_ads_naming_different_contacts_are_two_ads() {
    let mut first = site("first");
    let mut second = site("second");
    for (index, text) in TEXTS[..3].iter().enumerate() {
        let capture = index as u64;
        first = with_ad(first, text, 1, capture);
        second = with_ad(second, text, 1, 10 + capture);
        let ids = [text_id(text)];
        first = with_contact(first, sighting("phone:first-person", capture, &ids));
        second = with_contact(second, sighting("phone:second-person", 10 + capture, &ids));
    }
    let graph = build_graph(&data(vec![first.clone(), second]));
    assert!(
        graph.edges.is_empty(),
        "the same words under two contacts: {:#?}",
        graph.edges
    );

    // The same words under the same contact are one ad on two sites.
    let mut same = site("same");
    for (index, text) in TEXTS[..3].iter().enumerate() {
        same = with_ad(same, text, 1, 20 + index as u64);
        same = with_contact(
            same,
            sighting("phone:first-person", 20 + index as u64, &[text_id(text)]),
        );
    }
    let graph = build_graph(&data(vec![first, same]));
    assert_eq!(
        kinds_between(&graph, "first", "same"),
        [EdgeKind::CopiedAds]
    );
}

#[test]
fn many_shared_contacts_with_another_kind_make_one_operator_and_a_few_do_not() {
    let shared = |mut site: SiteInput, pseudonyms: &[&str], capture_id: u64| {
        for pseudonym in pseudonyms {
            site = with_contact(site, sighting(pseudonym, capture_id, &[]));
        }
        site
    };
    let roster = ["phone:a", "phone:b", "phone:c"];
    let others: Vec<String> = (0..20)
        .map(|index| format!("phone:other-{index}"))
        .collect();
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    // Three of four contacts shared, and a template: one operator.
    let alpha = shared(with_template(site("alpha"), 1, sketch(7, 0)), &roster, 1);
    let beta = shared(
        with_template(site("beta"), 2, sketch(7, 0)),
        &["phone:a", "phone:b", "phone:c", "phone:d"],
        2,
    );
    // Three of twenty-three shared (travelling people), and a template: not.
    let more: Vec<String> = (0..20).map(|index| format!("phone:more-{index}")).collect();
    let more: Vec<&str> = more.iter().map(String::as_str).collect();
    let gamma = shared(
        shared(with_template(site("gamma"), 3, sketch(7, 0)), &roster, 3),
        &others,
        3,
    );
    let delta = shared(
        shared(with_template(site("delta"), 4, sketch(7, 0)), &roster, 4),
        &more,
        4,
    );
    let graph = build_graph(&data(vec![alpha, beta, gamma, delta]));
    assert!(graph.same_operator_as("alpha", "beta"));
    let mut kinds = kinds_between(&graph, "gamma", "delta");
    kinds.sort();
    assert_eq!(kinds, [EdgeKind::SameTemplate, EdgeKind::SharedContacts]);
    assert!(!graph.same_operator_as("gamma", "delta"));
}
