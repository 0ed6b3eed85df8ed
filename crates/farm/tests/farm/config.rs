//! The generated crawler config is valid TOML with exactly the documented keys.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use cartograph_farm::{ConfigOptions, Farm, FarmSpec};

fn keys(table: &toml::Table) -> BTreeSet<&str> {
    table.keys().map(String::as_str).collect()
}

#[test]
fn crawler_config_is_valid_toml_with_the_documented_keys() {
    let farm = Farm::new(FarmSpec {
        seed: 3,
        sites: 4,
        day: 0,
    });
    let address: SocketAddr = "127.0.0.1:4242".parse().expect("address");
    let options = ConfigOptions {
        min_interval: Duration::from_millis(50),
        store_path: "/tmp/store \"quoted\"".to_owned(),
        user_agent: "cartograph".to_owned(),
        contact: "mailto:farm-test@example.org".to_owned(),
    };
    let text = farm.crawler_config(address, &options);
    let config: toml::Table =
        toml::from_str(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));

    assert_eq!(
        keys(&config),
        BTreeSet::from(["crawler", "politeness", "store", "network", "site"])
    );
    let crawler = config["crawler"].as_table().expect("crawler table");
    assert_eq!(
        keys(crawler),
        BTreeSet::from(["user_agent", "contact", "max_concurrent_hosts"])
    );
    assert_eq!(crawler["user_agent"].as_str(), Some("cartograph"));
    assert_eq!(
        crawler["contact"].as_str(),
        Some("mailto:farm-test@example.org")
    );
    assert_eq!(crawler["max_concurrent_hosts"].as_integer(), Some(64));

    let politeness = config["politeness"].as_table().expect("politeness table");
    assert_eq!(
        keys(politeness),
        BTreeSet::from(["min_interval", "max_pages_per_site"])
    );
    assert_eq!(politeness["min_interval"].as_str(), Some("50ms"));
    assert_eq!(politeness["max_pages_per_site"].as_integer(), Some(1000));

    assert_eq!(
        config["store"]["path"].as_str(),
        Some("/tmp/store \"quoted\"")
    );

    let network = config["network"].as_table().expect("network table");
    assert_eq!(network["allow_private_addresses"].as_bool(), Some(true));
    let resolve = network["resolve"].as_table().expect("resolve table");
    assert_eq!(resolve.len(), farm.sites().len());
    for site in farm.sites() {
        assert_eq!(resolve[&site.host].as_str(), Some("127.0.0.1:4242"));
    }

    let sites = config["site"].as_array().expect("site array");
    assert_eq!(sites.len(), farm.sites().len());
    for (entry, site) in sites.iter().zip(farm.sites()) {
        let entry = entry.as_table().expect("site table");
        assert_eq!(
            keys(entry),
            BTreeSet::from([
                "id",
                "name",
                "country",
                "seeds",
                "listing",
                "category_hint",
                "language_hint",
                "profile"
            ])
        );
        assert_eq!(entry["id"].as_str(), Some(site.id.as_str()));
        assert_eq!(entry["name"].as_str(), Some(site.name.as_str()));
        assert_eq!(entry["country"].as_str(), Some(site.country.as_str()));
        assert_eq!(
            entry["category_hint"].as_str(),
            Some(site.category.as_str())
        );
        assert_eq!(
            entry["language_hint"].as_str(),
            Some(site.language.as_str())
        );
        let strings = |key: &str| -> Vec<String> {
            entry[key]
                .as_array()
                .expect("array")
                .iter()
                .map(|value| value.as_str().expect("string").to_owned())
                .collect()
        };
        assert_eq!(strings("seeds"), site.seeds);
        assert_eq!(strings("listing"), site.listing_patterns);
        let profile = entry["profile"].as_table().expect("profile table");
        assert_eq!(
            keys(profile),
            BTreeSet::from(["ad", "link", "date", "price", "location", "next"])
        );
        assert_eq!(profile["ad"].as_str(), Some(site.profile.ad.as_str()));
        assert_eq!(profile["link"].as_str(), Some(site.profile.link.as_str()));
        assert_eq!(profile["date"].as_str(), Some(site.profile.date.as_str()));
        assert_eq!(profile["price"].as_str(), Some(site.profile.price.as_str()));
        assert_eq!(
            profile["location"].as_str(),
            Some(site.profile.location.as_str())
        );
        assert_eq!(profile["next"].as_str(), Some(site.profile.next.as_str()));
    }
}

#[test]
fn intervals_are_humantime_strings() {
    let farm = Farm::new(FarmSpec {
        seed: 3,
        sites: 1,
        day: 0,
    });
    let address: SocketAddr = "127.0.0.1:1".parse().expect("address");
    let options = |min_interval| ConfigOptions {
        min_interval,
        store_path: "store".to_owned(),
        user_agent: "cartograph".to_owned(),
        contact: "mailto:x@example.org".to_owned(),
    };
    for (interval, expected) in [
        (Duration::from_secs(5), "5s"),
        (Duration::from_millis(1500), "1500ms"),
    ] {
        let config: toml::Table =
            toml::from_str(&farm.crawler_config(address, &options(interval))).expect("valid toml");
        assert_eq!(
            config["politeness"]["min_interval"].as_str(),
            Some(expected)
        );
    }
}
