//! Movement: contacts advertised in several cities or countries over time,
//! counted per site, per site pair and per country pair.
//!
//! The same contact in two places is the methodology's risk signal "the
//! same contact advertised in several cities or countries" (and "new in
//! town" wording is its self-description, which the research found *less*
//! often in trafficking cases). The counts are of distinct contacts; no
//! output carries a pseudonym, a per-contact row or anything else that
//! describes one person: a pair's count says how many contacts moved, not
//! who.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::ReportData;

/// Movement seen on one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteMovement {
    pub site_id: String,
    /// Distinct contacts on the site.
    pub contacts: u64,
    /// Of those, seen in more than one city (on any site).
    pub in_several_cities: u64,
    /// Of those, seen in more than one country (on any site).
    pub in_several_countries: u64,
}

/// Contacts two sites share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitePairMovement {
    pub site_a: String,
    pub site_b: String,
    /// Distinct contacts on both sites.
    pub shared_contacts: u64,
    /// Of those, placed in a city on one site that the other site's ads for
    /// the contact do not name.
    pub in_another_city: u64,
    /// Of those, placed in a country on one site that the other's do not.
    pub in_another_country: u64,
}

/// Contacts seen in two countries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryPairMovement {
    /// ISO 3166-1 alpha-2; `country_a < country_b`.
    pub country_a: String,
    pub country_b: String,
    /// Distinct contacts seen in both.
    pub contacts: u64,
    /// Of those, first seen in `country_a` and in a later run in `country_b`.
    pub a_then_b: u64,
    /// Of those, first seen in `country_b` and in a later run in `country_a`.
    pub b_then_a: u64,
    /// Of those, first seen in both in the same run.
    pub same_time: u64,
}

/// All movement counts of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// Distinct contacts across all sites.
    pub contacts: u64,
    /// Of those, seen in more than one city.
    pub in_several_cities: u64,
    /// Of those, seen in more than one country.
    pub in_several_countries: u64,
    pub sites: Vec<SiteMovement>,
    /// Pairs with at least one shared contact, sorted by site ids.
    pub site_pairs: Vec<SitePairMovement>,
    /// Pairs with at least one contact seen in both, sorted by codes.
    pub country_pairs: Vec<CountryPairMovement>,
}

/// The cities and the countries one contact was placed in on one site.
type Places = (BTreeSet<String>, BTreeSet<String>);

/// Where and when one contact was seen, across sites.
#[derive(Default)]
struct ContactTrail {
    /// Site index → cities and countries named there.
    sites: BTreeMap<usize, Places>,
    cities: BTreeSet<String>,
    /// Country → first run it was seen there in.
    countries: BTreeMap<String, u64>,
}

/// Works out the movement counts of `data`.
pub fn movement(data: &ReportData) -> Movement {
    let mut trails: BTreeMap<&str, ContactTrail> = BTreeMap::new();
    for (site_index, site) in data.sites.iter().enumerate() {
        for observation in &site.evidence.contacts {
            let trail = trails.entry(observation.pseudonym.as_str()).or_default();
            let (site_cities, site_countries) = trail.sites.entry(site_index).or_default();
            if let Some(city) = &observation.city {
                // A city is named with its country, so two cities of one
                // name in two countries stay apart.
                let place = format!("{city}, {}", observation.country.as_deref().unwrap_or("?"));
                site_cities.insert(place.clone());
                trail.cities.insert(place);
            }
            if let Some(country) = &observation.country {
                site_countries.insert(country.clone());
                let first = trail
                    .countries
                    .entry(country.clone())
                    .or_insert(observation.first_run);
                *first = (*first).min(observation.first_run);
            }
        }
    }

    let mut sites: Vec<SiteMovement> = data
        .sites
        .iter()
        .map(|site| SiteMovement {
            site_id: site.site_id.clone(),
            contacts: 0,
            in_several_cities: 0,
            in_several_countries: 0,
        })
        .collect();
    let mut site_pairs: BTreeMap<(usize, usize), SitePairMovement> = BTreeMap::new();
    let mut country_pairs: BTreeMap<(String, String), CountryPairMovement> = BTreeMap::new();
    let (mut in_several_cities, mut in_several_countries) = (0, 0);
    for trail in trails.values() {
        let several_cities = trail.cities.len() > 1;
        let several_countries = trail.countries.len() > 1;
        in_several_cities += u64::from(several_cities);
        in_several_countries += u64::from(several_countries);
        for &site_index in trail.sites.keys() {
            let site = &mut sites[site_index];
            site.contacts += 1;
            site.in_several_cities += u64::from(several_cities);
            site.in_several_countries += u64::from(several_countries);
        }
        let on_sites: Vec<(&usize, &Places)> = trail.sites.iter().collect();
        for (position, (&first, first_places)) in on_sites.iter().enumerate() {
            for (&second, second_places) in &on_sites[position + 1..] {
                let (low, high) = if data.sites[first].site_id <= data.sites[second].site_id {
                    (first, second)
                } else {
                    (second, first)
                };
                let pair = site_pairs
                    .entry((low, high))
                    .or_insert_with(|| SitePairMovement {
                        site_a: data.sites[low].site_id.clone(),
                        site_b: data.sites[high].site_id.clone(),
                        shared_contacts: 0,
                        in_another_city: 0,
                        in_another_country: 0,
                    });
                pair.shared_contacts += 1;
                pair.in_another_city += u64::from(first_places.0 != second_places.0);
                pair.in_another_country += u64::from(first_places.1 != second_places.1);
            }
        }
        let countries: Vec<(&String, &u64)> = trail.countries.iter().collect();
        for (position, (country_a, first_a)) in countries.iter().enumerate() {
            for (country_b, first_b) in &countries[position + 1..] {
                let pair = country_pairs
                    .entry(((*country_a).clone(), (*country_b).clone()))
                    .or_insert_with(|| CountryPairMovement {
                        country_a: (*country_a).clone(),
                        country_b: (*country_b).clone(),
                        contacts: 0,
                        a_then_b: 0,
                        b_then_a: 0,
                        same_time: 0,
                    });
                pair.contacts += 1;
                match first_a.cmp(first_b) {
                    std::cmp::Ordering::Less => pair.a_then_b += 1,
                    std::cmp::Ordering::Greater => pair.b_then_a += 1,
                    std::cmp::Ordering::Equal => pair.same_time += 1,
                }
            }
        }
    }
    Movement {
        contacts: trails.len() as u64,
        in_several_cities,
        in_several_countries,
        sites,
        site_pairs: site_pairs.into_values().collect(),
        country_pairs: country_pairs.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{data, site, with_contact, Sighting};

    fn seen<'a>(pseudonym: &'a str, city: &'a str, country: &'a str, run: u64) -> Sighting<'a> {
        Sighting {
            pseudonym,
            city: Some(city),
            country: Some(country),
            run,
            capture_id: run * 10,
            ad_text_ids: &[],
        }
    }

    #[test]
    fn contacts_in_several_places_are_counted_per_site_pair_and_country_pair() {
        let alpha = with_contact(
            with_contact(site("alpha"), seen("phone:one", "Wien", "AT", 1)),
            seen("phone:two", "Graz", "AT", 1),
        );
        let beta = with_contact(
            with_contact(site("beta"), seen("phone:one", "Berlin", "DE", 2)),
            seen("phone:two", "Graz", "AT", 1),
        );
        let gamma = with_contact(site("gamma"), seen("phone:one", "Praha", "CZ", 2));
        let counts = movement(&data(vec![alpha, beta, gamma]));
        assert_eq!(
            (
                counts.contacts,
                counts.in_several_cities,
                counts.in_several_countries
            ),
            (2, 1, 1)
        );
        assert_eq!(
            counts
                .sites
                .iter()
                .map(|site| (site.contacts, site.in_several_countries))
                .collect::<Vec<_>>(),
            [(2, 1), (2, 1), (1, 1)]
        );
        let alpha_beta = &counts.site_pairs[0];
        assert_eq!(
            (alpha_beta.site_a.as_str(), alpha_beta.site_b.as_str()),
            ("alpha", "beta")
        );
        assert_eq!(
            (
                alpha_beta.shared_contacts,
                alpha_beta.in_another_city,
                alpha_beta.in_another_country
            ),
            (2, 1, 1)
        );
        let pairs: Vec<(&str, &str, u64, u64, u64, u64)> = counts
            .country_pairs
            .iter()
            .map(|pair| {
                (
                    pair.country_a.as_str(),
                    pair.country_b.as_str(),
                    pair.contacts,
                    pair.a_then_b,
                    pair.b_then_a,
                    pair.same_time,
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("AT", "CZ", 1, 1, 0, 0),
                ("AT", "DE", 1, 1, 0, 0),
                ("CZ", "DE", 1, 0, 0, 1)
            ]
        );
    }

    #[test]
    fn no_output_type_carries_a_pseudonym() {
        let alpha = with_contact(site("alpha"), seen("phone:secret-digest", "Wien", "AT", 1));
        let beta = with_contact(site("beta"), seen("phone:secret-digest", "Linz", "AT", 1));
        let counts = movement(&data(vec![alpha, beta]));
        let json = serde_json::to_string(&counts).expect("serializes");
        assert!(!json.contains("secret-digest"), "{json}");
        assert!(!format!("{counts:?}").contains("secret-digest"));
    }
}
