//! End-to-end tests of the `grain` binary: real processes, real wasm guests.

mod assemblyscript;
mod bench_guest;
mod book;
mod browser;
mod cluster;
mod cluster_support;
mod commands;
mod control;
mod dist_bench;
mod guests;
mod live_view;
mod live_view_browser;
mod live_view_support;
mod log;
mod lunatic_suite;
#[path = "../../../tests/all/nats.rs"]
mod nats_server;
mod network;
mod observer;
mod responsive;
mod run;
mod script_output;
mod sessions;
mod support;
mod terminal;
mod test_mode;
mod top;
mod trace;
mod upgrade;
mod web;

mod tmux;
