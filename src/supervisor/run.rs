//! The supervisor loop.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc;

use super::{
    ChildInfo, ChildKind, Control, Restart, Shared, Strategy, Supervisor, SupervisorError,
    SupervisorInfo, SupervisorSpec,
};
use crate::error::Error;
use crate::message::Message;
use crate::observe::EventKind;
use crate::process::{HostProcess, Process, SpawnRequest};
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

struct Running {
    process: Process,
    nested: Option<Supervisor>,
}

struct Sup {
    rt: Arc<RuntimeInner>,
    host: HostProcess,
    spec: SupervisorSpec,
    running: Vec<Option<Running>>,
    shared: Arc<Shared>,
    restarts: VecDeque<Instant>,
    parent: Option<Pid>,
}

pub(super) fn start(
    rt: &Arc<RuntimeInner>,
    spec: SupervisorSpec,
    name: Option<&str>,
    parent: Option<Pid>,
) -> Result<Supervisor, Error> {
    let host = rt.spawn_host("supervisor")?;
    let pid = host.pid();
    if let Some(name) = name {
        rt.register(&host.process().cell, name);
    }
    let (control, control_rx) = mpsc::unbounded_channel();
    let info = SupervisorInfo {
        pid,
        strategy: spec.strategy,
        intensity: spec.intensity,
        children: spec.children.iter().map(child_info).collect(),
    };
    let shared = Arc::new(Shared {
        info: Mutex::new(info),
        control,
    });
    rt.supervisors.insert(pid, shared.clone());
    let mut sup = Sup {
        rt: rt.clone(),
        running: spec.children.iter().map(|_| None).collect(),
        host,
        spec,
        shared: shared.clone(),
        restarts: VecDeque::new(),
        parent,
    };
    for i in 0..sup.spec.children.len() {
        if let Err(e) = sup.start_child(i, false) {
            for running in sup.running.iter().flatten() {
                running.process.kill();
            }
            rt.supervisors.remove(&pid);
            sup.host.exit(ExitReason::Shutdown {
                reason: format!("a child failed to start: {e}"),
            });
            return Err(e);
        }
    }
    let handle = Supervisor {
        process: sup.host.process().clone(),
        shared,
    };
    tokio::spawn(sup.run(control_rx));
    Ok(handle)
}

fn child_info(spec: &super::ChildSpec) -> ChildInfo {
    let (supervisor, runs) = match &spec.kind {
        // A pinned child runs `name@N`; the others the current version of `name`.
        ChildKind::Worker {
            module,
            function,
            pinned,
            ..
        } => {
            let module = if *pinned {
                module.label()
            } else {
                module.name().to_owned()
            };
            (false, format!("{module}.{function}"))
        }
        ChildKind::Supervisor(_) => (true, "supervisor".to_owned()),
    };
    ChildInfo {
        id: spec.id.clone(),
        pid: None,
        restarts: 0,
        restart: spec.restart,
        supervisor,
        runs,
    }
}

enum Happened {
    Ended,
    Message(Option<Message>),
    Control(Option<Control>),
}

impl Sup {
    fn pid(&self) -> Pid {
        self.host.pid()
    }

    fn set_pid(&self, i: usize, pid: Option<Pid>) {
        self.shared.info.lock().expect("supervisor lock").children[i].pid = pid;
    }

    /// Starts child `i`; a restart counts in its `restarts`, published with its new pid in
    /// one step (whoever sees the new pid sees the count that goes with it). Returns the
    /// pid and the restarts so far.
    fn start_child(&mut self, i: usize, restart: bool) -> Result<(Pid, u32), Error> {
        let spec = self.spec.children[i].clone();
        let me = self.host.process().cell.clone();
        let running = match spec.kind {
            ChildKind::Worker {
                module,
                pinned,
                function,
                params,
                config,
            } => {
                let module = if pinned {
                    module
                } else {
                    self.rt.versions.latest(&module)
                };
                let cell = self.rt.spawn(SpawnRequest {
                    module,
                    function,
                    params,
                    config: Arc::new(config),
                    parent: Some(self.pid()),
                    link: Some((me, None)),
                    env: None,
                })?;
                Running {
                    process: Process { cell },
                    nested: None,
                }
            }
            ChildKind::Supervisor(nested) => {
                let nested = start(&self.rt, nested, None, Some(self.pid()))?;
                self.rt.link(&nested.process().cell, &me, None);
                Running {
                    process: nested.process().clone(),
                    nested: Some(nested),
                }
            }
        };
        let pid = running.process.pid();
        if let Some(name) = &spec.name {
            self.rt.register(&running.process.cell, name);
        }
        self.host.monitor(pid);
        self.running[i] = Some(running);
        let mut info = self.shared.info.lock().expect("supervisor lock");
        let child = &mut info.children[i];
        child.pid = Some(pid);
        child.restarts += u32::from(restart);
        Ok((pid, child.restarts))
    }

    async fn stop_child(&mut self, i: usize) {
        let Some(running) = self.running[i].take() else {
            return;
        };
        self.set_pid(i, None);
        match running.nested {
            Some(nested) => nested.stop().await,
            None => {
                running.process.kill();
                running.process.wait().await;
            }
        }
    }

    async fn shutdown(&mut self) {
        for i in (0..self.running.len()).rev() {
            self.stop_child(i).await;
        }
    }

    async fn run(mut self, mut control: mpsc::UnboundedReceiver<Control>) {
        let me = self.host.process().clone();
        let reason = loop {
            // Parked while it waits and running while it acts, as a wasm process shows, so
            // whoever waits for the node to be quiet (the shell) waits for a restart too.
            self.host.parked();
            let happened = tokio::select! {
                _ = me.wait() => Happened::Ended,
                m = self.host.receive(None, None) => Happened::Message(m),
                c = control.recv() => Happened::Control(c),
            };
            self.host.resumed();
            match happened {
                Happened::Ended => break None,
                Happened::Message(Some(Message::ProcessDied { pid, reason })) => {
                    if let Some(exit) = self.on_death(pid, reason).await {
                        break Some(exit);
                    }
                }
                Happened::Message(Some(Message::LinkDied { pid, .. }))
                    if Some(pid) == self.parent =>
                {
                    self.shutdown().await;
                    break Some(ExitReason::Shutdown {
                        reason: format!("its supervisor {pid} ended"),
                    });
                }
                Happened::Message(_) | Happened::Control(None) => {}
                Happened::Control(Some(Control::Restart(id, reply))) => {
                    let _ = reply.send(self.restart_by_hand(&id).await);
                }
                Happened::Control(Some(Control::Stop(reply))) => {
                    self.shutdown().await;
                    let _ = reply.send(());
                    break Some(ExitReason::Normal);
                }
            }
        };
        self.rt.supervisors.remove(&self.pid());
        if let Some(reason) = reason {
            self.host.exit(reason);
        }
    }

    async fn restart_by_hand(&mut self, id: &str) -> Result<Pid, SupervisorError> {
        let i = self
            .spec
            .children
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| SupervisorError::NoSuchChild(id.to_owned()))?;
        let old = self.running[i].as_ref().map(|r| r.process.pid());
        self.stop_child(i).await;
        self.restart(i, old, "restarted by hand".into())
            .map_err(|e| SupervisorError::StartFailed {
                id: id.to_owned(),
                reason: e.to_string(),
            })
    }

    /// Starts child `i` again and reports the restart.
    fn restart(&mut self, i: usize, old: Option<Pid>, why: String) -> Result<Pid, Error> {
        let (new, restarts) = self.start_child(i, true)?;
        self.rt.emit(
            self.pid(),
            EventKind::Restarted {
                child: self.spec.children[i].id.clone(),
                old,
                new,
                reason: why,
                restarts,
                window: self.restarts.len() as u32,
                max_restarts: self.spec.intensity.max_restarts,
            },
        );
        Ok(new)
    }

    /// Says so, stops the children, and gives the reason to exit with.
    async fn give_up(&mut self, reason: String) -> ExitReason {
        self.rt.emit(
            self.pid(),
            EventKind::GaveUp {
                reason: reason.clone(),
            },
        );
        self.shutdown().await;
        ExitReason::Shutdown { reason }
    }

    /// Reacts to the end of a process; `Some` when the supervisor must exit.
    async fn on_death(&mut self, pid: Pid, reason: Option<ExitReason>) -> Option<ExitReason> {
        let i = self
            .running
            .iter()
            .position(|r| r.as_ref().is_some_and(|r| r.process.pid() == pid))?;
        self.running[i] = None;
        self.set_pid(i, None);
        let failed = reason.as_ref().is_none_or(ExitReason::is_failure);
        let why = reason.map_or_else(|| "ended".to_owned(), |r| r.to_string());
        let restart = match self.spec.children[i].restart {
            Restart::Permanent => true,
            Restart::Transient => failed,
            Restart::Temporary => {
                self.spec.children.remove(i);
                self.running.remove(i);
                self.shared
                    .info
                    .lock()
                    .expect("supervisor lock")
                    .children
                    .remove(i);
                false
            }
        };
        if !restart {
            return None;
        }
        let now = Instant::now();
        let period = self.spec.intensity.period;
        self.restarts.retain(|t| now.duration_since(*t) < period);
        if self.restarts.len() as u32 >= self.spec.intensity.max_restarts {
            let reason = format!(
                "reached its restart intensity ({} restarts in {:?}); last: {} {why}",
                self.spec.intensity.max_restarts, period, self.spec.children[i].id
            );
            return Some(self.give_up(reason).await);
        }
        self.restarts.push_back(now);
        let first = match self.spec.strategy {
            Strategy::OneForOne => i,
            Strategy::OneForAll => 0,
            Strategy::RestForOne => i,
        };
        let last = match self.spec.strategy {
            Strategy::OneForOne => i,
            _ => self.running.len() - 1,
        };
        let mut olds = vec![None; self.running.len()];
        olds[i] = Some(pid);
        for j in (first..=last).rev() {
            if j != i {
                olds[j] = self.running[j].as_ref().map(|r| r.process.pid());
                self.stop_child(j).await;
            }
        }
        for (j, old) in olds.into_iter().enumerate().take(last + 1).skip(first) {
            let why = if j == i {
                why.clone()
            } else {
                format!(
                    "{} died ({:?})",
                    self.spec.children[i].id, self.spec.strategy
                )
            };
            if let Err(e) = self.restart(j, old, why) {
                let reason = format!("child {} could not restart: {e}", self.spec.children[j].id);
                return Some(self.give_up(reason).await);
            }
        }
        None
    }
}
