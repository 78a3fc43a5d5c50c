//! `grain run`: a program's `_start` as the root process; the exit status is its fate.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use grain::{ExitReason, PreopenDir, ProcessConfig, Runtime, RuntimeConfig, Stdio};

/// Arguments of `grain run`.
#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    sandbox: Sandbox,
    #[command(flatten)]
    limits: Limits,
    #[command(flatten)]
    metrics: crate::metrics_args::MetricsArgs,
    #[command(flatten)]
    control: crate::control_args::ControlArgs,
    #[command(flatten)]
    cluster: crate::cluster_args::ClusterArgs,
    #[command(flatten)]
    coredump: crate::coredump_args::CoredumpArgs,
    #[command(flatten)]
    alerts: crate::alert_args::AlertArgs,
    #[command(flatten)]
    log: crate::log_args::LogArgs,
    #[command(flatten)]
    web: crate::web_args::WebArgs,
    /// The program: a .wasm or .wat file, or an application file (.toml) naming modules,
    /// supervisors and children.
    module: PathBuf,
    /// Arguments passed to the program.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// What of the host a program sees (`grain run`, `grain observe PROGRAM`).
#[derive(clap::Args)]
pub struct Sandbox {
    /// Grant the program a host directory, seen under the same path, or under GUEST with
    /// `HOST::GUEST`. Repeatable.
    #[arg(long = "dir", value_name = "PATH|HOST::GUEST", value_parser = parse_dir)]
    pub dirs: Vec<DirArg>,
    /// Give the program an environment variable. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    pub env: Vec<(String, String)>,
}

impl Sandbox {
    /// The root process's config for `program` run with `args`: every permission, the
    /// limits, the command line, the environment and the directories.
    pub fn root_config(
        &self,
        limits: &Limits,
        program: &std::path::Path,
        args: &[String],
    ) -> anyhow::Result<ProcessConfig> {
        let mut config = ProcessConfig::root();
        config.max_memory = limits.max_memory;
        config.max_fuel = limits.max_fuel;
        config.wasi.args = argv(program, args);
        config.wasi.env = self.env.clone();
        for DirArg { host, guest } in &self.dirs {
            anyhow::ensure!(host.is_dir(), "--dir {}: not a directory", host.display());
            config.wasi.dirs.push(match guest {
                Some(guest) => PreopenDir {
                    host: host.clone(),
                    guest: guest.clone(),
                },
                None => PreopenDir::same_path(host),
            });
        }
        Ok(config)
    }
}

/// The limits flags of `grain run`, `grain node` and `grain observe`.
#[derive(clap::Args)]
pub struct Limits {
    /// Memory limit of every process, in bytes: `1048576`, `64MiB`, `1G` (on a node: of
    /// every process other nodes spawn there).
    #[arg(long, value_name = "BYTES", value_parser = grain::quantity::parse_bytes)]
    pub max_memory: Option<u64>,
    /// Fuel limit of every process, in fuel (1 fuel = 1 wasm instruction): `250000`, `10M`,
    /// `2.5G` (on a node: of every process other nodes spawn there).
    #[arg(long, value_name = "FUEL", value_parser = grain::quantity::parse_fuel)]
    pub max_fuel: Option<u64>,
    /// The most processes alive at once.
    #[arg(long, value_name = "N", default_value_t = RuntimeConfig::default().max_processes)]
    pub max_processes: usize,
    /// The most messages queued for one process; a process sent more ends with a
    /// `mailbox limit` trap. Unbounded by default, as in Erlang.
    #[arg(long, value_name = "N")]
    pub max_mailbox: Option<usize>,
}

/// A `--dir` value: a host directory and, with `HOST::GUEST`, the path the guest sees it
/// under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirArg {
    /// The directory on the host.
    pub host: PathBuf,
    /// Where the guest sees it (`None`: under the host path).
    pub guest: Option<String>,
}

/// The program's command line: its path, then its arguments (what the guest sees as its
/// arguments, and what the observers show as the node's title, joined).
pub(crate) fn argv(program: &std::path::Path, args: &[String]) -> Vec<String> {
    std::iter::once(program.display().to_string())
        .chain(args.iter().cloned())
        .collect()
}

pub(crate) fn parse_dir(s: &str) -> Result<DirArg, String> {
    match s.split_once("::") {
        None => Ok(DirArg {
            host: PathBuf::from(s),
            guest: None,
        }),
        Some((host, guest)) if !host.is_empty() && !guest.is_empty() => Ok(DirArg {
            host: PathBuf::from(host),
            guest: Some(guest.to_owned()),
        }),
        Some(_) => Err(format!("expected PATH or HOST::GUEST, got {s:?}")),
    }
}

pub(crate) fn parse_env(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, got {s:?}"))?;
    Ok((k.to_owned(), v.to_owned()))
}

pub fn main(args: RunArgs) -> anyhow::Result<ExitCode> {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the scheduler")?;
    let status = tokio.block_on(run(args))?;
    // The node ends with its root process: whatever else runs is dropped, as with lunatic.
    std::io::stdout().flush().ok();
    std::io::stderr().flush().ok();
    std::process::exit(status)
}

async fn run(args: RunArgs) -> anyhow::Result<i32> {
    let mut config = RuntimeConfig {
        max_processes: args.limits.max_processes,
        max_mailbox: args.limits.max_mailbox,
        stdio: Stdio {
            inherit_stdin: true,
            ..Stdio::default()
        },
        ..RuntimeConfig::default()
    };
    args.coredump.apply(&mut config)?;
    args.alerts.apply(&mut config)?;
    let (rt, cluster) = match args.cluster.config(true)? {
        Some(cluster) => {
            let (rt, cluster) = grain::cluster::join(cluster, config).await?;
            (rt, Some(cluster))
        }
        None => (Runtime::new(config)?, None),
    };
    let log = args.log.start(&rt)?;
    let status = run_on(&rt, &args).await;
    if let Some(log) = log {
        log.flush().await;
    }
    if let Some(cluster) = cluster
        && !cluster.leave().await
    {
        eprintln!("grain: the NATS server did not answer: left the cluster without a goodbye");
    }
    status
}

async fn run_on(rt: &Runtime, args: &RunArgs) -> anyhow::Result<i32> {
    let rt = rt.clone();
    args.metrics.start(&rt).await?;
    let title = argv(&args.module, &args.args).join(" ");
    let _web = args.web.start_local(&rt, &title).await?;
    if args.module.extension().is_some_and(|e| e == "toml") {
        return run_app(&rt, args).await;
    }
    let file = args.module.display().to_string();
    let module = rt
        .load_file(&args.module)
        .map_err(|e| anyhow::anyhow!(grain_shell::commands::suggest::load_error(&e, &file)))?;
    let process_config = args
        .sandbox
        .root_config(&args.limits, &args.module, &args.args)?;
    if crate::test_mode::is_test_binary(&module) {
        return crate::test_mode::run(&rt, &module, &args.args, process_config).await;
    }
    let root = rt.spawn(&module, "_start", &[], process_config)?;
    rt.mark_essential(root.pid());
    // The socket opens once the program has run its first slice: its root is the node's
    // first process, and what the root starts at once comes next, before any session an
    // attached client opens (a session is a process too) — so pids do not depend on how
    // fast a client connects.
    first_slice(&root).await;
    let _control = args.control.start(&rt).await?;
    let reason = root.wait().await;
    match &reason {
        ExitReason::Normal | ExitReason::Exit { .. } => {}
        ExitReason::Trap(trap) => {
            eprint!("grain: process {} trapped: {trap}", root.pid());
            if let Some(path) = rt.exited(root.pid()).and_then(|r| r.coredump) {
                eprintln!("coredump: {}", path.display());
            }
        }
        other => eprintln!("grain: process {} ended: {other}", root.pid()),
    }
    Ok(reason.exit_status())
}

/// Waits (up to 2 s) until `process` parks, has run two slices, or has ended.
async fn first_slice(process: &grain::Process) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while process.is_alive()
        && process.stats().status() != grain::observe::Status::Waiting
        && process.stats().slices() < 2
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

/// Prints the node's trees on stderr, so `grain run app.toml` says what it started (the
/// supervisor starts its children before it returns).
fn say_started(rt: &Runtime) {
    let lines = grain_shell::commands::tree_lines(rt);
    eprintln!("grain: started\n  {}", lines.join("\n  "));
}

/// Starts the application's root supervisor and runs until it ends (or Ctrl-C stops it in
/// order); the exit status is the supervisor's fate.
async fn run_app(rt: &Runtime, args: &RunArgs) -> anyhow::Result<i32> {
    let app = grain::supervisor::App::load(rt, &args.module)?;
    let sup = rt.start_supervisor(app.spec, app.name.as_deref())?;
    rt.mark_essential(sup.pid());
    // Say what started: the tree, once its children are up.
    say_started(rt);
    let _control = args.control.start(rt).await?;
    let reason = tokio::select! {
        reason = sup.wait() => reason,
        _ = tokio::signal::ctrl_c() => {
            sup.stop().await;
            ExitReason::Normal
        }
    };
    if reason.is_failure() {
        eprintln!("grain: supervisor {} ended: {reason}", sup.pid());
    }
    Ok(reason.exit_status())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dir_is_a_path_or_host_and_guest() {
        let same = parse_dir("examples").unwrap();
        assert_eq!((same.host, same.guest), (PathBuf::from("examples"), None));
        let mapped = parse_dir("examples/live-view/examples::examples").unwrap();
        assert_eq!(mapped.host, PathBuf::from("examples/live-view/examples"));
        assert_eq!(mapped.guest.as_deref(), Some("examples"));
        for bad in ["a::", "::b", "::"] {
            let err = parse_dir(bad).unwrap_err();
            assert!(err.contains("HOST::GUEST"), "{err}");
        }
    }
}
