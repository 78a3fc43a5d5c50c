//! Process identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A process identifier, unique within a runtime for its whole life (ids are never reused).
///
/// It prints the way the shell reads it: `<0.12>` is process 12 on node 0 (this node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pid(pub u64);

impl Pid {
    /// The raw id, as guests see it.
    pub fn id(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<0.{}>", self.0)
    }
}

/// The text was not a pid literal like `<0.12>` or a bare number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a pid: {0:?} (expected <0.N> or N)")]
pub struct ParsePidError(pub String);

impl FromStr for Pid {
    type Err = ParsePidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParsePidError(s.to_owned());
        let body = match s.strip_prefix('<') {
            Some(rest) => {
                let inner = rest.strip_suffix('>').ok_or_else(bad)?;
                inner.strip_prefix("0.").ok_or_else(bad)?
            }
            None => s,
        };
        body.parse().map(Pid).map_err(|_| bad())
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
        assert!("<1.12>".parse::<Pid>().is_err());
        assert!("<0.x>".parse::<Pid>().is_err());
    }
}
