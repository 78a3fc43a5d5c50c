//! Where a parked process's heap goes: spawns 10,000 processes that park in `receive` and
//! prints the heap allocations they added, per process, by size (with a counting global
//! allocator). `--where` also prints, once per size of 200 bytes or more, the stack that
//! allocated it (function names only: inlined frames need debug info).
//!
//! `cargo run --release --example heap [-- --where]`

#![allow(unsafe_code, reason = "a global allocator is an unsafe trait")]

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering::Relaxed};

/// Sizes are counted in buckets of 8 bytes; the last bucket holds everything larger.
const BUCKETS: usize = 8192;
static LIVE: [AtomicI64; BUCKETS] = [const { AtomicI64::new(0) }; BUCKETS];
static SHOW_SITES: AtomicBool = AtomicBool::new(false);
static SHOWN: [AtomicBool; BUCKETS] = [const { AtomicBool::new(false) }; BUCKETS];

thread_local! {
    /// Set while this thread captures a backtrace (which allocates).
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

fn bucket(size: usize) -> usize {
    (size / 8).min(BUCKETS - 1)
}

fn show_site(size: usize) {
    if size < 200 || !SHOW_SITES.load(Relaxed) || CAPTURING.get() {
        return;
    }
    if SHOWN[bucket(size)].swap(true, Relaxed) {
        return;
    }
    CAPTURING.set(true);
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    let frames: Vec<&str> = trace
        .lines()
        .filter(|l| !l.trim_start().starts_with("at "))
        .skip(4)
        .take(8)
        .collect();
    eprintln!("--- {size} bytes\n{}", frames.join("\n"));
    CAPTURING.set(false);
}

/// The system allocator, counting live allocations by size.
struct Counting;

// SAFETY: every call goes to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE[bucket(layout.size())].fetch_add(1, Relaxed);
        show_site(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE[bucket(layout.size())].fetch_sub(1, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE[bucket(layout.size())].fetch_sub(1, Relaxed);
        LIVE[bucket(new_size)].fetch_add(1, Relaxed);
        show_site(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> Vec<i64> {
    LIVE.iter().map(|n| n.load(Relaxed)).collect()
}

#[tokio::main]
async fn main() {
    let n = 10_000;
    let bench = workloads::Bench::new(true);
    // A first crowd warms up what is allocated once (tables, pools, the executors' queues).
    bench.parked(n).await;
    // An ended process's task drops its store on its executor, soon after `wait` returns.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let before = live();
    SHOW_SITES.store(std::env::args().any(|a| a == "--where"), Relaxed);
    let (parked, refused) = workloads::spawn_parked(&bench.rt, bench.module(), "parked", n).await;
    SHOW_SITES.store(false, Relaxed);
    assert!(refused.is_none(), "spawn a parked process: {refused:?}");
    let after = live();
    let (mut count, mut bytes) = (0.0, 0.0);
    println!("heap allocations per parked process, by size (bytes):");
    for (i, (a, b)) in after.iter().zip(&before).enumerate() {
        let per = (a - b) as f64 / n as f64;
        if per.abs() >= 0.05 {
            println!("{:>7}  {per:+.2}", i * 8);
        }
        count += per;
        bytes += per * (i * 8) as f64;
    }
    println!("in all: {count:.1} allocations, {bytes:.0} bytes per process");
    workloads::kill_all(&parked).await;
}
