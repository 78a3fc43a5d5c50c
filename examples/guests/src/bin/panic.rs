//! A panic: grain run exits with status 101 and shows the panic on stderr.

fn main() {
    println!("about to panic");
    panic!("something went wrong");
}
