//! What one browser's frame costs the web observer on a node of 100,000 processes: cutting
//! the window of the process table (in the table's own order, sorted by a resource,
//! filtered) and serializing it. `cargo bench -p grain-tui --bench web_window`.

use criterion::{Criterion, criterion_group, criterion_main};
use grain::Pid;
use grain::observe::{HostCall, ProcessRow, Snapshot, Status, Totals, Update};
use grain_tui::Table;
use grain_tui::web::{View, process_window};

/// 100,000 idle processes with scattered memory and fuel.
fn table() -> Table {
    let processes = (1..=100_000u64)
        .map(|id| ProcessRow {
            pid: Pid(id),
            parent: Some(Pid(1)),
            names: Vec::new(),
            module: "crowd".into(),
            version: 1,
            function: "idle".into(),
            status: Status::Waiting,
            fuel_used: id * 7919 % 10_007,
            fuel_limit: None,
            memory_bytes: 65_536 * (1 + id * 31 % 17),
            mailbox_bytes: 0,
            memory_limit: None,
            mailbox_len: (id % 5) as usize,
            messages_in: 0,
            messages_out: 0,
            host_call: Some((HostCall::Receive, 1_000)),
            restarts: 0,
            links: Vec::new(),
            spawned_us: 1_000,
            child_id: None,
        })
        .collect();
    let mut t = Table::default();
    t.apply(&Update::Full(Snapshot {
        at_us: 10_000_000,
        processes,
        events: vec![],
        exits: vec![],
        totals: Totals::default(),
        cluster: None,
    }));
    t
}

fn bench(c: &mut Criterion) {
    let t = table();
    let views = [
        ("pid", View::default()),
        (
            "memory",
            View {
                sort: "memory".into(),
                ..View::default()
            },
        ),
        (
            "memory_page_500",
            View {
                sort: "memory".into(),
                offset: 50_000,
                ..View::default()
            },
        ),
        (
            "filter",
            View {
                filter: "99".into(),
                ..View::default()
            },
        ),
    ];
    for (name, view) in views {
        let bytes = serde_json::to_string(&process_window(&t, &view))
            .unwrap()
            .len();
        eprintln!("web_window/{name}: a window of 100 rows is {bytes} bytes of JSON");
        c.bench_function(&format!("web_window/{name}"), |b| {
            b.iter(|| serde_json::to_string(&process_window(&t, &view)).unwrap())
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
