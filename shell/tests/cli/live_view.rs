//! The live-view demo served by `grain run`, without a browser: the page over HTTP, and the
//! Phoenix channel over a websocket as the browser's JavaScript speaks it. Each websocket
//! is a process of its own (with its event handler), seen in `ps` on the node.

use serde_json::{Value, json};

use crate::live_view_support::{Channel, Demo, get, page};

#[test]
fn the_counter_serves_its_page_and_counts_clicks_over_a_websocket() {
    let _demo = Demo::start("counter");
    let page = page();
    assert!(page.html.contains("<p>Count is 0</p>"), "{}", page.html);
    assert!(
        page.html
            .contains(r#"<button phx-click="counter::Increment">Increment</button>"#),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("phx_join"),
        "the live-view JavaScript is in the page"
    );
    let (head, css) = get("/static/counter.css");
    assert!(head.contains("content-type: text/css"), "{head}");
    assert!(css.contains("button"), "{css}");

    let (mut channel, rendered) = Channel::join(&page);
    assert_eq!(rendered["0"], "0", "{rendered}");
    assert!(
        rendered["s"].to_string().contains("Count is "),
        "{rendered}"
    );
    // A click as the browser sends it (the example's metadata adds the click's detail).
    let click = json!({ "detail": 1 });
    for n in 1..=4 {
        let diff = channel.click("counter::Increment", click.clone());
        assert_eq!(diff, Some(json!({ "0": n.to_string() })));
    }
    let diff = channel.click("counter::Decrement", click.clone());
    assert_eq!(diff, Some(json!({ "0": "3" })));
    channel.click("counter::Increment", click.clone());
    let diff = channel.click("counter::Increment", click.clone()).unwrap();
    assert_eq!(diff["0"], "5");
    assert!(
        diff["1"].to_string().contains("Count is high!"),
        "the @if block appears: {diff}"
    );
    // An event the view does not know gets no reply and does not end the connection.
    channel.push(
        "event",
        json!({ "type": "click", "event": "counter::Reset", "value": {} }),
    );
    assert_eq!(channel.call("heartbeat", json!({})), json!({}));
    // A second connection has its own state.
    let (other, rendered) = Channel::join(&page);
    assert_eq!(rendered["0"], "0");
    let diff = channel.click("counter::Increment", click);
    assert_eq!(diff, Some(json!({ "0": "6" })));
    other.close();
    channel.close();
}

/// A connection's process: it reads the websocket (`networking` in `ps`).
fn connection(line: &str) -> bool {
    line.contains("counter@1.core::ops::function::FnOnce::call_once") && line.contains("networking")
}

/// A connection's event handler: it holds the view's state, renders and diffs.
fn event_handler(line: &str) -> bool {
    line.contains("submillisecond_live_view::event_handler::event_handler")
}

#[test]
fn each_websocket_is_a_process() {
    let demo = Demo::start("counter");
    let page = page();
    // The server's own: `_start` (the accept loop), the template's process, the logger.
    demo.wait_count("server processes", 3, |l| l.contains("counter@1."));
    let channels: Vec<Channel> = (0..3).map(|_| Channel::join(&page).0).collect();
    // Each joined websocket: its connection's process and, linked to it, its event handler.
    demo.wait_count("connections", 3, connection);
    demo.wait_count("event handlers", 3, event_handler);
    for channel in channels {
        channel.close();
    }
    // A closed websocket's process ends normally; a normal end does not take linked
    // processes along (in lunatic as in Erlang), so the library's event handlers stay.
    demo.wait_count("connections", 0, connection);
    demo.wait_count("event handlers", 3, event_handler);
}

/// The hour of a clock's time (`Monday, 09:15:42.123`).
fn hour(time: &Value) -> u32 {
    let text = time.as_str().expect("a time");
    let (_, clock) = text.split_once(", ").expect("day, time");
    clock[..2].parse().expect("an hour")
}

#[test]
fn the_clock_ticks_and_takes_a_timezone_and_a_frequency() {
    let demo = Demo::start("clock");
    let page = page();
    assert!(page.html.contains("<h2>"), "{}", page.html);
    let (mut channel, rendered) = Channel::join(&page);
    let first = rendered["0"].clone();
    assert!(hour(&first) < 24, "{rendered}");
    // Its ticker process pushes a diff every 500 ms, unasked.
    let mut times = vec![first];
    while times.len() < 4 {
        let [_, _, _, event, diff] = channel.receive();
        assert_eq!(event, "diff", "{diff}");
        times.push(diff["0"].clone());
    }
    assert!(
        times.windows(2).all(|w| w[0] != w[1]),
        "the time goes on: {times:?}"
    );
    // A change of the range input, as the browser sends it: the whole form.
    let form = "timezone=UTC&tick_frequency=100&_target=tick_frequency";
    let diff = channel.submit("clock::ChangeTickFrequency", form).unwrap();
    assert!(diff.to_string().contains("100ms"), "{diff}");
    let started = std::time::Instant::now();
    for _ in 0..6 {
        while channel.receive()[3] != "diff" {}
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(2),
        "6 ticks at 100 ms took {elapsed:?} (at 500 ms they take 3 s)"
    );
    // Another timezone: the handler has a tick sent at once, in the new zone (UTC+9).
    let utc = hour(times.last().unwrap());
    let form = "timezone=Asia%2FTokyo&tick_frequency=100&_target=timezone";
    channel.submit("clock::ChangeTimezone", form);
    let tokyo = loop {
        let [_, _, _, event, diff] = channel.receive();
        if event == "diff" && hour(&diff["0"]) != utc {
            break hour(&diff["0"]);
        }
    };
    assert!(
        tokyo == (utc + 9) % 24 || tokyo == (utc + 10) % 24,
        "UTC {utc}h, Tokyo {tokyo}h"
    );
    // Closed, the connection's process ends; the ticker's next send finds the socket
    // closed and panics, and its link takes the event handler along.
    demo.wait_count("event handlers", 1, event_handler);
    channel.close();
    demo.wait_count("event handlers", 0, event_handler);
    demo.wait_log("Broken pipe");
    demo.wait_log("reason=\"link died (");
}

#[test]
fn todos_adds_an_item() {
    let _demo = Demo::start("todos");
    let page = page();
    assert!(page.html.contains("Hello"), "the first todo: {}", page.html);
    let (mut channel, rendered) = Channel::join(&page);
    assert!(rendered.to_string().contains("Hello"), "{rendered}");
    let diff = channel.submit("todos::Add", "title=Buy+milk").unwrap();
    let diff = diff.to_string();
    assert!(diff.contains("Buy milk"), "{diff}");
    assert!(diff.contains(r#""2""#), "two items left: {diff}");
    channel.close();
}
