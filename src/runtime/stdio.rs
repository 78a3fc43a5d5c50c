//! Where the standard streams of processes go.

use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// A destination for a process output stream.
#[derive(Debug, Clone, Default)]
pub enum Output {
    /// The host's own stream.
    #[default]
    Inherit,
    /// An in-memory buffer shared by all processes (for tests, the shell and embedders).
    Capture(Capture),
    /// Nowhere.
    Discard,
}

/// A captured output stream.
#[derive(Debug, Clone)]
pub struct Capture(MemoryOutputPipe);

impl Capture {
    /// A buffer that holds up to 64 MiB.
    pub fn new() -> Self {
        Capture(MemoryOutputPipe::new(64 << 20))
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.contents().to_vec()
    }

    /// Everything written so far, as (lossy) UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.contents()).into_owned()
    }
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

/// An isolated world for a group of processes: its own registry namespace and its own
/// standard streams. Children inherit their parent's. The host's is environment 0.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Its id (what `lunatic::process::environment_id` returns).
    pub id: u64,
    /// Where its processes' output goes.
    pub stdio: Stdio,
}

/// The standard streams every process of a runtime gets.
#[derive(Debug, Clone, Default)]
pub struct Stdio {
    /// Give processes the host's stdin (otherwise stdin is empty).
    pub inherit_stdin: bool,
    /// Where stdout goes.
    pub stdout: Output,
    /// Where stderr goes.
    pub stderr: Output,
}

impl Stdio {
    /// Captures stdout and stderr; returns the config and the two captures.
    pub fn captured() -> (Self, Capture, Capture) {
        let (out, err) = (Capture::new(), Capture::new());
        let stdio = Stdio {
            inherit_stdin: false,
            stdout: Output::Capture(out.clone()),
            stderr: Output::Capture(err.clone()),
        };
        (stdio, out, err)
    }

    pub(crate) fn apply(&self, builder: &mut WasiCtxBuilder) {
        if self.inherit_stdin {
            builder.inherit_stdin();
        }
        match &self.stdout {
            Output::Inherit => {
                builder.inherit_stdout();
            }
            Output::Capture(c) => {
                builder.stdout(c.0.clone());
            }
            Output::Discard => {}
        }
        match &self.stderr {
            Output::Inherit => {
                builder.inherit_stderr();
            }
            Output::Capture(c) => {
                builder.stderr(c.0.clone());
            }
            Output::Discard => {}
        }
    }
}
