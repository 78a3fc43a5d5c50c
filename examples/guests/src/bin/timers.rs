//! Timers: a message to self after a delay, a cancelled timer that never fires, and sleep.

use std::time::{Duration, Instant};

use lunatic::ap::handlers::Message;
use lunatic::ap::{AbstractProcess, Config, MessageHandler, State};
use lunatic::serializer::Bincode;
use lunatic::{Mailbox, Process};
use serde::{Deserialize, Serialize};

struct Reporter {
    to: Process<String>,
}

impl AbstractProcess for Reporter {
    type Arg = Process<String>;
    type State = Reporter;
    type Serializer = Bincode;
    type Handlers = (Message<Ping>,);
    type StartupError = ();

    fn init(_: Config<Self>, to: Process<String>) -> Result<Reporter, ()> {
        Ok(Reporter { to })
    }
}

#[derive(Serialize, Deserialize)]
struct Ping(String);
impl MessageHandler<Ping> for Reporter {
    fn handle(state: State<Self>, Ping(what): Ping) {
        state.to.send(what);
    }
}

#[lunatic::main]
fn main(mailbox: Mailbox<String>) {
    let reporter = Reporter::link().start(mailbox.this()).unwrap();
    let start = Instant::now();
    reporter.with_delay(Duration::from_millis(50)).send(Ping("delayed ping".into()));
    let cancelled = reporter.with_delay(Duration::from_millis(20)).send(Ping("cancelled ping".into()));
    cancelled.cancel();
    println!("received: {}", mailbox.receive());
    println!("waited at least 50 ms: {}", start.elapsed() >= Duration::from_millis(50));
    lunatic::sleep(Duration::from_millis(100));
    match mailbox.receive_timeout(Duration::from_millis(10)) {
        Ok(other) => println!("unexpected: {other}"),
        Err(_) => println!("the cancelled ping never came"),
    }
}
