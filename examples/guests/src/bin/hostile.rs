//! A hostile lunatic-rs program, for the reliability suite: `bomb` allocates until it cannot,
//! `spin` computes for ever, `recurse` recurses without end. Each is contained by grain's
//! limits: `grain run --max-memory 16777216 hostile.wasm bomb` and so on.

use std::hint::black_box;

fn recurse(depth: u64) -> u64 {
    if black_box(depth) == u64::MAX {
        return 0;
    }
    black_box(recurse(black_box(depth + 1))) + 1
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("bomb") => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1; 1 << 20]);
                black_box(&hoard);
            }
        }
        Some("spin") => {
            let mut x = 0u64;
            loop {
                x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        }
        Some("recurse") => println!("{}", recurse(0)),
        _ => eprintln!("usage: hostile bomb|spin|recurse"),
    }
}
