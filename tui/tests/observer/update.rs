//! `update` without a terminal: keys and data change the model as they should.

use crate::fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use grain::Pid;
use grain::observe::Update;
use grain_tui::{Action, Column, Model, Msg, Tab, update};

fn key(m: &mut Model, code: KeyCode) -> Option<Action> {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(m: &mut Model, text: &str) {
    for c in text.chars() {
        key(m, KeyCode::Char(c));
    }
}

fn pids(m: &Model) -> Vec<u64> {
    m.order.iter().map(|(p, _)| p.0).collect()
}

#[test]
fn updates_fold_into_the_table() {
    let m = fixture::model();
    assert_eq!(pids(&m), [1, 2, 3, 12]);
    let t = m.shown();
    // 2M fuel in 1 s; the new worker has no rate yet; the supervisor burned 50.
    assert_eq!(t.fuel_rate.get(&Pid(3)), Some(&2_000_000));
    assert_eq!(t.fuel_rate.get(&Pid(12)), None);
    assert_eq!(t.fuel_rate.get(&Pid(1)), Some(&50));
    assert_eq!(t.rows[&Pid(1)].restarts, 3);
    // The restart at 10.9 s flashes the supervisor and the new worker.
    assert!(t.flash.contains_key(&Pid(1)) && t.flash.contains_key(&Pid(12)));
    assert_eq!(t.totals.spawned, 7);
    assert_eq!(t.exit_of(Pid(9)), Some("killed"));
    assert_eq!(t.events.len(), 13);
}

#[test]
fn sorting_and_inverting() {
    let mut m = fixture::model();
    assert_eq!(pids(&m), [1, 2, 3, 12], "pids ascending");
    keys(&mut m, ">>>>");
    assert_eq!(m.sort, Column::FuelRate);
    // A resource sorts biggest first (ties by pid).
    assert_eq!(pids(&m), [3, 1, 2, 12]);
    keys(&mut m, "I");
    assert_eq!(pids(&m), [2, 12, 1, 3]);
    keys(&mut m, ">>");
    assert_eq!(m.sort, Column::Memory);
    assert!(!m.invert, "a new column sorts its own way");
    assert_eq!(pids(&m)[0], 3, "the biggest memory first");
    keys(&mut m, "<<<<<<<");
    assert_eq!(m.sort, Column::HostCall, "< wraps around");
    // Waiting longest first: <0.1>, <0.2>, <0.12> since 0 (the fixture's), the busy one last.
    assert_eq!(pids(&m), [1, 2, 12, 3]);
    keys(&mut m, "<<<<<<<<");
    assert_eq!(m.sort, Column::Name);
    assert_eq!(pids(&m), [1, 3, 12, 2], "no name first, then #cache");
}

#[test]
fn under_a_look_only_connection_k_says_it_cannot_kill() {
    let mut m = fixture::model();
    m.look_only = true;
    assert_eq!(key(&mut m, KeyCode::Char('k')), None);
    assert_eq!(m.confirm_kill, None, "no confirmation to answer");
    assert_eq!(m.notice, "look-only connection: cannot kill");
    assert_eq!(key(&mut m, KeyCode::Char('y')), None, "y kills nothing");
}

#[test]
fn a_paused_detail_shows_what_the_node_said_at_that_moment() {
    let mut m = grain_tui::Model::new("t");
    update(&mut m, Msg::Update(Update::Full(fixture::snapshot())));
    key(&mut m, KeyCode::Enter);
    update(&mut m, Msg::Info(Pid(1), "said at 10 s".into()));
    update(&mut m, Msg::Update(Update::Delta(fixture::delta())));
    update(&mut m, Msg::Info(Pid(1), "said at 11 s".into()));
    // Pause, then step back to the snapshot at 10 s.
    keys(&mut m, " [");
    assert_eq!(m.shown().at_us, 10_000_000);
    let screen = fixture::text(&fixture::draw(&m, 100, 16));
    assert!(screen.contains("said at 10 s"), "{screen}");
    assert!(!screen.contains("said at 11 s"), "{screen}");
    // The figures are the paused moment's too: 100 fuel used then, 150 at 11 s.
    assert!(screen.contains("at 10.0s: fuel 100 used"), "{screen}");
    // Live again: the newest.
    keys(&mut m, " ");
    let screen = fixture::text(&fixture::draw(&m, 100, 16));
    assert!(
        screen.contains("said at 11 s") && screen.contains("now: fuel 150 used"),
        "{screen}"
    );
}

#[test]
fn the_header_says_when_the_data_is_behind() {
    let mut m = fixture::model();
    let header = |m: &Model| {
        fixture::text(&fixture::draw(m, 120, 6))
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(header(&m).contains(" LIVE "), "{}", header(&m));
    update(&mut m, Msg::Since(1_500));
    assert!(header(&m).contains(" LIVE "), "{}", header(&m));
    update(&mut m, Msg::Since(3_200));
    assert!(
        header(&m).contains("BEHIND: no update for 3.2s"),
        "{}",
        header(&m)
    );
    assert!(!header(&m).contains("LIVE"));
    update(&mut m, Msg::Update(Update::Delta(fixture::delta())));
    assert!(
        header(&m).contains(" LIVE "),
        "an update is fresh: {}",
        header(&m)
    );
    m.replay = true;
    assert!(header(&m).contains(" REPLAY "), "{}", header(&m));
}

#[test]
fn the_selection_follows_its_process_when_the_order_changes() {
    let mut m = fixture::model();
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Down);
    assert_eq!(m.selected_pid(), Some(Pid(3)));
    keys(&mut m, "I");
    assert_eq!(m.selected_pid(), Some(Pid(3)));
    key(&mut m, KeyCode::Up);
    assert_eq!(m.selected_pid(), Some(Pid(12)));
    for _ in 0..10 {
        key(&mut m, KeyCode::Down);
    }
    assert_eq!(m.selected_pid(), Some(Pid(1)), "stops at the last row");
}

#[test]
fn filter_as_you_type_and_search() {
    let mut m = fixture::model();
    keys(&mut m, "\\work");
    assert_eq!(pids(&m), [12], "filters while typing");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.filter, "work");
    key(&mut m, KeyCode::Esc);
    assert_eq!(pids(&m), [1, 2, 3, 12], "Esc clears the filter");
    keys(&mut m, "/cache");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.selected_pid(), Some(Pid(2)), "search jumps to #cache");
    keys(&mut m, "/nothing");
    key(&mut m, KeyCode::Enter);
    assert!(m.notice.contains("no process matches"));
}

#[test]
fn kill_asks_first() {
    let mut m = fixture::model();
    key(&mut m, KeyCode::Down);
    assert_eq!(key(&mut m, KeyCode::Char('k')), None);
    assert_eq!(m.confirm_kill, Some(Pid(2)));
    assert_eq!(
        key(&mut m, KeyCode::Char('n')),
        None,
        "anything but y cancels"
    );
    assert_eq!(m.confirm_kill, None);
    key(&mut m, KeyCode::Char('k'));
    assert_eq!(key(&mut m, KeyCode::Char('y')), Some(Action::Kill(Pid(2))));
}

#[test]
fn detail_asks_the_node_and_esc_goes_back() {
    let mut m = fixture::model();
    assert_eq!(key(&mut m, KeyCode::Enter), Some(Action::Info(Pid(1))));
    update(&mut m, Msg::Info(Pid(1), "links: <0.12>".into()));
    assert_eq!(m.detail_text, "links: <0.12>");
    update(&mut m, Msg::Info(Pid(2), "not this one".into()));
    assert_eq!(m.detail_text, "links: <0.12>");
    // Each update refreshes the open detail.
    let again = update(&mut m, Msg::Update(Update::Delta(fixture::delta())));
    assert_eq!(again, Some(Action::Info(Pid(1))));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.detail, None);
    assert_eq!(key(&mut m, KeyCode::Char('q')), Some(Action::Quit));
}

#[test]
fn tree_folds() {
    let mut m = fixture::model();
    keys(&mut m, "t");
    assert_eq!(m.tab, Tab::Tree);
    let depths: Vec<usize> = m.order.iter().map(|(_, d)| *d).collect();
    assert_eq!((pids(&m), depths), (vec![1, 2, 3, 12], vec![0, 1, 1, 1]));
    keys(&mut m, "-");
    assert_eq!(pids(&m), [1], "folding the root hides its children");
    keys(&mut m, "+");
    assert_eq!(pids(&m).len(), 4);
    keys(&mut m, "t");
    assert_eq!(m.tab, Tab::Processes);
}

#[test]
fn pause_and_scrub_through_history() {
    let mut m = fixture::model();
    keys(&mut m, " ");
    assert_eq!(m.scrub, Some(1), "paused on the latest moment");
    keys(&mut m, "[");
    assert_eq!(m.scrub, Some(0));
    assert_eq!(pids(&m), [1, 2, 3, 9], "the table as of the snapshot");
    // Updates keep arriving while paused; the screen stays put.
    update(&mut m, Msg::Update(Update::Delta(fixture::delta())));
    assert_eq!(pids(&m), [1, 2, 3, 9]);
    assert_eq!(m.history.len(), 3);
    assert!(key(&mut m, KeyCode::Char('k')).is_none() && m.confirm_kill.is_none());
    assert!(m.notice.contains("cannot kill the past"));
    keys(&mut m, "]]");
    assert_eq!(m.scrub, Some(2));
    keys(&mut m, "]");
    assert_eq!(m.scrub, None, "] past the end goes live");
    assert_eq!(pids(&m), [1, 2, 3, 12]);
}

#[test]
fn help_and_the_end_of_the_node() {
    let mut m = fixture::model();
    keys(&mut m, "?");
    assert!(m.help);
    assert_eq!(key(&mut m, KeyCode::Char('q')), None, "q closes help first");
    assert!(!m.help);
    update(&mut m, Msg::Ended);
    assert!(m.ended);
    key(&mut m, KeyCode::Char('k'));
    assert_eq!(
        m.confirm_kill, None,
        "nothing to kill on a node that is gone"
    );
}

#[test]
fn history_is_bounded() {
    let mut h = grain_tui::History::new(3);
    h.push(Update::Full(fixture::snapshot()));
    for _ in 0..5 {
        h.push(Update::Delta(fixture::delta()));
    }
    assert_eq!(h.len(), 3);
    // The oldest kept moment is already past the snapshot: <0.9> is gone.
    assert!(!h.at(0).rows.contains_key(&Pid(9)));
}

#[test]
fn a_cluster_folds_in_with_rates_and_a_log_of_ups_and_downs() {
    let m = fixture::cluster_model("");
    let nodes = m.shown().nodes.as_ref().expect("a cluster");
    assert_eq!(nodes.cluster, "demo");
    assert_eq!(nodes.counts(), (2, 1));
    // a sent and received 500 more each in 1 s; b 250 each; c nothing.
    assert_eq!(nodes.rate.get(&1), Some(&1_000));
    assert_eq!(nodes.rate.get(&2), Some(&500));
    assert_eq!(nodes.rate.get(&3), Some(&0));
    assert_eq!(nodes.log.len(), 4, "three ups and a down");
    assert_eq!(nodes.clock_ms(11_500_000), 1_011_500);
    assert!(nodes.is_down(3) && !nodes.is_down(1));
    // Outside a cluster there is none.
    assert!(fixture::model().shown().nodes.is_none());
}

#[test]
fn c_and_tab_reach_the_cluster_view_only_in_a_cluster() {
    let mut m = fixture::cluster_model("c");
    assert_eq!(m.tab, Tab::Cluster);
    keys(&mut m, "c");
    assert_eq!(m.tab, Tab::Processes);
    for want in [Tab::Tree, Tab::Events, Tab::Cluster, Tab::Processes] {
        key(&mut m, KeyCode::Tab);
        assert_eq!(m.tab, want);
    }
    // The cluster view shows no process: neither k nor Enter acts on a hidden one.
    keys(&mut m, "ck");
    assert_eq!(m.confirm_kill, None);
    assert_eq!(key(&mut m, KeyCode::Enter), None);
    assert_eq!(m.detail, None);
    let mut m = fixture::model();
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.tab, Tab::Processes, "no cluster view to tab to");
}

#[test]
fn in_a_cluster_rows_sort_by_node_and_filter_by_node_name() {
    let mut m = fixture::cluster_model("<");
    assert_eq!(m.sort, Column::Node, "< from the pid wraps to the node");
    keys(&mut m, "I");
    let node_ids: Vec<u64> = m.order.iter().map(|(p, _)| p.node()).collect();
    assert_eq!(node_ids, [2, 1]);
    let mut m = fixture::cluster_model("\\b");
    let shown: Vec<u64> = m.order.iter().map(|(p, _)| p.node()).collect();
    assert_eq!(shown, [2], "the filter matches the node's name");
    key(&mut m, KeyCode::Esc);
}

#[test]
fn the_tree_puts_remote_links_under_their_process() {
    let m = fixture::cluster_model("t");
    let order: Vec<String> = m.order.iter().map(|(p, d)| format!("{d}{p}")).collect();
    // a's supervisor, its link to b's worker, the worker it spawned (under it), and the
    // worker's link back.
    assert_eq!(order, ["0<1.1>", "1<2.1>", "1<2.1>", "2<1.1>"]);
    let mut links: Vec<usize> = m.link_rows.iter().copied().collect();
    links.sort_unstable();
    assert_eq!(links, [1, 3]);
}

#[test]
fn updates_of_older_nodes_decode_and_a_node_outside_a_cluster_sends_no_cluster() {
    let json = serde_json::to_value(Update::Full(fixture::snapshot())).unwrap();
    assert!(
        json["Full"].get("cluster").is_none(),
        "outside a cluster the line is as before: {json}"
    );
    // An older node's delta has no `cluster` field.
    let old = r#"{"Delta":{"at_us":5,"changed":[],"removed":[],"events":[],"totals":{"alive":0,"spawned":0,"exited":0,"dropped_events":0}}}"#;
    let Update::Delta(d) = serde_json::from_str(old).expect("decodes") else {
        panic!("a delta");
    };
    assert!(d.cluster.is_none());
    // And a cluster survives the trip.
    let (snapshot, _) = fixture::cluster_updates();
    let line = serde_json::to_string(&Update::Full(snapshot.clone())).unwrap();
    assert_eq!(
        serde_json::from_str::<Update>(&line).unwrap(),
        Update::Full(snapshot)
    );
}

#[test]
fn the_event_log_follows_the_newest_until_scrolled_away() {
    let mut m = fixture::model();
    keys(&mut m, "e");
    assert_eq!(m.events.anchor, None, "following");
    key(&mut m, KeyCode::Up);
    let anchor = m.events.anchor.expect("scrolled away");
    // New events do not move what is on screen.
    update(&mut m, Msg::Update(Update::Delta(fixture::delta())));
    assert_eq!(m.events.anchor, Some(anchor));
    key(&mut m, KeyCode::PageUp);
    key(&mut m, KeyCode::Home);
    assert_eq!(m.events.anchor, Some(m.shown().events_first), "the oldest");
    key(&mut m, KeyCode::End);
    assert_eq!(m.events.anchor, None, "End follows again");
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::PageDown);
    assert_eq!(
        m.events.anchor, None,
        "scrolling down to the newest follows"
    );
}

#[test]
fn the_event_log_filters_as_typed_and_searches_older_matches() {
    let mut m = fixture::model();
    keys(&mut m, "e\\exited");
    assert_eq!(m.events.filter, "exited", "applied as typed");
    let t = m.shown();
    assert_eq!(grain_tui::shown_events(t, &m.events.filter).len(), 3);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.events.filter, "", "Esc clears the log's filter");
    assert_eq!(m.filter, "", "the process filter is not the log's");
    // Search: the newest match first, then n goes older, wrapping round.
    keys(&mut m, "/restarted");
    key(&mut m, KeyCode::Enter);
    let seq = |m: &Model| m.events.mark.unwrap() - m.shown().events_first;
    let newest = seq(&m);
    keys(&mut m, "n");
    let older = seq(&m);
    assert!(older < newest, "{older} < {newest}");
    keys(&mut m, "nn");
    assert_eq!(seq(&m), newest, "three restarts: n wraps round");
    keys(&mut m, "/nothing like it");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.notice, "no event matches \"nothing like it\"");
}

#[test]
fn t_traces_the_detail_process_and_t_again_stops() {
    let mut m = fixture::model();
    assert_eq!(key(&mut m, KeyCode::Enter), Some(Action::Info(Pid(1))));
    assert_eq!(
        key(&mut m, KeyCode::Char('T')),
        Some(Action::Trace(Pid(1), true))
    );
    assert_eq!((m.trace.pid, m.trace.of), (Some(Pid(1)), Some(Pid(1))));
    let line = "[1.000000] <0.1> receive from <0.2> tag 1: 2 bytes \"hi\"".to_owned();
    update(&mut m, Msg::Trace(vec![line.clone()], false));
    assert_eq!(m.trace.lines, [line]);
    assert_eq!(
        key(&mut m, KeyCode::Char('T')),
        Some(Action::Trace(Pid(1), false))
    );
    assert_eq!(m.trace.pid, None);
    // A trace that stops by its rails says so and the pane keeps its lines.
    key(&mut m, KeyCode::Char('T'));
    update(
        &mut m,
        Msg::Trace(
            vec!["trace of <0.1> stopped: reached its limit of 100 events".into()],
            true,
        ),
    );
    assert_eq!((m.trace.pid, m.trace.lines.len()), (None, 2));
    // The past cannot be traced.
    key(&mut m, KeyCode::Char(' '));
    assert_eq!(key(&mut m, KeyCode::Char('T')), None);
    assert!(m.notice.contains("cannot trace the past"), "{}", m.notice);
}
