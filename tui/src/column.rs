//! The process table's columns: their headings, their order, their sort direction.

/// The columns the process table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Process id.
    Pid,
    /// Registered name.
    Name,
    /// Module and function.
    Module,
    /// State.
    State,
    /// Fuel per second (1 fuel = 1 wasm instruction).
    FuelRate,
    /// Fuel used in all.
    Fuel,
    /// Memory held: linear memory and queued messages, against the memory limit.
    Memory,
    /// Queued messages.
    Mailbox,
    /// Restarts.
    Restarts,
    /// The blocking host call it is in, and for how long (sorted longest first).
    HostCall,
    /// The node the process lives on (shown in a cluster, next to the pid).
    Node,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 11] = [
        Column::Pid,
        Column::Name,
        Column::Module,
        Column::State,
        Column::FuelRate,
        Column::Fuel,
        Column::Memory,
        Column::Mailbox,
        Column::Restarts,
        Column::HostCall,
        Column::Node,
    ];

    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Column::Pid => "PID",
            Column::Name => "NAME",
            Column::Module => "MODULE.FUNCTION",
            Column::State => "STATE",
            Column::FuelRate => "FUEL/S",
            Column::Fuel => "FUEL",
            Column::Memory => "MEMORY/MAX",
            Column::Mailbox => "MBOX",
            Column::Restarts => "RST",
            Column::HostCall => "HOST CALL",
            Column::Node => "NODE",
        }
    }

    /// Its name in the web observer's protocol and pages.
    pub fn key(self) -> &'static str {
        match self {
            Column::Pid => "pid",
            Column::Name => "name",
            Column::Module => "module",
            Column::State => "state",
            Column::FuelRate => "fuel_rate",
            Column::Fuel => "fuel",
            Column::Memory => "memory",
            Column::Mailbox => "mailbox",
            Column::Restarts => "restarts",
            Column::HostCall => "host_call",
            Column::Node => "node",
        }
    }

    /// The column of a [`Column::key`].
    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Does sorting by it put the biggest first (a resource: fuel, memory, mailbox,
    /// restarts, the longest host call)? Names and pids sort ascending.
    pub fn biggest_first(self) -> bool {
        matches!(
            self,
            Column::FuelRate
                | Column::Fuel
                | Column::Memory
                | Column::Mailbox
                | Column::Restarts
                | Column::HostCall
        )
    }

    /// The next column (`>`) or the previous one (`<`); [`Column::Node`] only in a
    /// cluster.
    pub fn step(self, forward: bool, cluster: bool) -> Column {
        let i = Column::ALL.iter().position(|c| *c == self).unwrap_or(0);
        let n = Column::ALL.len();
        let next = Column::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
        if next == Column::Node && !cluster {
            next.step(forward, cluster)
        } else {
            next
        }
    }
}
