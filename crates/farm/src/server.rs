//! Serving the farm over HTTP: [`app`] routes on the `Host` header alone,
//! an outermost middleware records each request's arrival in the audit log
//! and wraps the response body so that its completion (fully handed to the
//! connection, or dropped) is recorded too. [`serve`] runs the app on a
//! listener the caller owns; [`spawn`] does so on `127.0.0.1:0` for tests.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use http_body::{Frame, SizeHint};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::farm::{normalise_host, Farm};

/// On any host: the audit log as JSON (never itself recorded).
pub const AUDIT_PATH: &str = "/__farm/audit";
/// On any host: the ground truth as JSON (never itself recorded).
pub const TRUTH_PATH: &str = "/__farm/truth";
/// A host that serves only the control paths and is never recorded.
pub const CONTROL_HOST: &str = "control.farm.test";

/// How long [`RunningFarm::shutdown`] lets open connections finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The farm as an axum app, so tests can serve it however they like.
pub fn app(farm: Arc<Farm>) -> Router {
    Router::new()
        .fallback(respond)
        .layer(middleware::from_fn_with_state(farm.clone(), record_request))
        .with_state(farm)
}

/// Serves the farm on `listener` until `shutdown` completes, then lets open
/// connections finish.
pub async fn serve(
    listener: TcpListener,
    farm: Arc<Farm>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, app(farm))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A farm served on loopback by a tokio task; dropping it stops the server.
#[derive(Debug)]
pub struct RunningFarm {
    /// `127.0.0.1:{port}`: resolve every farm host to this.
    pub address: SocketAddr,
    shutdown_sender: Option<oneshot::Sender<()>>,
    server_task: Option<JoinHandle<io::Result<()>>>,
}

/// Binds `127.0.0.1:0` and serves `farm` there in a tokio task.
pub async fn spawn(farm: Arc<Farm>) -> io::Result<RunningFarm> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
    let (shutdown_sender, shutdown_receiver) = oneshot::channel::<()>();
    let server_task = tokio::spawn(serve(listener, farm, async move {
        // Either a shutdown signal or the sender being dropped stops the server.
        let _ = shutdown_receiver.await;
    }));
    Ok(RunningFarm {
        address,
        shutdown_sender: Some(shutdown_sender),
        server_task: Some(server_task),
    })
}

impl RunningFarm {
    /// Stops accepting, lets open connections finish for up to five seconds,
    /// then stops the server for good; the error is the server's own, if any.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(sender) = self.shutdown_sender.take() {
            let _ = sender.send(());
        }
        let Some(mut server_task) = self.server_task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut server_task).await {
            Ok(Ok(serve_result)) => serve_result,
            Ok(Err(join_error)) => Err(io::Error::other(join_error)),
            Err(_grace_elapsed) => {
                server_task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for RunningFarm {
    fn drop(&mut self) {
        if let Some(sender) = self.shutdown_sender.take() {
            let _ = sender.send(());
        }
        if let Some(server_task) = self.server_task.take() {
            server_task.abort();
        }
    }
}

async fn respond(
    State(farm): State<Arc<Farm>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match uri.path() {
        AUDIT_PATH => return Json(farm.audit()).into_response(),
        TRUTH_PATH => return Json(farm.truth()).into_response(),
        _ => {}
    }
    let host = request_host(&headers, &uri);
    if host == CONTROL_HOST {
        return (StatusCode::NOT_FOUND, "unknown control path\n").into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD\n",
        )
            .into_response();
    }
    let path_and_query = uri.path_and_query().map_or("/", |path| path.as_str());
    let page = farm.render(&host, path_and_query);
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, page.content_type)],
        page.body,
    )
        .into_response()
}

/// Records the arrival first thing, and the completion through the body.
async fn record_request(State(farm): State<Arc<Farm>>, request: Request, next: Next) -> Response {
    let host = request_host(request.headers(), request.uri());
    if host == CONTROL_HOST || request.uri().path().starts_with("/__farm/") {
        return next.run(request).await;
    }
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned());
    let record_index = farm.audit_log.begin(
        host,
        request.method().to_string(),
        path_and_query,
        user_agent,
    );
    // Made before the handler runs, so a request dropped mid-way still finishes.
    let completion = CompletionGuard {
        farm: farm.clone(),
        record_index,
        completed: false,
    };
    let response = next.run(request).await;
    farm.audit_log
        .set_status(record_index, response.status().as_u16());
    let (parts, body) = response.into_parts();
    Response::from_parts(
        parts,
        Body::new(AuditedBody {
            inner: body,
            completion,
        }),
    )
}

/// The request's host, lower-cased and without port; empty when absent.
fn request_host(headers: &HeaderMap, uri: &Uri) -> String {
    headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| uri.host())
        .map(normalise_host)
        .unwrap_or_default()
}

/// Marks a record finished once: on end of body, or when dropped.
struct CompletionGuard {
    farm: Arc<Farm>,
    record_index: usize,
    completed: bool,
}

impl CompletionGuard {
    fn complete(&mut self) {
        if !self.completed {
            self.completed = true;
            self.farm.audit_log.finish(self.record_index);
        }
    }
}

impl Drop for CompletionGuard {
    fn drop(&mut self) {
        self.complete();
    }
}

/// A response body that tells its guard when it has been fully read.
struct AuditedBody {
    inner: Body,
    completion: CompletionGuard,
}

impl http_body::Body for AuditedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(context);
        match &polled {
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.completion.complete(),
            // The connection may never poll again after the last frame.
            Poll::Ready(Some(Ok(_))) if http_body::Body::is_end_stream(&this.inner) => {
                this.completion.complete()
            }
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        http_body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> SizeHint {
        http_body::Body::size_hint(&self.inner)
    }
}
