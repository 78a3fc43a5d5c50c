//! A score keeper that can move onto new code while it runs (the book's "Changing code
//! while it runs"). From the shell: `send s (0u32, 5u64)` adds 5, `send s 1u32` prints the
//! score. `score_v2` takes its score over without a restart.

use grain_guests::code::{self, Received};
use serde::{Deserialize, Serialize};

/// What it is asked (bincode: the variant's index as a u32, then its fields).
#[derive(Serialize, Deserialize)]
enum Request {
    Add(u64),
    Show,
}

#[lunatic::main]
fn main(_: lunatic::Mailbox<()>) {
    serve(0)
}

fn serve(mut score: u64) {
    loop {
        match code::receive::<Request>() {
            Received::Message(Request::Add(n)) => score += n,
            Received::Message(Request::Show) => println!("v1: the score is {score}"),
            Received::Upgrade { .. } => {
                // Returns only if the new code did not take the score over.
                let kept = code::hand_over(&score);
                println!("v1: still here ({kept}); the score is {score}");
            }
            Received::Undecodable(e) => println!("v1: not a request: {e}"),
            Received::Signal => {}
        }
    }
}
