//! The libtest flags cargo and users pass to a test binary.

/// What the user asked of the test run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestArgs {
    /// Run tests whose name contains one of these (all if empty).
    pub filters: Vec<String>,
    /// Skip tests whose name contains one of these.
    pub skip: Vec<String>,
    /// Filters must match whole names.
    pub exact: bool,
    /// Run only ignored tests.
    pub ignored: bool,
    /// Run ignored tests too.
    pub include_ignored: bool,
    /// Let output through instead of capturing it.
    pub nocapture: bool,
    /// Show the output of passing tests too.
    pub show_output: bool,
    /// List tests instead of running them.
    pub list: bool,
    /// `--format terse`.
    pub terse: bool,
    /// One character per test.
    pub quiet: bool,
    /// Tests at once.
    pub threads: Option<usize>,
}

/// Parses libtest's arguments.
pub fn parse(args: &[String]) -> Result<TestArgs, String> {
    let mut out = TestArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("option {name} needs a value"))
        };
        match flag {
            "--exact" => out.exact = true,
            "--ignored" => out.ignored = true,
            "--include-ignored" => out.include_ignored = true,
            "--nocapture" | "--no-capture" => out.nocapture = true,
            "--show-output" => out.show_output = true,
            "--list" => out.list = true,
            "-q" | "--quiet" => out.quiet = true,
            "--test" | "--bench" => {}
            "--format" => match value("--format")?.as_str() {
                "terse" => out.terse = true,
                "pretty" => {}
                other => return Err(format!("unsupported --format {other} (pretty or terse)")),
            },
            "--color" | "--logfile" | "--report-time" => {
                if flag != "--report-time" {
                    value(flag)?;
                }
            }
            "--skip" => out.skip.push(value("--skip")?),
            "--test-threads" => {
                let n = value("--test-threads")?;
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("--test-threads: not a number: {n}"))?;
                if n == 0 {
                    return Err("--test-threads must be at least 1".into());
                }
                out.threads = Some(n);
            }
            f if f.starts_with('-') => {
                return Err(format!(
                    "Unrecognized option: '{}'",
                    f.trim_start_matches('-')
                ));
            }
            filter => out.filters.push(filter.to_owned()),
        }
    }
    Ok(out)
}

impl TestArgs {
    /// Does the test named `name` pass the filters?
    pub fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skip.iter().any(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<TestArgs, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_cargo_passes_parse() {
        let a = p(&[
            "spawn",
            "--exact",
            "--test-threads=2",
            "--nocapture",
            "--skip",
            "slow",
        ])
        .unwrap();
        assert_eq!(a.filters, ["spawn"]);
        assert!(a.exact && a.nocapture);
        assert_eq!(a.threads, Some(2));
        assert_eq!(a.skip, ["slow"]);
        let a = p(&[
            "--list",
            "--format",
            "terse",
            "--quiet",
            "--include-ignored",
        ])
        .unwrap();
        assert!(a.list && a.terse && a.quiet && a.include_ignored);
        assert!(p(&["--frobnicate"]).unwrap_err().contains("frobnicate"));
        assert!(p(&["--test-threads", "0"]).is_err());
    }

    #[test]
    fn filters_select_by_substring_or_exact_name() {
        let a = p(&["spawn"]).unwrap();
        assert!(a.selects("process::spawn_link") && !a.selects("kill"));
        let a = p(&["spawn", "--exact"]).unwrap();
        assert!(a.selects("spawn") && !a.selects("spawn_link"));
    }
}
