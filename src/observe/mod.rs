//! The observer data plane (after tokio-console): stats slots written by processes,
//! lifecycle events kept in a sink, and one aggregator task that folds both into
//! snapshots and deltas for any number of subscribers. Processes never wait for observers.

mod aggregator;
pub(crate) mod budget;
mod event;
mod rows;
mod snapshot;
mod stats;

pub(crate) use aggregator::start_aggregator;
pub(crate) use event::EventSink;
pub use event::{Event, EventKind, Limit};
pub(crate) use rows::{row, totals, totals_with};
pub use snapshot::{ClusterView, Delta, Observer, ProcessRow, Snapshot, Totals, Update};
pub(crate) use stats::bump;
pub use stats::{HostCall, StatsSlot, Status};
