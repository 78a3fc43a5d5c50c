//! Every view drawn at a fixed moment and size, compared with the stored screens
//! (tests/observer/snapshots; `INSTA_UPDATE=always` rewrites them, then review the diff).

use crate::fixture;

use crate::fixture::{draw, keys, model, scenario};
use grain_tui::Model;

fn screen(name: &str) -> String {
    let (m, w, h) = scenario(name);
    fixture::text(&draw(&m, w, h))
}

#[test]
fn processes() {
    insta::assert_snapshot!(screen("processes"));
}

#[test]
fn processes_in_a_wide_terminal_show_the_host_call() {
    insta::assert_snapshot!(screen("wide"));
}

#[test]
fn processes_sorted_by_fuel_rate_descending() {
    insta::assert_snapshot!(screen("sorted"));
}

#[test]
fn filtered() {
    insta::assert_snapshot!(screen("filtered"));
}

#[test]
fn tree() {
    insta::assert_snapshot!(screen("tree"));
}

#[test]
fn detail() {
    insta::assert_snapshot!(screen("detail"));
}

#[test]
fn events() {
    insta::assert_snapshot!(screen("events"));
}

#[test]
fn help() {
    insta::assert_snapshot!(screen("help"));
}

#[test]
fn kill_confirmation() {
    insta::assert_snapshot!(screen("kill"));
}

#[test]
fn paused_in_the_past() {
    insta::assert_snapshot!(screen("paused"));
}

#[test]
fn tiny_terminal() {
    insta::assert_snapshot!(screen("tiny"));
}

#[test]
fn empty_node() {
    let m = Model::new("a fresh node");
    insta::assert_snapshot!(fixture::text(&draw(&m, 80, 6)));
}

#[test]
fn too_small_to_draw_anything_useful_but_no_panic() {
    for (w, h) in [(1, 1), (10, 2), (20, 3), (30, 1)] {
        let _ = draw(&model(), w, h);
        let mut m = model();
        keys(&mut m, "?");
        let _ = draw(&m, w, h);
        keys(&mut m, "?t\n");
        let _ = draw(&m, w, h);
    }
}

#[test]
fn restarted_rows_flash_and_the_selection_is_reversed() {
    use ratatui::style::{Color, Modifier};
    let (m, w, h) = scenario("processes");
    let buffer = draw(&m, w, h);
    let style_of = |y: u16| buffer[(0, y)].style();
    // Row 3 is <0.1> (selected, restarted at 10.9 s), row 4 <0.2>, row 6 <0.12> (the new
    // worker, restarted); the screen is at 11.0 s, within the 2 s flash.
    assert_eq!(style_of(3).bg, Some(Color::Yellow));
    assert!(style_of(3).add_modifier.contains(Modifier::REVERSED));
    assert_ne!(style_of(4).bg, Some(Color::Yellow));
    assert_eq!(style_of(6).bg, Some(Color::Yellow));
    // Three seconds later the flash is over.
    let mut later = m.clone();
    let mut quiet = fixture::delta();
    quiet.at_us = 14_000_000;
    quiet.events.clear();
    quiet.changed.clear();
    quiet.removed.clear();
    grain_tui::update(
        &mut later,
        grain_tui::Msg::Update(grain::observe::Update::Delta(quiet)),
    );
    let buffer = draw(&later, w, h);
    assert_ne!(buffer[(0, 6)].style().bg, Some(Color::Yellow));
}

/// The cluster view: every node (state, since, processes, messages/s, RTT, tags, why
/// down) and the log of ups and downs.
#[test]
fn cluster_nodes_and_their_ups_and_downs() {
    let m = fixture::cluster_model("c");
    insta::assert_snapshot!(fixture::text(&draw(&m, 120, 14)));
}

/// In a cluster the process table has every node's processes and a node column.
#[test]
fn cluster_processes_with_a_node_column() {
    let m = fixture::cluster_model("");
    insta::assert_snapshot!(fixture::text(&draw(&m, 100, 8)));
}

/// The tree draws a process's links to other nodes' processes under it; a process
/// spawned by another node's process is under it.
#[test]
fn cluster_tree_draws_remote_links() {
    let m = fixture::cluster_model("t");
    insta::assert_snapshot!(fixture::text(&draw(&m, 100, 10)));
}

/// The detail says where a process lives and its remote links.
#[test]
fn cluster_detail_names_the_node_and_remote_links() {
    let m = fixture::cluster_model("\n");
    insta::assert_snapshot!(fixture::text(&draw(&m, 100, 14)));
}

fn press(m: &mut Model, code: crossterm::event::KeyCode, times: usize) {
    for _ in 0..times {
        let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
        grain_tui::update(m, grain_tui::Msg::Key(key));
    }
}

/// Scrolled back, the log says so and how many newer events are below.
#[test]
fn events_scrolled_back() {
    let mut m = model();
    keys(&mut m, "e");
    press(&mut m, crossterm::event::KeyCode::Up, 4);
    let screen = fixture::text(&draw(&m, 100, 10));
    assert!(
        screen.contains("scrolled back, 4 newer below (End follows)"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A filter shows only the events with every word of it, and says so.
#[test]
fn events_filtered_by_kind_and_pid() {
    let mut m = model();
    keys(&mut m, "e\\exited <0.\n");
    let screen = fixture::text(&draw(&m, 100, 10));
    assert!(
        screen.contains("events 3 of 13 · filter: exited <0."),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A search marks the match (reversed) and says what it searches.
#[test]
fn events_search_marks_the_match() {
    let mut m = model();
    keys(&mut m, "e/restarted worker\nn");
    let buffer = draw(&m, 100, 10);
    let screen = fixture::text(&buffer);
    let y = screen
        .lines()
        .position(|l| l.contains("restarted worker: <0.6> -> <0.9>"))
        .expect("n found the second newest restart") as u16;
    use ratatui::style::Modifier;
    assert!(
        buffer[(0, y)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    insta::assert_snapshot!(screen);
}

/// The tree draws branch lines as the shell's `tree` does, with each child's id.
#[test]
fn tree_has_branch_lines_and_child_ids() {
    let screen = screen("tree");
    for want in [
        "<0.1>",
        "├─ cache <0.2>",
        "├─ spin <0.3>",
        "└─ worker <0.12>",
    ] {
        assert!(
            screen.lines().any(|l| l.starts_with(want)),
            "{want:?} in\n{screen}"
        );
    }
}

/// At 80, 100 and 140 columns every figure shown keeps its unit: columns are dropped
/// whole, never cut.
#[test]
fn processes_keep_their_units_at_80_100_and_140_columns() {
    let m = model();
    for w in [80, 100, 140] {
        let screen = fixture::text(&draw(&m, w, 12));
        let busy = screen
            .lines()
            .find(|l| l.starts_with("<0.3>"))
            .unwrap_or_else(|| panic!("the busy row at {w}:\n{screen}"));
        assert!(busy.contains("3.0MiB/16MiB"), "{w}: {busy}");
        assert!(
            busy.contains("2.0M"),
            "{w}: the fuel rate with its M: {busy}"
        );
        let cache = screen.lines().find(|l| l.starts_with("<0.2>")).unwrap();
        assert!(cache.contains("64KiB/-"), "{w}: {cache}");
        for line in screen.lines() {
            assert!(line.chars().count() <= w as usize);
        }
        if w == 140 {
            assert!(busy.contains("6.0M"), "the fuel total at 140: {busy}");
            assert!(screen.contains("HOST CALL"), "{screen}");
        }
    }
    insta::assert_snapshot!("processes_at_80", fixture::text(&draw(&m, 80, 8)));
    insta::assert_snapshot!("processes_at_140", fixture::text(&draw(&m, 140, 8)));
}

/// The header counts the whole node (its counters, not the rows shown), with its RSS and
/// its processes' memory labelled apart.
#[test]
fn the_header_counts_the_whole_node() {
    let mut m = model();
    keys(&mut m, "\\cache\n");
    let screen = fixture::text(&draw(&m, 120, 8));
    let header = screen.lines().nth(1).unwrap();
    // One row is shown; the node has 4 alive and its processes hold 3.2 MiB.
    assert!(header.contains("procs 4 alive"), "{header}");
    assert!(header.contains("RSS 48MiB"), "{header}");
    assert!(header.contains("proc mem 3.2MiB"), "{header}");
}

/// A long notice wraps at a narrow width; one too long for three lines ends in `…`.
#[test]
fn notices_wrap_and_are_never_cut_off() {
    let mut m = model();
    let notice = "cannot connect to /tmp/a/rather/long/path/node.sock: connection refused";
    grain_tui::update(&mut m, grain_tui::Msg::Notice(notice.into()));
    let screen = fixture::text(&draw(&m, 40, 12));
    let tail: Vec<&str> = screen.lines().rev().take(3).collect();
    let joined: Vec<&str> = tail
        .iter()
        .rev()
        .flat_map(|l| l.split_whitespace())
        .collect();
    assert_eq!(joined.join(" "), notice, "\n{screen}");
    insta::assert_snapshot!(screen);
    let long = "word ".repeat(40);
    grain_tui::update(&mut m, grain_tui::Msg::Notice(long));
    let screen = fixture::text(&draw(&m, 40, 12));
    let last = screen.lines().last().unwrap();
    assert!(last.ends_with('…'), "{screen}");
}

/// A limit hit shows its value with its unit (1 fuel = 1 wasm instruction).
#[test]
fn a_limit_hit_names_its_unit() {
    use grain::observe::{Event, EventKind, Limit, Update};
    let mut m = model();
    let mut snapshot = fixture::snapshot();
    snapshot.events.push(Event {
        at_us: 10_500_000,
        pid: grain::Pid(3),
        kind: EventKind::LimitHit {
            limit: Limit::Fuel,
            value: 10_000_000,
        },
    });
    snapshot.events.push(Event {
        at_us: 10_600_000,
        pid: grain::Pid(2),
        kind: EventKind::LimitHit {
            limit: Limit::Memory,
            value: 16 << 20,
        },
    });
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Full(snapshot)));
    keys(&mut m, "e");
    let screen = fixture::text(&draw(&m, 100, 20));
    assert!(screen.contains("fuel limit hit (10.0M fuel)"), "{screen}");
    assert!(screen.contains("memory limit hit (16.0 MiB)"), "{screen}");
}

#[test]
fn detail_with_its_trace_pane() {
    let mut m = model();
    keys(&mut m, "\nT");
    grain_tui::update(
        &mut m,
        grain_tui::Msg::Info(grain::Pid(1), "links: <0.2>".into()),
    );
    let lines = [
        "[1.000100] <0.1> receive from <0.2>: link died",
        "[1.000250] <0.1> spawn <0.13> app.worker",
        "[1.000260] <0.1> link <0.13>",
    ];
    grain_tui::update(
        &mut m,
        grain_tui::Msg::Trace(lines.iter().map(|l| l.to_string()).collect(), false),
    );
    insta::assert_snapshot!(fixture::text(&draw(&m, 100, 30)));
}

/// After a reload and an upgrade: rows say which version they run, and the log tells the
/// loads, the upgrade (time and state size), a rollback and a purge.
#[test]
fn versions_after_an_upgrade() {
    use grain::observe::{Delta, Event, EventKind, ProcessRow, Update};
    let mut m = model();
    let at = |at_us, pid, kind| Event {
        at_us,
        pid: grain::Pid(pid),
        kind,
    };
    let upgraded = ProcessRow {
        version: 2,
        ..fixture::row(2, Some(1), "idle")
    };
    let events = vec![
        at(
            11_100_000,
            0,
            EventKind::Loaded {
                module: "app".into(),
                version: 2,
            },
        ),
        at(
            11_200_000,
            2,
            EventKind::Upgraded {
                from: "app@1".into(),
                to: "app@2".into(),
                micros: 84,
                state_bytes: 12,
            },
        ),
        at(
            11_300_000,
            12,
            EventKind::UpgradeFailed {
                to: "app@2".into(),
                reason: "app@2: trap: unreachable".into(),
            },
        ),
        at(
            11_400_000,
            0,
            EventKind::Purged {
                module: "app".into(),
                versions: vec![1],
                ended: 1,
            },
        ),
    ];
    let delta = Delta {
        at_us: 11_500_000,
        changed: vec![upgraded],
        removed: vec![grain::Pid(3)],
        events,
        totals: fixture::delta().totals,
        cluster: None,
    };
    grain_tui::update(&mut m, grain_tui::Msg::Update(Update::Delta(delta)));
    let table = fixture::text(&draw(&m, 100, 9));
    assert!(table.contains("app@2.idle"), "{table}");
    insta::assert_snapshot!("versions_processes", table);
    keys(&mut m, "e");
    let log = fixture::text(&draw(&m, 100, 9));
    insta::assert_snapshot!("versions_events", log);
}
