//! # grain
//!
//! An Erlang-inspired runtime for WebAssembly. Every process is a sandboxed wasm instance
//! with its own linear memory, a mailbox, links and monitors, a compute (fuel) limit and a
//! memory limit. Processes run on tokio and are preempted, so a process that loops forever,
//! exhausts its memory or traps never harms the runtime or its neighbours.
//!
//! The guest ABI is lunatic's: programs built with the `lunatic` crate run unmodified.
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), grain::Error> {
//! use grain::{ExitReason, ProcessConfig, Runtime, RuntimeConfig};
//!
//! let rt = Runtime::new(RuntimeConfig::default())?;
//! let module = rt.load("adder", br#"(module
//!     (memory (export "memory") 1)
//!     (func (export "main") (param i32 i32) (drop (i32.add (local.get 0) (local.get 1)))))"#)?;
//! let process = rt.spawn(&module, "main", &[grain::Param::I32(1), grain::Param::I32(2)],
//!     ProcessConfig::default())?;
//! assert_eq!(process.wait().await, ExitReason::Normal);
//! # Ok(()) }
//! ```

pub mod backtrace;
pub mod cluster;
pub mod code;
pub mod config;
mod entry_names;
pub mod error;
pub mod exit;
mod host;
pub mod log;
pub mod mailbox;
pub mod message;
pub mod metrics;
pub mod module;
pub mod monitor;
pub mod observe;
mod pid;
pub mod process;
pub mod quantity;
pub mod registry;
mod resources;
pub mod runtime;
pub mod supervisor;
pub mod trace;
mod wakers;

pub use config::{PreopenDir, ProcessConfig, WasiConfig};
pub use error::Error;
pub use exit::{ExitReason, Frame, Trap, TrapKind};
pub use host::{Connection, HostError, TcpConnection, TlsConnection};
pub use module::Module;
pub use pid::{LOCAL_BITS, ParsePidError, Pid};
pub use process::{HostProcess, InspectError, Param, Process};
pub use runtime::{Capture, Environment, ExitRecord, Output, Runtime, RuntimeConfig, Stdio};

/// The lunatic ABI version grain implements, as `lunatic::version::*` reports it.
pub const LUNATIC_ABI_VERSION: (u32, u32, u32) = host::ABI_VERSION;
