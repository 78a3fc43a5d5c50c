//! Process identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How many low bits of a pid count the processes of one node; the node's id is above them.
pub const LOCAL_BITS: u32 = 40;

/// A process identifier, unique within a cluster for its whole life (ids are never reused).
///
/// The raw `u64` (what guests see) carries the node in its high bits: `node << 40 | n`.
/// A node that is not part of a cluster is node 0, so its pids are plain counters. A node
/// gets a fresh id at every start, so a restarted node's old pids name nobody.
///
/// It prints the way the shell reads it: `<0.12>` is process 12 of node 0, `<3.12>` process
/// 12 of node 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pid(pub u64);

impl Pid {
    /// The pid of process `local` on node `node`.
    pub fn new(node: u64, local: u64) -> Pid {
        Pid(node << LOCAL_BITS | (local & ((1 << LOCAL_BITS) - 1)))
    }

    /// The raw id, as guests see it.
    pub fn id(self) -> u64 {
        self.0
    }

    /// The node the process lives on (0 outside a cluster).
    pub fn node(self) -> u64 {
        self.0 >> LOCAL_BITS
    }

    /// Its number among its node's processes.
    pub fn local(self) -> u64 {
        self.0 & ((1 << LOCAL_BITS) - 1)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}.{}>", self.node(), self.local())
    }
}

/// The text was not a pid literal like `<0.12>` or a bare number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a pid: {0:?} (expected <NODE.N> or N)")]
pub struct ParsePidError(pub String);

impl FromStr for Pid {
    type Err = ParsePidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParsePidError(s.to_owned());
        let Some(rest) = s.strip_prefix('<') else {
            return s.parse().map(Pid).map_err(|_| bad());
        };
        let inner = rest.strip_suffix('>').ok_or_else(bad)?;
        let (node, local) = inner.split_once('.').ok_or_else(bad)?;
        let node: u64 = node.parse().map_err(|_| bad())?;
        let local: u64 = local.parse().map_err(|_| bad())?;
        if node >= 1 << (64 - LOCAL_BITS) || local >= 1 << LOCAL_BITS {
            return Err(bad());
        }
        Ok(Pid::new(node, local))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_prints_and_parses_the_same_way() {
        let pid = Pid(12);
        assert_eq!(pid.to_string(), "<0.12>");
        assert_eq!("<0.12>".parse::<Pid>(), Ok(pid));
        assert_eq!("12".parse::<Pid>(), Ok(pid));
        assert!("<0.x>".parse::<Pid>().is_err());
        assert!("<1>".parse::<Pid>().is_err());
    }

    #[test]
    fn a_pid_carries_its_node() {
        let pid = Pid::new(3, 12);
        assert_eq!((pid.node(), pid.local()), (3, 12));
        assert_eq!(pid.id(), 3 << 40 | 12);
        assert_eq!(pid.to_string(), "<3.12>");
        assert_eq!("<3.12>".parse::<Pid>(), Ok(pid));
        assert_eq!(Pid(12).node(), 0);
        assert!("<16777216.1>".parse::<Pid>().is_err());
    }
}
