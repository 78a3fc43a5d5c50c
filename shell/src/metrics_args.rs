//! The metrics flag shared by `grain run`, `grain shell` and `grain node`.

use anyhow::Context;
use grain::Runtime;

/// Where the node serves its metrics (flattened into the subcommands' arguments).
#[derive(clap::Args, Debug, Default)]
pub struct MetricsArgs {
    /// Serve the runtime's metrics (`grain_*`: processes, messages, fuel, memory, restarts,
    /// traps, limit hits) and those guests record (`lunatic::metrics`) for Prometheus at
    /// http://ADDR/metrics, e.g. `--metrics 127.0.0.1:9927` (port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    metrics: Option<std::net::SocketAddr>,
}

impl MetricsArgs {
    /// Starts serving if asked (inside the tokio runtime) and says where on stderr.
    pub async fn start(&self, rt: &Runtime) -> anyhow::Result<()> {
        let Some(addr) = self.metrics else {
            return Ok(());
        };
        let bound = rt
            .serve_metrics(addr)
            .await
            .with_context(|| format!("--metrics {addr}: cannot listen"))?;
        eprintln!("grain: metrics at http://{bound}/metrics");
        Ok(())
    }
}
