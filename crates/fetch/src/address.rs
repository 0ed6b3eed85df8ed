//! Which IP addresses a crawl may connect to. Everything that is not a
//! public unicast address is refused unless the config allows private
//! addresses (only the synthetic farm on loopback needs that), so a
//! whitelisted name that resolves into the unit's own network cannot be
//! used to reach it (SSRF).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind of an address, for refusals that say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    Loopback,
    Private,
    LinkLocal,
    /// 100.64.0.0/10, carrier-grade NAT.
    SharedCgnat,
    Multicast,
    Unspecified,
    Broadcast,
    /// Documentation, benchmarking and other reserved ranges.
    Reserved,
}

impl fmt::Display for AddressClass {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::SharedCgnat => "shared (CGNAT)",
            AddressClass::Multicast => "multicast",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Reserved => "reserved",
        })
    }
}

/// Classifies `ip`; IPv4-mapped and -compatible IPv6 addresses are judged
/// by the IPv4 address inside.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(inner) => classify_v4(inner),
            None => classify_v6(ip),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [first, second, third, _] = ip.octets();
    if ip.is_unspecified() || first == 0 {
        AddressClass::Unspecified
    } else if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_private() {
        AddressClass::Private
    } else if ip.is_link_local() {
        AddressClass::LinkLocal
    } else if first == 100 && (64..128).contains(&second) {
        AddressClass::SharedCgnat
    } else if ip.is_multicast() {
        AddressClass::Multicast
    } else if ip.is_broadcast() {
        AddressClass::Broadcast
    } else if ip.is_documentation()
        || first >= 240
        || (first == 192 && second == 0 && third == 0)
        || (first == 198 && (18..20).contains(&second))
    {
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let segments = ip.segments();
    if ip.is_unspecified() {
        AddressClass::Unspecified
    } else if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_multicast() {
        AddressClass::Multicast
    } else if segments[0] & 0xffc0 == 0xfe80 {
        AddressClass::LinkLocal
    } else if segments[0] & 0xfe00 == 0xfc00 {
        AddressClass::Private
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        AddressClass::Reserved
    } else if segments[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) addresses: judge the embedded address.
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        classify_v4(Ipv4Addr::new(a, b, c, d))
    } else {
        AddressClass::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(address: &str, expected: AddressClass) {
        let ip: IpAddr = address.parse().unwrap();
        assert_eq!(classify(ip), expected, "{address}");
    }

    #[test]
    fn addresses_are_classified() {
        use AddressClass::*;
        for (address, expected) in [
            ("93.184.215.14", Public),
            ("127.0.0.1", Loopback),
            ("127.8.9.10", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("192.168.1.1", Private),
            ("169.254.169.254", LinkLocal),
            ("100.64.0.1", SharedCgnat),
            ("100.128.0.1", Public),
            ("224.0.0.1", Multicast),
            ("0.0.0.0", Unspecified),
            ("255.255.255.255", Broadcast),
            ("::1", Loopback),
            ("::", Unspecified),
            ("fe80::1", LinkLocal),
            ("fd00::1", Private),
            ("ff02::1", Multicast),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:10.0.0.1", Private),
            ("::127.0.0.1", Loopback),
            ("2606:4700::1111", Public),
        ] {
            check(address, expected);
        }
    }
}
