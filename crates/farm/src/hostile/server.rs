//! A raw HTTP/1.1 server for the hostile farm: reads one request head per
//! connection, records it in the farm's audit log (arrival first thing,
//! completion when the answer is written, the client leaves or the
//! connection is reset), and answers with exactly the bytes, delays and
//! resets its fault calls for. Connections are tasks of one `JoinSet`, so
//! stopping the server stops them all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::audit::AuditRecorder;
use crate::farm::normalise_host;
use crate::hostile::faults::{answer, Asked, Fault, Reply};

/// Longest request head read.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// What the server shares with the farm: the audit, and what it asked for.
#[derive(Debug)]
pub(crate) struct HostileState {
    pub(crate) audit_log: AuditRecorder,
    /// Requests so far per (host, path).
    counters: Mutex<HashMap<(String, String), u32>>,
    /// Audit record index → the Retry-After its answer asked for.
    pub(crate) retry_after: Mutex<Vec<(usize, Duration)>>,
    /// Connections made to the loopback trap (must stay zero).
    pub(crate) trap_connections: AtomicUsize,
    pub(crate) trap_port: u16,
}

impl HostileState {
    pub(crate) fn new(trap_port: u16) -> HostileState {
        HostileState {
            audit_log: AuditRecorder::new(),
            counters: Mutex::new(HashMap::new()),
            retry_after: Mutex::new(Vec::new()),
            trap_connections: AtomicUsize::new(0),
            trap_port,
        }
    }
}

/// Serves the hostile hosts on `listener` and counts connections to `trap`
/// until `shutdown` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    trap: TcpListener,
    state: Arc<HostileState>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(handle(stream, state.clone()));
                }
            }
            trapped = trap.accept() => {
                if trapped.is_ok() {
                    state.trap_connections.fetch_add(1, Ordering::SeqCst);
                }
            }
            Some(_) = connections.join_next() => {}
            _ = &mut shutdown => break,
        }
    }
}

/// One connection: one request, one answer.
async fn handle(mut stream: TcpStream, state: Arc<HostileState>) {
    let Ok(Some(head)) = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await else {
        return;
    };
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split_whitespace();
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or("/").to_owned();
    let mut host = String::new();
    let mut user_agent = None;
    let mut if_none_match = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => host = normalise_host(&value),
            "user-agent" => user_agent = Some(value),
            "if-none-match" => if_none_match = Some(value),
            _ => {}
        }
    }
    let record = state
        .audit_log
        .begin(host.clone(), method, path.clone(), user_agent);
    let earlier = {
        let mut counters = state
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let counter = counters.entry((host.clone(), path.clone())).or_default();
        *counter += 1;
        *counter - 1
    };
    let Some(fault) = Fault::of_host(&host) else {
        state.audit_log.set_status(record, 404);
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
        state.audit_log.finish(record);
        return;
    };
    let answer = answer(&Asked {
        fault,
        path: &path,
        earlier,
        if_none_match: if_none_match.as_deref(),
        trap_port: state.trap_port,
    });
    if let Some(retry_after) = answer.retry_after {
        state
            .retry_after
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((record, retry_after));
    }
    send(&mut stream, answer.reply, &state, record).await;
    let _ = stream.shutdown().await;
    state.audit_log.finish(record);
}

/// Writes the reply; the audit record is finished by the caller.
async fn send(stream: &mut TcpStream, reply: Reply, state: &HostileState, record: usize) {
    let status_of = |bytes: &[u8]| {
        std::str::from_utf8(bytes.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|status| status.parse::<u16>().ok())
            .unwrap_or(0)
    };
    match reply {
        Reply::Whole(bytes) => {
            state.audit_log.set_status(record, status_of(&bytes));
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Delayed(delay, bytes) => {
            state.audit_log.set_status(record, status_of(&bytes));
            let (mut reader, mut writer) = stream.split();
            tokio::select! {
                () = tokio::time::sleep(delay) => {
                    let _ = writer.write_all(&bytes).await;
                }
                () = client_left(&mut reader) => {}
            }
        }
        Reply::Reset => {
            // A zero linger turns the close into a reset.
            #[expect(
                deprecated,
                reason = "tokio deprecates SO_LINGER because it can block on close; zero does not"
            )]
            let _ = stream.set_linger(Some(Duration::ZERO));
        }
        Reply::Dribble {
            head,
            chunk,
            every,
            for_at_most,
        } => {
            state.audit_log.set_status(record, status_of(&head));
            let (mut reader, mut writer) = stream.split();
            let dribble = async {
                if writer.write_all(&head).await.is_err() {
                    return;
                }
                loop {
                    tokio::time::sleep(every).await;
                    if writer.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            };
            tokio::select! {
                () = dribble => {}
                () = client_left(&mut reader) => {}
                () = tokio::time::sleep(for_at_most) => {}
            }
        }
        Reply::Stream {
            head,
            prefix,
            filler,
            total,
        } => {
            state.audit_log.set_status(record, status_of(&head));
            if stream.write_all(&head).await.is_err() || stream.write_all(&prefix).await.is_err() {
                return;
            }
            let mut written = prefix.len() as u64;
            while written < total {
                let room = usize::try_from(total - written).unwrap_or(usize::MAX);
                let piece = &filler[..filler.len().min(room)];
                if stream.write_all(piece).await.is_err() {
                    return;
                }
                written += piece.len() as u64;
            }
        }
    }
}

/// Completes when the client closes its side (or the connection fails).
async fn client_left(reader: &mut tokio::net::tcp::ReadHalf<'_>) {
    let mut buffer = [0u8; 512];
    loop {
        match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Reads up to the end of the request head; `None` if the client stops first.
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 2048];
    loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            head.truncate(end);
            return Some(head);
        }
        if head.len() > MAX_HEAD_BYTES {
            return None;
        }
    }
}
