//! Read-only commands while a crawl runs. sled allows one process per
//! database and cartograph adds its own lock naming the holder, so a read
//! command (`indicators`, `status`, `export`, `verify --store`, `report`) first tries to open the store itself and, when a live writer holds
//! it, asks that writer to run the read over the Unix socket `reads.sock`
//! in the store directory and prints what it sends back.
//!
//! Protocol (version 1): one JSON object per line each way. The client
//! sends `{"version":1,"command":"status","args":{…}}`; the writer answers
//! `{"stdout":"…","stderr":"…","exit_code":0}` and closes. `recrawl` is
//! the one command that is not a read: the writer runs it as urgent work
//! and answers when the run ends. The socket lives in the store directory,
//! which deployment keeps at 0700, so only the unit's user can connect.
//! The socket file of a dead writer is stale by construction (its lock is
//! free); the next writer removes it before binding its own.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cartograph_config::Config;
use cartograph_store::{socket_path, Store, StoreError};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

use crate::{exit, export, indicators, report, status, verify};

/// The version of the socket protocol; bump it on any incompatible change.
pub(crate) const PROTOCOL_VERSION: u32 = 1;
/// The largest request line a writer reads.
const MAX_REQUEST_BYTES: u64 = 1024 * 1024;
/// How long a client waits for a read's answer.
const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the writer waits for a connected client's request line.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A command sent to the writer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReadRequest {
    pub(crate) version: u32,
    pub(crate) command: String,
    #[serde(default)]
    pub(crate) args: serde_json::Value,
}

impl ReadRequest {
    pub(crate) fn new(command: &str, args: impl Serialize) -> ReadRequest {
        ReadRequest {
            version: PROTOCOL_VERSION,
            command: command.to_owned(),
            // Invariant: argument structs are plain data that serialize.
            args: serde_json::to_value(args).expect("read arguments serialize"),
        }
    }
}

/// What a command printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReadOutput {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) exit_code: u8,
}

impl ReadOutput {
    pub(crate) fn failure(message: String) -> ReadOutput {
        ReadOutput {
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
            exit_code: exit::FAILURE,
        }
    }

    /// Prints it as the command would have; returns the exit code.
    pub(crate) fn print(&self) -> u8 {
        print!("{}", self.stdout);
        crate::notice::say(&self.stderr);
        self.exit_code
    }
}

/// What the writer knows that the store does not: who it is, which runs
/// are going.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct LiveState {
    /// `daemon`, `crawl`, `recrawl`.
    pub(crate) writer: String,
    pub(crate) pid: u32,
    pub(crate) active_runs: Vec<u64>,
}

/// Runs the read command `request` against an open store: the one place
/// that knows which reads exist. `live` is the writer's own state when the
/// writer serves the read.
pub(crate) fn run_read(
    store: &Store,
    config: &Config,
    live: Option<&LiveState>,
    request: &ReadRequest,
) -> ReadOutput {
    if request.version != PROTOCOL_VERSION {
        return ReadOutput::failure(format!(
            "read protocol version {} asked, this cartograph speaks {PROTOCOL_VERSION}",
            request.version
        ));
    }
    let result = match request.command.as_str() {
        "indicators" => serde_json::from_value(request.args.clone())
            .map_err(anyhow::Error::from)
            .and_then(|args| indicators::render(store, &args)),
        "status" => serde_json::from_value(request.args.clone())
            .map_err(anyhow::Error::from)
            .and_then(|args| status::render(store, config, live, &args)),
        "export" => serde_json::from_value(request.args.clone())
            .map_err(anyhow::Error::from)
            .and_then(|args| export::render(store, config, &args)),
        "verify-store" => verify::render_store(store),
        "report" => serde_json::from_value(request.args.clone())
            .map_err(anyhow::Error::from)
            .and_then(|args| report::render(store, config, &args)),
        other => Err(anyhow::anyhow!("unknown read command {other:?}")),
    };
    result.unwrap_or_else(|error| ReadOutput::failure(format!("{error:#}")))
}

/// Runs `request` against the store of `config`: here when the store is
/// free, else by asking the live writer that holds it.
pub(crate) fn read(config: &Config, request: &ReadRequest) -> anyhow::Result<ReadOutput> {
    let root = &config.store.path;
    match Store::open(root) {
        Ok(store) => Ok(run_read(&store, config, None, request)),
        Err(StoreError::Locked { holder, .. }) => {
            let holder_words = holder
                .map(|holder| holder.to_string())
                .unwrap_or_else(|| "another process".to_owned());
            debug!(%holder_words, "store held; asking its writer");
            let output = ask_writer(root, request, Some(READ_TIMEOUT)).with_context(|| {
                format!(
                    "the store at {} is in use by {holder_words}, which did not answer \
                     on {}",
                    root.display(),
                    socket_path(root).display()
                )
            })?;
            Ok(output)
        }
        Err(error) => {
            Err(error).with_context(|| format!("failed to open the store at {}", root.display()))
        }
    }
}

/// Sends `request` to the writer of the store at `root` and waits for its
/// answer (`timeout` on each read of the socket, none for a recrawl).
pub(crate) fn ask_writer(
    root: &Path,
    request: &ReadRequest,
    timeout: Option<Duration>,
) -> anyhow::Result<ReadOutput> {
    let path = socket_path(root);
    let mut stream = std::os::unix::net::UnixStream::connect(&path)
        .with_context(|| format!("failed to connect to {}", path.display()))?;
    stream.set_read_timeout(timeout)?;
    let mut line = serde_json::to_string(request)?;
    line.push('\n');
    stream.write_all(line.as_bytes())?;
    stream.flush()?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    if answer.is_empty() {
        anyhow::bail!("the writer closed the connection without an answer");
    }
    Ok(serde_json::from_str(&answer)?)
}

/// A recrawl handed to the writer: its request, and where to send the
/// run's summary when it ends.
pub(crate) struct Submission {
    pub(crate) request: ReadRequest,
    pub(crate) reply: oneshot::Sender<ReadOutput>,
}

/// Serves reads (and recrawl submissions, passed on to `submissions`) on
/// the store's socket until the task is dropped. A socket that cannot be
/// bound is logged, not fatal: reads then get a clear error.
pub(crate) fn serve(
    store: Arc<Store>,
    config: Arc<Config>,
    live: Arc<std::sync::Mutex<LiveState>>,
    submissions: mpsc::Sender<Submission>,
) -> Option<tokio::task::JoinHandle<()>> {
    let path = socket_path(store.root());
    // We hold the store's lock: a socket file here is a dead writer's.
    let _ = std::fs::remove_file(&path);
    let listener = match tokio::net::UnixListener::bind(&path) {
        Ok(listener) => listener,
        Err(error) => {
            warn!(%error, socket = %path.display(), "cannot serve reads to other processes");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: back off.
                    debug!(%error, "accepting a read connection failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            let (store, config, live, submissions) = (
                store.clone(),
                config.clone(),
                live.clone(),
                submissions.clone(),
            );
            tokio::spawn(async move {
                if let Err(error) = answer(stream, store, config, live, submissions).await {
                    debug!(%error, "read connection failed");
                }
            });
        }
    }))
}

async fn answer(
    stream: tokio::net::UnixStream,
    store: Arc<Store>,
    config: Arc<Config>,
    live: Arc<std::sync::Mutex<LiveState>>,
    submissions: mpsc::Sender<Submission>,
) -> anyhow::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut line = String::new();
    let mut reader =
        tokio::io::BufReader::new(tokio::io::AsyncReadExt::take(reader, MAX_REQUEST_BYTES));
    tokio::time::timeout(REQUEST_TIMEOUT, reader.read_line(&mut line)).await??;
    let output = match serde_json::from_str::<ReadRequest>(&line) {
        Err(error) => ReadOutput::failure(format!("bad request: {error}")),
        Ok(request) if request.command == "recrawl" => {
            let (reply, answer) = oneshot::channel();
            match submissions.send(Submission { request, reply }).await {
                Ok(()) => answer.await.unwrap_or_else(|_| {
                    ReadOutput::failure(
                        "the writer stopped before running the recrawl; run it again".to_owned(),
                    )
                }),
                Err(_) => ReadOutput::failure("the writer is stopping; run it again".to_owned()),
            }
        }
        Ok(request) => {
            let live = {
                // Invariant: the live state lock is only held for copies.
                live.lock().expect("live state not poisoned").clone()
            };
            tokio::task::spawn_blocking(move || run_read(&store, &config, Some(&live), &request))
                .await?
        }
    };
    let mut text = serde_json::to_string(&output)?;
    text.push('\n');
    writer.write_all(text.as_bytes()).await?;
    writer.shutdown().await?;
    Ok(())
}

/// Removes the socket when the writer ends normally.
pub(crate) fn remove_socket(store: &Store) {
    let _ = std::fs::remove_file(socket_path(store.root()));
}
