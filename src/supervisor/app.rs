//! Applications from a file: modules, supervisors and children in TOML, so a supervised
//! system starts with `grain run app.toml`.
//!
//! ```toml
//! [modules]
//! worker = "worker.wat"          # paths are relative to this file
//!
//! [supervisor]
//! strategy = "one_for_one"       # one_for_all, rest_for_one
//! intensity = "3/5s"             # at most 3 restarts in 5 seconds
//! name = "root"
//!
//! [[supervisor.children]]
//! id = "counter"
//! module = "worker"
//! function = "work"
//! restart = "permanent"          # transient, temporary
//! name = "counter"
//! args = ["5i64"]                # i32 by default; suffixes i32, i64
//! max_memory = "1MiB"            # or a number of bytes
//! max_fuel = "10M"               # 1 fuel = 1 wasm instruction; or a plain number
//!
//! [[supervisor.children]]
//! id = "pool"
//! supervisor = { strategy = "one_for_all", children = [] }
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::{ChildKind, ChildSpec, Intensity, Restart, Strategy, SupervisorSpec};
use crate::config::ProcessConfig;
use crate::module::Module;
use crate::process::Param;
use crate::runtime::Runtime;

/// What can be wrong with an application file.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: std::io::Error,
    },
    /// The TOML does not describe an application.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with its place.
        message: String,
    },
    /// A module does not load.
    #[error(transparent)]
    Module(#[from] crate::Error),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppFile {
    #[serde(default)]
    modules: BTreeMap<String, String>,
    supervisor: SupervisorFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupervisorFile {
    strategy: StrategyName,
    #[serde(default)]
    intensity: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    children: Vec<ChildFile>,
}

/// A limit as a plain number or with a suffix (`"10M"`, `"64MiB"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Amount {
    Number(u64),
    Text(String),
}

impl Amount {
    fn read(
        &self,
        parse: fn(&str) -> Result<u64, crate::quantity::QuantityError>,
        id: &str,
        field: &str,
    ) -> Result<u64, String> {
        match self {
            Amount::Number(n) => Ok(*n),
            Amount::Text(t) => parse(t).map_err(|e| format!("child {id:?}: {field}: {e}")),
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum StrategyName {
    OneForOne,
    OneForAll,
    RestForOne,
}

#[derive(Deserialize, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
enum RestartName {
    #[default]
    Permanent,
    Transient,
    Temporary,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChildFile {
    id: String,
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    function: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    restart: RestartName,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    max_memory: Option<Amount>,
    #[serde(default)]
    max_fuel: Option<Amount>,
    #[serde(default)]
    supervisor: Option<SupervisorFile>,
}

/// A loaded application: its root supervisor's spec and name.
pub struct App {
    /// The root supervisor.
    pub spec: SupervisorSpec,
    /// The name to register the root supervisor under.
    pub name: Option<String>,
}

impl App {
    /// Reads an application file, loading its modules into `rt`.
    ///
    /// # Errors
    /// When the file cannot be read or is not a valid application, or a module does not load.
    pub fn load(rt: &Runtime, path: &Path) -> Result<App, AppError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|reason| AppError::Read {
            path: shown.clone(),
            reason,
        })?;
        let invalid = |message: String| AppError::Invalid {
            path: shown.clone(),
            message,
        };
        let file: AppFile = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut modules = BTreeMap::new();
        for (name, file) in &file.modules {
            let module = rt.load_file(base.join(file))?;
            modules.insert(name.clone(), module);
        }
        let spec = supervisor(&file.supervisor, &modules).map_err(invalid)?;
        Ok(App {
            spec,
            name: file.supervisor.name.clone(),
        })
    }
}

fn supervisor(
    file: &SupervisorFile,
    modules: &BTreeMap<String, Module>,
) -> Result<SupervisorSpec, String> {
    let strategy = match file.strategy {
        StrategyName::OneForOne => Strategy::OneForOne,
        StrategyName::OneForAll => Strategy::OneForAll,
        StrategyName::RestForOne => Strategy::RestForOne,
    };
    let intensity = match &file.intensity {
        Some(text) => parse_intensity(text)?,
        None => Intensity::default(),
    };
    let children = file
        .children
        .iter()
        .map(|c| child(c, modules))
        .collect::<Result<_, _>>()?;
    Ok(SupervisorSpec {
        strategy,
        intensity,
        children,
    })
}

fn child(file: &ChildFile, modules: &BTreeMap<String, Module>) -> Result<ChildSpec, String> {
    let restart = match file.restart {
        RestartName::Permanent => Restart::Permanent,
        RestartName::Transient => Restart::Transient,
        RestartName::Temporary => Restart::Temporary,
    };
    let kind = match (&file.supervisor, &file.module) {
        (Some(nested), None) => ChildKind::Supervisor(supervisor(nested, modules)?),
        (None, Some(module)) => {
            let module = modules
                .get(module)
                .ok_or_else(|| format!("child {:?}: no module {module:?} in [modules]", file.id))?;
            let params = file
                .args
                .iter()
                .map(|a| parse_arg(a))
                .collect::<Result<_, _>>()?;
            ChildKind::Worker {
                pinned: false,
                module: module.clone(),
                function: file.function.clone().unwrap_or_else(|| "_start".into()),
                params,
                config: ProcessConfig {
                    max_memory: file
                        .max_memory
                        .as_ref()
                        .map(|a| a.read(crate::quantity::parse_bytes, &file.id, "max_memory"))
                        .transpose()?,
                    max_fuel: file
                        .max_fuel
                        .as_ref()
                        .map(|a| a.read(crate::quantity::parse_fuel, &file.id, "max_fuel"))
                        .transpose()?,
                    ..ProcessConfig::default()
                },
            }
        }
        _ => {
            return Err(format!(
                "child {:?}: give either `module` or `supervisor`",
                file.id
            ));
        }
    };
    Ok(ChildSpec {
        id: file.id.clone(),
        kind,
        restart,
        name: file.name.clone(),
    })
}

/// `"3/5s"`: at most 3 restarts in 5 seconds (`ms` and `m` work too).
pub fn parse_intensity(text: &str) -> Result<Intensity, String> {
    let bad = || format!("intensity {text:?}: expected N/T like 3/5s");
    let (n, t) = text.split_once('/').ok_or_else(bad)?;
    let max_restarts = n.trim().parse().map_err(|_| bad())?;
    let t = t.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let number: u64 = number.parse().map_err(|_| bad())?;
    let period = match unit {
        "ms" => Duration::from_millis(number),
        "s" | "" => Duration::from_secs(number),
        "m" => Duration::from_secs(number * 60),
        _ => return Err(bad()),
    };
    Ok(Intensity {
        max_restarts,
        period,
    })
}

fn parse_arg(text: &str) -> Result<Param, String> {
    let bad = |_| format!("argument {text:?}: expected an integer like 5, 5i32 or 5i64");
    if let Some(n) = text.strip_suffix("i64") {
        return n.parse().map(Param::I64).map_err(bad);
    }
    let n = text.strip_suffix("i32").unwrap_or(text);
    n.parse().map(Param::I32).map_err(bad)
}
