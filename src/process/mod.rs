//! Processes: a wasm instance with a mailbox, links and monitors, driven by a tokio task.

mod busy;
mod cell;
pub mod coredump;
mod handle;
mod host;
mod inspect;
mod limits;
mod lineage;
mod relations;
mod signals;
mod spawn;
mod start_gate;
mod state;
mod store;
mod task;

pub(crate) use cell::{ProcessCell, Signal};
pub use handle::Process;
pub use host::HostProcess;
pub use inspect::InspectError;
pub(crate) use inspect::Inspector;
pub use limits::{KilledItself, MemoryLimitExceeded};
pub use spawn::Param;
pub(crate) use spawn::SpawnRequest;
pub use state::ProcessState;
pub(crate) use store::{instantiate, new_store};
