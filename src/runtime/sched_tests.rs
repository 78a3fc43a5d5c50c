use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::mpsc;

use super::{Scheduler, current_executor};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_message_chain_stays_on_one_executor() {
    let rt = runtime();
    rt.block_on(async {
        let sched = Arc::new(Scheduler::start(2));
        const N: usize = 50;
        const HOPS: usize = 20_000;
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        let seen = Arc::new(Mutex::new(Vec::with_capacity(HOPS)));
        let mut senders = Vec::new();
        let mut receivers = Vec::new();
        for _ in 0..N {
            let (tx, rx) = mpsc::unbounded_channel::<usize>();
            senders.push(tx);
            receivers.push(rx);
        }
        for (i, mut rx) in receivers.into_iter().enumerate() {
            let next = senders[(i + 1) % N].clone();
            let (seen, done) = (seen.clone(), done_tx.clone());
            sched.spawn(i as u64, async move {
                while let Some(left) = rx.recv().await {
                    seen.lock().unwrap().push(current_executor().unwrap());
                    if left == 0 {
                        done.send(()).unwrap();
                    } else {
                        next.send(left - 1).unwrap();
                    }
                }
            });
        }
        senders[0].send(HOPS - 1).unwrap();
        done_rx.recv().await.unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), HOPS);
        // The token starts wherever its first receiver ran; from then on every hop runs on
        // the executor of the hop before.
        let moves = seen.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(
            moves <= 1,
            "the chain moved {moves} times between executors"
        );
    });
}

#[test]
fn surplus_work_spreads_to_an_idle_executor() {
    let rt = runtime();
    rt.block_on(async {
        let sched = Arc::new(Scheduler::start(2));
        let used = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let finished = Arc::new(AtomicUsize::new(0));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        let inner = sched.clone();
        let (u, f) = (used.clone(), finished.clone());
        // One parent spawns busy children from inside an executor: they queue behind it,
        // and the idle executor is woken to take some.
        sched.spawn(0, async move {
            for id in 1..=8u64 {
                let (u, f, done) = (u.clone(), f.clone(), done_tx.clone());
                inner.spawn(id, async move {
                    for _ in 0..5 {
                        u.lock().unwrap().insert(current_executor().unwrap());
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        yield_once().await;
                    }
                    if f.fetch_add(1, Ordering::SeqCst) == 7 {
                        done.send(()).unwrap();
                    }
                });
            }
        });
        done_rx.recv().await.unwrap();
        assert_eq!(finished.load(Ordering::SeqCst), 8);
        assert_eq!(used.lock().unwrap().len(), 2, "both executors worked");
    });
}

struct Guard(Arc<AtomicBool>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn the_tokio_runtime_going_away_drops_every_waiting_process() {
    let dropped = Arc::new(AtomicBool::new(false));
    let rt = runtime();
    let guard = Guard(dropped.clone());
    // The process holds the scheduler that holds it, as a process holds its node.
    let sched = rt.block_on(async { Arc::new(Scheduler::start(2)) });
    let own = sched.clone();
    sched.spawn(1, async move {
        let _keep = (guard, own);
        std::future::pending::<()>().await;
    });
    drop(sched);
    rt.block_on(async {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    });
    assert!(
        !dropped.load(Ordering::SeqCst),
        "it waits while the runtime lives"
    );
    drop(rt);
    assert!(
        dropped.load(Ordering::SeqCst),
        "shutdown dropped the waiting process"
    );
}

/// Lets the other processes of this executor run once.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx: &mut std::task::Context<'_>| {
        if yielded {
            std::task::Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
    .await;
}

#[test]
fn a_process_is_never_held_back_by_tokios_cooperative_budget() {
    let rt = runtime();
    rt.block_on(async {
        let sched = Arc::new(Scheduler::start(2));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        sched.spawn(1, async move {
            // tokio lets a task do 128 units of work per poll; a process on an executor
            // must never be told to yield by tokio (its own slices come from the epoch).
            let mut yields = 0;
            for _ in 0..1_000 {
                let mut unit = std::pin::pin!(tokio::task::coop::consume_budget());
                std::future::poll_fn(|cx| {
                    let poll = unit.as_mut().poll(cx);
                    yields += usize::from(poll.is_pending());
                    poll
                })
                .await;
            }
            done_tx.send(yields).unwrap();
        });
        assert_eq!(done_rx.recv().await, Some(0));
    });
}
