//! Prints every `(u32, String)` it receives: send it values from `grain shell`, encoded as
//! lunatic-rs expects (bincode), e.g. `send $p (7u32, "hello")`.

use lunatic::Mailbox;

#[lunatic::main]
fn main(mailbox: Mailbox<(u32, String)>) {
    loop {
        let (n, text) = mailbox.receive();
        println!("inbox got {n}: {text}");
    }
}
