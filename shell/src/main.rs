//! `grain`: run wasm programs as grain processes, the interactive shell, the observer.

mod run;
mod test_mode;

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
    /// The live observer (not built yet).
    Observe,
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

/// Arguments of `grain shell`.
#[derive(clap::Args)]
struct ShellArgs {
    /// Run the lines of this file instead of prompting (piped stdin does the same).
    #[arg(long, value_name = "FILE")]
    script: Option<std::path::PathBuf>,
    /// Print every result as JSON.
    #[arg(long)]
    json: bool,
    /// Attach to a running node's control socket (not available yet).
    #[arg(long, value_name = "SOCKET")]
    attach: Option<String>,
}

fn shell_main(args: ShellArgs) -> anyhow::Result<ExitCode> {
    use std::io::{IsTerminal, Read};
    if let Some(socket) = args.attach {
        anyhow::bail!("cannot attach to {socket}: control sockets are not available yet");
    }
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut shell = tokio.block_on(async { grain_shell::Shell::new() })?;
    shell.json = args.json;
    let script = match args.script {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
        ),
        None if !std::io::stdin().is_terminal() => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            Some(text)
        }
        None => None,
    };
    match script {
        Some(text) => {
            let (transcript, failures) =
                tokio.block_on(grain_shell::script::run(&mut shell, &text));
            print!("{transcript}");
            Ok(if failures == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        None => {
            grain_shell::repl::run(&mut shell, &tokio)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::main(args),
        Command::Shell(args) => shell_main(args),
        Command::Observe => Err(anyhow::anyhow!("`grain observe` is not available yet")),
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
