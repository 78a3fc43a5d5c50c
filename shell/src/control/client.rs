//! The client's side, blocking: the attached shell and observer use it from plain threads.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::sync::mpsc;

use grain::Pid;
use grain::observe::Update;

use super::{ControlError, Endpoint, Request, Response};

/// A connection to a node's control socket.
pub struct Client {
    reader: BufReader<Box<dyn Read + Send>>,
    writer: Box<dyn Write + Send>,
    /// The node's address, as it names itself.
    pub node: String,
    /// May this connection change the node?
    pub changes: bool,
    /// Ask for answers in JSON values, one per line.
    pub json: bool,
}

impl Client {
    /// Connects and says hello.
    ///
    /// # Errors
    /// When the socket cannot be reached or the node refuses (no access, wrong token).
    pub fn connect(endpoint: &Endpoint, token: Option<String>) -> Result<Self, ControlError> {
        let what = format!("cannot connect to {endpoint}");
        let (reader, writer): (Box<dyn Read + Send>, Box<dyn Write + Send>) = match endpoint {
            Endpoint::Unix(path) => {
                let s = UnixStream::connect(path).map_err(ControlError::io(what))?;
                let r = s.try_clone().map_err(ControlError::io("socket"))?;
                (Box::new(r), Box::new(s))
            }
            Endpoint::Tcp(addr) => {
                let s = TcpStream::connect(addr).map_err(ControlError::io(what))?;
                let r = s.try_clone().map_err(ControlError::io("socket"))?;
                (Box::new(r), Box::new(s))
            }
        };
        let mut client = Client {
            reader: BufReader::new(reader),
            writer,
            node: endpoint.to_string(),
            changes: false,
            json: false,
        };
        match client.ask(&Request::Hello { token })? {
            Response::Welcome { node, changes } => {
                client.node = node;
                client.changes = changes;
                Ok(client)
            }
            Response::Refused { reason } => Err(ControlError::Refused(reason)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    fn ask(&mut self, request: &Request) -> Result<Response, ControlError> {
        let mut line = serde_json::to_vec(request).expect("requests serialize");
        line.push(b'\n');
        self.writer
            .write_all(&line)
            .map_err(ControlError::io("cannot write to the node"))?;
        self.read()
    }

    fn read(&mut self) -> Result<Response, ControlError> {
        let mut line = String::new();
        let n = self
            .reader
            .read_line(&mut line)
            .map_err(ControlError::io("cannot read from the node"))?;
        if n == 0 {
            return Err(ControlError::Protocol(
                "the node closed the connection".into(),
            ));
        }
        serde_json::from_str(&line).map_err(|e| ControlError::Protocol(e.to_string()))
    }

    /// Evaluates a shell line on the node: (text, ok, quit).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn eval(&mut self, line: &str) -> Result<(String, bool, bool), ControlError> {
        let json = self.json;
        match self.ask(&Request::Eval {
            line: line.into(),
            json,
        })? {
            Response::Reply { text, ok, quit } => Ok((text, ok, quit)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    /// Kills a process on the node: (what the node said, ok).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn kill(&mut self, pid: Pid) -> Result<(String, bool), ControlError> {
        match self.ask(&Request::Kill { pid })? {
            Response::Reply { text, ok, .. } => Ok((text, ok)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    /// What the node says about a process (as `info` does), asked without opening a
    /// shell session on the node: (text, ok).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn info(&mut self, pid: Pid) -> Result<(String, bool), ControlError> {
        match self.ask(&Request::Info { pid })? {
            Response::Reply { text, ok, .. } => Ok((text, ok)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    /// Starts (`on`) or stops this connection's trace of a process: (what the node said,
    /// ok).
    ///
    /// # Errors
    /// When the connection fails.
    pub fn trace(&mut self, pid: Pid, on: bool) -> Result<(String, bool), ControlError> {
        match self.ask(&Request::Trace { pid, on })? {
            Response::Reply { text, ok, .. } => Ok((text, ok)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    /// The lines of this connection's trace since the last ask, and whether it stopped.
    ///
    /// # Errors
    /// When the connection fails.
    pub fn trace_lines(&mut self) -> Result<(Vec<String>, bool), ControlError> {
        match self.ask(&Request::TraceLines)? {
            Response::Trace { lines, stopped } => Ok((lines, stopped)),
            other => Err(ControlError::Protocol(format!("{other:?}"))),
        }
    }

    /// Turns this connection into the node's update stream, read by a thread; the channel
    /// closes when the node goes away.
    ///
    /// # Errors
    /// When the request cannot be sent.
    pub fn subscribe(mut self) -> Result<mpsc::Receiver<Update>, ControlError> {
        let mut line = serde_json::to_vec(&Request::Subscribe).expect("requests serialize");
        line.push(b'\n');
        self.writer
            .write_all(&line)
            .map_err(ControlError::io("cannot write to the node"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(Response::Update { update }) = self.read() {
                if tx.send(update).is_err() {
                    break;
                }
            }
        });
        Ok(rx)
    }
}
