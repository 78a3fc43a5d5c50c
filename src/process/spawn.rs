//! Spawning: checking the entry point, wiring links, starting the task.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use wasmtime::{Val, ValType};

use super::ProcessCell;
use super::task;
use crate::Pid;
use crate::config::ProcessConfig;
use crate::error::Error;
use crate::module::{Module, describe_func};
use crate::observe::{EventKind, Status};
use crate::runtime::RuntimeInner;

/// An argument of a process's entry function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A wasm `i32`.
    I32(i32),
    /// A wasm `i64`.
    I64(i64),
    /// A wasm `v128`.
    V128(u128),
}

impl Param {
    fn val(self) -> Val {
        match self {
            Param::I32(v) => Val::I32(v),
            Param::I64(v) => Val::I64(v),
            Param::V128(v) => Val::V128(v.into()),
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Param::I32(_) => "i32",
            Param::I64(_) => "i64",
            Param::V128(_) => "v128",
        }
    }

    fn fits(self, ty: &ValType) -> bool {
        matches!(
            (self, ty),
            (Param::I32(_), ValType::I32)
                | (Param::I64(_), ValType::I64)
                | (Param::V128(_), ValType::V128)
        )
    }

    /// Decodes lunatic's spawn parameters: 17-byte chunks of a type byte (0x7F i32, 0x7E i64,
    /// 0x7B v128) and a little-endian u128.
    pub fn decode_lunatic(bytes: &[u8]) -> Result<Vec<Param>, String> {
        if !bytes.len().is_multiple_of(17) {
            return Err(format!(
                "params must be 17-byte chunks, but {} bytes are left over",
                bytes.len() % 17
            ));
        }
        bytes
            .chunks_exact(17)
            .map(|chunk| {
                let value = u128::from_le_bytes(chunk[1..].try_into().expect("16 bytes"));
                match chunk[0] {
                    0x7F => Ok(Param::I32(value as i32)),
                    0x7E => Ok(Param::I64(value as i64)),
                    0x7B => Ok(Param::V128(value)),
                    other => Err(format!("unknown param type {other:#04x}")),
                }
            })
            .collect()
    }
}

/// How to spawn a process.
pub(crate) struct SpawnRequest {
    pub module: Module,
    pub function: String,
    pub params: Vec<Param>,
    pub config: Arc<ProcessConfig>,
    pub parent: Option<Pid>,
    /// Link the new process to this one, with this tag, before it runs.
    pub link: Option<(Arc<ProcessCell>, Option<i64>)>,
    /// Its environment; `None` is the parent's, or the host's for a root process.
    pub env: Option<Arc<crate::runtime::Environment>>,
}

impl RuntimeInner {
    pub(crate) fn spawn(self: &Arc<Self>, req: SpawnRequest) -> Result<Arc<ProcessCell>, Error> {
        let ty = req
            .module
            .function(&req.function)
            .ok_or_else(|| Error::NoSuchFunction {
                module: req.module.name().to_owned(),
                function: req.function.clone(),
            })?;
        let fits = ty.params().len() == req.params.len()
            && ty.params().zip(&req.params).all(|(t, p)| p.fits(&t));
        if !fits {
            let given: Vec<&str> = req.params.iter().map(|p| p.type_name()).collect();
            return Err(Error::BadArguments {
                function: req.function.clone(),
                expected: describe_func(&ty),
                given: format!("({})", given.join(", ")),
            });
        }
        if self.processes.len() >= self.config.max_processes {
            return Err(self.process_limit_hit(req.parent));
        }
        let pid = Pid(self.next_pid.fetch_add(1, Ordering::Relaxed));
        let parent = req.parent.and_then(|p| self.cell(p));
        let env = req
            .env
            .or_else(|| parent.as_ref().map(|p| p.env.clone()))
            .unwrap_or_else(|| self.root_env.clone());
        let (mut cell, signals) = ProcessCell::new(
            pid,
            req.parent,
            Some(req.module.clone()),
            req.function.clone(),
            req.config,
            env,
            self.now_us(),
        );
        let own = Arc::get_mut(&mut cell).expect("not shared yet");
        own.rt = Arc::downgrade(self);
        // Where the parent is in its run: the child starts once it has moved on.
        own.parent_mark = parent
            .as_ref()
            .map_or(0, |p| p.expect_child(self.config.count_fuel));
        own.entry = req.module.entry_name(&req.function, &req.params);
        own.max_mailbox = self.config.max_mailbox;
        let parent = parent.filter(|p| p.is_wasm());
        if parent.is_some() {
            let key = format!("{}:{}{:?}", req.module.id(), req.function, req.params);
            Arc::get_mut(&mut cell).expect("not shared yet").spawn_key = Some(key);
        }
        self.trace_adopt(&cell);
        if req.module.enter() {
            self.versions.keep(&req.module);
        }
        self.processes.insert(pid, cell.clone());
        self.spawned_total.fetch_add(1, Ordering::Relaxed);
        self.emit(
            pid,
            EventKind::Spawned {
                parent: req.parent,
                module: req.module.label(),
                function: req.function.clone(),
            },
        );
        if let (Some(parent), Some(key)) = (&parent, &cell.spawn_key)
            && let Some(restart) = parent.lineage.spawned(key)
        {
            self.emit(
                parent.pid,
                EventKind::Restarted {
                    child: req.function.clone(),
                    old: Some(restart.old),
                    new: pid,
                    reason: restart.reason.to_string(),
                    restarts: restart.restarts,
                    window: 0,
                    max_restarts: 0,
                },
            );
        }
        if let Some((other, tag)) = req.link {
            self.link(&cell, &other, tag);
        }
        cell.stats.set_status(Status::Starting);
        let params = req.params.into_iter().map(Param::val).collect();
        self.sched.spawn(
            pid.0,
            task::run(self.clone(), cell.clone(), signals, req.module, params),
        );
        Ok(cell)
    }
}
