//! `grain node`: a cluster member that runs no program of its own. It serves remote
//! spawns, messages and signals until SIGTERM or Ctrl-C, then leaves the cluster in order.

use std::process::ExitCode;

use anyhow::Context;
use grain::{RuntimeConfig, Stdio};

use crate::cluster_args::ClusterArgs;

/// Arguments of `grain node`.
#[derive(clap::Args)]
pub struct NodeArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    #[command(flatten)]
    limits: crate::run::Limits,
    #[command(flatten)]
    control: crate::control_args::ControlArgs,
    #[command(flatten)]
    coredump: crate::coredump_args::CoredumpArgs,
    #[command(flatten)]
    alerts: crate::alert_args::AlertArgs,
    #[command(flatten)]
    log: crate::log_args::LogArgs,
    #[command(flatten)]
    metrics: crate::metrics_args::MetricsArgs,
}

pub fn main(args: NodeArgs) -> anyhow::Result<ExitCode> {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the scheduler")?;
    tokio.block_on(run(args))
}

async fn run(args: NodeArgs) -> anyhow::Result<ExitCode> {
    let mut config = args
        .cluster
        .config(true)?
        .ok_or_else(|| anyhow::anyhow!("grain node needs --nats URL --cluster NAME --name NODE"))?;
    config.remote_max_memory = args.limits.max_memory;
    config.remote_max_fuel = args.limits.max_fuel;
    let mut runtime = RuntimeConfig {
        max_processes: args.limits.max_processes,
        max_mailbox: args.limits.max_mailbox,
        stdio: Stdio::default(),
        ..RuntimeConfig::default()
    };
    args.coredump.apply(&mut runtime)?;
    args.alerts.apply(&mut runtime)?;
    let (rt, cluster) = grain::cluster::join(config, runtime).await?;
    let log = args.log.start(&rt)?;
    args.metrics.start(&rt).await?;
    let up = cluster.live_nodes().len();
    eprintln!(
        "grain: node {} is node {} of cluster {} ({up} {} up)",
        cluster.name(),
        cluster.node_id(),
        cluster.cluster(),
        if up == 1 { "node" } else { "nodes" }
    );
    let _control = args.control.start(&rt).await?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot watch SIGTERM")?;
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    if let Some(log) = &log {
        log.flush().await;
    }
    let goodbye = cluster.leave().await;
    eprintln!(
        "grain: node {} left cluster {}{}",
        cluster.name(),
        cluster.cluster(),
        if goodbye {
            ""
        } else {
            " (the NATS server did not answer: no goodbye; its peers see it go down)"
        }
    );
    rt.shutdown();
    Ok(ExitCode::SUCCESS)
}
