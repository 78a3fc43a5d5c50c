//! A fixed node for the observer's tests: a hand-written supervisor restarting a crashing
//! worker, an idle named process, a busy one.

use grain::observe::{
    Delta, Event, EventKind, HostCall, ProcessRow, Snapshot, Status, Totals, Update,
};
use grain::{ExitReason, Pid};

/// A waiting process of module `app`.
pub fn row(id: u64, parent: Option<u64>, function: &str) -> ProcessRow {
    ProcessRow {
        pid: Pid(id),
        parent: parent.map(Pid),
        names: Vec::new(),
        module: "app".into(),
        version: 1,
        function: function.into(),
        status: Status::Waiting,
        fuel_used: 100 * id,
        fuel_limit: None,
        memory_bytes: 65_536,
        mailbox_bytes: 0,
        memory_limit: None,
        mailbox_len: 0,
        messages_in: 0,
        messages_out: 0,
        host_call: Some((HostCall::Receive, 0)),
        restarts: 0,
        links: Vec::new(),
        spawned_us: 0,
        child_id: None,
    }
}

/// The busy process `<0.3>`: running, with `fuel` used and `mib` MiB of its 16.
fn busy(fuel: u64, mib: u64) -> ProcessRow {
    ProcessRow {
        status: Status::Running,
        host_call: None,
        fuel_used: fuel,
        memory_bytes: mib * 1_048_576,
        memory_limit: Some(16 * 1_048_576),
        child_id: Some("spin".into()),
        ..row(3, Some(1), "spin")
    }
}

fn event(at_us: u64, pid: u64, kind: EventKind) -> Event {
    Event {
        at_us,
        pid: Pid(pid),
        kind,
    }
}

fn spawned(at_us: u64, pid: u64, parent: Option<u64>, function: &str) -> Event {
    let kind = EventKind::Spawned {
        parent: parent.map(Pid),
        module: "app".into(),
        function: function.into(),
    };
    event(at_us, pid, kind)
}

/// The node at 10 s.
pub fn snapshot() -> Snapshot {
    let sup = ProcessRow {
        restarts: 2,
        ..row(1, None, "_start")
    };
    let cache = ProcessRow {
        names: vec!["cache".into()],
        mailbox_len: 3,
        mailbox_bytes: 360,
        memory_bytes: 65_896,
        child_id: Some("cache".into()),
        ..row(2, Some(1), "idle")
    };
    let busy = busy(4_000_000, 2);
    let worker = ProcessRow {
        restarts: 2,
        host_call: Some((HostCall::Sleep, 9_800_000)),
        child_id: Some("worker".into()),
        ..row(9, Some(1), "worker")
    };
    let crash = |at, old, new, n| {
        event(
            at,
            1,
            EventKind::Restarted {
                child: "worker".into(),
                old: Some(Pid(old)),
                new: Pid(new),
                reason: "trap: unreachable".into(),
                restarts: n,
                window: 0,
                max_restarts: 0,
            },
        )
    };
    let trap = |at, pid| {
        event(
            at,
            pid,
            EventKind::Exited {
                reason: ExitReason::Shutdown {
                    reason: "trap: unreachable".into(),
                },
            },
        )
    };
    Snapshot {
        at_us: 10_000_000,
        processes: vec![sup, cache, busy, worker],
        events: vec![
            spawned(1_000, 1, None, "_start"),
            spawned(1_100, 2, Some(1), "idle"),
            spawned(1_200, 3, Some(1), "spin"),
            spawned(1_300, 4, Some(1), "worker"),
            trap(3_000_000, 4),
            spawned(3_000_100, 6, Some(1), "worker"),
            crash(3_000_100, 4, 6, 1),
            trap(6_000_000, 6),
            spawned(6_000_100, 9, Some(1), "worker"),
            crash(6_000_100, 6, 9, 2),
        ],
        exits: Vec::new(),
        totals: Totals {
            alive: 4,
            spawned: 6,
            exited: 2,
            dropped_events: 0,
            memory_bytes: 3_400_000,
            rss_bytes: 48 << 20,
        },
        cluster: None,
    }
}

/// One second later: the busy process burned fuel, the worker crashed and was restarted.
pub fn delta() -> Delta {
    let busy = busy(6_000_000, 3);
    let sup = ProcessRow {
        restarts: 3,
        fuel_used: 150,
        ..row(1, None, "_start")
    };
    let worker = ProcessRow {
        restarts: 3,
        child_id: Some("worker".into()),
        ..row(12, Some(1), "worker")
    };
    Delta {
        at_us: 11_000_000,
        changed: vec![sup, busy, worker],
        removed: vec![Pid(9)],
        events: vec![
            event(
                10_900_000,
                9,
                EventKind::Exited {
                    reason: ExitReason::Killed,
                },
            ),
            spawned(10_900_100, 12, Some(1), "worker"),
            event(
                10_900_100,
                1,
                EventKind::Restarted {
                    child: "worker".into(),
                    old: Some(Pid(9)),
                    new: Pid(12),
                    reason: "killed".into(),
                    restarts: 3,
                    window: 0,
                    max_restarts: 0,
                },
            ),
        ],
        totals: Totals {
            alive: 4,
            spawned: 7,
            exited: 3,
            dropped_events: 0,
            memory_bytes: 3_400_000,
            rss_bytes: 48 << 20,
        },
        cluster: None,
    }
}

/// A model that has seen the snapshot and the delta.
pub fn model() -> grain_tui::Model {
    let mut m = grain_tui::Model::new("/tmp/app.sock");
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Full(snapshot())));
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Delta(delta())));
    m
}

/// The model drawn at `w` × `h`, as the terminal would show it (one string per row).
pub fn draw(m: &grain_tui::Model, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| grain_tui::view(m, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// Presses keys (characters; `\n` is Enter).
pub fn keys(m: &mut grain_tui::Model, text: &str) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        grain_tui::update(
            m,
            grain_tui::Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
    }
}

/// The named screens the tests and the book show: the model after some keys, and a size.
pub fn scenario(name: &str) -> (grain_tui::Model, u16, u16) {
    match name {
        "cluster" => return (cluster_model("c"), 100, 12),
        "cluster-tree" => return (cluster_model("t"), 100, 9),
        _ => {}
    }
    let mut m = model();
    grain_tui::update(&mut m, grain_tui::Msg::Host(12.0, 3 << 30, 24 << 30));
    let (keys_pressed, w, h) = match name {
        "processes" => ("", 100, 12),
        "wide" => ("", 132, 9),
        "sorted" => (">>>>", 100, 12),
        "filtered" => ("\\work", 100, 8),
        "tree" => ("t", 100, 10),
        "detail" => ("\n", 80, 20),
        "events" => ("e", 100, 16),
        "help" => ("?", 80, 20),
        "kill" => ("jk", 80, 12),
        "paused" => (" [", 100, 9),
        "tiny" => ("", 40, 8),
        other => panic!("no scenario {other}"),
    };
    keys(&mut m, keys_pressed);
    if name == "detail" {
        let info = "<0.1>  app._start\n  status:      waiting in lunatic::message::receive\n  parent:      the host\n  links:       <0.12>\n  fuel:        150 used, limit unlimited";
        grain_tui::update(&mut m, grain_tui::Msg::Info(Pid(1), info.into()));
    }
    (m, w, h)
}

/// A screen as plain text, trailing spaces trimmed.
pub fn text(buffer: &ratatui::buffer::Buffer) -> String {
    let w = buffer.area.width as usize;
    let cells: Vec<&str> = buffer.content.iter().map(|c| c.symbol()).collect();
    cells
        .chunks(w.max(1))
        .map(|row| row.concat().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A node of the cluster fixture.
fn node(id: u64, name: &str, up: bool, processes: u64, traffic: u64) -> grain::cluster::NodeStatus {
    grain::cluster::NodeStatus {
        id,
        name: name.into(),
        tags: if id == 1 {
            [("role".to_owned(), "worker".to_owned())].into()
        } else {
            Default::default()
        },
        this: false,
        up,
        up_since_ms: 1_000_000,
        processes,
        sent: traffic,
        received: traffic,
        rtt_us: up.then_some(850 + id * 400),
        down_reason: (!up).then(|| "no heartbeat for 1003 ms".into()),
        down_since_ms: (!up).then_some(1_009_000),
    }
}

/// A watcher's view of a cluster of three nodes at 10 s and 11 s: `a` (1) runs a
/// supervisor whose worker on `b` (2) it spawned and links to; `c` (3) went down.
pub fn cluster_updates() -> (Snapshot, Delta) {
    let view = |clock_ms, traffic| grain::observe::ClusterView {
        cluster: "demo".into(),
        this: None,
        clock_ms,
        nodes: vec![
            node(1, "a", true, 1, traffic),
            node(2, "b", true, 1, traffic / 2),
            node(3, "c", false, 0, 0),
        ],
    };
    let sup = ProcessRow {
        pid: Pid::new(1, 1),
        links: vec![Pid::new(2, 1)],
        ..row(1, None, "_start")
    };
    let worker = ProcessRow {
        pid: Pid::new(2, 1),
        parent: Some(Pid::new(1, 1)),
        links: vec![Pid::new(1, 1)],
        ..row(2, None, "worker")
    };
    let up = |at_us, node: u64, name: &str| Event {
        at_us,
        pid: Pid::new(node, 0),
        kind: EventKind::NodeUp {
            node,
            name: name.into(),
        },
    };
    let snapshot = Snapshot {
        at_us: 10_000_000,
        processes: vec![sup.clone(), worker.clone()],
        events: vec![
            up(100_000, 1, "a"),
            up(200_000, 2, "b"),
            up(300_000, 3, "c"),
            Event {
                at_us: 9_000_000,
                pid: Pid::new(3, 0),
                kind: EventKind::NodeDown {
                    node: 3,
                    name: "c".into(),
                    reason: "no heartbeat for 1003 ms".into(),
                },
            },
        ],
        exits: Vec::new(),
        totals: Totals {
            alive: 2,
            spawned: 2,
            exited: 0,
            dropped_events: 0,
            memory_bytes: 140_000,
            rss_bytes: 96 << 20,
        },
        cluster: Some(view(1_010_000, 1_000)),
    };
    let delta = Delta {
        at_us: 11_000_000,
        changed: vec![ProcessRow {
            fuel_used: 900,
            ..worker
        }],
        removed: Vec::new(),
        events: Vec::new(),
        totals: snapshot.totals.clone(),
        cluster: Some(view(1_011_000, 1_500)),
    };
    (snapshot, delta)
}

/// A model that has seen the cluster's snapshot and delta, after `keys_pressed`.
pub fn cluster_model(keys_pressed: &str) -> grain_tui::Model {
    let (snapshot, delta) = cluster_updates();
    let mut m = grain_tui::Model::new("as a watcher");
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Full(snapshot)));
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Delta(delta)));
    keys(&mut m, keys_pressed);
    m
}
