//! Spawn and send: the main process spawns a child, sends it numbers, and the child answers
//! each with its square.

use lunatic::{Mailbox, Process};

#[lunatic::main]
fn main(mailbox: Mailbox<(u32, u32)>) {
    let child = Process::spawn(mailbox.this(), |parent: Process<(u32, u32)>, inbox: Mailbox<u32>| loop {
        let n = inbox.receive();
        parent.send((n, n * n));
    });
    for n in 1..=3 {
        child.send(n);
        let (n, square) = mailbox.receive();
        println!("{n} squared is {square}");
    }
}
