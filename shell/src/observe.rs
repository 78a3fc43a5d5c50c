//! `grain observe`: the live observer on a fresh node, a program, an attached node, a
//! cluster (as a watcher) or a recording.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use grain_shell::Shell;
use grain_shell::cluster_watch::ClusterWatch;
use grain_shell::control::Client;
use grain_shell::observer::{LocalNode, RemoteNode, replay, watch};

use crate::cluster_args::ClusterArgs;
use crate::control_args::{ControlArgs, attach_target};

/// Arguments of `grain observe`.
#[derive(clap::Args)]
pub struct ObserveArgs {
    /// A program to run and watch (.wasm, .wat, or an application file .toml), with the
    /// same options as `grain run`; without one, a fresh node whose shell opens when the
    /// observer closes.
    pub(crate) program: Option<PathBuf>,
    /// Arguments passed to the program.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        requires = "program"
    )]
    pub(crate) args: Vec<String>,
    #[command(flatten)]
    pub(crate) sandbox: crate::run::Sandbox,
    #[command(flatten)]
    pub(crate) limits: crate::run::Limits,
    #[command(flatten)]
    pub(crate) coredump: crate::coredump_args::CoredumpArgs,
    #[command(flatten)]
    pub(crate) alerts: crate::alert_args::AlertArgs,
    /// Watch a running node through its control socket (a path or tcp://HOST:PORT).
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["program", "replay", "control"])]
    pub(crate) attach: Option<String>,
    /// The node's token (TCP); GRAIN_CONTROL_TOKEN works too.
    #[arg(long, requires = "attach")]
    pub(crate) token: Option<String>,
    /// Write every update to this file, for --replay.
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    pub(crate) record: Option<PathBuf>,
    /// Play a recording back (pause and scrub work as live).
    #[arg(long, value_name = "FILE", conflicts_with = "program")]
    pub(crate) replay: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) control: ControlArgs,
    #[command(flatten)]
    pub(crate) web: crate::web_args::WebArgs,
    /// `--nats URL --cluster NAME`: watch every node of a cluster, as a watcher (no node).
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
}

pub fn main(args: ObserveArgs) -> anyhow::Result<ExitCode> {
    if args.web.given() {
        return crate::observe_web::main(&args);
    }
    if args.cluster.nats.is_some() {
        return watch_cluster(&args);
    }
    if let Some(path) = &args.replay {
        replay(path).with_context(|| format!("--replay {}", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let record = args.record.as_deref();
    if let Some(attach) = &args.attach {
        let (endpoint, token) = attach_target(attach, args.token.clone())?;
        let mut node = RemoteNode::attach(&endpoint, token)?;
        let title = node.name().to_owned();
        watch(&mut node, &title, record)?;
        return Ok(ExitCode::SUCCESS);
    }
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut shell = local_shell(&args, &tokio)?;
    let _server = tokio.block_on(args.control.start(&shell.rt))?;
    let title = match &args.program {
        Some(program) => {
            tokio.block_on(start(&shell.rt, &args, program))?;
            crate::run::argv(program, &args.args).join(" ")
        }
        None => "a fresh node".to_owned(),
    };
    tokio.block_on(async {
        tokio::task::block_in_place(|| {
            let mut node = LocalNode::new(&mut shell);
            watch(&mut node, &title, record)
        })
    })?;
    if args.program.is_none() {
        println!("the observer closed; this is the node's shell (`observe` reopens it)");
        grain_shell::repl::run(&mut shell, &tokio)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts the program as `grain run` would: an application file's root supervisor, or a
/// module's `_start` as the node's root process with the sandbox, limits and arguments.
pub(crate) async fn start(
    rt: &grain::Runtime,
    args: &ObserveArgs,
    program: &Path,
) -> anyhow::Result<()> {
    if program.extension().is_some_and(|e| e == "toml") {
        let app = grain::supervisor::App::load(rt, program)?;
        let sup = rt.start_supervisor(app.spec, app.name.as_deref())?;
        rt.mark_essential(sup.pid());
        return Ok(());
    }
    let file = program.display().to_string();
    let module = rt
        .load_file(program)
        .map_err(|e| anyhow::anyhow!(grain_shell::commands::suggest::load_error(&e, &file)))?;
    let config = args
        .sandbox
        .root_config(&args.limits, program, &args.args)?;
    let root = rt.spawn(&module, "_start", &[], config)?;
    rt.mark_essential(root.pid());
    Ok(())
}

/// `grain observe --nats URL --cluster NAME`: joins as a watcher and watches every node.
fn watch_cluster(args: &ObserveArgs) -> anyhow::Result<ExitCode> {
    let other = [
        (args.program.is_some(), "a program"),
        (args.attach.is_some(), "--attach"),
        (args.replay.is_some(), "--replay"),
        (args.control.given(), "--control"),
        (args.cluster.name.is_some(), "--name"),
        (!args.cluster.tags.is_empty(), "--tag"),
    ];
    if let Some((_, what)) = other.iter().find(|(given, _)| *given) {
        anyhow::bail!("grain observe --nats joins as a watcher, not a node: it takes no {what}");
    }
    let config = args
        .cluster
        .config(false)?
        .ok_or_else(|| anyhow::anyhow!("--nats needs --cluster NAME"))?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let mut node = ClusterWatch::connect(&config, tokio.handle().clone())?;
    watch(&mut node, "as a watcher", args.record.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// `grain shell --attach`: a shell session on another node.
pub fn attach_shell(
    attach: &str,
    token: Option<String>,
    json: bool,
    script: Option<Box<dyn Iterator<Item = String>>>,
) -> anyhow::Result<ExitCode> {
    let (endpoint, token) = attach_target(attach, token)?;
    let mut client = Client::connect(&endpoint, token.clone())?;
    client.json = json;
    match script {
        Some(lines) => {
            let failures = grain_shell::attach::script_streaming(
                &mut client,
                lines,
                grain_shell::script::to_stdout,
            );
            Ok(ExitCode::from(u8::from(failures > 0)))
        }
        None => {
            grain_shell::attach::repl(&mut client, &endpoint, token).map_err(anyhow::Error::msg)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The shell of a fresh local node, with the limits, core dumps and alerts `args` ask for.
pub(crate) fn local_shell(
    args: &ObserveArgs,
    tokio: &tokio::runtime::Runtime,
) -> anyhow::Result<Shell> {
    let mut runtime = grain::RuntimeConfig::default();
    args.coredump.apply(&mut runtime)?;
    args.alerts.apply(&mut runtime)?;
    Ok(tokio.block_on(async {
        Shell::with_runtime(|config| {
            config.max_processes = args.limits.max_processes;
            config.max_mailbox = args.limits.max_mailbox;
            config.coredump_dir = runtime.coredump_dir;
            config.alerts = runtime.alerts;
        })
    })?)
}
