//! Serving the farm over HTTP: [`app`] routes on the `Host` header alone
//! (`route_host`: the control address, a farm site, or unknown),
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
use crate::robots::ROBOTS_TOKEN;

/// On the control address: the politeness audit per host, as JSON. Query
/// `token=` (default `cartograph`) and `min_interval_ms=` (default 0; each
/// host's Crawl-delay raises it) say what the crawler was told.
pub const AUDIT_PATH: &str = "/__farm/audit";
/// On the control address: every recorded request, as JSON.
pub const AUDIT_REQUESTS_PATH: &str = "/__farm/audit/requests";
/// On the control address: the whole truth as JSON (farms of up to
/// [`MAX_SITES_FOR_WHOLE_TRUTH`] sites), or one site's at `/__farm/truth/{site_id}`.
pub const TRUTH_PATH: &str = "/__farm/truth";
/// On the control address: every site's whitelist view, as JSON.
pub const SITES_PATH: &str = "/__farm/sites";
/// A name for the control address; so are `localhost` and any IP literal
/// (`http://127.0.0.1:PORT/__farm/audit`). Site hosts never answer control
/// paths, so a crawler cannot stumble on them, and control requests are
/// never recorded.
pub const CONTROL_HOST: &str = "control.farm.test";
/// Larger farms serve their truth per site only.
pub const MAX_SITES_FOR_WHOLE_TRUTH: usize = 200;

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

/// Who a request is for: the one place hosts are routed. A new kind of
/// host (a hostile server, say) gets a variant here and a branch in
/// [`respond`]; recording happens for every route but the control address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostRoute {
    /// The farm's control address: `/__farm/*` endpoints, never recorded.
    Control,
    /// A farm site, by index.
    Site(usize),
    /// A host the farm does not serve: 404, recorded.
    Unknown,
}

pub(crate) fn route_host(farm: &Farm, host: &str) -> HostRoute {
    if host.is_empty()
        || host == CONTROL_HOST
        || host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
    {
        return HostRoute::Control;
    }
    match farm.site_index(host) {
        Some(index) => HostRoute::Site(index),
        None => HostRoute::Unknown,
    }
}

async fn respond(
    State(farm): State<Arc<Farm>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let host = request_host(&headers, &uri);
    match route_host(&farm, &host) {
        HostRoute::Control => return control(&farm, &uri),
        HostRoute::Site(_) | HostRoute::Unknown => {}
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
    let mut response = (status, page.body).into_response();
    for (name, value) in page.headers {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The control endpoints.
fn control(farm: &Farm, uri: &Uri) -> Response {
    let query = |name: &str| -> Option<String> {
        uri.query()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    };
    match uri.path() {
        AUDIT_PATH => {
            let token = query("token").unwrap_or_else(|| ROBOTS_TOKEN.to_owned());
            let min_interval = Duration::from_millis(
                query("min_interval_ms")
                    .and_then(|millis| millis.parse().ok())
                    .unwrap_or(0),
            );
            Json(farm.audit_report(&farm.audit_expectations(&token, min_interval))).into_response()
        }
        AUDIT_REQUESTS_PATH => Json(farm.audit()).into_response(),
        SITES_PATH => Json(farm.sites()).into_response(),
        TRUTH_PATH if farm.sites().len() <= MAX_SITES_FOR_WHOLE_TRUTH => {
            Json(farm.truth()).into_response()
        }
        TRUTH_PATH => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the farm has {} sites: ask {TRUTH_PATH}/SITE_ID, or use `cartograph farm --truth FILE`\n",
                farm.sites().len()
            ),
        )
            .into_response(),
        path => match path.strip_prefix(TRUTH_PATH).and_then(|rest| rest.strip_prefix('/')) {
            Some(site_id) => match farm.sites().iter().position(|site| site.id == site_id) {
                Some(index) => Json(farm.site_truth(index)).into_response(),
                None => (StatusCode::NOT_FOUND, "no such site\n").into_response(),
            },
            None => (StatusCode::NOT_FOUND, "unknown control path\n").into_response(),
        },
    }
}

/// Records the arrival first thing, and the completion through the body.
async fn record_request(State(farm): State<Arc<Farm>>, request: Request, next: Next) -> Response {
    let host = request_host(request.headers(), request.uri());
    if route_host(&farm, &host) == HostRoute::Control {
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
    let record_index = farm.audit_recorder.begin(
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
    farm.audit_recorder
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
            self.farm.audit_recorder.finish(self.record_index);
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
