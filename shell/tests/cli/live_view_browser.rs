//! The live-view demo in a real browser: Debian's Chromium, driven through chromedriver,
//! clicks the counter, watches the clock tick and adds and removes a todo. And, ignored by
//! default, the latency bench: click → DOM update in the browser, and event → diff on the
//! websocket, with percentiles (`cargo test -p grain-shell --test cli live_view_latency --
//! --ignored --nocapture`; `GRAIN_BIN=target/release/grain` measures a release build).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::browser::{self, Browser};
use crate::live_view_support::{ADDR, Channel, Demo, page};

/// The example `name` served by grain and open in a browser whose live view has joined;
/// `None` when no browser is installed (see `browser::start_or_skip`).
fn open(name: &str, test: &str) -> Option<(Demo, Browser)> {
    let browser = browser::start_or_skip(test)?;
    let demo = Demo::start(name);
    let url = format!("http://{ADDR}/");
    browser.goto(&url);
    assert_eq!(browser.url(), url);
    browser.wait_until(
        "the live view to join over its websocket",
        Duration::from_secs(20),
        "return document.querySelector('[data-phx-main].phx-connected') !== null",
    );
    Some((demo, browser))
}

/// The text of the first element matching `css`.
fn text(browser: &Browser, css: &str) -> String {
    let v = browser.execute(
        "const e = document.querySelector(arguments[0]); return e && e.textContent",
        vec![json!(css)],
    );
    v.as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_counter_counts_clicks_in_chromium() {
    let Some((_demo, browser)) = open("counter", "the_counter_counts_clicks_in_chromium") else {
        return;
    };
    assert!(
        browser
            .execute("return document.body.innerText", vec![])
            .as_str()
            .unwrap()
            .contains("Count is 0")
    );
    let clicks = 12;
    for _ in 0..clicks {
        browser.click("button[phx-click='counter::Increment']");
    }
    browser.wait_until(
        "the count to reach 12",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('p')].some(p => p.textContent === 'Count is 12')",
    );
    assert!(
        browser
            .execute("return document.body.innerText", vec![])
            .as_str()
            .unwrap()
            .contains("Count is high!"),
        "the @if block came with a diff"
    );
    browser.click("button[phx-click='counter::Decrement']");
    browser.wait_until(
        "the count to go down",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('p')].some(p => p.textContent === 'Count is 11')",
    );
    browser.set_window_size(900, 400);
    browser.screenshot(&crate::support::root().join("target/screenshots/live-view-counter.png"));
    browser.quit();
}

#[test]
fn the_clock_ticks_in_chromium() {
    let Some((_demo, browser)) = open("clock", "the_clock_ticks_in_chromium") else {
        return;
    };
    let mut seen = vec![text(&browser, "h2")];
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 3 {
        assert!(Instant::now() < deadline, "the clock stood still: {seen:?}");
        let now = text(&browser, "h2");
        if seen.last() != Some(&now) {
            seen.push(now);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(seen.iter().all(|t| t.contains(", ")), "{seen:?}");
}

#[test]
fn todos_adds_and_removes_an_item_in_chromium() {
    let Some((_demo, browser)) = open("todos", "todos_adds_and_removes_an_item_in_chromium") else {
        return;
    };
    // Typing and pressing Enter: the form's submit event, which phx-submit sends.
    browser.execute(
        "document.querySelector('#newtodo_text').value = 'Buy milk';
         document.querySelector('#newtodo').requestSubmit();",
        vec![],
    );
    browser.wait_until(
        "the new todo",
        Duration::from_secs(10),
        "return [...document.querySelectorAll('.todo-list label')].some(l => l.textContent === 'Buy milk')",
    );
    assert_eq!(text(&browser, ".todo-count strong"), "2");
    browser.click(".todo-list li:nth-child(2) button.destroy");
    browser.wait_until(
        "the todo to go",
        Duration::from_secs(10),
        "return document.querySelectorAll('.todo-list li').length === 1",
    );
    assert_eq!(text(&browser, ".todo-list label"), "Hello");
}

/// Clicks the counter's Increment `n` times from inside the page, one at a time, and
/// returns each click's time until the DOM shows the new count, in ms: `performance.now()`
/// before a synthetic `click()`, and again in the MutationObserver callback that sees the
/// new `Count is N` (what phoenix_live_view patched in from the diff).
const CLICK_TO_DOM: &str = "
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
const view = document.querySelector('[data-phx-main]');
const button = view.querySelector(\"button[phx-click='counter::Increment']\");
const count = () => [...view.querySelectorAll('p')].map(p => p.textContent)
  .find(t => t.startsWith('Count is ') && t !== 'Count is high!');
let current = parseInt(count().slice(9));
const once = () => new Promise(resolve => {
  const want = 'Count is ' + (current + 1);
  let t0;
  const observer = new MutationObserver(() => {
    if (count() === want) { observer.disconnect(); resolve(performance.now() - t0); }
  });
  observer.observe(view, { subtree: true, childList: true, characterData: true });
  t0 = performance.now();
  button.click();
});
(async () => {
  const samples = [];
  for (let i = 0; i < n; i++) { samples.push(await once()); current++; }
  done(samples);
})();
";

/// p50, p90, p99 and the maximum of `samples` (ms), as a line.
fn percentiles(samples: &mut [f64]) -> String {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((p * samples.len() as f64).ceil() as usize).max(1) - 1];
    format!(
        "n={} p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
        samples.len(),
        at(0.50),
        at(0.90),
        at(0.99),
        samples[samples.len() - 1]
    )
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "a benchmark: prints figures (run with --ignored --nocapture)"]
fn live_view_latency() {
    const WARMUP: usize = 100;
    const SAMPLES: usize = 2000;
    let grain = std::env::var("GRAIN_BIN").unwrap_or_else(|_| "the tests' grain".into());
    println!(
        "live-view latency, {grain}, load average before: {}",
        load()
    );
    // The server's side: a websocket client on loopback sends the click event and waits
    // for the reply carrying the diff (grain, the connection's process, its event handler's
    // handle + render + diff, and back). Loopback and the client add a few µs.
    let demo = Demo::start("counter");
    let page = page();
    let (mut channel, _) = Channel::join(&page);
    // Fuel is wasm instructions, counted by grain: what a click costs the guest, free of
    // the machine's load. The connection's process runs a closure (`call_once`), as the
    // logger does: its share is the difference of their sums, the logger's lines included.
    let handler = "event_handler::event_handler";
    let closures = "FnOnce::call_once";
    let (handler_fuel, closure_fuel) = (demo.fuel(handler), demo.fuel(closures));
    let mut ws = Vec::with_capacity(SAMPLES);
    for i in 0..WARMUP + SAMPLES {
        let started = Instant::now();
        let diff = channel.click("counter::Increment", json!({ "detail": 1 }));
        let took = started.elapsed().as_secs_f64() * 1e3;
        assert_eq!(diff.unwrap()["0"], (i + 1).to_string());
        if i >= WARMUP {
            ws.push(took);
        }
    }
    println!("event → diff, websocket client: {}", percentiles(&mut ws));
    let clicks = (WARMUP + SAMPLES) as u64;
    println!(
        "fuel a click: event handler {}, connection process and logger {}",
        (demo.fuel(handler) - handler_fuel) / clicks,
        (demo.fuel(closures) - closure_fuel) / clicks
    );
    // The same path without the event handler: a heartbeat is answered by the connection's
    // process itself. The difference is the event handler's share (two messages, the
    // example's handle, render and diff).
    let mut beat = Vec::with_capacity(SAMPLES);
    for i in 0..WARMUP + SAMPLES {
        let started = Instant::now();
        assert_eq!(channel.call("heartbeat", json!({})), json!({}));
        if i >= WARMUP {
            beat.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "heartbeat → reply, websocket client: {}",
        percentiles(&mut beat)
    );
    channel.close();
    drop(demo);

    let Some((_demo, browser)) = open("counter", "live_view_latency") else {
        return;
    };
    let mut all: Vec<f64> = Vec::new();
    // In batches, each well inside the driver's 30 s script timeout.
    while all.len() < WARMUP + SAMPLES {
        let n = (WARMUP + SAMPLES - all.len()).min(500);
        let batch = browser.execute_async(CLICK_TO_DOM, vec![json!(n)]);
        all.extend(
            batch
                .as_array()
                .expect("samples")
                .iter()
                .map(|v| v.as_f64().expect("a number")),
        );
    }
    let mut dom: Vec<f64> = all.split_off(WARMUP);
    println!("click → DOM update, Chromium: {}", percentiles(&mut dom));
    println!("load average after: {}", load());
}
