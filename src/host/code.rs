//! `grain::code`: the guest's half of an upgrade in place (see [`crate::code`]).

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::code::HANDOFF_NOT_ASKED;
use crate::observe::HostCall;
use crate::process::ProcessState;

const NS: &str = "grain::code";

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    // The old code hands its state over; on success the call never returns.
    linker.func_wrap_async(
        NS,
        "handoff",
        |mut caller: Caller<'_>, (ptr, len): (u32, u32)| {
            Box::new(async move {
                const F: &str = "grain::code::handoff";
                let state = mem::read(&mut caller, F, ptr, len)?;
                let cell = caller.data().cell.clone();
                let rt = caller.data().rt.clone();
                let Some(verdict) = rt.upgrades.hand_off(cell.pid, state) else {
                    return Ok(HANDOFF_NOT_ASKED);
                };
                cell.park_in(HostCall::Handoff, rt.coarse_now_us());
                // Seen by the task right after this poll returns pending (`task::run_guest`).
                cell.upgrading
                    .store(true, std::sync::atomic::Ordering::Release);
                let code = super::park(&mut caller, verdict).await;
                cell.unpark();
                Ok(code.unwrap_or(crate::code::HANDOFF_FAILED))
            })
        },
    )?;
    // The new code copies the state in (inside `grain_code_change`): the state's length,
    // of which at most `len` bytes were copied; -1 when no state is being handed over.
    linker.func_wrap(
        NS,
        "take_state",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<i32> {
            const F: &str = "grain::code::take_state";
            let pid = caller.data().cell.pid;
            let Some(state) = caller.data().rt.upgrades.state(pid) else {
                return Ok(-1);
            };
            let n = state.len().min(len as usize);
            mem::write(&mut caller, F, ptr, &state[..n])?;
            i32::try_from(state.len()).map_err(|_| fail(F, "the state is over 2 GiB"))
        },
    )?;
    // The version of the code running (`name@version`), 0 for an unversioned module.
    linker.func_wrap(NS, "version", |caller: Caller<'_>| -> i32 {
        caller.data().module.version() as i32
    })?;
    Ok(())
}
