//! The control socket: how `grain shell --attach` and `grain observe --attach` reach a
//! running node.
//!
//! One protocol, newline-delimited JSON ([`Request`], [`Response`]), over a Unix socket
//! (mode 0600, and peers must be the socket's owner) or TCP (a token is required, and
//! commands that change the node only when the node allows it). A connection says hello,
//! then either subscribes to the observer data plane (snapshots and deltas, the same
//! [`grain::observe::Update`] types an in-process observer gets) or evaluates shell lines
//! in its own shell session on the node, as Erlang's remote shell does.

mod client;
mod endpoint;
mod policy;
mod protocol;
mod server;

pub use client::Client;
pub use endpoint::Endpoint;
pub use policy::changes_node;
pub use protocol::{PAGE, Request, Response, decode_request};
pub use server::{ControlServer, serve};

/// What can go wrong with a control socket.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The address is neither a path nor `tcp://HOST:PORT`.
    #[error("bad control address {0:?}: expected a socket path or tcp://HOST:PORT")]
    BadAddress(String),
    /// A socket error.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The node refused the connection.
    #[error("the node refused: {0}")]
    Refused(String),
    /// The node said something that is not the protocol.
    #[error("unexpected answer from the node: {0}")]
    Protocol(String),
}

impl ControlError {
    fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ControlError {
        let what = what.into();
        move |source| ControlError::Io { what, source }
    }
}
