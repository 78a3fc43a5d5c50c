//! Why a process ended: exit reasons are data, so the shell, the observer and supervisors can act on them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Pid;

/// The fate of a process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExitReason {
    /// The entry function returned, or the guest called `proc_exit(0)`.
    Normal,
    /// The guest called WASI `proc_exit` with a non-zero code.
    Exit {
        /// The exit code passed to `proc_exit`.
        code: i32,
    },
    /// Somebody killed the process (`lunatic::process::kill`, the shell, the observer).
    Killed,
    /// It ran an old version of a module that was purged (`Runtime::purge`).
    Purged,
    /// A linked process failed and this one did not trap link deaths.
    LinkDied {
        /// The linked process whose failure took this one down.
        pid: Pid,
    },
    /// The guest trapped.
    Trap(Trap),
    /// A host process (a supervisor) gave up or was shut down, with a reason.
    Shutdown {
        /// Why, e.g. "reached its restart intensity".
        reason: String,
    },
    /// The process lives on another node, and that node went down or could not be reached
    /// (Erlang's `noconnection`): it may still be running there. Links to it fire and its
    /// monitors hear with this reason.
    NoConnection,
}

impl ExitReason {
    /// A failure notifies links (a normal end does not).
    pub fn is_failure(&self) -> bool {
        !matches!(self, ExitReason::Normal)
    }

    /// The exit status `grain run` uses for a root process that ended this way.
    ///
    /// 0 for a normal end, the code of `proc_exit`, 101 for a trap (Rust's panic status),
    /// 137 for a kill (128 + SIGKILL), 1 for a process taken down by a link.
    pub fn exit_status(&self) -> i32 {
        match self {
            ExitReason::Normal => 0,
            ExitReason::Exit { code } => *code,
            ExitReason::Killed | ExitReason::Purged => 137,
            ExitReason::LinkDied { .. } => 1,
            ExitReason::Trap(_) => 101,
            ExitReason::Shutdown { .. } => 1,
            ExitReason::NoConnection => 1,
        }
    }

    /// The trap, if the process trapped.
    pub fn trap(&self) -> Option<&Trap> {
        match self {
            ExitReason::Trap(trap) => Some(trap),
            _ => None,
        }
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Normal => write!(f, "normal"),
            ExitReason::Exit { code } => write!(f, "exit({code})"),
            ExitReason::Killed => write!(f, "killed"),
            ExitReason::Purged => write!(f, "purged"),
            ExitReason::LinkDied { pid } => write!(f, "link died ({pid})"),
            ExitReason::Trap(trap) => write!(f, "trap: {}: {}", trap.kind, trap.message),
            ExitReason::Shutdown { reason } => write!(f, "shutdown: {reason}"),
            ExitReason::NoConnection => write!(f, "noconnection"),
        }
    }
}

/// What went wrong inside a trapped process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trap {
    /// The class of the trap.
    pub kind: TrapKind,
    /// A human-readable message, e.g. the host function that refused a bad pointer.
    pub message: String,
    /// The wasm call stack at the trap, innermost frame first (at most
    /// [`crate::backtrace::MAX_FRAMES`]).
    pub backtrace: Vec<Frame>,
    /// The stack went deeper than `backtrace` shows.
    #[serde(default)]
    pub backtrace_cut: bool,
}

impl Trap {
    /// A trap without a backtrace.
    pub fn new(kind: TrapKind, message: impl Into<String>) -> Self {
        Trap {
            kind,
            message: message.into(),
            backtrace: Vec::new(),
            backtrace_cut: false,
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.kind, self.message)?;
        crate::backtrace::write(f, &self.backtrace, self.backtrace_cut)
    }
}

/// One frame of a wasm backtrace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// The function's name from the module's name section, demangled, if it has one.
    pub function: Option<String>,
    /// The function's index in the module.
    pub index: u32,
    /// The offset of the instruction in the module, if known.
    pub offset: Option<usize>,
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.function {
            Some(name) => write!(f, "{name}")?,
            None => write!(f, "<wasm function {}>", self.index)?,
        }
        if let Some(offset) = self.offset {
            write!(f, " @ {offset:#x}")?;
        }
        Ok(())
    }
}

/// Classes of traps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrapKind {
    /// `unreachable` was executed (this is how a Rust guest's panic ends).
    Unreachable,
    /// A memory or table access out of bounds.
    OutOfBounds,
    /// The wasm stack overflowed.
    StackOverflow,
    /// The process used all of its fuel (its compute limit).
    OutOfFuel,
    /// The process tried to grow its memory past its limit.
    MemoryLimit,
    /// More messages were queued for the process than the node allows.
    MailboxLimit,
    /// Integer overflow or division by zero.
    Arithmetic,
    /// An indirect call to a null or mistyped table entry.
    BadCall,
    /// A host function refused the guest's call (bad pointer, unknown resource, no permission...).
    HostError,
    /// The process could not start (no such export, instantiation failed).
    Spawn,
    /// Any other trap.
    Other,
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::OutOfBounds => "out of bounds",
            TrapKind::StackOverflow => "stack overflow",
            TrapKind::OutOfFuel => "out of fuel",
            TrapKind::MemoryLimit => "memory limit",
            TrapKind::MailboxLimit => "mailbox limit",
            TrapKind::Arithmetic => "arithmetic",
            TrapKind::BadCall => "bad indirect call",
            TrapKind::HostError => "host error",
            TrapKind::Spawn => "spawn failed",
            TrapKind::Other => "trap",
        };
        f.write_str(s)
    }
}

/// Turns the error a wasm call returned into an exit reason.
pub(crate) fn classify(error: &wasmtime::Error) -> ExitReason {
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return match exit.0 {
            0 => ExitReason::Normal,
            code => ExitReason::Exit { code },
        };
    }
    if error
        .downcast_ref::<crate::process::KilledItself>()
        .is_some()
    {
        return ExitReason::Killed;
    }
    let (kind, message) = if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        let kind = match trap {
            wasmtime::Trap::UnreachableCodeReached => TrapKind::Unreachable,
            wasmtime::Trap::MemoryOutOfBounds
            | wasmtime::Trap::HeapMisaligned
            | wasmtime::Trap::TableOutOfBounds => TrapKind::OutOfBounds,
            wasmtime::Trap::StackOverflow => TrapKind::StackOverflow,
            wasmtime::Trap::OutOfFuel => TrapKind::OutOfFuel,
            wasmtime::Trap::IntegerOverflow
            | wasmtime::Trap::IntegerDivisionByZero
            | wasmtime::Trap::BadConversionToInteger => TrapKind::Arithmetic,
            wasmtime::Trap::IndirectCallToNull | wasmtime::Trap::BadSignature => TrapKind::BadCall,
            _ => TrapKind::Other,
        };
        let text = trap.to_string();
        let text = text.strip_prefix("wasm trap: ").unwrap_or(&text).to_owned();
        (kind, text)
    } else if let Some(limit) = error.downcast_ref::<crate::process::MemoryLimitExceeded>() {
        (TrapKind::MemoryLimit, limit.to_string())
    } else if let Some(host) = error.downcast_ref::<crate::host::HostError>() {
        (TrapKind::HostError, host.to_string())
    } else {
        (TrapKind::Other, format!("{error:#}"))
    };
    let mut backtrace: Vec<Frame> = error
        .downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|bt| {
            bt.frames()
                .iter()
                .map(|frame| Frame {
                    function: frame.func_name().map(demangle),
                    index: frame.func_index(),
                    offset: frame.module_offset(),
                })
                .collect()
        })
        .unwrap_or_default();
    // wasmtime keeps one frame more than a trap shows, so a deeper stack is known.
    let backtrace_cut = backtrace.len() > crate::backtrace::MAX_FRAMES;
    backtrace.truncate(crate::backtrace::MAX_FRAMES);
    ExitReason::Trap(Trap {
        kind,
        message,
        backtrace,
        backtrace_cut,
    })
}

/// A readable function name: Rust symbols (legacy and v0 mangling) demangled, without hash.
pub(crate) fn demangle(name: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(name))
}
