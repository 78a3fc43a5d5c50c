//! Links: a linked child panics; the parent, which catches link failures, receives a
//! link-died notice instead of dying with it.

use std::time::Duration;

use lunatic::{Mailbox, MailboxResult, MessageSignal, Process};

#[lunatic::main]
fn main(mailbox: Mailbox<()>) {
    let mailbox = mailbox.catch_link_failure();
    println!("spawning a linked child that panics");
    let _child = Process::spawn_link((), |_, _: Mailbox<()>| {
        panic!("the child gives up");
    });
    let result: MailboxResult<(), _> = mailbox.receive_timeout(Duration::from_secs(5));
    match result {
        Ok(MessageSignal::Signal(_)) => println!("the parent got a link-died notice and lives on"),
        other => println!("unexpected: {other:?}"),
    }
}
