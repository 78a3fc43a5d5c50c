//! A real browser for the tests: Debian's Chromium, driven through chromedriver's W3C
//! WebDriver JSON API over plain HTTP (a small blocking client of our own).
//!
//! ```ignore
//! let Some(browser) = browser::start_or_skip("my_test") else { return };
//! browser.goto(&url);
//! browser.wait_until("the page is live", Duration::from_secs(10), "return document.body.dataset.state === 'live'");
//! browser.click("button.kill");
//! browser.screenshot(&path);
//! ```
//!
//! Chromium runs headless, off the network (`--disable-background-networking`,
//! `--disable-component-update`, `--disable-sync`, `--disable-quic`, `--no-first-run`), with a
//! fresh profile removed on drop, and `--no-sandbox` as root. A test is skipped (with a
//! message) only when chromium or chromedriver is not installed, and not even then when
//! `GRAIN_REQUIRE_BROWSER` is set (CI installs both and sets it).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The browser's binary (`CHROMIUM` overrides).
pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// The driver's binary (`CHROMEDRIVER` overrides).
pub fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from)
}

/// Are chromium and chromedriver installed? `Err` says what is missing.
pub fn available() -> Result<(), String> {
    for (what, path) in [("chromium", chromium()), ("chromedriver", chromedriver())] {
        if !path.exists() {
            return Err(format!(
                "{what} is not installed ({}): apt-get install chromium chromium-driver",
                path.display()
            ));
        }
    }
    Ok(())
}

/// A browser for `test`; `None` (after saying so on stderr) when no browser is installed.
/// With `GRAIN_REQUIRE_BROWSER` set, a missing browser fails the test instead.
pub fn start_or_skip(test: &str) -> Option<Browser> {
    if let Err(why) = available() {
        assert!(
            std::env::var_os("GRAIN_REQUIRE_BROWSER").is_none(),
            "{test}: GRAIN_REQUIRE_BROWSER is set but {why}"
        );
        eprintln!("SKIPPED {test}: {why}");
        return None;
    }
    Some(Browser::start().unwrap_or_else(|e| panic!("{test}: the browser does not start: {e}")))
}

/// A WebDriver element reference.
#[derive(Debug, Clone)]
pub struct Element(String);

/// A headless Chromium with its chromedriver; both end on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver on a free port, then a browser session with a fresh profile.
    ///
    /// # Errors
    /// When the driver or the browser does not come up.
    pub fn start() -> Result<Browser, String> {
        let port = free_port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let profile =
            std::env::temp_dir().join(format!("grain-chromium-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/status", None).is_err_and(|_| Instant::now() < deadline) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut args = vec![
            "--headless".to_owned(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1400,900".into(),
            format!("--user-data-dir={}", browser.profile.display()),
        ];
        if is_root() {
            args.push("--no-sandbox".into());
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium(), "args": args},
        }}});
        let v = http(port, "POST", "/session", Some(&caps))?;
        browser.session = v["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session: {v}"))?
            .to_owned();
        browser.post("timeouts", json!({"script": 30_000}));
        Ok(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let path = format!("/session/{}/{path}", self.session);
        http(self.port, method, &path, body).unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, Some(&body))
    }

    /// Opens `url` (returns once the page has loaded).
    pub fn goto(&self, url: &str) {
        self.post("url", json!({ "url": url }));
    }

    /// The page's address now.
    pub fn url(&self) -> String {
        self.call("GET", "url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` (a function body: `return ...`) in the page with `args` (`arguments[i]`).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs `script` in the page; it ends by calling `arguments[arguments.length - 1](value)`.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("execute/async", json!({ "script": script, "args": args }))
    }

    /// Polls `script` every 25 ms until it returns something truthy (returned), failing the
    /// test with `what` and the page's text after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, script: &str) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.execute(script, vec![]);
            if truthy(&v) {
                return v;
            }
            if Instant::now() > deadline {
                let text = self.execute("return document.body.innerText", vec![]);
                panic!(
                    "waited {timeout:?} for {what}; the page says:\n{}",
                    text.as_str().unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Option<Element> {
        let body = json!({"using": "css selector", "value": css});
        let path = format!("/session/{}/element", self.session);
        let v = http(self.port, "POST", &path, Some(&body)).ok()?;
        v.as_object()?
            .values()
            .next()?
            .as_str()
            .map(|id| Element(id.to_owned()))
    }

    /// Clicks the first element matching `css` (as a user would: it must be visible).
    pub fn click(&self, css: &str) {
        let e = self
            .find(css)
            .unwrap_or_else(|| panic!("nothing on the page matches {css}"));
        self.post(&format!("element/{}/click", e.0), json!({}));
    }

    /// Resizes the window (the viewport of screenshots).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.post("window/rect", json!({"width": width, "height": height}));
    }

    /// Saves a PNG of the viewport to `path`.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let v = self.call("GET", "screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("a base64 screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot directory");
        }
        std::fs::write(path, png).expect("write the screenshot");
    }

    /// Ends the session and the driver (as dropping does).
    pub fn quit(self) {}
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// One WebDriver request: the response's `value`, or its error.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())
        .and_then(|()| s.write_all(body.as_bytes()))
        .map_err(|e| e.to_string())?;
    // The driver may keep the connection open: read the head, then the body's length.
    let mut reader = std::io::BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut reader, &mut line).map_err(|e| e.to_string())?;
        if n == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    let mut raw = Vec::new();
    match length {
        Some(n) => {
            raw.resize(n, 0);
            reader.read_exact(&mut raw).map_err(|e| e.to_string())?;
        }
        None => {
            reader.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        }
    }
    let rest = String::from_utf8_lossy(&raw).into_owned();
    if head.is_empty() {
        return Err("no HTTP response".into());
    }
    let payload = if head.contains("transfer-encoding: chunked") {
        dechunk(&rest)
    } else {
        rest
    };
    let v: Value = serde_json::from_str(&payload).map_err(|e| format!("{e}: {payload}"))?;
    let value = v.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(format!(
            "{error}: {}",
            value["message"].as_str().unwrap_or_default()
        ));
    }
    Ok(value)
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}
