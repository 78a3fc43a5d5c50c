//! `grain`: run wasm programs as grain processes, the interactive shell, the observer.

mod alert_args;
mod cluster_args;
mod control_args;
mod coredump_args;
mod log_args;
mod metrics_args;
mod node;
mod observe;
mod observe_web;
mod run;
mod test_mode;
mod web_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// An Erlang-inspired runtime for WebAssembly.
#[derive(Parser)]
#[command(name = "grain", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program (.wasm or .wat): `_start` becomes the root process.
    Run(run::RunArgs),
    /// The interactive shell over a live runtime.
    Shell(ShellArgs),
    /// The live observer: a fresh node, a program, an attached node, a cluster or a
    /// recording.
    Observe(observe::ObserveArgs),
    /// A cluster member that runs no program: it serves remote spawns until SIGTERM.
    Node(node::NodeArgs),
    /// Make a lunatic-rs project use grain: writes .cargo/config.toml (target and runner).
    Init {
        /// The project's directory.
        #[arg(default_value = ".")]
        dir: std::path::PathBuf,
        /// Replace an existing .cargo/config.toml.
        #[arg(long)]
        force: bool,
    },
}

/// Ending a process parked in a host call cancels its fiber, and wasmtime makes an error of
/// that; with `RUST_BACKTRACE=1` in the environment (common among Rust developers) every
/// such error captures a backtrace: some 13 µs of CPU more per killed parked process.
/// Errors of guests are not bugs of the host: unless the user asks for library backtraces
/// themselves, only panics get one.
#[allow(unsafe_code, reason = "set_var before any other thread exists")]
fn quiet_library_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: the first thing main does; no other thread runs yet.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}

/// Arguments of `grain shell`.
#[derive(clap::Args)]
struct ShellArgs {
    /// Run the lines of this file instead of prompting (piped stdin does the same).
    #[arg(long, value_name = "FILE")]
    script: Option<std::path::PathBuf>,
    /// Print every result as JSON.
    #[arg(long)]
    json: bool,
    /// Evaluate every line on a running node, through its control socket (a path or
    /// tcp://HOST:PORT).
    #[arg(long, value_name = "ADDR")]
    attach: Option<String>,
    /// The node's token (TCP); GRAIN_CONTROL_TOKEN works too.
    #[arg(long, requires = "attach")]
    token: Option<String>,
    #[command(flatten)]
    control: control_args::ControlArgs,
    #[command(flatten)]
    cluster: cluster_args::ClusterArgs,
    #[command(flatten)]
    coredump: coredump_args::CoredumpArgs,
    #[command(flatten)]
    alerts: alert_args::AlertArgs,
    #[command(flatten)]
    log: log_args::LogArgs,
    #[command(flatten)]
    metrics: metrics_args::MetricsArgs,
    #[command(flatten)]
    web: web_args::WebArgs,
}

/// The lines of a script, read as they are needed.
type Script = Box<dyn Iterator<Item = String>>;

fn shell_main(args: ShellArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // The lines to run instead of prompting: a file's, or piped stdin's as they come.
    let script: Option<Script> = match &args.script {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            Some(Box::new(lines.into_iter()))
        }
        None if !std::io::stdin().is_terminal() => {
            Some(Box::new(std::io::stdin().lines().map_while(Result::ok)))
        }
        None => None,
    };
    if let Some(attach) = &args.attach {
        anyhow::ensure!(
            !args.web.given(),
            "--web serves this shell's own node; to watch {attach} in a browser: grain observe --web ADDR --attach {attach}"
        );
        return observe::attach_shell(attach, args.token.clone(), args.json, script);
    }
    let mut runtime = grain::RuntimeConfig::default();
    args.coredump.apply(&mut runtime)?;
    args.alerts.apply(&mut runtime)?;
    let adjust = |config: &mut grain::RuntimeConfig| {
        config.coredump_dir = runtime.coredump_dir;
        config.alerts = runtime.alerts;
    };
    let mut shell = match args.cluster.config(true)? {
        Some(cluster) => tokio.block_on(grain_shell::Shell::in_cluster_with(cluster, adjust))?,
        None => tokio.block_on(async { grain_shell::Shell::with_runtime(adjust) })?,
    };
    shell.json = args.json;
    let _server = tokio.block_on(args.control.start(&shell.rt))?;
    let log = tokio.block_on(async { args.log.start(&shell.rt) })?;
    tokio.block_on(args.metrics.start(&shell.rt))?;
    let _web = tokio.block_on(args.web.start_local(&shell.rt, "grain shell"))?;
    let code = match script {
        Some(lines) => {
            // Each line's transcript goes out when the line is done; a closed pipe ends
            // the run quietly.
            let failures = tokio.block_on(grain_shell::script::run_streaming(
                &mut shell,
                lines,
                grain_shell::script::to_stdout,
            ));
            if failures == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        None => {
            grain_shell::repl::run(&mut shell, &tokio)?;
            ExitCode::SUCCESS
        }
    };
    if let Some(log) = &log {
        tokio.block_on(log.flush());
    }
    Ok(code)
}

/// `GRAIN_LOG=info` (or `debug`, or `grain::cluster=debug`...) prints the runtime's log on
/// stderr: node ups and downs, lost frames, publish errors. Off by default.
fn log_from_env() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("GRAIN_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}

fn main() -> ExitCode {
    quiet_library_backtraces();
    log_from_env();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::main(args),
        Command::Shell(args) => shell_main(args),
        Command::Observe(args) => observe::main(args),
        Command::Node(args) => node::main(args),
        Command::Init { dir, force } => grain_shell::init::init(&dir, force).map_err(Into::into).map(|path| {
            println!("wrote {}: `cargo run` and `cargo test` now build for wasm32-wasip1 and run on grain", path.display());
            println!("(the target must be installed: rustup target add wasm32-wasip1)");
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("grain: {e:#}");
            ExitCode::from(2)
        }
    }
}
