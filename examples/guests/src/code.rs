//! The guest's half of `grain`'s upgrade in place, for lunatic-rs programs (the book's
//! "Changing code while it runs"; the protocol is `grain::code` in grain's docs).
//!
//! An upgradable process receives with [`receive`], which also returns
//! [`Received::Upgrade`] when the host asks the process to move onto new code. At that
//! point the old code calls [`hand_over`] with its state: when the new code takes the state
//! over, the call never returns (the old instance is gone); when it does not (it refused the
//! state, trapped or ran too long), the call returns why, and the old code goes on.
//!
//! The new code declares how it takes a state over with [`upgradable!`]: a function from the
//! old version's number and state bytes to its own state (`None` refuses), and the loop it
//! goes on with. The state travels as bytes: serialize it the way the next version reads it
//! (bincode here), and keep each version able to read its predecessor's.

use lunatic::host::api::message;
use lunatic::serializer::{Bincode, CanSerialize};
use serde::Serialize;

/// The tag of the host's code-change message ("GRAIN_UP").
pub const CODE_CHANGE_TAG: i64 = 0x4752_4149_4e5f_5550;

#[link(wasm_import_module = "grain::code")]
extern "C" {
    #[link_name = "handoff"]
    fn grain_handoff(ptr: *const u8, len: u32) -> i32;
    #[link_name = "take_state"]
    fn grain_take_state(ptr: *mut u8, len: u32) -> i32;
    #[link_name = "version"]
    fn grain_version() -> i32;
}

/// What [`receive`] took from the mailbox.
pub enum Received<M> {
    /// A message, decoded.
    Message(M),
    /// The host asks for the state: call [`hand_over`] now.
    Upgrade {
        /// The version running (`name@from`).
        from: u32,
        /// The version asked for.
        to: u32,
    },
    /// Data that does not decode as `M`, with the decoder's complaint.
    Undecodable(String),
    /// A link or monitor notice (this helper's processes do not trap them).
    Signal,
}

/// Takes the next message from the mailbox, waiting for one.
pub fn receive<M>() -> Received<M>
where
    Bincode: CanSerialize<M>,
{
    // SAFETY: no tags to read (length 0); the host fills its own message slot.
    let kind = unsafe { message::receive(std::ptr::null(), 0, u64::MAX) };
    if kind != 0 {
        return Received::Signal;
    }
    // SAFETY: a data message is in the slot.
    if unsafe { message::get_tag() } == CODE_CHANGE_TAG {
        let mut versions = [0u8; 8];
        // SAFETY: the buffer is 8 bytes long.
        unsafe { message::read_data(versions.as_mut_ptr(), versions.len()) };
        let word = |i: usize| u32::from_le_bytes(versions[i..i + 4].try_into().unwrap());
        return Received::Upgrade {
            from: word(0),
            to: word(4),
        };
    }
    match Bincode::decode() {
        Ok(m) => Received::Message(m),
        Err(e) => Received::Undecodable(e.to_string()),
    }
}

/// Why the state stayed with the old code.
#[derive(Debug, PartialEq, Eq)]
pub enum Kept {
    /// No upgrade was asked for (one that timed out, say).
    NotAsked,
    /// The new code refused the state.
    Refused,
    /// The new code failed: it trapped, ran too long, or would not start.
    Failed,
    /// The state would not serialize.
    Unserializable(String),
}

impl std::fmt::Display for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kept::NotAsked => write!(f, "no upgrade was asked for"),
            Kept::Refused => write!(f, "the new code refused the state"),
            Kept::Failed => write!(f, "the new code failed to take the state over"),
            Kept::Unserializable(e) => write!(f, "the state does not serialize: {e}"),
        }
    }
}

/// Hands `state` to the new code. Returns only when the new code did not take it (then the
/// old code goes on with its state: a rollback).
pub fn hand_over<S: Serialize>(state: &S) -> Kept {
    let bytes = match bincode::serialize(state) {
        Ok(bytes) => bytes,
        Err(e) => return Kept::Unserializable(e.to_string()),
    };
    // SAFETY: the host reads `bytes.len()` bytes from a live buffer.
    match unsafe { grain_handoff(bytes.as_ptr(), bytes.len() as u32) } {
        1 => Kept::NotAsked,
        2 => Kept::Refused,
        _ => Kept::Failed,
    }
}

/// The state the old code handed over (inside `grain_code_change`), as bytes.
pub fn state_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    // SAFETY: the host writes at most `len` bytes into a buffer of that length.
    let n = unsafe { grain_take_state(bytes.as_mut_ptr(), len as u32) };
    bytes.truncate(n.max(0) as usize);
    bytes
}

/// The version of the code running (`name@N`), 0 when it was not loaded under a name.
pub fn version() -> u32 {
    // SAFETY: no arguments.
    unsafe { grain_version() as u32 }
}

/// Makes this program able to take a running process over: `migrate(from_version, bytes)`
/// turns the old code's state into this version's (`None` refuses it, and the old code
/// goes on), and `serve(state)` is the loop the process goes on with.
///
/// ```ignore
/// grain_guests::upgradable!(State, migrate, serve);
/// ```
#[macro_export]
macro_rules! upgradable {
    ($state:ty, $migrate:path, $serve:path) => {
        static TAKEN: ::std::sync::Mutex<Option<$state>> = ::std::sync::Mutex::new(None);

        /// grain calls this in the new code with the old code's state.
        #[no_mangle]
        pub extern "C" fn grain_code_change(from: i32, len: i32) -> i32 {
            let bytes = $crate::code::state_bytes(len as usize);
            match $migrate(from as u32, &bytes) {
                Some(state) => {
                    *TAKEN.lock().unwrap() = Some(state);
                    0
                }
                None => 1,
            }
        }

        /// grain calls this once the state is taken: from here on it is the process.
        #[no_mangle]
        pub extern "C" fn grain_code_resume() {
            let state = TAKEN.lock().unwrap().take().expect("a state was taken over");
            $serve(state)
        }
    };
}
