//! The faults, one per host, and what each host answers to each request:
//! raw bytes, delays, resets and endless bodies, decided from the fault, the
//! path and how many times the path was asked for before.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// Hosts of the hostile farm are `{fault}.hostile.test`.
pub const HOSTILE_DOMAIN: &str = "hostile.test";

/// One misbehaviour; each is served by its own host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// 429 with `Retry-After: 1` (delay-seconds), then the page.
    RetryAfterSeconds,
    /// 503 with `Retry-After` as an HTTP-date, then the page.
    RetryAfterDate,
    /// 503 without end.
    ServiceUnavailable,
    /// The connection is reset instead of answered.
    ConnectionReset,
    /// The first answer starts only after two seconds.
    SlowFirstByte,
    /// Headers at once, then a few bytes every 100 ms, for ever.
    Slowloris,
    /// Content-Length 5000, 1000 bytes, then the connection closes.
    TruncatedBody,
    /// Two Content-Length headers that disagree.
    WrongContentLength,
    /// A gzip body that decodes to 8 MiB (though `identity` was asked for).
    GzipBomb,
    /// A 50 MiB page.
    HugePage,
    /// `/list/` → `/list/loop` → `/list/` → …
    RedirectLoop,
    /// A redirect to a host no whitelist entry names.
    RedirectOffsite,
    /// A redirect to a loopback address on another port.
    RedirectLoopback,
    /// An endless calendar: every month links to the next, same ads.
    CalendarTrap,
    /// robots.txt answers 503 once, then recovers.
    RobotsFlaky,
    /// robots.txt is 404: everything is allowed.
    RobotsMissing,
    /// robots.txt redirects (same host) to a file with a Crawl-delay.
    RobotsRedirect,
    /// A listed link leads to a PDF.
    NotHtml,
    /// A header value that is not UTF-8.
    InvalidHeaderBytes,
    /// robots.txt asks for a Crawl-delay above the configured interval.
    CrawlDelay,
}

impl Fault {
    /// Every fault, in a fixed order.
    pub const ALL: [Fault; 20] = [
        Fault::RetryAfterSeconds,
        Fault::RetryAfterDate,
        Fault::ServiceUnavailable,
        Fault::ConnectionReset,
        Fault::SlowFirstByte,
        Fault::Slowloris,
        Fault::TruncatedBody,
        Fault::WrongContentLength,
        Fault::GzipBomb,
        Fault::HugePage,
        Fault::RedirectLoop,
        Fault::RedirectOffsite,
        Fault::RedirectLoopback,
        Fault::CalendarTrap,
        Fault::RobotsFlaky,
        Fault::RobotsMissing,
        Fault::RobotsRedirect,
        Fault::NotHtml,
        Fault::InvalidHeaderBytes,
        Fault::CrawlDelay,
    ];

    /// Kebab-case name: the site id and the first label of the host.
    pub fn name(self) -> &'static str {
        match self {
            Fault::RetryAfterSeconds => "retry-after-seconds",
            Fault::RetryAfterDate => "retry-after-date",
            Fault::ServiceUnavailable => "service-unavailable",
            Fault::ConnectionReset => "connection-reset",
            Fault::SlowFirstByte => "slow-first-byte",
            Fault::Slowloris => "slowloris",
            Fault::TruncatedBody => "truncated-body",
            Fault::WrongContentLength => "wrong-content-length",
            Fault::GzipBomb => "gzip-bomb",
            Fault::HugePage => "huge-page",
            Fault::RedirectLoop => "redirect-loop",
            Fault::RedirectOffsite => "redirect-offsite",
            Fault::RedirectLoopback => "redirect-loopback",
            Fault::CalendarTrap => "calendar-trap",
            Fault::RobotsFlaky => "robots-flaky",
            Fault::RobotsMissing => "robots-missing",
            Fault::RobotsRedirect => "robots-redirect",
            Fault::NotHtml => "not-html",
            Fault::InvalidHeaderBytes => "invalid-header-bytes",
            Fault::CrawlDelay => "crawl-delay",
        }
    }

    /// `{name}.hostile.test`.
    pub fn host(self) -> String {
        format!("{}.{HOSTILE_DOMAIN}", self.name())
    }

    /// The fault served at `host`, if any.
    pub fn of_host(host: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|fault| fault.host() == host)
    }

    /// Whether a crawler can capture the listing page at all.
    pub fn page_can_be_captured(self) -> bool {
        !matches!(
            self,
            Fault::ServiceUnavailable
                | Fault::ConnectionReset
                | Fault::Slowloris
                | Fault::TruncatedBody
                | Fault::WrongContentLength
                | Fault::RedirectLoop
                | Fault::RedirectOffsite
                | Fault::RedirectLoopback
        )
    }

    /// The Crawl-delay its readable robots.txt asks for.
    pub fn crawl_delay(self) -> Option<Duration> {
        match self {
            Fault::RobotsRedirect => Some(Duration::from_millis(300)),
            Fault::CrawlDelay => Some(Duration::from_millis(400)),
            _ => None,
        }
    }

    /// The robots.txt text the host publishes once it is readable; the
    /// auditor judges requests against this.
    pub fn robots_text(self) -> String {
        if self == Fault::RobotsMissing {
            // Nothing is published: 404 allows everything.
            return String::new();
        }
        let mut text = String::from("User-agent: *\nDisallow: /list/private/\n");
        if let Some(delay) = self.crawl_delay() {
            text.push_str(&format!("Crawl-delay: {}\n", delay.as_secs_f64()));
        }
        text
    }

    /// Paths other than `/robots.txt` that robots reading may request.
    pub fn robots_paths(self) -> &'static [&'static str] {
        match self {
            Fault::RobotsRedirect => &["/robots-moved.txt"],
            _ => &[],
        }
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// Write these bytes, then close.
    Whole(Vec<u8>),
    /// Wait (giving up if the client leaves), then write these bytes.
    Delayed(Duration, Vec<u8>),
    /// Close with a TCP reset, answering nothing.
    Reset,
    /// The head, then `chunk` every `every` until the client leaves or
    /// `for_at_most` has passed.
    Dribble {
        head: Vec<u8>,
        chunk: Vec<u8>,
        every: Duration,
        for_at_most: Duration,
    },
    /// The head and `prefix`, then `filler` repeated up to `total` body
    /// bytes or until the client leaves.
    Stream {
        head: Vec<u8>,
        prefix: Vec<u8>,
        filler: Vec<u8>,
        total: u64,
    },
}

/// A reply and the Retry-After it asks for, if any.
pub(crate) struct Answer {
    pub(crate) reply: Reply,
    pub(crate) retry_after: Option<Duration>,
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Answer {
        Answer {
            reply,
            retry_after: None,
        }
    }
}

/// What the request asked for.
pub(crate) struct Asked<'a> {
    pub(crate) fault: Fault,
    pub(crate) path: &'a str,
    /// How many times this host and path were asked for before.
    pub(crate) earlier: u32,
    pub(crate) if_none_match: Option<&'a str>,
    /// Where `RedirectLoopback` sends the crawler.
    pub(crate) trap_port: u16,
}

const ETAG: &str = "\"hostile-v1\"";

/// The answer of the host for one request.
pub(crate) fn answer(asked: &Asked<'_>) -> Answer {
    let fault = asked.fault;
    if asked.path == "/robots.txt" {
        return robots_answer(asked);
    }
    if fault == Fault::RobotsRedirect && asked.path == "/robots-moved.txt" {
        return Reply::Whole(response(
            200,
            "text/plain",
            &[],
            fault.robots_text().as_bytes(),
        ))
        .into();
    }
    let listing = listing_page(fault, asked.path);
    match (fault, asked.path) {
        (Fault::RetryAfterSeconds, "/list/") if asked.earlier == 0 => Answer {
            reply: Reply::Whole(response(
                429,
                "text/plain",
                &[("Retry-After", b"1")],
                b"slow down\n",
            )),
            retry_after: Some(Duration::from_secs(1)),
        },
        (Fault::RetryAfterDate, "/list/") if asked.earlier == 0 => {
            let now = SystemTime::now();
            let date = httpdate::fmt_http_date(now + Duration::from_secs(2));
            let asked_until = httpdate::parse_http_date(&date).unwrap_or(now);
            Answer {
                reply: Reply::Whole(response(
                    503,
                    "text/plain",
                    &[("Retry-After", date.as_bytes())],
                    b"maintenance\n",
                )),
                retry_after: Some(asked_until.duration_since(now).unwrap_or_default()),
            }
        }
        (Fault::ServiceUnavailable, "/list/") => {
            Reply::Whole(response(503, "text/plain", &[], b"unavailable\n")).into()
        }
        (Fault::ConnectionReset, "/list/") => Reply::Reset.into(),
        (Fault::SlowFirstByte, "/list/") if asked.earlier == 0 => {
            Reply::Delayed(Duration::from_secs(2), page_response(asked, &listing)).into()
        }
        (Fault::Slowloris, "/list/") => Reply::Dribble {
            head: head(200, "text/html; charset=utf-8", &[], Some(100_000)),
            chunk: b"<p>.</p>\n".to_vec(),
            every: Duration::from_millis(100),
            for_at_most: Duration::from_secs(5),
        }
        .into(),
        (Fault::TruncatedBody, "/list/") => {
            let mut bytes = head(200, "text/html; charset=utf-8", &[], Some(5000));
            bytes.extend_from_slice(&listing.as_bytes()[..listing.len().min(1000)]);
            Reply::Whole(bytes).into()
        }
        (Fault::WrongContentLength, "/list/") => {
            let mut bytes = head(
                200,
                "text/html; charset=utf-8",
                &[("Content-Length", b"10"), ("Content-Length", b"20000")],
                None,
            );
            bytes.extend_from_slice(listing.as_bytes());
            Reply::Whole(bytes).into()
        }
        (Fault::GzipBomb, "/list/") => Reply::Whole(response(
            200,
            "text/html; charset=utf-8",
            &[("Content-Encoding", b"gzip")],
            gzip_bomb(),
        ))
        .into(),
        (Fault::HugePage, "/list/") => Reply::Stream {
            head: head(200, "text/html; charset=utf-8", &[], Some(50 * 1024 * 1024)),
            prefix: listing.into_bytes(),
            filler: "<!-- padding -->\n".repeat(4096).into_bytes(),
            total: 50 * 1024 * 1024,
        }
        .into(),
        (Fault::RedirectLoop, "/list/") => redirect(302, "/list/loop"),
        (Fault::RedirectLoop, "/list/loop") => redirect(302, "/list/"),
        (Fault::RedirectOffsite, "/list/") => {
            redirect(301, &format!("http://unlisted.{HOSTILE_DOMAIN}/list/"))
        }
        (Fault::RedirectLoopback, "/list/") => {
            redirect(302, &format!("http://127.0.0.1:{}/list/", asked.trap_port))
        }
        (Fault::NotHtml, "/list/report.pdf") => Reply::Whole(response(
            200,
            "application/pdf",
            &[],
            b"%PDF-1.4 not a real document\n",
        ))
        .into(),
        (Fault::InvalidHeaderBytes, "/list/") => Reply::Whole(response(
            200,
            "text/html; charset=utf-8",
            &[("X-Greeting", b"caf\xe9 \xff\xfe ok")],
            listing.as_bytes(),
        ))
        .into(),
        _ if is_listing_path(fault, asked.path) => {
            Reply::Whole(page_response(asked, &listing)).into()
        }
        _ => Reply::Whole(response(404, "text/plain", &[], b"not found\n")).into(),
    }
}

fn robots_answer(asked: &Asked<'_>) -> Answer {
    let fault = asked.fault;
    let text = fault.robots_text();
    let reply = match fault {
        Fault::RobotsFlaky if asked.earlier == 0 => {
            response(503, "text/plain", &[], b"robots.txt is resting\n")
        }
        Fault::RobotsMissing => response(404, "text/plain", &[], b"no robots.txt\n"),
        Fault::RobotsRedirect => head(
            301,
            "text/plain",
            &[("Location", b"/robots-moved.txt")],
            Some(0),
        ),
        _ => response(200, "text/plain", &[], text.as_bytes()),
    };
    Reply::Whole(reply).into()
}

fn redirect(status: u16, location: &str) -> Answer {
    Reply::Whole(head(
        status,
        "text/plain",
        &[("Location", location.as_bytes())],
        Some(0),
    ))
    .into()
}

/// The listing paths a host serves as pages.
fn is_listing_path(fault: Fault, path: &str) -> bool {
    match path {
        "/list/" => true,
        "/list/2" => fault == Fault::CrawlDelay,
        _ => fault == Fault::CalendarTrap && path.starts_with("/list/?month="),
    }
}

/// A listing page, with an ETag, or 304 when the crawler already has it.
fn page_response(asked: &Asked<'_>, listing: &str) -> Vec<u8> {
    if asked.if_none_match == Some(ETAG) {
        return head(
            304,
            "text/html; charset=utf-8",
            &[("ETag", ETAG.as_bytes())],
            None,
        );
    }
    response(
        200,
        "text/html; charset=utf-8",
        &[("ETag", ETAG.as_bytes())],
        listing.as_bytes(),
    )
}

/// The listing page of a host: three ads (their own pages are outside the
/// listing), a robots-disallowed section and an off-site link, so a crawler
/// that follows what it must not is caught by the audit.
pub(crate) fn listing_page(fault: Fault, path: &str) -> String {
    let host = fault.host();
    let ad_offset = if path == "/list/2" { 3 } else { 0 };
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{host}</title></head><body>\n<h1>Listings</h1>\n"
    );
    for number in 1 + ad_offset..=3 + ad_offset {
        page.push_str(&format!(
            "<article class=\"ad\"><a class=\"title\" href=\"/ad/{number}\">Ad {number}</a>\
             <span class=\"city\">Springfield</span></article>\n"
        ));
    }
    page.push_str("<a href=\"/list/private/offers\">members</a>\n");
    page.push_str(&format!(
        "<a href=\"http://elsewhere.{HOSTILE_DOMAIN}/\">partners</a>\n"
    ));
    match fault {
        Fault::CrawlDelay if path == "/list/" => {
            page.push_str("<a rel=\"next\" href=\"/list/2\">next</a>\n")
        }
        Fault::CalendarTrap => {
            let month: u64 = path
                .strip_prefix("/list/?month=")
                .and_then(|month| month.parse().ok())
                .unwrap_or(0);
            page.push_str(&format!(
                "<a rel=\"next\" href=\"/list/?month={}\">next month</a>\n",
                month + 1
            ));
        }
        Fault::NotHtml => page.push_str("<a href=\"/list/report.pdf\">annual report</a>\n"),
        _ => {}
    }
    page.push_str("</body></html>\n");
    page
}

/// A status line and headers; `Content-Length` when given, and always
/// `Connection: close`.
pub(crate) fn head(
    status: u16,
    content_type: &str,
    headers: &[(&str, &[u8])],
    content_length: Option<u64>,
) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    bytes.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    if let Some(length) = content_length {
        bytes.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    bytes
}

fn response(status: u16, content_type: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut bytes = head(status, content_type, headers, Some(body.len() as u64));
    bytes.extend_from_slice(body);
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// A listing page followed by 8 MiB of spaces, gzipped (about 8 KiB);
/// made once per process.
fn gzip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let page = listing_page(Fault::GzipBomb, "/list/");
        let spaces = vec![b' '; 1024 * 1024];
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(page.as_bytes());
        for _ in 0..8 {
            let _ = encoder.write_all(&spaces);
        }
        encoder.finish().unwrap_or_default()
    })
}
