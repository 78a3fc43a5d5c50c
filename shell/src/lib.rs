//! The grain shell: an interactive evaluator over a live runtime.
//!
//! The [`Shell`] is itself a process (a host process with a pid and a mailbox): messages
//! sent to it, and notices of linked or monitored processes that end, land there. A linked
//! crash prints a notice; the shell, its bindings and its history survive.
//!
//! Every command lives in its own module under [`commands`], with examples that `help`
//! shows and the tests run. The REPL ([`repl`]) and the scripted mode ([`script`]) drive
//! the same evaluator.

pub mod attach;
pub mod cluster_watch;
pub mod commands;
pub mod control;
mod decode;
mod encode;
mod format;
pub mod init;
pub mod observer;
mod pending;
pub mod repl;
pub mod script;
pub mod settle;
mod shell;
pub mod tracer;
pub mod web;

pub use pending::Pending;
pub use shell::{Shell, ShellError};
