//! The shell's commands: one module each, with its help and examples.

pub mod args;
mod resolve;

mod children;
mod demonitor;
mod exports;
mod flush;
mod fuel;
mod help;
mod imports;
mod info;
mod kill;
mod link;
mod load;
mod mailbox;
mod mem;
mod metrics;
mod modules;
mod monitor;
mod names;
mod nodes;
mod observe;
mod ps;
mod purge;
mod quit;
mod receive;
mod register;
pub(crate) mod remote;
mod repeat;
mod restart;
mod run;
mod send;
mod spawn;
pub mod suggest;
mod supervise;
mod top;
mod trace;
mod tree;
mod unlink;
mod upgrade;
mod wait;
mod whereis;

use grain_grammar::{Command, Value};

use crate::shell::{Shell, ShellError};

pub use args::Args;
pub use info::local as info_text;
pub use resolve::{pid_value, resolve as resolve_value};
pub use tree::lines as tree_lines;

/// A command's help: usage, what it does, and examples the tests run.
#[derive(Debug, Clone, Copy)]
pub struct Help {
    /// The command's name.
    pub name: &'static str,
    /// How to call it.
    pub usage: &'static str,
    /// What it does, in one line.
    pub summary: &'static str,
    /// Example lines (they run after the setup in [`EXAMPLE_SETUP`]).
    pub examples: &'static [&'static str],
}

/// What the examples of every command can rely on: these lines run first.
pub const EXAMPLE_SETUP: &[&str] = &[
    "load examples/wat/counter.wat as counter",
    "load examples/wat/echo.wat as echo",
    "c = spawn counter.counter() as counter",
];

/// Every command's help, in the order `help` lists them.
pub const HELP: &[Help] = &[
    load::HELP,
    modules::HELP,
    exports::HELP,
    imports::HELP,
    spawn::HELP,
    run::HELP,
    kill::HELP,
    wait::HELP,
    send::HELP,
    receive::HELP,
    flush::HELP,
    mailbox::HELP,
    link::HELP,
    unlink::HELP,
    monitor::HELP,
    demonitor::HELP,
    register::HELP,
    whereis::HELP,
    names::HELP,
    nodes::HELP,
    ps::HELP,
    info::HELP,
    tree::HELP,
    mem::HELP,
    fuel::HELP,
    top::HELP,
    trace::HELP,
    metrics::HELP,
    upgrade::HELP,
    purge::HELP,
    supervise::HELP,
    children::HELP,
    restart::HELP,
    observe::HELP,
    help::HELP,
    repeat::HELP,
    quit::HELP,
];

/// What a command produced.
#[derive(Debug, Default)]
pub struct Reply {
    /// Text for people.
    pub text: String,
    /// The same for machines (`--json`).
    pub json: serde_json::Value,
    /// A value to number as `$N` (and bind, with `name = ...`).
    pub value: Option<Value>,
    /// Leave the shell.
    pub quit: bool,
    /// Print the JSON even without `--json` (for commands whose output is JSON).
    pub json_only: bool,
}

impl Reply {
    /// Text, with the same text as JSON.
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Reply {
            json: serde_json::Value::String(text.clone()),
            text,
            ..Reply::default()
        }
    }

    /// Text and structured JSON.
    pub fn with_json(text: impl Into<String>, json: serde_json::Value) -> Self {
        Reply {
            text: text.into(),
            json,
            ..Reply::default()
        }
    }

    /// A value (numbered as `$N`).
    pub fn value(value: Value, json: serde_json::Value) -> Self {
        Reply {
            value: Some(value),
            json,
            ..Reply::default()
        }
    }
}

/// Runs a parsed command.
pub async fn run(sh: &mut Shell, cmd: &Command) -> Result<Reply, ShellError> {
    let mut args = Args::new(cmd);
    let json = args.flag("json");
    let reply = match cmd.name.node.as_str() {
        "load" => load::run(sh, args),
        "modules" => modules::run(sh, args),
        "exports" => exports::run(sh, args),
        "imports" => imports::run(sh, args),
        "spawn" => spawn::run(sh, args).await,
        "run" => run::run(sh, args),
        "kill" => kill::run(sh, args),
        "wait" => wait::run(sh, args).await,
        "send" => send::run(sh, args),
        "receive" => receive::run(sh, args).await,
        "flush" => flush::run(sh, args),
        "mailbox" => mailbox::run(sh, args),
        "link" => link::run(sh, args),
        "unlink" => unlink::run(sh, args),
        "monitor" => monitor::run(sh, args),
        "demonitor" => demonitor::run(sh, args),
        "register" => register::run(sh, args),
        "whereis" => whereis::run(sh, args),
        "names" => names::run(sh, args),
        "nodes" => nodes::run(sh, args),
        "ps" => ps::run(sh, args).await,
        "info" => info::run(sh, args).await,
        "tree" => tree::run(sh, args),
        "mem" => mem::run(sh, args).await,
        "fuel" => fuel::run(sh, args),
        "top" => top::run(sh, args).await,
        "trace" => trace::run(sh, args),
        "metrics" => metrics::run(sh, args),
        "upgrade" => upgrade::run(sh, args).await,
        "purge" => purge::run(sh, args),
        "supervise" => supervise::run(sh, args),
        "children" => children::run(sh, args),
        "restart" => restart::run(sh, args).await,
        "observe" => observe::run(sh, args),
        "help" => help::run(sh, args),
        "repeat" => repeat::run(sh, cmd).await,
        "quit" | "exit" => quit::run(sh, args),
        other => Err(ShellError::at(cmd.name.span.clone(), unknown(other))),
    }?;
    Ok(if json {
        Reply {
            json_only: true,
            ..reply
        }
    } else {
        reply
    })
}

fn unknown(name: &str) -> String {
    // What people type coming from other shells.
    let hint = match name {
        "ls" | "dir" => Some("modules lists the loaded modules, ps the processes"),
        "processes" | "top" | "procs" => Some("ps lists the processes"),
        "exit!" | "q" => Some("quit leaves the shell"),
        _ => None,
    };
    if let Some(hint) = hint {
        return format!("unknown command `{name}` ({hint})");
    }
    match suggest::nearest(name, HELP.iter().map(|h| h.name)) {
        Some(close) => format!("unknown command `{name}`; did you mean {close}?"),
        None => format!("unknown command `{name}` (try `help`)"),
    }
}
