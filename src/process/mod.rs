//! Processes: a wasm instance with a mailbox, links and monitors, driven by a tokio task.

mod cell;
mod limits;
mod spawn;
mod state;
mod task;

pub use cell::Process;
pub(crate) use cell::{ProcessCell, Signal};
pub use limits::{KilledItself, MemoryLimitExceeded};
pub use spawn::Param;
pub(crate) use spawn::SpawnRequest;
pub use state::ProcessState;
