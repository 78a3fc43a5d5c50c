//! The node's side: accepts connections, checks who is calling, answers requests.

use grain_tui::secret::{fresh_token, same_secret};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::sync::Arc;

use grain::Runtime;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, UnixListener};
use tokio::task::JoinHandle;

use super::protocol::{Request, Response, decode_request, paged};
use super::{ControlError, Endpoint, changes_node};
use crate::Shell;

/// Who may do what on a node's control socket.
struct Policy {
    node: String,
    token: Option<String>,
    /// May connections change the node (always over Unix; over TCP when allowed)?
    changes: bool,
}

/// A listening control socket; dropping it stops listening (and removes a Unix socket file).
#[derive(Debug)]
pub struct ControlServer {
    /// Where it listens (with the real port when port 0 was asked).
    pub endpoint: Endpoint,
    /// The token TCP clients must present.
    pub token: Option<String>,
    task: JoinHandle<()>,
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.task.abort();
        if let Endpoint::Unix(path) = &self.endpoint {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Starts serving `rt` at `endpoint`. Over TCP, clients must present `token` (one is made
/// up when `None`), and may change the node only when `tcp_changes` is set.
///
/// # Errors
/// When the socket cannot be bound (or a live node already listens at the path).
pub async fn serve(
    rt: Runtime,
    endpoint: Endpoint,
    token: Option<String>,
    tcp_changes: bool,
) -> Result<ControlServer, ControlError> {
    match endpoint {
        Endpoint::Unix(path) => {
            let listener = bind_unix(&path)?;
            let owner = std::fs::metadata(&path)
                .map_err(ControlError::io(format!("{}", path.display())))?
                .uid();
            let policy = Arc::new(Policy {
                node: path.display().to_string(),
                token: None,
                changes: true,
            });
            let task = tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let same_user = stream.peer_cred().is_ok_and(|c| c.uid() == owner);
                    let (rt, policy) = (rt.clone(), policy.clone());
                    tokio::spawn(async move {
                        let (r, w) = stream.into_split();
                        let refusal = (!same_user)
                            .then(|| "only the node's owner may use its control socket".into());
                        connection(rt, policy, r, w, refusal).await;
                    });
                }
            });
            Ok(ControlServer {
                endpoint: Endpoint::Unix(path),
                token: None,
                task,
            })
        }
        Endpoint::Tcp(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .map_err(ControlError::io(format!("cannot listen on tcp://{addr}")))?;
            let local = listener
                .local_addr()
                .map_err(ControlError::io("local address"))?;
            let token = token.unwrap_or_else(fresh_token);
            let policy = Arc::new(Policy {
                node: format!("tcp://{local}"),
                token: Some(token.clone()),
                changes: tcp_changes,
            });
            let task = tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (rt, policy) = (rt.clone(), policy.clone());
                    tokio::spawn(async move {
                        let (r, w) = stream.into_split();
                        connection(rt, policy, r, w, None).await;
                    });
                }
            });
            Ok(ControlServer {
                endpoint: Endpoint::Tcp(local),
                token: Some(token),
                task,
            })
        }
    }
}

/// Binds a Unix socket readable and writable by its owner only. A stale socket file left by
/// a node that is gone is replaced; a live node's is not.
fn bind_unix(path: &PathBuf) -> Result<UnixListener, ControlError> {
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(ControlError::Io {
                what: format!("{}", path.display()),
                source: std::io::Error::new(
                    std::io::ErrorKind::AddrInUse,
                    "a node already listens there",
                ),
            });
        }
        let _ = std::fs::remove_file(path);
    }
    let listener = UnixListener::bind(path).map_err(ControlError::io(format!(
        "cannot listen on {}",
        path.display()
    )))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(ControlError::io(format!("chmod 600 {}", path.display())))?;
    Ok(listener)
}

async fn send<W: AsyncWrite + Unpin>(w: &mut W, response: &Response) -> bool {
    let Ok(mut line) = serde_json::to_vec(response) else {
        return false;
    };
    line.push(b'\n');
    w.write_all(&line).await.is_ok()
}

async fn connection<R, W>(rt: Runtime, policy: Arc<Policy>, r: R, mut w: W, refusal: Option<String>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = BufReader::new(r).lines();
    let hello = match lines.next_line().await {
        Ok(Some(line)) => decode_request(line.as_bytes()),
        _ => return,
    };
    let refusal = refusal.or_else(|| match (&hello, &policy.token) {
        (Ok(Request::Hello { .. }), None) => None,
        (Ok(Request::Hello { token: Some(t) }), Some(want)) if same_secret(t, want) => None,
        (Ok(Request::Hello { .. }), Some(_)) => Some("a valid token is required".into()),
        (Ok(_), _) => Some("the first request must be hello".into()),
        (Err(e), _) => Some(e.clone()),
    });
    if let Some(reason) = refusal {
        send(&mut w, &Response::Refused { reason }).await;
        return;
    }
    let changes = policy.changes;
    let welcome = Response::Welcome {
        node: policy.node.clone(),
        changes,
    };
    if !send(&mut w, &welcome).await {
        return;
    }
    let mut shell: Option<Shell> = None;
    let tracer = crate::tracer::Tracer::default();
    while let Ok(Some(line)) = lines.next_line().await {
        let reply = match decode_request(line.as_bytes()) {
            Ok(Request::Subscribe) => return subscribe(&rt, &mut w).await,
            Ok(Request::Hello { .. }) => reply("hello again: already welcome", true),
            Ok(Request::Kill { .. }) if !changes => reply(READ_ONLY, false),
            Ok(Request::Kill { pid }) => match rt.kill(pid) {
                true => reply(format!("killed {pid}"), true),
                false => reply(format!("no process {pid}"), false),
            },
            Ok(Request::Trace { pid, on }) => {
                reply(crate::tracer::toggle(&tracer, &rt, pid, on), true)
            }
            Ok(Request::TraceLines) => {
                let (lines, stopped) = crate::tracer::lines_of(&tracer);
                Response::Trace { lines, stopped }
            }
            Ok(Request::Info { pid }) => match crate::commands::info_text(&rt, pid) {
                // What the shell's `info` says: also the mailbox head and a trap's backtrace.
                Some((text, _)) => reply(text, true),
                None => {
                    let on = format!("node {}", policy.node);
                    match crate::commands::remote::describe(pid, &on, rt.process_info(pid)) {
                        Ok(text) => reply(text, true),
                        Err(text) => reply(text, false),
                    }
                }
            },
            Ok(Request::Eval { line, .. }) if line.split_whitespace().next() == Some("observe") => {
                reply(
                    "error: `observe` would open on the node's terminal; attached, run `grain observe --attach` (an attached shell's `observe` does)",
                    false,
                )
            }
            Ok(Request::Eval { line, json }) => match changes_node(&line) {
                Some(cmd) if !changes && json => {
                    let error = serde_json::json!({ "error": format!("`{cmd}` {READ_ONLY}"), "input": line });
                    reply(error.to_string(), false)
                }
                Some(cmd) if !changes => reply(format!("error: `{cmd}` {READ_ONLY}"), false),
                _ => eval(&rt, &mut shell, &line, json).await,
            },
            Err(e) => reply(format!("error: {e}"), false),
        };
        if !send(&mut w, &reply).await {
            return;
        }
    }
}

const READ_ONLY: &str = "changes the node; this TCP connection may only look (the node allows changes with --control-allow-changes)";

fn reply(text: impl Into<String>, ok: bool) -> Response {
    Response::Reply {
        text: text.into(),
        ok,
        quit: false,
    }
}

async fn eval(rt: &Runtime, shell: &mut Option<Shell>, line: &str, json: bool) -> Response {
    if shell.is_none() {
        match Shell::over(rt.clone()) {
            Ok(s) => *shell = Some(s),
            Err(e) => return reply(format!("error: {e}"), false),
        }
    }
    let sh = shell.as_mut().expect("made above");
    if json {
        // Evaluated as a local `--json` script line is, with the same values.
        sh.json = true;
        let (mut text, mut failures) = (String::new(), 0);
        let quit = crate::script::eval(sh, line, &mut text, &mut failures).await;
        sh.json = false;
        return Response::Reply {
            text,
            ok: failures == 0,
            quit,
        };
    }
    let result = sh.eval(line).await;
    let mut text = sh.pending();
    match result {
        Ok(out) => {
            text.push_str(&out.text);
            Response::Reply {
                text,
                ok: true,
                quit: out.quit,
            }
        }
        Err(e) => {
            text.push_str(&e.render(line));
            reply(text, false)
        }
    }
}

async fn subscribe<W: AsyncWrite + Unpin>(rt: &Runtime, w: &mut W) {
    let mut observer = rt.observe();
    while let Some(update) = observer.next().await {
        for page in paged(update) {
            if !send(w, &Response::Update { update: page }).await {
                return;
            }
        }
    }
}
