//! The system monitor: a growing mailbox, a growing memory and a restart storm each raise
//! one alert on the data plane (and no more while the condition lasts); off means none.

use std::time::Duration;

use grain::monitor::{Alert, AlertConfig};
use grain::observe::{Event, EventKind, Update};
use grain::{ProcessConfig, Runtime, RuntimeConfig};

fn node(alerts: AlertConfig) -> Runtime {
    Runtime::new(RuntimeConfig {
        alerts,
        ..RuntimeConfig::default()
    })
    .unwrap()
}

fn quick() -> AlertConfig {
    AlertConfig {
        mailbox: Some(50),
        memory: Some(1 << 20),
        restarts: Some((2, Duration::from_secs(2))),
        host_call: None,
        interval: Duration::from_millis(20),
    }
}

/// The alerts an observer sees within `wait`.
async fn alerts(rt: &Runtime, wait: Duration) -> Vec<Event> {
    let mut observer = rt.observe();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(update)) = tokio::time::timeout_at(deadline, observer.next()).await {
        let events = match update {
            Update::Full(s) => s.events,
            Update::Delta(d) => d.events,
        };
        seen.extend(
            events
                .into_iter()
                .filter(|e| matches!(e.kind, EventKind::Alert { .. })),
        );
    }
    seen
}

#[tokio::test]
async fn a_growing_mailbox_raises_one_alert() {
    let rt = node(quick());
    let module = rt
        .load(
            "parked",
            crate::support::wat(
                r#"(func (export "park") (drop (call $recv_tag (i64.const 1) (i64.const -1))))"#,
            )
            .as_bytes(),
        )
        .unwrap();
    let parked = rt
        .spawn(&module, "park", &[], ProcessConfig::default())
        .unwrap();
    for _ in 0..60 {
        parked.send(2, Vec::new());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..60 {
        parked.send(2, Vec::new());
    }
    let seen = alerts(&rt, Duration::from_millis(400)).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].pid, parked.pid());
    let EventKind::Alert {
        alert: Alert::Mailbox { len, threshold },
    } = &seen[0].kind
    else {
        panic!("{seen:?}")
    };
    assert!(*len > 50 && *threshold == 50, "{seen:?}");
    let (kept, last) = rt.alerts_after(0);
    assert_eq!((kept.len(), last), (1, 1));
    assert!(rt.alerts_after(last).0.is_empty());
}

#[tokio::test]
async fn growing_memory_and_a_restart_storm_raise_theirs() {
    let rt = node(quick());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let grower = rt
        .load("grower", crate::support::wat(r#"(func (export "grow") (drop (memory.grow (i32.const 32))) (drop (call $recv_tag (i64.const 1) (i64.const -1))))"#).as_bytes())
        .unwrap();
    let big = rt
        .spawn(&grower, "grow", &[], ProcessConfig::default())
        .unwrap();
    // flaky.wat restarts a crashing worker every 300 ms.
    let flaky = rt.load_file(root.join("examples/wat/flaky.wat")).unwrap();
    let sup = rt
        .spawn(&flaky, "_start", &[], ProcessConfig::root())
        .unwrap();
    let seen = alerts(&rt, Duration::from_secs(3)).await;
    let memory: Vec<&Event> = seen
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Alert {
                    alert: Alert::Memory { .. }
                }
            )
        })
        .collect();
    assert_eq!(memory.len(), 1, "{seen:?}");
    assert_eq!(memory[0].pid, big.pid());
    let storms: Vec<&Event> = seen
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Alert {
                    alert: Alert::RestartStorm { .. }
                }
            )
        })
        .collect();
    assert!(
        !storms.is_empty() && storms.len() <= 2,
        "one a window: {seen:?}"
    );
    assert_eq!(storms[0].pid, sup.pid());
}

#[tokio::test]
async fn alerts_that_are_off_stay_quiet() {
    let rt = node(AlertConfig {
        mailbox: None,
        memory: None,
        restarts: None,
        host_call: None,
        interval: Duration::from_millis(20),
    });
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let flaky = rt.load_file(root.join("examples/wat/flaky.wat")).unwrap();
    rt.spawn(&flaky, "_start", &[], ProcessConfig::root())
        .unwrap();
    assert!(alerts(&rt, Duration::from_millis(1_000)).await.is_empty());
}
