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
