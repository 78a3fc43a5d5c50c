//! Errors of the runtime's public API.

use std::path::PathBuf;

use crate::Pid;

/// What can go wrong when loading modules and spawning processes from the host side.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A module file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
    /// The bytes are not a valid module (or the text not valid WAT).
    #[error("{name} is not a valid module: {message}")]
    InvalidModule {
        /// The module's name.
        name: String,
        /// The validator's or parser's message.
        message: String,
    },
    /// The module imports something grain does not provide.
    #[error("{name} cannot be linked: {message}")]
    Link {
        /// The module's name.
        name: String,
        /// Which import is missing, from wasmtime.
        message: String,
    },
    /// The module has no exported function of that name.
    #[error("module {module} has no exported function {function:?}")]
    NoSuchFunction {
        /// The module's name.
        module: String,
        /// The function asked for.
        function: String,
    },
    /// The arguments do not fit the function's parameters.
    #[error("{function} takes {expected} but was given {given}")]
    BadArguments {
        /// The function.
        function: String,
        /// Its parameter types.
        expected: String,
        /// The given argument types.
        given: String,
    },
    /// The node is at its process limit.
    #[error("process limit reached: {0} processes")]
    ProcessLimit(usize),
    /// No process with that pid is alive.
    #[error("no such process: {0}")]
    NoSuchProcess(Pid),
    /// The wasm engine could not be set up.
    #[error("cannot configure the wasm engine: {0}")]
    Engine(String),
}
