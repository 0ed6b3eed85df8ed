//! The HTTP exchange: one GET, as sent and as received, bytes capped.
//!
//! reqwest is built with rustls, no cookies, no automatic redirects and,
//! crucially, no automatic decompression: it would strip Content-Encoding
//! and Content-Length and the capture would no longer be what the server
//! sent. Names are resolved by [`GuardedResolver`], which applies the
//! config's `resolve` map and refuses non-public addresses unless the config
//! allows them; the connection goes to exactly the addresses it returned.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use crate::address::{classify, AddressClass};

/// Limits of one exchange.
#[derive(Debug, Clone)]
pub struct ExchangeLimits {
    /// Body bytes kept; the rest is not read and the capture is marked
    /// truncated.
    pub max_body_bytes: usize,
    /// From sending the request to the end of the body.
    pub request_timeout: Duration,
    /// To establish the TCP (and TLS) connection.
    pub connect_timeout: Duration,
}

/// The request as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SentRequest {
    pub method: String,
    pub url: Url,
    /// The version on the request line.
    pub http_version: String,
    /// The headers cartograph set, in the order sent, `Host` first.
    pub headers: Vec<(String, String)>,
}

/// The response as received.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedResponse {
    pub status: u16,
    /// The reason phrase, when the server sent a non-canonical one.
    pub reason: Option<String>,
    pub version: String,
    /// In the order received (names as the HTTP library reports them).
    pub headers: Vec<(String, String)>,
    /// The body bytes as received, content-encoding not undone.
    pub body: Vec<u8>,
    /// True when the body was cut at `max_body_bytes`.
    pub truncated: bool,
    pub remote_addr: Option<SocketAddr>,
}

/// Why no (complete) response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    TimedOut,
    AddressRefused(String),
    Connection(String),
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportFailure::TimedOut => formatter.write_str("timed out"),
            TransportFailure::AddressRefused(reason) => {
                write!(formatter, "address refused: {reason}")
            }
            TransportFailure::Connection(reason) => {
                write!(formatter, "connection failed: {reason}")
            }
        }
    }
}

/// Builds the client every request goes through.
pub(crate) fn build_client(
    user_agent: &str,
    resolve: &BTreeMap<String, SocketAddr>,
    allow_private_addresses: bool,
    limits: &ExchangeLimits,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(user_agent)
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(limits.connect_timeout)
        // One request in flight per host at intervals of seconds: a pooled
        // connection would only hold a socket open between them.
        .pool_max_idle_per_host(0)
        .dns_resolver(Arc::new(GuardedResolver {
            overrides: resolve.clone(),
            allow_private_addresses,
        }))
        .build()
}

/// Sends one GET and reads the response, capped. Never panics on what the
/// server sends.
pub(crate) async fn exchange(
    client: &reqwest::Client,
    user_agent: &str,
    url: &Url,
    limits: &ExchangeLimits,
    allow_private_addresses: bool,
) -> (SentRequest, Result<ReceivedResponse, TransportFailure>) {
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let accept = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5";
    let sent = SentRequest {
        method: "GET".to_owned(),
        url: url.clone(),
        http_version: "HTTP/1.1".to_owned(),
        headers: vec![
            ("Host".to_owned(), host),
            ("User-Agent".to_owned(), user_agent.to_owned()),
            ("Accept".to_owned(), accept.to_owned()),
            ("Accept-Encoding".to_owned(), "identity".to_owned()),
        ],
    };
    // IP-literal hosts never reach the resolver: check them here.
    if let Some(refusal) = literal_address_refusal(url, allow_private_addresses) {
        return (sent, Err(TransportFailure::AddressRefused(refusal)));
    }
    let request = client
        .get(url.clone())
        .header("Accept", accept)
        .header("Accept-Encoding", "identity");
    let received = tokio::time::timeout(limits.request_timeout, async {
        let response = request.send().await.map_err(transport_failure)?;
        read_capped(response, limits.max_body_bytes).await
    })
    .await
    .unwrap_or(Err(TransportFailure::TimedOut));
    (sent, received)
}

async fn read_capped(
    mut response: reqwest::Response,
    max_body_bytes: usize,
) -> Result<ReceivedResponse, TransportFailure> {
    let status = response.status().as_u16();
    let version = format!("{:?}", response.version());
    let remote_addr = response.remote_addr();
    let reason = response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|reason| String::from_utf8_lossy(reason.as_bytes()).into_owned());
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(transport_failure)? {
        let room = max_body_bytes - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(ReceivedResponse {
        status,
        reason,
        version,
        headers,
        body,
        truncated,
        remote_addr,
    })
}

fn transport_failure(error: reqwest::Error) -> TransportFailure {
    if error.is_timeout() {
        return TransportFailure::TimedOut;
    }
    // Walk the source chain: our resolver's refusal is buried in it.
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(current) = source {
        if let Some(refused) = current.downcast_ref::<AddressRefused>() {
            return TransportFailure::AddressRefused(refused.0.clone());
        }
        source = current.source();
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(current) = source {
        message.push_str(": ");
        message.push_str(&current.to_string());
        source = current.source();
    }
    TransportFailure::Connection(message)
}

fn literal_address_refusal(url: &Url, allow_private_addresses: bool) -> Option<String> {
    let ip = match url.host()? {
        url::Host::Ipv4(ip) => IpAddr::V4(ip),
        url::Host::Ipv6(ip) => IpAddr::V6(ip),
        url::Host::Domain(_) => return None,
    };
    refusal(ip, allow_private_addresses)
}

fn refusal(ip: IpAddr, allow_private_addresses: bool) -> Option<String> {
    match classify(ip) {
        AddressClass::Public => None,
        _ if allow_private_addresses => None,
        class => Some(format!(
            "{ip} is a {class} address (set network.allow_private_addresses to allow)"
        )),
    }
}

/// The resolver refused every address of a name.
#[derive(Debug)]
struct AddressRefused(String);

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for AddressRefused {}

/// Resolves names through the config's overrides or the system, and drops
/// addresses the config does not allow; the connection is made to exactly
/// what it returns, so a second lookup (DNS rebinding) cannot slip past.
struct GuardedResolver {
    overrides: BTreeMap<String, SocketAddr>,
    allow_private_addresses: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let overridden = self.overrides.get(&host).copied();
        let allow_private_addresses = self.allow_private_addresses;
        Box::pin(async move {
            let candidates: Vec<SocketAddr> = match overridden {
                Some(address) => vec![address],
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let mut refusals = Vec::new();
            let allowed: Vec<SocketAddr> = candidates
                .into_iter()
                .filter(
                    |address| match refusal(address.ip(), allow_private_addresses) {
                        None => true,
                        Some(reason) => {
                            refusals.push(reason);
                            false
                        }
                    },
                )
                .collect();
            if allowed.is_empty() {
                let reason = if refusals.is_empty() {
                    format!("{host} resolved to no address")
                } else {
                    format!("{host}: {}", refusals.join("; "))
                };
                return Err(
                    Box::new(AddressRefused(reason)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
