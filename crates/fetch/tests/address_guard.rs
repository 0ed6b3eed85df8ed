//! The address guard through the real transport: a name that resolves to
//! loopback, and a loopback IP literal, are refused before any connection
//! when private addresses are not allowed; with them allowed the same
//! listener is reached. The listener counts connections, so "refused"
//! means nothing reached it.

use std::collections::BTreeMap;
use std::time::Duration;

use cartograph_fetch::{
    CaptureKind, ExchangeLimits, ExchangeRequest, ReqwestTransport, Transport, TransportFailure,
};
use tokio::net::TcpListener;
use url::Url;

fn limits() -> ExchangeLimits {
    ExchangeLimits {
        max_body_bytes: 1024,
        max_decompressed_bytes: 1024,
        request_timeout: Duration::from_secs(2),
        first_byte_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
    }
}

fn request(url: &str) -> ExchangeRequest {
    ExchangeRequest {
        url: Url::parse(url).unwrap(),
        kind: CaptureKind::Page,
        validators: None,
    }
}

#[tokio::test]
async fn loopback_is_refused_unless_allowed_and_nothing_connects() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    let resolve = BTreeMap::from([("guarded.example.test".to_owned(), address)]);
    let guarded = ReqwestTransport::new(
        "cartograph/0.1 (+mailto:t@example.org)",
        &resolve,
        false,
        &limits(),
    )
    .unwrap();
    for url in [
        format!("http://guarded.example.test:{}/list/", address.port()),
        format!("http://127.0.0.1:{}/list/", address.port()),
        format!("http://[::ffff:127.0.0.1]:{}/list/", address.port()),
    ] {
        let exchanged = guarded.exchange(&request(&url)).await;
        match exchanged.response {
            Err(TransportFailure::AddressRefused(reason)) => {
                assert!(reason.contains("loopback"), "{url}: {reason}")
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "a refused request reached the listener");

    let allowed = ReqwestTransport::new(
        "cartograph/0.1 (+mailto:t@example.org)",
        &resolve,
        true,
        &limits(),
    )
    .unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buffer = [0u8; 1024];
        let _ = stream.read(&mut buffer).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .await
            .unwrap();
    });
    let exchanged = allowed
        .exchange(&request(&format!(
            "http://guarded.example.test:{}/list/",
            address.port()
        )))
        .await;
    let response = exchanged.response.expect("allowed when configured");
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, &b"ok"[..])
    );
    assert_eq!(
        response.remote_addr,
        Some(address),
        "connected to the checked address"
    );
    server.await.unwrap();
}
