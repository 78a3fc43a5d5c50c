//! `lunatic::timer`: messages delivered later.

use std::time::Duration;

use wasmtime::Linker;

use super::message::take_outgoing;
use super::{Caller, Result};
use crate::Pid;
use crate::process::ProcessState;

const NS: &str = "lunatic::timer";

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "send_after",
        |mut caller: Caller<'_>, pid: u64, delay: u64| -> Result<u64> {
            let message = take_outgoing(&mut caller, "lunatic::timer::send_after")?;
            let rt = caller.data().rt.clone();
            let task = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                if let Some(target) = rt.cell(Pid(pid)) {
                    target.deliver(message);
                }
            });
            let timers = &mut caller.data_mut().timers;
            // Forget fired timers now and then, so a process that sets many does not grow.
            if timers.len() >= 64 && timers.len().is_power_of_two() {
                timers.retain(|t| !t.is_finished());
            }
            Ok(timers.add(task.abort_handle()))
        },
    )?;
    linker.func_wrap(
        NS,
        "cancel_timer",
        |mut caller: Caller<'_>, id: u64| -> u32 {
            match caller.data_mut().timers.remove(id) {
                Some(timer) if !timer.is_finished() => {
                    timer.abort();
                    1
                }
                _ => 0,
            }
        },
    )?;
    Ok(())
}
