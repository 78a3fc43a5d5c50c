//! The web observer's server without a browser: its windows are the terminal observer's
//! order cut (against `Model::reorder`), its routes refuse without the token's cookie and
//! from other hosts and origins (tower's `oneshot`), and a websocket client gets hello, the
//! window, only what changed, and a refusal for a kill on a look-only server.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::{SinkExt, StreamExt};
use grain::Pid;
use grain::observe::{Delta, ProcessRow, Snapshot, Totals, Update};
use grain_tui::web::{Control, View, Web, WebConfig, process_window, serve};
use grain_tui::{Column, Model, Msg, Table, update};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};
use tower::ServiceExt;

use crate::fixture;

/// A node of `n` processes with scattered figures (a fixed pseudo-random sequence).
fn crowd(n: u64) -> Snapshot {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let processes = (1..=n)
        .map(|id| ProcessRow {
            fuel_used: next() % 1_000,
            memory_bytes: 65_536 * (next() % 8),
            mailbox_len: (next() % 4) as usize,
            restarts: (next() % 3) as u32,
            names: if id % 10 == 0 {
                vec![format!("n{id}")]
            } else {
                vec![]
            },
            ..fixture::row(
                id,
                (id > 1).then_some(1),
                if id % 3 == 0 { "idle" } else { "work" },
            )
        })
        .collect();
    Snapshot {
        at_us: 1_000_000,
        processes,
        events: vec![],
        exits: vec![],
        totals: Totals {
            alive: n,
            spawned: n,
            ..Totals::default()
        },
        cluster: None,
    }
}

#[test]
fn a_window_is_the_terminal_observers_order_cut() {
    let snapshot = crowd(3_000);
    let mut table = Table::default();
    table.apply(&Update::Full(snapshot.clone()));
    let mut m = Model::new("test");
    update(&mut m, Msg::Update(Update::Full(snapshot)));
    for column in Column::ALL.into_iter().filter(|c| *c != Column::Node) {
        for invert in [false, true] {
            for filter in ["", "idle", "n1", "<0.2"] {
                m.sort = column;
                m.invert = invert;
                m.filter = filter.into();
                m.reorder();
                for (offset, limit) in [(0, 100), (250, 50), (2_950, 100)] {
                    let view = View {
                        sort: column.key().into(),
                        invert,
                        filter: filter.into(),
                        offset,
                        limit,
                        ..View::default()
                    };
                    let w = process_window(&table, &view);
                    assert_eq!(w.total, 3_000);
                    assert_eq!(w.matched, m.order.len(), "{column:?} {filter:?}");
                    let want: Vec<String> = m
                        .order
                        .iter()
                        .skip(w.offset)
                        .take(limit)
                        .map(|(p, _)| p.to_string())
                        .collect();
                    let got: Vec<String> = w.rows.iter().map(|r| r.pid.clone()).collect();
                    assert_eq!(
                        got, want,
                        "{column:?} invert {invert} {filter:?} at {offset}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_window_past_the_end_is_the_last_page_and_limits_are_capped() {
    let mut table = Table::default();
    table.apply(&Update::Full(crowd(250)));
    let view = View {
        offset: 900,
        limit: 100,
        ..View::default()
    };
    let w = process_window(&table, &view);
    assert_eq!((w.offset, w.rows.len()), (200, 50));
    assert_eq!(w.rows[0].pid, "<0.201>");
    let view = View {
        limit: 1_000_000,
        sort: "memory".into(),
        ..View::default()
    };
    assert_eq!(process_window(&table, &view).rows.len(), 250);
    let mut big = Table::default();
    big.apply(&Update::Full(crowd(1_500)));
    assert_eq!(
        process_window(&big, &view).rows.len(),
        1_000,
        "at most 1,000 rows"
    );
    let none = View {
        filter: "nothing-matches".into(),
        ..View::default()
    };
    let w = process_window(&table, &none);
    assert_eq!((w.matched, w.rows.len(), w.offset), (0, 0, 0));
}

/// A node's answers, remembering the kills asked for.
#[derive(Default)]
struct Answers {
    kills: Mutex<Vec<Pid>>,
}

impl Control for Answers {
    fn info(&self, pid: Pid) -> String {
        format!("{pid}  app.idle\n  status:      waiting")
    }

    fn kill(&self, pid: Pid) -> Result<String, String> {
        self.kills.lock().unwrap().push(pid);
        Ok(format!("killed {pid}"))
    }
}

const ADDR: &str = "127.0.0.1:4321";

fn web(can_change: bool) -> (Web, mpsc::UnboundedSender<Update>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let config = WebConfig {
        title: "test".into(),
        can_change,
        token: Some("s3cret".into()),
    };
    let web = Web::new(
        config,
        ADDR.parse().unwrap(),
        rx,
        Arc::new(Answers::default()),
    );
    (web, tx)
}

async fn get(web: &Web, uri: &str, headers: &[(&str, &str)]) -> axum::response::Response {
    let mut req = Request::get(uri).header(header::HOST, ADDR);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    web.router()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

const COOKIE: (&str, &str) = ("cookie", "other=1; grain_web_4321=s3cret");

#[tokio::test]
async fn the_token_link_sets_a_cookie_and_nothing_is_served_without_it() {
    let (web, _tx) = web(false);
    assert_eq!(get(&web, "/", &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&web, "/?token=guess", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = get(&web, "/?token=s3cret", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/");
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap();
    assert_eq!(
        cookie,
        "grain_web_4321=s3cret; HttpOnly; SameSite=Strict; Path=/"
    );

    let page = get(&web, "/", &[COOKIE]).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(page.headers()[header::X_FRAME_OPTIONS], "DENY");
    // Another port's cookie is another observer's.
    let other = get(&web, "/", &[("cookie", "grain_web_4322=s3cret")]).await;
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    let wrong = get(&web, "/", &[("cookie", "grain_web_4321=s3creT")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    assert_eq!(
        get(&web, "/assets/app.js", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let js = get(&web, "/assets/app.js", &[COOKIE]).await;
    assert_eq!(js.status(), StatusCode::OK);
    assert_eq!(js.headers()[header::CONTENT_TYPE], "text/javascript");
    let tag = js.headers()[header::ETAG].to_str().unwrap().to_owned();
    let again = get(&web, "/assets/app.js", &[COOKIE, ("if-none-match", &tag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        get(&web, "/assets/nope.js", &[COOKIE]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&web, "/etc/passwd", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn other_hosts_and_origins_are_refused() {
    let (web, _tx) = web(false);
    for host in ["evil.example:4321", "127.0.0.1:80", "127.0.0.1"] {
        let mut req = Request::get("/")
            .header(header::HOST, host)
            .header("cookie", COOKIE.1);
        req = req.header("x", "y");
        let r = web
            .router()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "Host: {host}");
    }
    for host in ["localhost:4321", "[::1]:4321"] {
        let req = Request::get("/")
            .header(header::HOST, host)
            .header("cookie", COOKIE.1);
        let r = web
            .router()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "Host: {host}");
    }
    let ws = [
        ("connection", "upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        ws.iter().chain(extra).copied().collect::<Vec<_>>()
    };
    let r = get(
        &web,
        "/ws",
        &with(&[COOKIE, ("origin", "http://evil.example")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = get(&web, "/ws", &with(&[COOKIE])).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no Origin");
    let r = get(&web, "/ws", &with(&[("origin", "http://127.0.0.1:4321")])).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no cookie");
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: SocketAddr, origin: &str) -> Result<Socket, tungstenite::Error> {
    let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
    let h = req.headers_mut();
    h.insert(
        "cookie",
        format!("grain_web_{}=s3cret", addr.port()).parse().unwrap(),
    );
    h.insert("origin", origin.parse().unwrap());
    tokio_tungstenite::connect_async(req).await.map(|(s, _)| s)
}

/// The next message of type `t` (within 5 s).
async fn next(ws: &mut Socket, t: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = tokio::time::timeout(left, ws.next())
            .await
            .expect("a message in time");
        if let Some(Ok(Message::Text(text))) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["t"] == t {
                return v;
            }
        }
    }
}

fn delta(at_us: u64, changed: Vec<ProcessRow>) -> Update {
    Update::Delta(Delta {
        at_us,
        changed,
        removed: vec![],
        events: vec![],
        totals: Totals::default(),
        cluster: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_gets_its_window_then_only_what_changed() {
    let (tx, rx) = mpsc::unbounded_channel();
    let answers = Arc::new(Answers::default());
    let config = WebConfig {
        title: "test".into(),
        can_change: false,
        token: Some("s3cret".into()),
    };
    let server = serve("127.0.0.1:0".parse().unwrap(), config, rx, answers.clone())
        .await
        .unwrap();
    assert!(server.url().ends_with("/?token=s3cret"), "{}", server.url());
    tx.send(Update::Full(crowd(5))).unwrap();
    let refused = connect(server.addr, "http://evil.example").await;
    assert!(
        matches!(&refused, Err(tungstenite::Error::Http(r)) if r.status() == StatusCode::FORBIDDEN),
        "{refused:?}"
    );
    let origin = format!("http://127.0.0.1:{}", server.addr.port());
    let mut ws = connect(server.addr, &origin).await.unwrap();
    let hello = next(&mut ws, "hello").await;
    assert_eq!(hello["can_change"], false);
    let view = json!({"op": "view", "page": "processes", "sort": "pid", "limit": 100});
    ws.send(Message::Text(view.to_string().into()))
        .await
        .unwrap();
    let mut frame = next(&mut ws, "frame").await;
    while frame["window"]["rows"]
        .as_array()
        .is_none_or(|r| r.len() < 5)
    {
        frame = next(&mut ws, "frame").await;
    }
    assert_eq!(frame["header"]["alive"], 5);
    assert_eq!(frame["window"]["rows"][0]["pid"], "<0.1>");
    assert_eq!(frame["window"]["rows"][0]["code"], "app@1.work");

    // A sixth process: it comes whole, the five others as their bare pids.
    let started = Instant::now();
    tx.send(delta(2_000_000, vec![fixture::row(6, Some(1), "late")]))
        .unwrap();
    let frame = loop {
        let f = next(&mut ws, "frame").await;
        if f["window"]["rows"].as_array().is_some_and(|r| r.len() == 6) {
            break f;
        }
    };
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let rows = frame["window"]["rows"].as_array().unwrap();
    assert_eq!(
        rows[..5],
        ["<0.1>", "<0.2>", "<0.3>", "<0.4>", "<0.5>"].map(Value::from)
    );
    assert_eq!(rows[5]["code"], "app@1.late");

    // Nothing in the window changed: the rows are "same", the header says the new moment.
    tx.send(delta(3_000_000, vec![])).unwrap();
    let frame = loop {
        let f = next(&mut ws, "frame").await;
        if f["header"]["up"] == "3.0s" {
            break f;
        }
    };
    assert_eq!(frame["window"]["rows"], "same", "{frame}");
    assert_eq!(frame["window"]["matched"], 6);

    // Look-only: a kill is refused, and the node is not asked.
    let kill = json!({"op": "kill", "pid": "<0.2>"});
    ws.send(Message::Text(kill.to_string().into()))
        .await
        .unwrap();
    let notice = next(&mut ws, "notice").await;
    assert_eq!(notice["ok"], false);
    assert!(
        notice["text"].as_str().unwrap().contains("look-only"),
        "{notice}"
    );
    assert!(answers.kills.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_allowed_to_change_kills_and_says_so() {
    let (tx, rx) = mpsc::unbounded_channel();
    let answers = Arc::new(Answers::default());
    let config = WebConfig {
        title: "test".into(),
        can_change: true,
        token: Some("s3cret".into()),
    };
    let server = serve("127.0.0.1:0".parse().unwrap(), config, rx, answers.clone())
        .await
        .unwrap();
    tx.send(Update::Full(crowd(3))).unwrap();
    let origin = format!("http://localhost:{}", server.addr.port());
    let mut req = format!("ws://localhost:{}/ws", server.addr.port())
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "cookie",
        format!("grain_web_{}=s3cret", server.addr.port())
            .parse()
            .unwrap(),
    );
    req.headers_mut().insert("origin", origin.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(next(&mut ws, "hello").await["can_change"], true);
    let kill = json!({"op": "kill", "pid": "<0.3>"});
    ws.send(Message::Text(kill.to_string().into()))
        .await
        .unwrap();
    let notice = next(&mut ws, "notice").await;
    assert_eq!(
        (notice["ok"].clone(), notice["text"].clone()),
        (json!(true), json!("killed <0.3>"))
    );
    assert_eq!(*answers.kills.lock().unwrap(), [Pid(3)]);
    let bad = json!({"op": "kill", "pid": "three"});
    ws.send(Message::Text(bad.to_string().into()))
        .await
        .unwrap();
    assert_eq!(next(&mut ws, "notice").await["ok"], false);
    ws.send(Message::Text("{\"op\": \"launch\"}".into()))
        .await
        .unwrap();
    assert!(
        next(&mut ws, "notice").await["text"]
            .as_str()
            .unwrap()
            .contains("bad request")
    );
}
