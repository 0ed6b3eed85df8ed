//! The seam between pacing and the network: one GET, as sent and as
//! received. [`Transport`] is a trait so that the scheduler's tests (rate,
//! backoff, Retry-After, adaptive delay) run with a scripted transport under
//! paused tokio time, without sockets; the real one is reqwest (`http.rs`).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use url::Url;

use crate::CaptureKind;

/// What to request.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeRequest {
    pub url: Url,
    /// Pages whose content type is not HTML have their body left unread;
    /// robots.txt is read whatever it claims to be.
    pub kind: CaptureKind,
    /// Validators of the last capture of this URL, for a conditional GET.
    pub validators: Option<Validators>,
}

/// What makes a GET conditional: the earlier response's `ETag` and
/// `Last-Modified`, sent back as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    /// The validators in `headers` (a stored response), if it has any.
    pub fn from_headers(headers: &[(String, String)]) -> Option<Validators> {
        let find = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.clone())
        };
        let validators = Validators {
            etag: find("etag"),
            last_modified: find("last-modified"),
        };
        (validators.etag.is_some() || validators.last_modified.is_some()).then_some(validators)
    }
}

/// Limits of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeLimits {
    /// Body bytes kept; the rest is not read and the capture is marked
    /// truncated.
    pub max_body_bytes: u64,
    /// Bytes a compressed body may decode to for extraction.
    pub max_decompressed_bytes: u64,
    /// From sending the request to the end of the body.
    pub request_timeout: Duration,
    /// From sending the request to the response headers.
    pub first_byte_timeout: Duration,
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
    /// In the order received (names as the HTTP library reports them,
    /// values byte for byte, invalid UTF-8 replaced).
    pub headers: Vec<(String, String)>,
    /// The body bytes as received, content-encoding not undone.
    pub body: Vec<u8>,
    /// True when the body was cut at `max_body_bytes`.
    pub truncated: bool,
    /// Why the body ended before the server said it would (timeout, reset,
    /// a Content-Length the server did not keep); what arrived is kept.
    pub cut_short: Option<String>,
    /// Why the body was not read at all (a page that is not HTML).
    pub body_skipped: Option<String>,
    pub remote_addr: Option<SocketAddr>,
}

impl ReceivedResponse {
    /// The first value of header `name`, ASCII case ignored.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// No response headers within the first-byte or request timeout.
    TimedOut,
    /// The address guard refused every address of the host.
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

/// One exchange: what was sent and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchanged {
    pub request: SentRequest,
    pub response: Result<ReceivedResponse, TransportFailure>,
}

/// Sends one GET and reads the response. Implementations never panic on
/// what a server sends and never follow redirects.
pub trait Transport: Send + Sync + 'static {
    fn exchange<'a>(
        &'a self,
        request: &'a ExchangeRequest,
    ) -> Pin<Box<dyn Future<Output = Exchanged> + Send + 'a>>;
}

/// The `Accept` header of every request: listing pages are HTML.
pub(crate) const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5";

/// The request cartograph sends for `request`, as it would be recorded.
pub(crate) fn sent_request(request: &ExchangeRequest, user_agent: &str) -> SentRequest {
    let url = &request.url;
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut headers = vec![
        ("Host".to_owned(), host),
        ("User-Agent".to_owned(), user_agent.to_owned()),
        ("Accept".to_owned(), ACCEPT.to_owned()),
        ("Accept-Encoding".to_owned(), "identity".to_owned()),
    ];
    if let Some(validators) = &request.validators {
        if let Some(etag) = &validators.etag {
            headers.push(("If-None-Match".to_owned(), etag.clone()));
        }
        if let Some(last_modified) = &validators.last_modified {
            headers.push(("If-Modified-Since".to_owned(), last_modified.clone()));
        }
    }
    SentRequest {
        method: "GET".to_owned(),
        url: url.clone(),
        http_version: "HTTP/1.1".to_owned(),
        headers,
    }
}

/// Whether a `Content-Type` value is one whose body cartograph reads.
pub(crate) fn is_html(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "text/html" || essence == "application/xhtml+xml"
}
