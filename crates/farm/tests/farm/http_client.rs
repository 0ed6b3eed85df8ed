//! A raw HTTP/1.1 client over `tokio::net::TcpStream`, so the server tests
//! exercise the farm without any HTTP client library in between.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends one request on a fresh connection and reads the response to EOF.
pub(crate) async fn request(
    address: SocketAddr,
    method: &str,
    host: &str,
    path_and_query: &str,
    user_agent: Option<&str>,
) -> RawResponse {
    let mut stream = TcpStream::connect(address).await.expect("connect to farm");
    let mut head = format!("{method} {path_and_query} HTTP/1.1\r\nHost: {host}\r\n");
    if let Some(user_agent) = user_agent {
        head.push_str(&format!("User-Agent: {user_agent}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read response");
    parse_response(&raw)
}

pub(crate) async fn get(address: SocketAddr, host: &str, path_and_query: &str) -> RawResponse {
    request(
        address,
        "GET",
        host,
        path_and_query,
        Some("cartograph/0.1 (+mailto:farm-test@example.org)"),
    )
    .await
}

fn parse_response(raw: &[u8]) -> RawResponse {
    let head_end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8(raw[..head_end].to_vec()).expect("ascii head");
    let body = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut response = RawResponse {
        status,
        headers,
        body: body.to_vec(),
    };
    if response
        .header("transfer-encoding")
        .is_some_and(|encoding| encoding.eq_ignore_ascii_case("chunked"))
    {
        response.body = decode_chunked(body);
    }
    response
}

fn decode_chunked(mut body: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|window| window == b"\r\n")
            .expect("chunk size line");
        let size_line = String::from_utf8_lossy(&body[..line_end]).into_owned();
        let size = usize::from_str_radix(size_line.trim(), 16).expect("chunk size");
        if size == 0 {
            return decoded;
        }
        let rest = &body[line_end + 2..];
        decoded.extend_from_slice(&rest[..size]);
        body = &rest[size + 2..];
    }
}
