//! Changing code while it runs: module versions, upgrades in place, and purges.
//!
//! Every module loaded under a name is a version of that name (`counter@1`, `counter@2`):
//! spawns and supervisor restarts use the current one, and an old one stays while
//! processes run it. [`crate::Runtime::upgrade`] moves a running process onto new code
//! without changing its pid, mailbox, links, monitors, names or limits, by a cooperative
//! handoff the guest takes part in:
//!
//! 1. The host sends the process a message tagged [`CODE_CHANGE_TAG`] whose 8 bytes are
//!    the versions from and to (two little-endian `u32`). Messages sent meanwhile queue
//!    behind it, as under Erlang's `sys:suspend`.
//! 2. The old code, at a point it chooses (its receive loop), writes its state to memory
//!    and calls `grain::code::handoff(ptr: i32, len: i32) -> i32`. On success that call
//!    never returns: the old instance is dropped.
//! 3. The host instantiates the new version in a fresh store for the same process and
//!    calls its export `grain_code_change(from_version: i32, state_len: i32) -> i32`,
//!    which copies the state in with `grain::code::take_state(ptr: i32, len: i32) -> i32`
//!    and returns 0 to accept it.
//! 4. The host then calls the new export `grain_code_resume()`, which goes on serving:
//!    from then on it is the process's body.
//!
//! If the new code refuses (a non-zero answer), traps, or takes longer than the
//! upgrade's timeout, its store is dropped and `handoff` returns [`HANDOFF_REFUSED`] or
//! [`HANDOFF_FAILED`] to the old code, which goes on with its state: a rollback.
//! `handoff` returns [`HANDOFF_NOT_ASKED`] when no upgrade waits for it (one that timed
//! out, say).

mod api;
mod purge;
mod switch;
mod upgrade;
mod versions;

pub use purge::{Purge, PurgeError};
pub(crate) use switch::switch;
pub(crate) use upgrade::Upgrades;
pub use upgrade::{Upgrade, UpgradeError};
pub(crate) use versions::Versions;
pub use versions::split;

/// The tag of the message that asks a process to hand its state over ("GRAIN_UP").
pub const CODE_CHANGE_TAG: i64 = 0x4752_4149_4e5f_5550;

/// The export of new code that takes a state over.
pub const CODE_CHANGE_EXPORT: &str = "grain_code_change";

/// The export of new code that goes on serving after it took the state over.
pub const CODE_RESUME_EXPORT: &str = "grain_code_resume";

/// What `handoff` returns when no upgrade waits for one.
pub const HANDOFF_NOT_ASKED: i32 = 1;

/// What `handoff` returns when the new code refused the state.
pub const HANDOFF_REFUSED: i32 = 2;

/// What `handoff` returns when the new code failed (trapped, ran too long, or would not
/// instantiate).
pub const HANDOFF_FAILED: i32 = 3;
