//! The host the node runs on, as both observers show it in their header.

/// The host: CPU (percent), memory used and total (bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Host {
    pub cpu: f32,
    pub used: u64,
    pub total: u64,
}

/// Samples the host; the CPU figure is the use since the previous sample.
#[derive(Default)]
pub(crate) struct HostProbe(sysinfo::System);

impl HostProbe {
    /// The host now.
    pub(crate) fn sample(&mut self) -> Host {
        self.0.refresh_cpu_usage();
        self.0.refresh_memory();
        Host {
            cpu: self.0.global_cpu_usage(),
            used: self.0.used_memory(),
            total: self.0.total_memory(),
        }
    }
}
