//! `lunatic::metrics`: counters, gauges and histograms in the runtime's [`Metrics`]
//! (see `crate::metrics`), shown by the shell and served to Prometheus on request.

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::metrics::Metrics;
use crate::process::ProcessState;

const NS: &str = "lunatic::metrics";

/// The metric name at (`ptr`, `len`): UTF-8, or the call traps.
fn name(caller: &mut Caller<'_>, func: &'static str, ptr: u32, len: u32) -> Result<String> {
    String::from_utf8(mem::read(caller, func, ptr, len)?)
        .map_err(|_| fail(func, "the metric name is not UTF-8"))
}

/// Links one function taking a name and an `f64`.
fn with_f64(
    linker: &mut Linker<ProcessState>,
    func: &'static str,
    record: fn(&Metrics, &str, f64),
) -> Result<()> {
    let short = func.rsplit("::").next().expect("a name");
    linker.func_wrap(
        NS,
        short,
        move |mut caller: Caller<'_>, ptr: u32, len: u32, value: f64| -> Result<()> {
            let name = name(&mut caller, func, ptr, len)?;
            record(&caller.data().rt.metrics, &name, value);
            Ok(())
        },
    )?;
    Ok(())
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "counter",
        |mut caller: Caller<'_>, ptr: u32, len: u32, by: u64| -> Result<()> {
            let name = name(&mut caller, "lunatic::metrics::counter", ptr, len)?;
            caller.data().rt.metrics.count(&name, by);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "increment_counter",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<()> {
            let name = name(&mut caller, "lunatic::metrics::increment_counter", ptr, len)?;
            caller.data().rt.metrics.count(&name, 1);
            Ok(())
        },
    )?;
    with_f64(linker, "lunatic::metrics::gauge", Metrics::set_gauge)?;
    with_f64(
        linker,
        "lunatic::metrics::increment_gauge",
        Metrics::add_gauge,
    )?;
    with_f64(linker, "lunatic::metrics::decrement_gauge", |m, n, v| {
        m.add_gauge(n, -v)
    })?;
    with_f64(linker, "lunatic::metrics::histogram", Metrics::observe)
}
