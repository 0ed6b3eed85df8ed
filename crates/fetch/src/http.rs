//! The real [`Transport`]: reqwest, one GET, as sent and as received,
//! bytes capped, time capped.
//!
//! reqwest is built with rustls, no cookies, no proxy (a proxy would connect
//! to hosts our address guard never saw), no automatic redirects (the
//! crawler follows them by hand, checking each hop) and, crucially, no
//! automatic decompression: it would strip Content-Encoding and
//! Content-Length and the capture would no longer be what the server sent.
//! Names are resolved by [`GuardedResolver`], which applies the config's
//! `resolve` map and refuses non-public addresses unless the config allows
//! them; the connection goes to exactly the addresses it returned, so a
//! second lookup (DNS rebinding) cannot slip past, and every redirect hop,
//! being a request of its own, is checked again.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::time::Instant;
use url::Url;

use crate::address::{classify, AddressClass};
use crate::robots::MAX_ROBOTS_BYTES;
use crate::transport::{
    is_html, sent_request, ExchangeLimits, ExchangeRequest, Exchanged, ReceivedResponse, Transport,
    TransportFailure, ACCEPT,
};
use crate::CaptureKind;

/// The reqwest transport.
pub struct ReqwestTransport {
    client: reqwest::Client,
    user_agent: String,
    limits: ExchangeLimits,
    allow_private_addresses: bool,
}

impl ReqwestTransport {
    /// Builds the client every request goes through.
    pub fn new(
        user_agent: &str,
        resolve: &BTreeMap<String, SocketAddr>,
        allow_private_addresses: bool,
        limits: &ExchangeLimits,
    ) -> reqwest::Result<ReqwestTransport> {
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            // One request in flight per host at intervals of seconds: a
            // pooled connection would only hold a socket open between them.
            .pool_max_idle_per_host(0)
            .dns_resolver(Arc::new(GuardedResolver {
                overrides: resolve.clone(),
                allow_private_addresses,
            }))
            .build()?;
        Ok(ReqwestTransport {
            client,
            user_agent: user_agent.to_owned(),
            limits: limits.clone(),
            allow_private_addresses,
        })
    }
}

impl Transport for ReqwestTransport {
    fn exchange<'a>(
        &'a self,
        request: &'a ExchangeRequest,
    ) -> Pin<Box<dyn Future<Output = Exchanged> + Send + 'a>> {
        Box::pin(async move {
            let sent = sent_request(request, &self.user_agent);
            let response = self.send(request).await;
            Exchanged {
                request: sent,
                response,
            }
        })
    }
}

impl ReqwestTransport {
    async fn send(&self, request: &ExchangeRequest) -> Result<ReceivedResponse, TransportFailure> {
        // IP-literal hosts never reach the resolver: check them here.
        if let Some(refusal) = literal_address_refusal(&request.url, self.allow_private_addresses) {
            return Err(TransportFailure::AddressRefused(refusal));
        }
        let mut builder = self
            .client
            .get(request.url.clone())
            .header("Accept", ACCEPT)
            .header("Accept-Encoding", "identity");
        if let Some(validators) = &request.validators {
            if let Some(etag) = &validators.etag {
                builder = builder.header("If-None-Match", etag.as_str());
            }
            if let Some(last_modified) = &validators.last_modified {
                builder = builder.header("If-Modified-Since", last_modified.as_str());
            }
        }
        let started = Instant::now();
        let deadline = started + self.limits.request_timeout;
        let first_byte_deadline = started
            + self
                .limits
                .first_byte_timeout
                .min(self.limits.request_timeout);
        let response = tokio::time::timeout_at(first_byte_deadline, builder.send())
            .await
            .map_err(|_elapsed| TransportFailure::TimedOut)?
            .map_err(transport_failure)?;
        let max_body_bytes = match request.kind {
            CaptureKind::Robots => self.limits.max_body_bytes.min(MAX_ROBOTS_BYTES as u64),
            CaptureKind::Page => self.limits.max_body_bytes,
        };
        read_capped(response, request.kind, max_body_bytes, deadline).await
    }
}

/// Reads the head and, unless the page is not HTML, the body up to
/// `max_body_bytes` or `deadline`, whichever comes first.
async fn read_capped(
    mut response: reqwest::Response,
    kind: CaptureKind,
    max_body_bytes: u64,
    deadline: Instant,
) -> Result<ReceivedResponse, TransportFailure> {
    let status = response.status().as_u16();
    let version = format!("{:?}", response.version());
    let remote_addr = response.remote_addr();
    let reason = response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|reason| String::from_utf8_lossy(reason.as_bytes()).into_owned());
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut received = ReceivedResponse {
        status,
        reason,
        version,
        headers,
        body: Vec::new(),
        truncated: false,
        cut_short: None,
        body_skipped: None,
        remote_addr,
    };
    if kind == CaptureKind::Page && (200..300).contains(&status) {
        if let Some(content_type) = received.header("content-type") {
            if !is_html(content_type) {
                received.body_skipped = Some(format!(
                    "content-type {content_type:?} is not html; body not read"
                ));
                return Ok(received);
            }
        }
    }
    let cap = usize::try_from(max_body_bytes).unwrap_or(usize::MAX);
    loop {
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_elapsed) => {
                received.cut_short = Some(format!(
                    "body not complete when the request time ran out ({} bytes read)",
                    received.body.len()
                ));
                break;
            }
            Ok(Err(error)) => {
                received.cut_short = Some(format!(
                    "body ended early after {} bytes: {}",
                    received.body.len(),
                    error_chain(&error)
                ));
                break;
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        let room = cap - received.body.len();
        if chunk.len() > room {
            received.body.extend_from_slice(&chunk[..room]);
            received.truncated = true;
            break;
        }
        received.body.extend_from_slice(&chunk);
    }
    Ok(received)
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(current) = source {
        message.push_str(": ");
        message.push_str(&current.to_string());
        source = current.source();
    }
    message
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
    let message = error_chain(&error);
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
pub(crate) struct GuardedResolver {
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
