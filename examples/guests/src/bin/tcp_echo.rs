//! A TCP echo server: a process per connection, each echoing until its client closes. It
//! prints the port it listens on, serves the number of connections given as its argument
//! (default 1), then reports and ends.

use std::io::{Read, Write};

use lunatic::net::{TcpListener, TcpStream};
use lunatic::{Mailbox, Process};

fn echo((mut stream, parent): (TcpStream, Process<u64>), _: Mailbox<()>) {
    let mut buf = [0; 4096];
    let mut total = 0;
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                stream.write_all(&buf[..n]).unwrap();
                total += n as u64;
            }
        }
    }
    parent.send(total);
}

#[lunatic::main]
fn main(mailbox: Mailbox<u64>) {
    let connections: usize = std::env::args()
        .nth(1)
        .map_or(1, |n| n.parse().expect("a number of connections"));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("listening on {}", listener.local_addr().unwrap().port());
    for _ in 0..connections {
        let (stream, _peer) = listener.accept().unwrap();
        Process::spawn((stream, mailbox.this()), echo);
    }
    let bytes: u64 = (0..connections).map(|_| mailbox.receive()).sum();
    println!("served {connections} connections, echoed {bytes} bytes");
}
