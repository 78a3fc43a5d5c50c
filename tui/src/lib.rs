//! The grain observer: a live terminal view of a grain node's processes, supervision
//! trees, restarts, fuel and memory (after Erlang's observer, observer_cli and
//! tokio-console).
//!
//! Elm-style: a [`Model`], messages ([`Msg`]) folded in by [`update`], which may ask for an
//! [`Action`], and [`view`], a pure function of the model. [`run`] drives them in a real
//! terminal against a [`Node`]: a local runtime, a node attached over its control socket,
//! or a recording being replayed.

mod app;
mod column;
mod events;
mod host;
mod input;
mod model;
mod nodes;
mod order;
mod record;
pub mod secret;
mod table;
mod tree;
mod update;
mod view;
pub mod web;

pub use app::{Node, run};
pub use events::shown as shown_events;
pub use model::{Column, Input, Model, Tab, TracePane};
pub use nodes::Nodes;
pub use record::{Recorder, Replay};
pub use table::{History, Spark, Table};
pub use update::{Action, Msg, update};
pub use view::fmt;
pub use view::view;
