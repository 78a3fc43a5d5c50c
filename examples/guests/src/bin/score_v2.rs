//! The next version of `score_v1`: its state also counts the upgrades it went through, and
//! it answers `Show` in its own words. It takes a running score keeper over: a v1 state (a
//! bare u64) or a v2 one (from an earlier v2, upgraded again).

use grain_guests::code::{self, Received};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
enum Request {
    Add(u64),
    Show,
}

#[derive(Serialize, Deserialize, Default)]
struct State {
    score: u64,
    upgrades: u32,
}

grain_guests::upgradable!(State, migrate, serve);

/// The old code's state as this version's; `None` refuses it.
fn migrate(from: u32, bytes: &[u8]) -> Option<State> {
    let state = match bincode::deserialize::<State>(bytes) {
        Ok(state) if bytes.len() == 12 => state,
        _ => State {
            score: bincode::deserialize::<u64>(bytes).ok()?,
            upgrades: 0,
        },
    };
    println!("v2: took the score {} over from version {from}", state.score);
    Some(State {
        upgrades: state.upgrades + 1,
        ..state
    })
}

#[lunatic::main]
fn main(_: lunatic::Mailbox<()>) {
    serve(State::default())
}

fn serve(mut state: State) {
    loop {
        match code::receive::<Request>() {
            Received::Message(Request::Add(n)) => state.score += n,
            Received::Message(Request::Show) => println!(
                "v2 (version {}): the score is {}, after {} upgrade(s)",
                code::version(),
                state.score,
                state.upgrades
            ),
            Received::Upgrade { .. } => {
                let kept = code::hand_over(&state);
                println!("v2: still here ({kept})");
            }
            Received::Undecodable(e) => println!("v2: not a request: {e}"),
            Received::Signal => {}
        }
    }
}
