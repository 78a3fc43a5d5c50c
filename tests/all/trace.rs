//! Tracing: a relay's receive, host call and send in order; the rails (limit, rate); a
//! flood under trace never blocks the traced process; `off` ends it; module traces follow
//! new processes; spawns, links and exits.

use std::time::Duration;

use grain::message::Message;
use grain::trace::{StopReason, Trace, TraceEvent, TraceEventKind, TraceKinds, TraceSpec};
use grain::trace::{TraceError, TraceTarget};
use grain::{ExitReason, Param, Pid, ProcessConfig, Runtime, RuntimeConfig};

use crate::support::{eventually, wait};

fn example(rt: &Runtime, name: &str) -> grain::Module {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    rt.load_file(root.join(format!("examples/wat/{name}.wat")))
        .expect("the example loads")
}

/// Drains `trace` until `n` events came (or it stopped), within 10 s.
async fn events(trace: &Trace, n: usize) -> (Vec<TraceEvent>, Option<StopReason>) {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let stopped = trace.drain(&mut out);
        if out.len() >= n || stopped.is_some() {
            return (out, stopped);
        }
        assert!(tokio::time::Instant::now() < deadline, "only {out:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn take(host: &grain::HostProcess) -> Vec<u8> {
    match host.receive(None, Some(Duration::from_secs(10))).await {
        Some(Message::Data(d)) => d.buffer,
        other => panic!("expected data, got {other:?}"),
    }
}

#[tokio::test]
async fn a_relays_trace_shows_its_receive_its_host_call_and_its_send_in_order() {
    let rt = Runtime::new(RuntimeConfig::default()).unwrap();
    let relay_module = example(&rt, "relay");
    let sink = rt.spawn_host("sink").unwrap();
    let to = Param::I64(sink.pid().0 as i64);
    let relay = rt
        .spawn(&relay_module, "relay", &[to], ProcessConfig::default())
        .unwrap();
    let trace = rt
        .trace(TraceSpec::new(TraceTarget::Pid(relay.pid())))
        .unwrap();
    assert!(matches!(
        rt.trace(TraceSpec::new(TraceTarget::Pid(relay.pid()))),
        Err(TraceError::Traced(_))
    ));
    relay.send(7, b"hello".to_vec());
    assert_eq!(take(&sink).await, b"hello");
    let (got, stopped) = events(&trace, 3).await;
    assert_eq!(stopped, None);
    let kinds: Vec<&TraceEventKind> = got.iter().map(|e| &e.kind).collect();
    match kinds.as_slice() {
        [
            TraceEventKind::Receive(r),
            TraceEventKind::Call { name, us },
            TraceEventKind::Send(s),
        ] => {
            assert_eq!((r.tag, r.size, r.head.as_slice()), (7, 5, &b"hello"[..]));
            assert_eq!(name, "lunatic::process::sleep_ms");
            assert!(*us >= 4_000, "slept 5 ms, took {us} µs");
            assert_eq!((s.peer, s.tag, s.size), (Some(sink.pid()), 7, 5));
        }
        other => panic!("receive, call, send expected: {other:?}"),
    }
    assert!(got.windows(2).all(|w| w[0].at_us <= w[1].at_us));
    assert!(got.iter().all(|e| e.pid == relay.pid()));
    // Off: the relay goes on, untraced.
    trace.stop();
    relay.send(8, b"more".to_vec());
    assert_eq!(take(&sink).await, b"more");
    let mut after = Vec::new();
    assert_eq!(trace.drain(&mut after), Some(StopReason::Off));
    assert!(after.is_empty(), "{after:?}");
    assert!(
        rt.trace(TraceSpec::new(TraceTarget::Pid(relay.pid())))
            .is_ok()
    );
}

/// A counter, `n` increments sent to it, and the count it answers (all were handled).
async fn count_after(rt: &Runtime, counter: &grain::Process, n: usize) -> u64 {
    for _ in 0..n {
        counter.send(1, Vec::new());
    }
    let asker = rt.spawn_host("asker").unwrap();
    counter.send(2, asker.pid().0.to_le_bytes().to_vec());
    let reply = take(&asker).await;
    u64::from_le_bytes(reply[..8].try_into().unwrap())
}

#[tokio::test]
async fn the_limit_stops_a_trace_and_says_so() {
    let rt = Runtime::new(RuntimeConfig::default()).unwrap();
    let counter = rt
        .spawn(
            &example(&rt, "counter"),
            "counter",
            &[],
            ProcessConfig::default(),
        )
        .unwrap();
    let mut spec = TraceSpec::new(TraceTarget::Pid(counter.pid()));
    spec.kinds = TraceKinds::RECEIVE;
    spec.limit = 3;
    let trace = rt.trace(spec).unwrap();
    assert_eq!(count_after(&rt, &counter, 10).await, 10);
    let (got, stopped) = events(&trace, 4).await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(stopped, Some(StopReason::Limit(3)));
    assert!(!counter.is_traced(), "the process forgot the trace");
}

#[tokio::test]
async fn a_flood_under_trace_never_blocks_the_traced_process_and_the_rate_rail_stops_it() {
    let rt = Runtime::new(RuntimeConfig::default()).unwrap();
    let module = example(&rt, "counter");
    let counter = rt
        .spawn(&module, "counter", &[], ProcessConfig::default())
        .unwrap();
    // Nobody drains: 10 are kept, the rest dropped and counted; the counter goes on.
    let mut spec = TraceSpec::new(TraceTarget::Pid(counter.pid()));
    (spec.kinds, spec.limit, spec.rate, spec.buffer) = (TraceKinds::RECEIVE, u64::MAX, None, 10);
    let trace = rt.trace(spec).unwrap();
    assert_eq!(count_after(&rt, &counter, 20_000).await, 20_000);
    let mut kept = Vec::new();
    assert_eq!(trace.drain(&mut kept), None);
    assert_eq!(kept.len(), 10);
    assert_eq!(trace.dropped(), 20_001 - 10);
    drop(trace);

    let other = rt
        .spawn(&module, "counter", &[], ProcessConfig::default())
        .unwrap();
    let mut spec = TraceSpec::new(TraceTarget::Pid(other.pid()));
    (spec.limit, spec.rate) = (u64::MAX, Some(50));
    let trace = rt.trace(spec).unwrap();
    assert_eq!(count_after(&rt, &other, 1_000).await, 1_000);
    let (got, stopped) = events(&trace, usize::MAX).await;
    assert_eq!(stopped, Some(StopReason::Rate(50)));
    assert!(got.len() <= 50, "{}", got.len());
}

#[tokio::test]
async fn a_module_trace_follows_its_processes_spawns_and_exits() {
    let rt = Runtime::new(RuntimeConfig::default()).unwrap();
    let echo = example(&rt, "echo");
    let trace = rt
        .trace(TraceSpec::new(TraceTarget::Module("echo".into())))
        .unwrap();
    assert!(matches!(
        rt.trace(TraceSpec::new(TraceTarget::Module("nothing".into()))),
        Err(TraceError::NoModule(_))
    ));
    let main = rt
        .spawn(&echo, "_start", &[], ProcessConfig::root())
        .unwrap();
    assert_eq!(wait(&main).await, ExitReason::Normal);
    // _start: spawn, send, receive, exit; the child (adopted): receive, send, exit.
    let (got, _) = events(&trace, 7).await;
    let of = |pid: Pid| -> Vec<&'static str> {
        got.iter()
            .filter(|e| e.pid == pid)
            .map(|e| match e.kind {
                TraceEventKind::Spawn { .. } => "spawn",
                TraceEventKind::Send(_) => "send",
                TraceEventKind::Receive(_) => "receive",
                TraceEventKind::Exit { .. } => "exit",
                _ => "other",
            })
            .collect()
    };
    assert_eq!(
        of(main.pid()),
        ["spawn", "send", "receive", "exit"],
        "{got:?}"
    );
    let Some(TraceEventKind::Spawn { child, runs }) = got.first().map(|e| &e.kind) else {
        panic!("{got:?}")
    };
    assert_eq!(runs, "echo@1.echo");
    eventually("the child ended", || rt.process(*child).is_none()).await;
    assert_eq!(of(*child), ["receive", "send", "exit"], "{got:?}");
}
