//! Unit tests of the evidence graph on hand-made sites.

use super::*;
use crate::test_support::{
    data, site, sketch, with_ad, with_contact, with_template, with_tracking, Sighting,
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

/// Fingerprints at a given distance from a base, spread across chunks.
fn flipped(base: u64, bits: &[u32]) -> u64 {
    bits.iter().fold(base, |value, bit| value ^ (1 << bit))
}

#[test]
fn copied_ads_are_found_within_eight_bits_and_directed_by_first_run() {
    let bases: [u64; 4] = [
        0x0123_4567_89ab_cdef,
        0xfedc_ba98_7654_3210,
        0x0f0f_f0f0_1234_8765,
        0xaaaa_5555_cccc_3333,
    ];
    // Copies at distance 8: two bits in each 16-bit chunk, all in one
    // chunk, a single bit, and identical.
    let copies = [
        flipped(bases[0], &[0, 1, 16, 17, 32, 33, 48, 49]),
        flipped(bases[1], &[0, 1, 2, 3, 4, 5, 6, 7]),
        flipped(bases[2], &[40]),
        bases[3],
    ];
    let mut source = site("source");
    let mut copier = site("copier");
    for (index, (base, copy)) in bases.iter().zip(copies).enumerate() {
        source = with_ad(source, *base, 1, 10 + index as u64);
        copier = with_ad(copier, copy, 2, 20 + index as u64);
    }
    // Nine bits away is another text.
    source = with_ad(source, 0x1111_2222_3333_4444, 1, 30);
    copier = with_ad(
        copier,
        flipped(0x1111_2222_3333_4444, &[0, 1, 2, 3, 4, 5, 6, 7, 8]),
        2,
        31,
    );
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
    for index in 0..3_u64 {
        first = with_ad(first, index * 0x1000_0001_0001_0001 + 7, 1, index);
        second = with_ad(second, index * 0x1000_0001_0001_0001 + 7, 1, 10 + index);
    }
    let graph = build_graph(&data(vec![first.clone(), second]));
    assert_eq!(graph.edges.len(), 1);
    assert!(!graph.edges[0].directed);
    assert!(graph.edges[0].basis.contains("direction unknown"));

    let few = with_ad(with_ad(site("few"), 7, 1, 40), 0x1000_0001_0001_0008, 1, 41);
    let graph = build_graph(&data(vec![first, few]));
    assert!(graph.edges.is_empty(), "{:#?}", graph.edges);
}

fn sighting<'a>(pseudonym: &'a str, capture_id: u64, ad_fingerprints: &'a [u64]) -> Sighting<'a> {
    Sighting {
        pseudonym,
        city: Some("Wien"),
        country: Some("AT"),
        run: 1,
        capture_id,
        ad_fingerprints,
    }
}

#[test]
fn contacts_shared_only_through_copied_ads_are_not_a_second_kind() {
    let copied_texts = [
        0x0101_0101_0101_0101_u64,
        0x0202_0202_0202_0202,
        0x0303_0303_0303_0303,
    ];
    let mut source = site("source");
    let mut aggregator = site("aggregator");
    for (index, text) in copied_texts.iter().enumerate() {
        source = with_ad(source, *text, 1, index as u64);
        aggregator = with_ad(aggregator, *text, 2, 10 + index as u64);
    }
    source = with_contact(source, sighting("phone:aaa", 1, &copied_texts[..1]));
    aggregator = with_contact(aggregator, sighting("phone:aaa", 11, &copied_texts[..1]));
    let graph = build_graph(&data(vec![source.clone(), aggregator.clone()]));
    assert_eq!(
        kinds_between(&graph, "source", "aggregator"),
        [EdgeKind::CopiedAds]
    );
    assert!(graph.same_operator.is_empty());

    // The same contact on an ad of its own on the aggregator is independent.
    let own_text = 0x7777_0000_7777_0000_u64;
    aggregator = with_ad(aggregator, own_text, 2, 15);
    aggregator = with_contact(aggregator, sighting("phone:aaa", 15, &[own_text]));
    let graph = build_graph(&data(vec![source, aggregator]));
    let mut kinds = kinds_between(&graph, "source", "aggregator");
    kinds.sort();
    assert_eq!(kinds, [EdgeKind::SharedContacts, EdgeKind::CopiedAds]);
    assert_eq!(graph.same_operator.len(), 1);
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
fn within_two_bits_enumerates_every_neighbour_once() {
    let neighbours: BTreeSet<u16> = within_two_bits(0x00ff).collect();
    assert_eq!(neighbours.len(), 1 + 16 + 120);
    assert!(neighbours
        .iter()
        .all(|value| (value ^ 0x00ff).count_ones() <= 2));
}
