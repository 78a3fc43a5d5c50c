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
    /// The interactive shell over a live runtime (not built yet).
    Shell,
    /// The live observer (not built yet).
    Observe,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::main(args),
        Command::Shell => Err(anyhow::anyhow!("`grain shell` is not available yet")),
        Command::Observe => Err(anyhow::anyhow!("`grain observe` is not available yet")),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("grain: {e:#}");
            ExitCode::from(2)
        }
    }
}
