//! The evaluator: parses a line, runs the command, keeps results, bindings and modules.

use std::collections::{BTreeSet, HashMap};

use grain::{Capture, HostProcess, Module, Pid, Runtime, RuntimeConfig, Stdio};
use grain_grammar::{ParseError, Span, Spanned, Value, parse_line};

use crate::commands;

/// A failure of a line: the span to put a caret under (if any) and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ShellError {
    /// Where in the line.
    pub span: Option<Span>,
    /// What went wrong.
    pub message: String,
    /// Is the line unfinished (an open bracket or quote)?
    pub incomplete: bool,
}

impl ShellError {
    /// An error about the part of the line at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        ShellError {
            span: Some(span),
            message: message.into(),
            incomplete: false,
        }
    }

    /// An error about the whole line.
    pub fn msg(message: impl Into<String>) -> Self {
        ShellError {
            span: None,
            message: message.into(),
            incomplete: false,
        }
    }

    /// The message, with the line and a caret under the fault when there is a span.
    pub fn render(&self, line: &str) -> String {
        match &self.span {
            Some(span) => ParseError {
                span: span.clone(),
                message: self.message.clone(),
                expected: Vec::new(),
                incomplete: self.incomplete,
            }
            .render(line),
            None => format!("error: {}", self.message),
        }
    }
}

impl From<ParseError> for ShellError {
    fn from(e: ParseError) -> Self {
        let mut message = e.message.clone();
        if !e.expected.is_empty() {
            message.push_str(&format!(", expected {}", e.expected.join(" or ")));
        }
        ShellError {
            span: Some(e.span),
            message,
            incomplete: e.incomplete,
        }
    }
}

/// A value as the shell echoes it: a long list shows its first items and its length.
fn short(value: &Value) -> String {
    const SHOWN: usize = 5;
    match value {
        Value::List(items) if items.len() > SHOWN * 2 => {
            let head: Vec<String> = items[..SHOWN].iter().map(|i| i.node.to_string()).collect();
            format!("[{}, ... ({} items)]", head.join(", "), items.len())
        }
        other => other.to_string(),
    }
}

/// The shell's state over a runtime.
pub struct Shell {
    /// The runtime it drives.
    pub rt: Runtime,
    /// The shell's own process.
    pub me: HostProcess,
    /// Numbered results (`$1` is `results[0]`).
    pub results: Vec<Value>,
    /// Named bindings (`p = ...`).
    pub bindings: HashMap<String, Value>,
    /// Print JSON instead of text.
    pub json: bool,
    /// What processes write.
    pub output: Option<Capture>,
    pub(crate) printed: usize,
    pub(crate) announced: BTreeSet<(Pid, u8)>,
    owns_runtime: bool,
    /// What the shell has to say of itself before the next output.
    pub(crate) notice: String,
    /// Processes that were not alive when the shell linked to or monitored them.
    pub(crate) noproc: BTreeSet<Pid>,
    /// Nodes of the cluster coming up and going down, for notices.
    pub(crate) node_events: Option<tokio::sync::broadcast::Receiver<grain::cluster::NodeEvent>>,
    /// The traces `trace` started.
    pub tracer: crate::tracer::Tracer,
    /// Trace lines taken from the tracer but not yet shown (`trace off`'s last events).
    pub(crate) trace_lines: Vec<crate::tracer::TraceLine>,
    /// The number of the last system-monitor alert the shell told of.
    pub(crate) alerts_seen: u64,
}

impl Drop for Shell {
    fn drop(&mut self) {
        if self.owns_runtime {
            self.rt.shutdown();
        }
    }
}

/// What evaluating one line produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Text to show.
    pub text: String,
    /// The user asked to quit.
    pub quit: bool,
}

impl Shell {
    /// A shell over a fresh runtime whose processes' output the shell shows.
    ///
    /// # Errors
    /// When the runtime cannot start.
    pub fn new() -> Result<Self, grain::Error> {
        Self::with_runtime(|_| {})
    }

    /// A shell over a fresh runtime with settings of its own (`grain observe`'s limits).
    ///
    /// # Errors
    /// When the runtime cannot start.
    pub fn with_runtime(adjust: impl FnOnce(&mut RuntimeConfig)) -> Result<Self, grain::Error> {
        let (mut config, output) = Self::runtime_config();
        adjust(&mut config);
        let rt = Runtime::new(config)?;
        Self::owning(rt, output)
    }

    /// A shell over a fresh node that joins a cluster (`grain shell --nats`).
    ///
    /// # Errors
    /// When the cluster cannot be joined.
    pub async fn in_cluster(
        cluster: grain::cluster::ClusterConfig,
    ) -> Result<Self, grain::cluster::ClusterError> {
        Self::in_cluster_with(cluster, |_| {}).await
    }

    /// [`Shell::in_cluster`] with runtime settings of its own (`--coredump`).
    ///
    /// # Errors
    /// When the cluster cannot be joined.
    pub async fn in_cluster_with(
        cluster: grain::cluster::ClusterConfig,
        adjust: impl FnOnce(&mut RuntimeConfig),
    ) -> Result<Self, grain::cluster::ClusterError> {
        let (mut config, output) = Self::runtime_config();
        adjust(&mut config);
        let (rt, _) = grain::cluster::join(cluster, config).await?;
        Self::owning(rt, output).map_err(|e| grain::cluster::ClusterError::Nats(e.to_string()))
    }

    /// The settings of a shell's own runtime: what processes write, the shell shows.
    fn runtime_config() -> (RuntimeConfig, Capture) {
        let (stdio, out, _) = Stdio::captured();
        let output = out.clone();
        let stdio = Stdio {
            stderr: grain::Output::Capture(out),
            ..stdio
        };
        let config = RuntimeConfig {
            stdio,
            ..RuntimeConfig::default()
        };
        (config, output)
    }

    fn owning(rt: Runtime, output: Capture) -> Result<Self, grain::Error> {
        let mut shell = Shell::over(rt)?;
        shell.output = Some(output);
        shell.owns_runtime = true;
        Ok(shell)
    }

    /// A shell over an existing runtime.
    ///
    /// # Errors
    /// When the runtime is at its process limit.
    pub fn over(rt: Runtime) -> Result<Self, grain::Error> {
        let me = rt.spawn_host("shell")?;
        let node_events = rt.cluster().map(|c| c.subscribe());
        Ok(Shell {
            notice: String::new(),
            noproc: BTreeSet::new(),
            node_events,
            tracer: Default::default(),
            trace_lines: Vec::new(),
            alerts_seen: rt.alerts_after(0).1,
            rt,
            me,
            results: Vec::new(),
            bindings: HashMap::new(),
            json: false,
            output: None,
            printed: 0,
            announced: BTreeSet::new(),
            owns_runtime: false,
        })
    }

    /// The shell's pid.
    pub fn pid(&self) -> Pid {
        self.me.pid()
    }

    /// Evaluates one line (which may span several physical lines).
    pub async fn eval(&mut self, line: &str) -> Result<Outcome, ShellError> {
        self.revive()?;
        let parsed = parse_line(line)?;
        if let (Some(binding), Some(value)) = (&parsed.binding, &parsed.value) {
            let value = crate::commands::resolve_value(self, value)?;
            let text = self.bind(binding, value)?;
            return Ok(Outcome { text, quit: false });
        }
        let Some(command) = parsed.command else {
            return Ok(Outcome::default());
        };
        // A bare binding name (or `self`) shows its value, as in Erlang's shell; after
        // `y =` it binds it.
        if command.args.is_empty()
            && let Some(value) = self.binding(&command.name.node)
        {
            let text = match &parsed.binding {
                Some(binding) => self.bind(binding, value)?,
                None if self.json => {
                    serde_json::json!({ &command.name.node: value.to_string() }).to_string()
                }
                None => format!("{} = {value}", command.name.node),
            };
            return Ok(Outcome { text, quit: false });
        }
        let reply = commands::run(self, &command).await;
        // A command that ended the shell's own process (`kill self`) hears of it at once.
        let _ = self.revive();
        let reply = reply?;
        // `--json` mode: one value per line, for scripts; a command's own `--json`: laid
        // out for people.
        let mut text = if self.json {
            serde_json::to_string(&reply.json).unwrap_or_default()
        } else if reply.json_only {
            serde_json::to_string_pretty(&reply.json).unwrap_or_default()
        } else {
            reply.text
        };
        if let Some(value) = reply.value {
            self.results.push(value.clone());
            let n = self.results.len();
            if let Some(binding) = parsed.binding {
                self.bindings.insert(binding.node.clone(), value.clone());
                if !self.json {
                    text = format!("{} = ${n} = {}", binding.node, short(&value));
                }
            } else if !self.json && text.is_empty() {
                text = format!("${n} = {}", short(&value));
            }
        } else if let Some(binding) = parsed.binding {
            return Err(ShellError::at(
                binding.span,
                format!("`{}` returns no value to bind", command.name.node),
            ));
        }
        Ok(Outcome {
            text,
            quit: reply.quit,
        })
    }

    /// The module `spec` names: `name` (its current version) or `name@N`. The node's
    /// modules are the shell's: those the program `grain run` runs loaded, and another
    /// session's `load`, are here under their names.
    pub fn module(&self, spec: &str) -> Option<Module> {
        self.rt.module(spec)
    }

    /// The names modules are loaded under, sorted.
    pub fn module_names(&self) -> Vec<String> {
        self.rt
            .modules()
            .iter()
            .map(|m| m.name().to_owned())
            .collect()
    }

    /// If somebody killed the shell's process, start a new one; bindings survive.
    fn revive(&mut self) -> Result<(), ShellError> {
        if !self.me.process().is_alive() {
            let old = self.me.pid();
            let why = self
                .me
                .process()
                .exit_reason()
                .map_or_else(|| "ended".to_owned(), |r| r.to_string());
            self.me = self
                .rt
                .spawn_host("shell")
                .map_err(|e| ShellError::msg(e.to_string()))?;
            self.notice.push_str(&format!(
                "** the shell's process {old} ended ({why}); the shell is now {}\n",
                self.me.pid()
            ));
        }
        Ok(())
    }

    /// The value a name stands for: a binding, or `self` (the shell's current pid).
    pub fn binding(&self, name: &str) -> Option<Value> {
        match self.bindings.get(name) {
            Some(value) => Some(value.clone()),
            None if name == "self" => Some(crate::commands::pid_value(self.pid())),
            None => None,
        }
    }

    /// Binds `value` under `name` as result `$N`; the text that says so.
    fn bind(&mut self, name: &Spanned<String>, value: Value) -> Result<String, ShellError> {
        if name.node == "self" {
            return Err(ShellError::at(
                name.span.clone(),
                "`self` is the shell's own pid; bind another name",
            ));
        }
        self.results.push(value.clone());
        let n = self.results.len();
        self.bindings.insert(name.node.clone(), value.clone());
        Ok(if self.json {
            serde_json::json!({ &name.node: value.to_string() }).to_string()
        } else {
            format!("{} = ${n} = {}", name.node, short(&value))
        })
    }

    /// Command names, for completion.
    pub fn command_names() -> Vec<&'static str> {
        commands::HELP.iter().map(|h| h.name).collect()
    }
}
