//! An `AbstractProcess`: a counter server with a message (increment) and a request (get).

use lunatic::ap::handlers::{Message, Request};
use lunatic::ap::{AbstractProcess, Config, MessageHandler, RequestHandler, State};
use lunatic::serializer::Bincode;
use serde::{Deserialize, Serialize};

struct Counter {
    count: u32,
}

impl AbstractProcess for Counter {
    type Arg = u32;
    type State = Counter;
    type Serializer = Bincode;
    type Handlers = (Message<Inc>, Request<Get>);
    type StartupError = ();

    fn init(_: Config<Self>, start: u32) -> Result<Counter, ()> {
        Ok(Counter { count: start })
    }
}

#[derive(Serialize, Deserialize)]
struct Inc(u32);

impl MessageHandler<Inc> for Counter {
    fn handle(mut state: State<Self>, Inc(by): Inc) {
        state.count += by;
    }
}

#[derive(Serialize, Deserialize)]
struct Get;

impl RequestHandler<Get> for Counter {
    type Response = u32;

    fn handle(state: State<Self>, _: Get) -> u32 {
        state.count
    }
}

fn main() {
    let counter = Counter::link().start(10).unwrap();
    println!("start: {}", counter.request(Get));
    counter.send(Inc(5));
    counter.send(Inc(7));
    println!("after +5 +7: {}", counter.request(Get));
}
