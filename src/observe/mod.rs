//! The observer data plane (after tokio-console): stats slots written by processes,
//! lifecycle events kept in a sink, and one aggregator task that folds both into
//! snapshots and deltas for any number of subscribers. Processes never wait for observers.

mod aggregator;
mod event;
mod snapshot;
mod stats;

pub(crate) use aggregator::{row, start_aggregator, totals};
pub(crate) use event::EventSink;
pub use event::{Event, EventKind, Limit};
pub use snapshot::{ClusterView, Delta, Observer, ProcessRow, Snapshot, Totals, Update};
pub use stats::{HostCall, StatsSlot, Status};
