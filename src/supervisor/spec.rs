//! What a supervisor supervises: strategies, restart types, intensity, child specs.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::ProcessConfig;
use crate::module::Module;
use crate::process::Param;

/// What happens to the other children when one dies (OTP's strategies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strategy {
    /// Restart only the child that died.
    OneForOne,
    /// Stop all the others, then restart them all.
    OneForAll,
    /// Stop the children started after the dead one, then restart it and them.
    RestForOne,
}

/// When a child is restarted (OTP's restart types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Restart {
    /// Always.
    Permanent,
    /// Only when it failed (any end but a normal one).
    Transient,
    /// Never; when it ends it is forgotten.
    Temporary,
}

/// At most `max_restarts` restarts within `period`; one more and the supervisor gives up:
/// it stops its children and exits, and its own supervisor (if any) reacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intensity {
    /// Restarts allowed in the window.
    pub max_restarts: u32,
    /// The sliding window.
    pub period: Duration,
}

impl Default for Intensity {
    /// 3 restarts in 5 seconds (Elixir's default).
    fn default() -> Self {
        Intensity {
            max_restarts: 3,
            period: Duration::from_secs(5),
        }
    }
}

/// What a child is.
#[derive(Clone, Debug)]
pub enum ChildKind {
    /// A wasm process.
    Worker {
        /// Its module. Unless `pinned`, each start runs the current version of the
        /// module's name, so a restart after a reload runs the new code.
        module: Module,
        /// Run exactly `module`, also after a newer version was loaded.
        pinned: bool,
        /// The exported function it runs.
        function: String,
        /// Its arguments.
        params: Vec<Param>,
        /// Its limits, permissions and sandbox.
        config: ProcessConfig,
    },
    /// A nested supervisor.
    Supervisor(SupervisorSpec),
}

/// One child of a supervisor.
#[derive(Clone, Debug)]
pub struct ChildSpec {
    /// Its id among its siblings (unique within the supervisor).
    pub id: String,
    /// What it is.
    pub kind: ChildKind,
    /// When it is restarted.
    pub restart: Restart,
    /// A name to register each incarnation under.
    pub name: Option<String>,
}

impl ChildSpec {
    /// A permanent worker running `function` of `module` with no arguments.
    pub fn worker(id: &str, module: &Module, function: &str) -> Self {
        ChildSpec {
            id: id.to_owned(),
            kind: ChildKind::Worker {
                module: module.clone(),
                pinned: false,
                function: function.to_owned(),
                params: Vec::new(),
                config: ProcessConfig::default(),
            },
            restart: Restart::Permanent,
            name: None,
        }
    }

    /// A nested supervisor.
    pub fn supervisor(id: &str, spec: SupervisorSpec) -> Self {
        ChildSpec {
            id: id.to_owned(),
            kind: ChildKind::Supervisor(spec),
            restart: Restart::Permanent,
            name: None,
        }
    }

    /// The same spec with another restart type.
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// The same spec running exactly its module's version at every restart (a worker's
    /// restarts otherwise run the current version of the module's name).
    pub fn pinned(mut self) -> Self {
        if let ChildKind::Worker { pinned, .. } = &mut self.kind {
            *pinned = true;
        }
        self
    }

    /// The same spec with a registered name.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
}

/// A supervisor: its strategy, intensity and children, started in order.
#[derive(Clone, Debug)]
pub struct SupervisorSpec {
    /// How siblings are affected by a death.
    pub strategy: Strategy,
    /// How many restarts are too many.
    pub intensity: Intensity,
    /// The children, in start order.
    pub children: Vec<ChildSpec>,
}

impl SupervisorSpec {
    /// A supervisor with the default intensity.
    pub fn new(strategy: Strategy, children: Vec<ChildSpec>) -> Self {
        SupervisorSpec {
            strategy,
            intensity: Intensity::default(),
            children,
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Strategy::OneForOne => "one_for_one",
            Strategy::OneForAll => "one_for_all",
            Strategy::RestForOne => "rest_for_one",
        })
    }
}

impl std::fmt::Display for Restart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Restart::Permanent => "permanent",
            Restart::Transient => "transient",
            Restart::Temporary => "temporary",
        })
    }
}
