//! `lunatic::message`: building, sending and receiving messages through the scratch slot.

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::Pid;
use crate::cluster::SendOutcome;
use crate::message::{DataMessage, Message, Resource};
use crate::observe::HostCall;
use crate::process::ProcessState;

const NS: &str = "lunatic::message";
pub(crate) use super::receive::TIMEOUT;
use super::receive::wait;

const NOT_DATA: &str = "the message in the scratch slot is a death notice, not data";

/// The buffer of the message in the scratch slot, emptied, for the next message to reuse
/// (`create_data` drops that message anyway): a process that receives and then sends, as
/// most do, allocates no buffer per message. Only a small plain data message's: one
/// carrying resources is dropped as it was, and a big buffer is not kept for small messages
/// (queued messages count their buffers' capacity).
fn recycled(scratch: &mut Option<Message>) -> Vec<u8> {
    /// The largest buffer kept for the next message.
    const KEEP: usize = 4096;
    match scratch.take() {
        Some(Message::Data(data))
            if data.resources.is_empty() && data.buffer.capacity() <= KEEP =>
        {
            let mut buffer = data.buffer;
            buffer.clear();
            buffer
        }
        _ => Vec::new(),
    }
}

fn scratch<'a>(caller: &'a mut Caller<'_>, func: &'static str) -> Result<&'a mut Message> {
    caller
        .data_mut()
        .scratch
        .as_mut()
        .ok_or_else(|| fail(func, "no message in the scratch slot"))
}

pub(crate) fn data<'a>(
    caller: &'a mut Caller<'_>,
    func: &'static str,
) -> Result<&'a mut DataMessage> {
    match scratch(caller, func)? {
        Message::Data(data) => Ok(data),
        _ => Err(fail(func, NOT_DATA)),
    }
}

/// Takes the scratch message for sending, stamped with the sender.
pub(crate) fn take_outgoing(caller: &mut Caller<'_>, func: &'static str) -> Result<Message> {
    let pid = caller.data().cell.pid;
    let mut message = caller.data_mut().scratch.take().ok_or_else(|| {
        fail(
            func,
            "no message in the scratch slot: call create_data first",
        )
    })?;
    if let Message::Data(data) = &mut message {
        data.sender = Some(pid);
        data.read_ptr = 0;
    }
    Ok(message)
}

/// Delivers to `pid` if it is alive, on this node or another; a message to a dead process
/// is dropped, as in Erlang. A message for another node must be plain data (lunatic traps
/// on resources too: a socket cannot cross machines).
pub(crate) fn deliver(
    caller: &mut Caller<'_>,
    func: &'static str,
    pid: u64,
    message: Message,
) -> Result<SendOutcome> {
    let state = caller.data_mut();
    state.cell.stats.count_out_own();
    let to = Pid(pid);
    state.cell.trace_send(to, &message);
    if state.rt.is_local(to) {
        if let Some(target) = state.target(to) {
            target.deliver(message);
        }
        return Ok(SendOutcome::Sent);
    }
    let Message::Data(data) = message else {
        return Err(fail(func, "only data messages can go to another node"));
    };
    if data.resources.iter().any(Option::is_some) {
        return Err(fail(
            func,
            "a message carrying resources (sockets, modules...) cannot go to another node",
        ));
    }
    Ok(state.rt.send_remote(to, data))
}

pub(crate) fn push(caller: &mut Caller<'_>, func: &'static str, resource: Resource) -> Result<u64> {
    let data = data(caller, func)?;
    data.resources.push(Some(resource));
    Ok(data.resources.len() as u64 - 1)
}

pub(crate) fn take(caller: &mut Caller<'_>, func: &'static str, index: u64) -> Result<Resource> {
    data(caller, func)?
        .resources
        .get_mut(index as usize)
        .and_then(Option::take)
        .ok_or_else(|| fail(func, format!("no resource at index {index} of the message")))
}

/// Sends the scratch message and waits for a reply tagged `tag`, skipping what was queued.
pub(crate) async fn send_receive(
    caller: &mut Caller<'_>,
    func: &'static str,
    pid: u64,
    tag: i64,
    ms: u64,
) -> Result<u32> {
    let message = take_outgoing(caller, func)?;
    // The mark comes before the send: the reply may arrive before we start waiting.
    let mark = caller.data().cell.mailbox.mark();
    deliver(caller, func, pid, message)?;
    Ok(wait_reply(caller, tag, mark, ms).await)
}

/// Waits for the reply of a send-receive (tagged `tag`, after `mark`).
pub(crate) async fn wait_reply(caller: &mut Caller<'_>, tag: i64, mark: usize, ms: u64) -> u32 {
    wait(
        caller,
        Some(vec![tag]),
        Some(mark),
        ms,
        HostCall::SendReceive,
    )
    .await
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "create_data",
        |mut caller: Caller<'_>, tag: i64, capacity: u64| {
            let state = caller.data_mut();
            let mut data = DataMessage::new(tag, recycled(&mut state.scratch));
            data.buffer.reserve(capacity.min(1 << 20) as usize);
            data.sender = Some(state.cell.pid);
            state.scratch = Some(Message::Data(data));
        },
    )?;
    linker.func_wrap(
        NS,
        "write_data",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<u32> {
            const F: &str = "lunatic::message::write_data";
            mem::with_slice_mut(&mut caller, F, ptr, len, |bytes, state| {
                match state.scratch.as_mut() {
                    Some(Message::Data(data)) => data.buffer.extend_from_slice(bytes),
                    Some(_) => return Err(fail(F, NOT_DATA)),
                    None => return Err(fail(F, "no message in the scratch slot")),
                }
                Ok(len)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "read_data",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<u32> {
            const F: &str = "lunatic::message::read_data";
            mem::with_slice_mut(&mut caller, F, ptr, len, |out, state| {
                match state.scratch.as_mut() {
                    Some(Message::Data(data)) => Ok(data.read(out) as u32),
                    Some(_) => Err(fail(F, NOT_DATA)),
                    None => Err(fail(F, "no message in the scratch slot")),
                }
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "seek_data",
        |mut caller: Caller<'_>, index: u64| -> Result<()> {
            data(&mut caller, "lunatic::message::seek_data")?.read_ptr = index as usize;
            Ok(())
        },
    )?;
    linker.func_wrap(NS, "get_tag", |mut caller: Caller<'_>| -> Result<i64> {
        Ok(scratch(&mut caller, "lunatic::message::get_tag")?
            .tag()
            .unwrap_or(0))
    })?;
    linker.func_wrap(
        NS,
        "get_process_id",
        |mut caller: Caller<'_>| -> Result<u64> {
            Ok(
                match scratch(&mut caller, "lunatic::message::get_process_id")? {
                    Message::ProcessDied { pid, .. } | Message::LinkDied { pid, .. } => pid.id(),
                    Message::Data(_) => 0,
                },
            )
        },
    )?;
    linker.func_wrap(NS, "data_size", |mut caller: Caller<'_>| -> Result<u64> {
        Ok(data(&mut caller, "lunatic::message::data_size")?
            .buffer
            .len() as u64)
    })?;
    linker.func_wrap(
        NS,
        "push_module",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            const F: &str = "lunatic::message::push_module";
            let module = caller
                .data()
                .modules
                .get(id)
                .cloned()
                .ok_or_else(|| fail(F, format!("no module with id {id}")))?;
            push(&mut caller, F, Resource::Module(module))
        },
    )?;
    linker.func_wrap(
        NS,
        "take_module",
        |mut caller: Caller<'_>, index: u64| -> Result<u64> {
            const F: &str = "lunatic::message::take_module";
            match take(&mut caller, F, index)? {
                Resource::Module(module) => Ok(caller.data_mut().modules.add(module)),
                _ => Err(fail(
                    F,
                    format!("the resource at index {index} is not a module"),
                )),
            }
        },
    )?;
    super::passing::add_to_linker(linker)?;
    linker.func_wrap(
        NS,
        "send",
        |mut caller: Caller<'_>, pid: u64| -> Result<u32> {
            const F: &str = "lunatic::message::send";
            let message = take_outgoing(&mut caller, F)?;
            deliver(&mut caller, F, pid, message)?;
            Ok(0)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "send_receive_skip_search",
        |mut caller: Caller<'_>, (pid, tag, ms): (u64, i64, u64)| {
            Box::new(async move {
                send_receive(
                    &mut caller,
                    "lunatic::message::send_receive_skip_search",
                    pid,
                    tag,
                    ms,
                )
                .await
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "receive",
        |mut caller: Caller<'_>, (ptr, len, ms): (u32, u32, u64)| {
            Box::new(async move {
                const F: &str = "lunatic::message::receive";
                let tags = if len == 0 {
                    None
                } else {
                    let bytes_len = len.checked_mul(8).ok_or_else(|| fail(F, "too many tags"))?;
                    let bytes = mem::read(&mut caller, F, ptr, bytes_len)?;
                    Some(
                        bytes
                            .chunks_exact(8)
                            .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
                            .collect(),
                    )
                };
                Ok(wait(&mut caller, tags, None, ms, HostCall::Receive).await)
            })
        },
    )?;
    Ok(())
}
