//! The live-view demo (examples/live-view: submillisecond-live-view 0.4.1's own counter,
//! clock and todos) under `grain run`, and a client for its Phoenix channel: what the
//! live-view tests, with or without a browser, share.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::support;

/// Where the examples listen: they say `.serve("127.0.0.1:3000")`, and they run unmodified.
pub const ADDR: &str = "127.0.0.1:3000";

static BUILT: Mutex<bool> = Mutex::new(false);

/// The directory of the live-view workspace.
pub fn dir() -> PathBuf {
    support::root().join("examples/live-view")
}

/// The path of a live-view example (`counter`, `clock`, `todos`), building the workspace
/// once per test run.
pub fn example(name: &str) -> PathBuf {
    let dir = dir();
    support::build_once(&dir, &BUILT);
    dir.join(format!("target/wasm32-wasip1/release/{name}.wasm"))
}

/// Port 3000, held until the file is dropped: an exclusive lock on a file in the temporary
/// directory, which every live-view test and book session takes before it serves there.
/// Fails when something else (not a test) listens there.
pub fn port_lock() -> File {
    let lock = std::env::temp_dir().join("grain-live-view-port-3000.lock");
    let port = File::create(&lock).expect("the lock file");
    port.lock().expect("the port's lock");
    assert!(
        std::net::TcpListener::bind(ADDR).is_ok(),
        "{ADDR} is taken by a process outside the tests; the live-view examples need it"
    );
    port
}

/// Waits until something listens on port 3000, failing after 60 s with `why()`.
pub fn wait_listening(why: impl Fn() -> String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(ADDR).is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing listened on {ADDR}:\n{}",
            why()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A live-view example served by `grain run --log stderr --dir
/// examples/live-view/examples::examples NAME.wasm --control SOCK`,
/// stopped on drop; what it prints on stderr is kept. Port 3000 is held under a lock file,
/// so demos of concurrent tests (and of other worktrees' test runs) take turns.
pub struct Demo {
    child: Child,
    sock: PathBuf,
    log: Arc<Mutex<String>>,
    _port: File,
}

impl Demo {
    /// Starts the example `name` and waits until it serves.
    pub fn start(name: &str) -> Demo {
        let wasm = example(name);
        let port = port_lock();
        let sock = support::temp_dir(&format!("live-{name}")).join("node.sock");
        // GRAIN_BIN (from the repository root) runs another build, as the latency bench may.
        let mut grain = match std::env::var_os("GRAIN_BIN") {
            Some(bin) => std::process::Command::new(support::root().join(bin)),
            None => support::grain(),
        };
        // From the repository root: the examples read examples/NAME.html, so the guest sees
        // examples/live-view/examples under that path.
        let mut child = grain
            .current_dir(support::root())
            .args(["run", "--log", "stderr"])
            .args(["--dir", "examples/live-view/examples::examples"])
            .arg(&wasm)
            .arg("--control")
            .arg(&sock)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("grain starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = BufReader::new(child.stderr.take().expect("piped"));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        });
        let demo = Demo {
            child,
            sock,
            log,
            _port: port,
        };
        wait_listening(|| demo.log());
        demo
    }

    /// What the node printed on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until the node has printed `text` on stderr, failing after 5 s.
    pub fn wait_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never {text:?} in:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `ps` on the node.
    pub fn ps(&self) -> String {
        let endpoint: grain_shell::control::Endpoint =
            self.sock.to_str().unwrap().parse().expect("address");
        let mut client =
            grain_shell::control::Client::connect(&endpoint, None).expect("the node accepts");
        client.eval("ps").expect("ps").0
    }

    /// The fuel (wasm instructions) used so far by the processes whose `function` (what
    /// they run, as `ps --json` says) contains `function`.
    pub fn fuel(&self, function: &str) -> u64 {
        let endpoint: grain_shell::control::Endpoint =
            self.sock.to_str().unwrap().parse().expect("address");
        let mut client =
            grain_shell::control::Client::connect(&endpoint, None).expect("the node accepts");
        let (text, ok, _) = client.eval("ps --json").expect("ps --json");
        assert!(ok, "{text}");
        let rows: Vec<Value> = serde_json::from_str(&text).expect("JSON rows");
        rows.iter()
            .filter(|r| r["function"].as_str().is_some_and(|f| f.contains(function)))
            .map(|r| r["fuel"].as_u64().expect("fuel"))
            .sum()
    }

    /// Waits until `ps` shows `n` processes whose line passes `pick`, failing after 5 s with the last `ps`.
    pub fn wait_count(&self, what: &str, n: usize, pick: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let ps = self.ps();
            if ps.lines().filter(|l| pick(l)).count() == n {
                return;
            }
            assert!(Instant::now() < deadline, "never {n} {what}:\n{ps}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `GET path` over HTTP/1.1: the status line and headers, and the body. The server keeps
/// connections alive whatever the request says, so the body is read by its length.
pub fn get(path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(ADDR).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {ADDR}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    let mut chunk = [0; 16384];
    loop {
        let n = stream.read(&mut chunk).expect("a response");
        assert!(n > 0, "the server closed before answering in full");
        response.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .expect("a content length")
                .parse()
                .expect("a number");
            if body.len() >= length {
                return (head.to_owned(), body.to_owned());
            }
        }
    }
}

/// What a page carries for its live view to join: the `csrf-token` meta, the signed
/// session and the view's id.
#[derive(Debug)]
pub struct Page {
    /// The page's HTML.
    pub html: String,
    /// `<meta name="csrf-token" content=...>`.
    pub csrf: String,
    /// `data-phx-session=...` of the main view.
    pub session: String,
    /// The main view's element id (its channel is `lv:ID`).
    pub id: String,
}

/// The text of `html` after `start` up to the first of `ends`.
fn between<'a>(html: &'a str, start: &str, ends: &[char]) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the page"))
        + start.len();
    let rest = &html[from..];
    &rest[..rest.find(ends).unwrap_or(rest.len())]
}

/// Fetches `/` and reads what joining its live view takes.
pub fn page() -> Page {
    let (head, html) = get("/");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let main = &html[html.find("data-phx-main").expect("a live view") - 5..];
    Page {
        csrf: between(&html, "name=\"csrf-token\" content=\"", &['"']).to_owned(),
        session: between(main, "data-phx-session=", &[' ', '>']).to_owned(),
        id: between(main, " id=", &[' ', '>']).to_owned(),
        html,
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("the node's stderr:\n{}", self.log());
        }
    }
}

/// A Phoenix channel to a live view over a websocket, as `phoenix_live_view`'s JavaScript
/// speaks it: `[join_ref, ref, topic, event, payload]` arrays in text frames.
pub struct Channel {
    ws: WebSocket<TcpStream>,
    topic: String,
    next_ref: u32,
}

impl Channel {
    /// Connects to `/` and joins the page's live view; returns the channel and the rendered
    /// view of the join reply.
    pub fn join(page: &Page) -> (Channel, Value) {
        let stream = TcpStream::connect(ADDR).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let url = format!("ws://{ADDR}/?_csrf_token={}&vsn=2.0.0", page.csrf);
        let (ws, response) = tungstenite::client(url.as_str(), stream).expect("the upgrade");
        assert_eq!(response.status(), 101);
        let mut channel = Channel {
            ws,
            topic: format!("lv:{}", page.id),
            next_ref: 1,
        };
        let payload = json!({
            "url": format!("http://{ADDR}/"),
            "params": { "_csrf_token": page.csrf, "_mounts": 0 },
            "session": page.session,
            "static": "",
        });
        let reply = channel.call("phx_join", payload);
        (channel, reply["rendered"].clone())
    }

    /// Sends a message and waits for its `phx_reply`, returning the reply's `response`
    /// (failing unless its status is ok). Pushed `diff`s that come first are dropped.
    pub fn call(&mut self, event: &str, payload: Value) -> Value {
        let reference = self.push(event, payload);
        loop {
            let [_, r, _, event, payload] = self.receive();
            if event == "phx_reply" && r == reference {
                assert_eq!(payload["status"], "ok", "{payload}");
                return payload["response"].clone();
            }
        }
    }

    /// Sends a message without waiting for a reply; returns its ref.
    pub fn push(&mut self, event: &str, payload: Value) -> String {
        let reference = self.next_ref.to_string();
        self.next_ref += 1;
        let message = json!(["1", reference, self.topic, event, payload]);
        self.ws
            .send(Message::text(message.to_string()))
            .expect("send");
        reference
    }

    /// A click (`phx-click`) on an element bound to `event`, with its `phx-value-*`s;
    /// returns the reply's diff (`None` when nothing changed).
    pub fn click(&mut self, event: &str, value: Value) -> Option<Value> {
        let reply = self.call(
            "event",
            json!({ "type": "click", "event": event, "value": value }),
        );
        reply.get("diff").cloned()
    }

    /// A form submit (`phx-submit`) bound to `event` with url-encoded fields.
    pub fn submit(&mut self, event: &str, form: &str) -> Option<Value> {
        let reply = self.call(
            "event",
            json!({ "type": "form", "event": event, "value": form }),
        );
        reply.get("diff").cloned()
    }

    /// The next message, as its five parts.
    pub fn receive(&mut self) -> [Value; 5] {
        loop {
            match self.ws.read().expect("a message") {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON");
                    let parts: [Value; 5] = serde_json::from_value(value.clone())
                        .unwrap_or_else(|_| panic!("not a channel message: {value}"));
                    return parts;
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// Sends a close frame and drops the connection (the browser's way when a tab closes).
    /// The server does not answer the close: its connection process just ends.
    pub fn close(mut self) {
        self.ws.close(None).expect("a close frame");
        self.ws.flush().expect("sent");
    }
}
