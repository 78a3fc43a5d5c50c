//! A small `#[lunatic::test]` suite that grain's tests run with every libtest flag.

use lunatic::{Mailbox, Process};

#[lunatic::test]
fn adds() {
    assert_eq!(2 + 2, 4);
}

#[lunatic::test]
fn talks_to_a_child() {
    let child = Process::spawn((), |_, inbox: Mailbox<u32>| {
        let n = inbox.receive();
        println!("child got {n}");
    });
    child.send(7);
    lunatic::sleep(std::time::Duration::from_millis(20));
}

#[lunatic::test]
fn prints_something() {
    println!("output of prints_something");
}

#[lunatic::test]
#[should_panic(expected = "boom #1")]
fn panics_as_expected() {
    panic!("boom #1 happened");
}

#[lunatic::test]
#[ignore]
fn ignored_test() {
    println!("the ignored test ran");
}

#[lunatic::test]
#[ignore]
fn ignored_and_failing() {
    panic!("this one fails when run");
}

mod nested {
    #[lunatic::test]
    fn inner() {
        assert!(true);
    }
}
