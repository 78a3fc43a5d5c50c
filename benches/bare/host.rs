//! The floor's host functions: the few the workloads import, each as little as it can be.

use wasmtime::{AsContextMut, Caller, Engine, Linker, Memory, Val};

use super::*;

fn memory(caller: &mut Caller<'_, Data>) -> Result<Memory> {
    caller
        .data()
        .memory
        .ok_or_else(|| wasmtime::Error::msg("no memory yet"))
}

pub(super) fn read(caller: &mut Caller<'_, Data>, ptr: i32, len: i32) -> Result<Vec<u8>> {
    let mut bytes = vec![0; len as u32 as usize];
    memory(caller)?.read(&*caller, ptr as u32 as usize, &mut bytes)?;
    Ok(bytes)
}

pub(super) fn write(caller: &mut Caller<'_, Data>, ptr: i32, bytes: &[u8]) -> Result<()> {
    memory(caller)?.write(&mut *caller, ptr as u32 as usize, bytes)?;
    Ok(())
}

/// lunatic's spawn parameters: 17-byte chunks, a type byte and a little-endian u128.
fn params(bytes: &[u8]) -> Result<Vec<Val>> {
    bytes
        .chunks_exact(17)
        .map(|c| {
            let v = u128::from_le_bytes(c[1..].try_into().expect("16 bytes"));
            match c[0] {
                0x7F => Ok(Val::I32(v as i32)),
                0x7E => Ok(Val::I64(v as i64)),
                t => Err(wasmtime::Error::msg(format!("param type {t:#x}"))),
            }
        })
        .collect()
}

pub(super) fn linker(engine: &Engine) -> Result<Linker<Data>> {
    let mut l = Linker::new(engine);
    const M: &str = "lunatic::message";
    l.func_wrap(
        M,
        "create_data",
        |mut c: Caller<'_, Data>, tag: i64, cap: i64| {
            let data = Vec::with_capacity(cap.clamp(0, 1 << 20) as usize);
            c.data_mut().outgoing = Some(Msg { tag, data });
        },
    )?;
    l.func_wrap(
        M,
        "write_data",
        |mut c: Caller<'_, Data>, ptr: i32, len: i32| -> Result<i32> {
            let bytes = read(&mut c, ptr, len)?;
            let msg = c.data_mut().outgoing.as_mut();
            msg.ok_or_else(|| wasmtime::Error::msg("no message"))?
                .data
                .extend_from_slice(&bytes);
            Ok(len)
        },
    )?;
    l.func_wrap(
        M,
        "read_data",
        |mut c: Caller<'_, Data>, ptr: i32, len: i32| -> Result<i32> {
            let d = c.data();
            let msg = d.incoming.as_ref();
            let rest = &msg.ok_or_else(|| wasmtime::Error::msg("no message"))?.data[d.read..];
            let n = rest.len().min(len as u32 as usize);
            let bytes = rest[..n].to_vec();
            write(&mut c, ptr, &bytes)?;
            c.data_mut().read += n;
            Ok(n as i32)
        },
    )?;
    l.func_wrap(
        M,
        "send",
        |mut c: Caller<'_, Data>, pid: i64| -> Result<i32> {
            let msg = c.data_mut().outgoing.take();
            let msg = msg.ok_or_else(|| wasmtime::Error::msg("no message"))?;
            with_world(|w| w.deliver(pid as usize, msg));
            Ok(0)
        },
    )?;
    l.func_wrap_async(
        M,
        "receive",
        |mut c: Caller<'_, Data>, (ptr, len, _ms): (i32, i32, i64)| {
            Box::new(async move {
                let tags: Vec<i64> = read(&mut c, ptr, len.saturating_mul(8))?
                    .chunks_exact(8)
                    .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                    .collect();
                let pid = c.data().pid;
                let wanted = |m: &Msg| tags.is_empty() || (m.tag != 0 && tags.contains(&m.tag));
                let (mut scanned, mut waited) = (0, false);
                let msg = std::future::poll_fn(|_| {
                    with_world(|w| {
                        let p = &mut w.procs[pid];
                        let at = p.mailbox.iter().skip(scanned).position(wanted);
                        match at.and_then(|i| p.mailbox.remove(i + scanned)) {
                            Some(msg) => Poll::Ready(msg),
                            None => {
                                scanned = p.mailbox.len();
                                p.waiting = true;
                                waited = true;
                                Poll::Pending
                            }
                        }
                    })
                })
                .await;
                if waited {
                    // A slice of its own from now, as grain gives a process that waited:
                    // the deadline set when it last ran has likely passed.
                    c.as_context_mut().set_epoch_deadline(1);
                }
                let d = c.data_mut();
                (d.incoming, d.read) = (Some(msg), 0);
                Ok(0i32)
            })
        },
    )?;
    const P: &str = "lunatic::process";
    l.func_wrap(P, "process_id", |c: Caller<'_, Data>| c.data().pid as i64)?;
    l.func_wrap(
        P,
        "spawn",
        |mut c: Caller<'_, Data>,
         _link: i64,
         _config: i64,
         _module: i64,
         name: i32,
         name_len: i32,
         args: i32,
         args_len: i32,
         id_ptr: i32|
         -> Result<i32> {
            let export = String::from_utf8(read(&mut c, name, name_len)?)?;
            let params = params(&read(&mut c, args, args_len)?)?;
            let pid = with_world(|w| w.spawn(export, params));
            write(&mut c, id_ptr, &(pid as u64).to_le_bytes())?;
            Ok(0)
        },
    )?;
    const W: &str = "wasi_snapshot_preview1";
    l.func_wrap(
        W,
        "fd_write",
        |mut c: Caller<'_, Data>, _fd: i32, iovs: i32, n: i32, written: i32| -> Result<i32> {
            let vecs = read(&mut c, iovs, n.saturating_mul(8))?;
            let mut total = 0;
            for v in vecs.chunks_exact(8) {
                let ptr = i32::from_le_bytes(v[..4].try_into().expect("4 bytes"));
                let len = i32::from_le_bytes(v[4..].try_into().expect("4 bytes"));
                let bytes = read(&mut c, ptr, len)?;
                with_world(|w| w.print(&bytes));
                total += len;
            }
            write(&mut c, written, &total.to_le_bytes())?;
            Ok(0)
        },
    )?;
    l.func_wrap(
        W,
        "clock_time_get",
        |mut c: Caller<'_, Data>, _id: i32, _precision: i64, out: i32| -> Result<i32> {
            let ns = with_world(|w| w.started.elapsed().as_nanos() as u64);
            write(&mut c, out, &ns.to_le_bytes())?;
            Ok(0)
        },
    )?;
    super::rust::add(&mut l)?;
    Ok(l)
}
