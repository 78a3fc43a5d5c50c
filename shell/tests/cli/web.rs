//! The web observer end to end: the real `grain` binary serving a real node, watched by a
//! real Chromium (through chromedriver, `browser.rs`): rows appear, a process spawned after
//! the page loaded appears within 1 s, a killed one leaves within 1 s, and a look-only
//! observer offers no kill and refuses one sent anyway. `BLESS=1` also writes the book's
//! screenshots (book/src/images/web-observer-*.png).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use grain_shell::control::{Client, Endpoint};
use serde_json::json;

use crate::browser::{self, Browser};
use crate::support::{self, Served, temp_dir};

fn control(sock: &std::path::Path) -> Client {
    let endpoint: Endpoint = sock.to_str().unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match Client::connect(&endpoint, None) {
            Ok(c) => return c,
            Err(e) => assert!(Instant::now() < deadline, "the node's socket: {e}"),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Spawns a counter through the control socket; its pid.
fn spawn_counter(c: &mut Client) -> String {
    let (text, ok, _) = c.eval("spawn counter.counter()").unwrap();
    assert!(ok, "{text}");
    let at = text.find("<0.").expect("a pid");
    text[at..=at + text[at..].find('>').unwrap()].to_owned()
}

fn row(pid: &str) -> String {
    format!("return document.querySelector('tr[data-pid=\"{pid}\"]')?.innerText")
}

fn live(b: &Browser, url: &str, pid: &str) {
    b.goto(url);
    assert!(
        !b.url().contains("token="),
        "the token link leads on to /: {}",
        b.url()
    );
    let script = format!(
        "return document.body.dataset.state === 'live' && !!document.querySelector('tr[data-pid=\"{pid}\"]')"
    );
    b.wait_until("the first rows", Duration::from_secs(15), &script);
}

/// Waits for `script` (`what`) to hold, and says how long it took.
fn timed(b: &Browser, what: &str, script: &str) -> Duration {
    let t0 = Instant::now();
    b.wait_until(what, Duration::from_secs(5), script);
    t0.elapsed()
}

fn shots() -> PathBuf {
    support::root().join("target/web-observer")
}

/// Under `BLESS=1`, the screenshot goes into the book too.
fn bless(b: &Browser, name: &str) {
    let path = shots().join(format!("{name}.png"));
    b.screenshot(&path);
    if std::env::var_os("BLESS").is_some() {
        let book = support::root().join(format!("book/src/images/web-observer-{name}.png"));
        std::fs::create_dir_all(book.parent().unwrap()).unwrap();
        std::fs::copy(&path, book).unwrap();
    }
}

#[test]
fn a_browser_watches_a_node_sees_a_spawn_and_kills_a_process() {
    let Some(b) = browser::start_or_skip("web::a_browser_watches_a_node...") else {
        return;
    };
    let dir = temp_dir("web-live");
    let sock = dir.join("node.sock");
    let args = [
        "run",
        "examples/wat/flaky.wat",
        "--control",
        sock.to_str().unwrap(),
    ];
    let node =
        Served::start(&[&args[..], &["--web", "127.0.0.1:0", "--web-allow-changes"]].concat());
    let mut c = control(&sock);
    b.set_window_size(1400, 860);
    live(&b, &node.url, "<0.2>");
    let idle = b.execute(&row("<0.2>"), vec![]);
    assert!(
        idle.as_str().unwrap().contains("flaky@1.idle"),
        "NAME@N in the module column: {idle}"
    );

    // Spawned after the page loaded: its row within 1 s.
    c.eval("load examples/wat/counter.wat").unwrap();
    for _ in 0..3 {
        spawn_counter(&mut c);
    }
    let pid = spawn_counter(&mut c);
    row_shows_within_a_second(&b, &pid);
    b.wait_until(
        "the worker's restarts",
        Duration::from_secs(5),
        "return !!document.querySelector('td.rst')",
    );
    if std::env::var_os("BLESS").is_some() {
        // The book's picture: a busy process with a queue, a named one, trends of a few seconds.
        for line in [
            "load examples/wat/busy_loop.wat",
            "spinner = spawn busy_loop.spin()",
            "send spinner 1",
            "send spinner 2",
            "send spinner 3",
            "spawn counter.counter() as cache",
        ] {
            let (text, ok, _) = c.eval(line).unwrap();
            assert!(ok, "{line}: {text}");
        }
        std::thread::sleep(Duration::from_secs(6));
    }
    bless(&b, "processes");

    // Kill it: the button, then the inline confirm; the row leaves within 1 s.
    b.click(&format!("tr[data-pid=\"{pid}\"] button.kill"));
    b.wait_until(
        "the confirm",
        Duration::from_secs(2),
        "return !!document.querySelector('button.confirm')",
    );
    b.click(&format!("button.confirm[data-pid=\"{pid}\"]"));
    let gone = format!("return !document.querySelector('tr[data-pid=\"{pid}\"]')");
    let ended = format!(
        "const r = document.querySelector('tr[data-pid=\"{pid}\"]'); return !r || r.classList.contains('gone') && r.innerText.includes('killed')"
    );
    let took = timed(&b, "the killed row to show its end", &ended);
    assert!(
        took < Duration::from_secs(1),
        "the killed row showed its end after {took:?}"
    );
    b.wait_until("the killed row to leave", Duration::from_secs(10), &gone);
    let said = b.wait_until(
        "the notice",
        Duration::from_secs(2),
        "return document.getElementById('notice').innerText",
    );
    assert_eq!(said, json!(format!("killed {pid}")));
    let (info, _, _) = c.eval(&format!("info {pid}")).unwrap();
    assert!(info.contains("ended: killed"), "{info}");

    // The tree: the worker under its supervisor, its restarts flashing.
    b.execute("location.hash = '#/tree'", vec![]);
    b.wait_until("a restart's flash in the tree", Duration::from_secs(5),
        "return [...document.querySelectorAll('.tree tr.flash')].some(r => r.innerText.includes('↻'))");
    let tree = b.execute(
        "return document.querySelector('.tree tbody').innerText",
        vec![],
    );
    assert!(
        tree.as_str().unwrap().contains("└─"),
        "branch lines: {tree}"
    );
    bless(&b, "tree");

    // The detail: what the node says, and the sparklines.
    b.execute(
        "location.hash = '#/process/' + encodeURIComponent('<0.1>')",
        vec![],
    );
    b.wait_until("the detail", Duration::from_secs(5),
        "return document.querySelector('.detail .info')?.innerText.includes('monitors') && document.querySelectorAll('.detail svg.spark').length === 2");
    bless(&b, "detail");

    // The event log.
    b.execute("location.hash = '#/events'", vec![]);
    b.wait_until("restarts in the log", Duration::from_secs(5),
        "return [...document.querySelectorAll('.log .line')].some(l => l.innerText.includes('restarted worker'))");
    if std::env::var_os("BLESS").is_some() {
        c.eval("kill spinner").unwrap();
    }
    b.quit();
}

/// Sends a kill over a websocket the page itself opens (as a script could): the answer.
const KILL_FROM_THE_PAGE: &str = r#"
const done = arguments[arguments.length - 1];
const ws = new WebSocket(`ws://${location.host}/ws`);
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.t === 'hello') ws.send(JSON.stringify({op: 'kill', pid: arguments[0]}));
  if (m.t === 'notice') { ws.close(); done(m); }
};
ws.onerror = () => done({error: 'websocket failed'});
"#;

#[test]
fn an_attached_look_only_observer_offers_no_kill_and_refuses_one() {
    let Some(b) = browser::start_or_skip("web::an_attached_look_only_observer...") else {
        return;
    };
    let dir = temp_dir("web-look");
    let sock = dir.join("node.sock");
    let node = support::Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for(".idle");
    let web = Served::start(&[
        "observe",
        "--web",
        "127.0.0.1:0",
        "--attach",
        sock.to_str().unwrap(),
    ]);
    live(&b, &web.url, "<0.2>");
    let look = b.execute("return !document.getElementById('look').hidden && document.querySelectorAll('button.kill').length === 0", vec![]);
    assert_eq!(
        look,
        json!(true),
        "look-only: the badge, and no kill button"
    );

    let answer = b.execute_async(KILL_FROM_THE_PAGE, vec![json!("<0.2>")]);
    assert_eq!(answer["ok"], json!(false), "{answer}");
    assert!(
        answer["text"]
            .as_str()
            .unwrap_or_default()
            .contains("look-only"),
        "{answer}"
    );

    // Attached, a spawn on the node shows within 1 s too; <0.2> is still alive.
    let mut c = control(&sock);
    c.eval("load examples/wat/counter.wat").unwrap();
    let pid = spawn_counter(&mut c);
    row_shows_within_a_second(&b, &pid);
    assert!(
        b.execute(&row("<0.2>"), vec![]).is_string(),
        "the refused kill killed nothing"
    );
    let (ps, _, _) = c.eval("ps").unwrap();
    assert!(ps.contains("flaky@1.idle"), "{ps}");
}

/// One HTTP request to the server: the response's head and body (a websocket's upgrade:
/// its head).
fn request(authority: &str, path: &str, headers: &str) -> String {
    let mut s = TcpStream::connect(authority).unwrap();
    let close = if headers.contains("Connection:") {
        ""
    } else {
        "Connection: close\r\n"
    };
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\n{headers}{close}\r\n"
    )
    .unwrap();
    let mut reader = std::io::BufReader::new(s);
    let mut out = String::new();
    while !out.ends_with("\r\n\r\n") {
        if std::io::BufRead::read_line(&mut reader, &mut out).unwrap() == 0 {
            break;
        }
    }
    let length = out
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|n| n.trim().parse::<usize>().ok());
    if let Some(n) = length {
        let mut body = vec![0; n];
        reader.read_exact(&mut body).unwrap();
        out.push_str(&String::from_utf8_lossy(&body));
    }
    out
}

/// The server of `served` refuses without the token, sets the cookie from the link, serves
/// the page with it, and refuses a websocket from another origin.
fn guards_its_pages(served: &Served) {
    let a = served.authority().to_owned();
    assert!(request(&a, "/", "").starts_with("HTTP/1.1 401"));
    let path = &served.url[served.url.find("/?").unwrap()..];
    let wrong = request(&a, &path.replace("token=", "token=x"), "");
    assert!(wrong.starts_with("HTTP/1.1 403"), "{wrong}");
    let link = request(&a, path, "");
    assert!(link.starts_with("HTTP/1.1 303"), "{link}");
    let cookie = link
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a cookie")
        .to_owned();
    let page = request(&a, "/", &format!("Cookie: {cookie}\r\n"));
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains("<title>grain observe</title>"),
        "{page}"
    );
    let upgrade = "Upgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let ws = request(
        &a,
        "/ws",
        &format!("Cookie: {cookie}\r\nOrigin: http://evil.example\r\n{upgrade}"),
    );
    assert!(ws.starts_with("HTTP/1.1 403"), "{ws}");
    let ws = request(
        &a,
        "/ws",
        &format!("Cookie: {cookie}\r\nOrigin: http://{a}\r\n{upgrade}"),
    );
    assert!(ws.starts_with("HTTP/1.1 101"), "{ws}");
}

#[test]
fn grain_shell_and_grain_observe_serve_the_web_observer() {
    guards_its_pages(&Served::start(&["shell", "--web", "127.0.0.1:0"]));
    guards_its_pages(&Served::start(&[
        "observe",
        "--web",
        "127.0.0.1:0",
        "examples/wat/flaky.wat",
    ]));
}

#[test]
fn the_web_flags_say_what_is_wrong() {
    let out = support::run(&["observe", "--web", "127.0.0.1:0", "--replay", "x.jsonl"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("takes no --replay"), "{}", out.stderr);
    let out = support::run(&[
        "shell",
        "--web",
        "127.0.0.1:0",
        "--attach",
        "/tmp/none.sock",
    ]);
    assert!(
        out.stderr.contains("grain observe --web ADDR --attach"),
        "{}",
        out.stderr
    );
    let out = support::run(&["run", "examples/wat/hello.wat", "--web", "not-an-address"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("--web"), "{}", out.stderr);
    let out = support::grain()
        .args(["run", "examples/wat/hello.wat", "--web", "127.0.0.1:0"])
        .env("GRAIN_WEB_TOKEN", "short; Path=/")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GRAIN_WEB_TOKEN: at least 16"), "{stderr}");
}

/// Asserts that the row of `pid` appears on the page within 1 s.
fn row_shows_within_a_second(b: &Browser, pid: &str) {
    let took = timed(
        b,
        "the new row",
        &format!("return !!document.querySelector('tr[data-pid=\"{pid}\"]')"),
    );
    assert!(
        took < Duration::from_secs(1),
        "the spawned row came after {took:?}"
    );
}
