//! Contacts across ads, cities, countries and sites: each keyed pseudonym
//! with the ads that carry it and the places those ads name.
//!
//! Within a site, [`footprints`] counts a contact's ads after reposts are
//! merged (a repost is the same ad, not a second one). Across sites,
//! [`link_contacts_across_sites`] joins the footprints that the sites'
//! indicators keep: the same pseudonym on two sites is the same contact
//! (pseudonyms are keyed with one linkage key per installation), which is
//! mapping field g's "same contact on several sites" and the methodology's
//! "same contact advertised in several cities or countries".

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::contacts::ContactPseudonym;
use crate::page::AdSignals;
use crate::places::Place;

/// One contact pseudonym on one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFootprint {
    pub contact: ContactPseudonym,
    /// Distinct ads carrying it (reposts merged).
    pub ads: usize,
    /// Gazetteer keys of the cities its ads name.
    pub cities: BTreeSet<String>,
    /// ISO 3166 alpha-2 codes (lower case) of the places its ads name.
    pub countries: BTreeSet<String>,
}

/// One contact's repost groups, cities and countries, while gathering.
type Gathered = (BTreeSet<usize>, BTreeSet<String>, BTreeSet<String>);

/// The footprint of every contact of a site's ads, sorted by pseudonym.
/// `groups[i]` is the repost group of `ads[i]`; `place_of` resolves a
/// place key.
pub(super) fn footprints(
    ads: &[&AdSignals],
    groups: &[usize],
    place_of: &mut impl FnMut(&str) -> Option<Place>,
) -> Vec<ContactFootprint> {
    let mut by_contact: BTreeMap<&ContactPseudonym, Gathered> = BTreeMap::new();
    for (ad, &group) in ads.iter().zip(groups) {
        let place = ad.place.as_deref().and_then(&mut *place_of);
        for contact in &ad.contacts {
            let (ad_groups, cities, countries) = by_contact.entry(contact).or_default();
            ad_groups.insert(group);
            if let Some(place) = place {
                countries.insert(place.country.to_owned());
                if !place.is_country() {
                    cities.insert(place.key.to_owned());
                }
            }
        }
    }
    by_contact
        .into_iter()
        .map(
            |(contact, (ad_groups, cities, countries))| ContactFootprint {
                contact: contact.clone(),
                ads: ad_groups.len(),
                cities,
                countries,
            },
        )
        .collect()
}

/// Contacts that link sites, from every site's indicators of one run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CrossSiteContacts {
    /// Contacts seen on two sites or more.
    pub on_2_plus_sites: usize,
    /// Contacts whose ads, over all sites, name places in two countries or
    /// more.
    pub in_2_plus_countries: usize,
    /// Contacts whose ads, over all sites, name two cities or more.
    pub in_2_plus_cities: usize,
    /// Every contact on two sites or more, or in two countries or more.
    pub shared: Vec<CrossSiteContact>,
}

/// One contact that links sites or countries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossSiteContact {
    pub contact: ContactPseudonym,
    /// Ids of the sites whose ads carry it.
    pub site_ids: BTreeSet<String>,
    pub cities: BTreeSet<String>,
    pub countries: BTreeSet<String>,
    /// Ads carrying it, summed over sites.
    pub ads: usize,
}

/// Joins the sites' contact footprints by pseudonym. `sites` are (site id,
/// that site's footprints) pairs, e.g. from `SiteIndicators::contacts`.
pub fn link_contacts_across_sites<'a>(
    sites: impl IntoIterator<Item = (&'a str, &'a [ContactFootprint])>,
) -> CrossSiteContacts {
    let mut joined: BTreeMap<&ContactPseudonym, CrossSiteContact> = BTreeMap::new();
    for (site_id, footprints) in sites {
        for footprint in footprints {
            let entry = joined
                .entry(&footprint.contact)
                .or_insert_with(|| CrossSiteContact {
                    contact: footprint.contact.clone(),
                    site_ids: BTreeSet::new(),
                    cities: BTreeSet::new(),
                    countries: BTreeSet::new(),
                    ads: 0,
                });
            entry.site_ids.insert(site_id.to_owned());
            entry.cities.extend(footprint.cities.iter().cloned());
            entry.countries.extend(footprint.countries.iter().cloned());
            entry.ads += footprint.ads;
        }
    }
    let mut linked = CrossSiteContacts::default();
    for contact in joined.into_values() {
        let many_sites = contact.site_ids.len() >= 2;
        let many_countries = contact.countries.len() >= 2;
        linked.on_2_plus_sites += usize::from(many_sites);
        linked.in_2_plus_countries += usize::from(many_countries);
        linked.in_2_plus_cities += usize::from(contact.cities.len() >= 2);
        if many_sites || many_countries {
            linked.shared.push(contact);
        }
    }
    linked
}
