//! A TLS round trip on loopback with the test certificates (examples/guests/certs): the main
//! process listens, a client process first connects without trusting the test CA (both
//! sides get an error, nobody traps), then with it; the accepted stream travels in a message
//! to a handler process that echoes.

use std::io::{Read, Write};

use lunatic::net::{TlsListener, TlsStream};
use lunatic::{Mailbox, Process};

const CERT: &[u8] = include_bytes!("../../certs/server.pem");
const KEY: &[u8] = include_bytes!("../../certs/server.key");
const CA: &[u8] = include_bytes!("../../certs/ca.pem");

fn echo(mut stream: TlsStream, _: Mailbox<()>) {
    let mut buf = [0; 64];
    let n = stream.read(&mut buf).unwrap();
    stream.write_all(&buf[..n]).unwrap();
    stream.flush().unwrap();
}

fn client((port, parent): (u16, Process<String>), _: Mailbox<()>) {
    match TlsStream::connect("localhost", port as u32) {
        Ok(_) => parent.send("untrusted: connected?!".to_owned()),
        Err(_) => parent.send("client: no connection without the test CA".to_owned()),
    }
    let mut stream = TlsStream::connect_with_certs("localhost", port as u32, vec![CA.to_vec()])
        .expect("connect with the test CA");
    stream.write_all(b"hello over TLS").unwrap();
    let mut reply = [0; 14];
    stream.read_exact(&mut reply).unwrap();
    parent.send(format!("client got: {}", String::from_utf8_lossy(&reply)));
}

#[lunatic::main]
fn main(mailbox: Mailbox<String>) {
    let listener = TlsListener::bind("127.0.0.1:0", CERT.to_vec(), KEY.to_vec()).unwrap();
    let port = listener.local_addr().unwrap().port();
    Process::spawn_link((port, mailbox.this()), client);
    match listener.accept() {
        Ok(_) => println!("server: accepted an untrusting client?!"),
        Err(_) => println!("server: the untrusting client's handshake failed"),
    }
    println!("{}", mailbox.receive());
    let (stream, _peer) = listener.accept().unwrap();
    Process::spawn_link(stream, echo);
    println!("{}", mailbox.receive());
}
