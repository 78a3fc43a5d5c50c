//! The cluster flags shared by `grain node`, `grain run`, `grain shell` and `grain observe`.

use std::path::PathBuf;
use std::time::Duration;

use grain::cluster::{ClusterConfig, Credentials};

/// How to join a cluster (flattened into the subcommands' arguments).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ClusterArgs {
    /// Join a cluster through this NATS server: nats://HOST:PORT, with credentials as
    /// nats://USER:PASSWORD@HOST:PORT or nats://TOKEN@HOST:PORT; tls://... for TLS.
    #[arg(long, value_name = "URL")]
    pub nats: Option<String>,
    /// The cluster's name (nodes of one name see each other).
    #[arg(long, value_name = "NAME", requires = "nats")]
    pub cluster: Option<String>,
    /// This node's name, unique among the cluster's live nodes.
    #[arg(long = "name", value_name = "NODE", requires = "nats")]
    pub name: Option<String>,
    /// An attribute other nodes can look this one up by (`lookup_nodes("k=v")`).
    /// Repeatable.
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = crate::run::parse_env, requires = "nats")]
    pub tags: Vec<(String, String)>,
    /// A NATS credentials file (JWT and nkey seed, as nsc writes them).
    #[arg(long, value_name = "FILE", requires = "nats")]
    pub nats_creds: Option<PathBuf>,
    /// A NATS token (nats-server --auth); GRAIN_NATS_TOKEN works too.
    #[arg(long, value_name = "TOKEN", requires = "nats")]
    pub nats_token: Option<String>,
    /// A CA certificate (PEM) to trust for tls:// servers.
    #[arg(long, value_name = "FILE", requires = "nats")]
    pub nats_ca: Option<PathBuf>,
    /// A peer silent this long is down: its links and monitors fire with noconnection.
    #[arg(long, value_name = "MS", default_value_t = 1000, requires = "nats")]
    pub down_after: u64,
}

impl ClusterArgs {
    /// The cluster config, if `--nats` was given; `name` is required for a node.
    pub fn config(&self, need_name: bool) -> anyhow::Result<Option<ClusterConfig>> {
        let Some(url) = &self.nats else {
            return Ok(None);
        };
        let cluster = self
            .cluster
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("--nats needs --cluster NAME"))?;
        let name = match (&self.name, need_name) {
            (Some(name), _) => name.clone(),
            (None, true) => anyhow::bail!("--nats needs --name NODE (this node's name)"),
            (None, false) => String::new(),
        };
        let mut config = ClusterConfig::new(url, cluster, &name);
        config.tags = self.tags.iter().cloned().collect();
        config.down_after = Duration::from_millis(self.down_after.max(50));
        config.tick = (config.down_after / 4).min(Duration::from_millis(250));
        config.credentials = Credentials {
            creds_file: self.nats_creds.clone(),
            token: self
                .nats_token
                .clone()
                .or_else(|| std::env::var("GRAIN_NATS_TOKEN").ok()),
            nkey_seed: None,
            tls_ca: self.nats_ca.clone(),
            tls_client: None,
        };
        Ok(Some(config))
    }
}
