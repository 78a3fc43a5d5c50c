//! A lunatic-rs `Supervisor` restarting a failing child: the child's state resets.

use std::time::Duration;

use lunatic::ap::handlers::{Message, Request};
use lunatic::ap::{AbstractProcess, Config, MessageHandler, RequestHandler, State};
use lunatic::serializer::Bincode;
use lunatic::supervisor::{Supervisor, SupervisorConfig, SupervisorStrategy};
use serde::{Deserialize, Serialize};

struct Worker {
    count: u32,
}

impl AbstractProcess for Worker {
    type Arg = u32;
    type State = Worker;
    type Serializer = Bincode;
    type Handlers = (Message<Inc>, Request<Count>, Message<Crash>);
    type StartupError = ();

    fn init(_: Config<Self>, start: u32) -> Result<Worker, ()> {
        Ok(Worker { count: start })
    }
}

#[derive(Serialize, Deserialize)]
struct Inc;
impl MessageHandler<Inc> for Worker {
    fn handle(mut state: State<Self>, _: Inc) {
        state.count += 1;
    }
}

#[derive(Serialize, Deserialize)]
struct Count;
impl RequestHandler<Count> for Worker {
    type Response = u32;
    fn handle(state: State<Self>, _: Count) -> u32 {
        state.count
    }
}

#[derive(Serialize, Deserialize)]
struct Crash;
impl MessageHandler<Crash> for Worker {
    fn handle(_: State<Self>, _: Crash) {
        panic!("the worker crashes on purpose");
    }
}

struct Sup;
impl Supervisor for Sup {
    type Arg = ();
    type Children = (Worker,);

    fn init(config: &mut SupervisorConfig<Self>, _: ()) {
        config.set_strategy(SupervisorStrategy::OneForOne);
        config.set_args((100,));
    }
}

fn main() {
    let sup = Sup::link().start(()).unwrap();
    let worker = sup.children().0;
    worker.send(Inc);
    worker.send(Inc);
    println!("before the crash: {}", worker.request(Count));
    worker.send(Crash);
    // Wait for the supervisor to restart the child: a new process. (Asking the old one would
    // wait forever: it is gone.)
    let worker = loop {
        let now = sup.children().0;
        if now != worker {
            break now;
        }
        lunatic::sleep(Duration::from_millis(10));
    };
    println!("after the restart: {}", worker.request(Count));
}
