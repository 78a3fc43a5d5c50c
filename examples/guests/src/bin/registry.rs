//! The registry: a process registered under a name, found by name, and messaged.

use lunatic::{Mailbox, Process};

#[lunatic::main]
fn main(mailbox: Mailbox<String>) {
    let greeter = Process::spawn(mailbox.this(), |parent: Process<String>, inbox: Mailbox<String>| loop {
        let name = inbox.receive();
        parent.send(format!("hello, {name}"));
    });
    greeter.register(&"greeter");
    match Process::<String>::lookup(&"greeter") {
        Some(found) => {
            println!("found the greeter: {}", found.id() == greeter.id());
            found.send("registry".into());
            println!("{}", mailbox.receive());
        }
        None => println!("not found"),
    }
    println!("unknown name: {:?}", Process::<String>::lookup(&"nobody").map(|p| p.id()));
}
