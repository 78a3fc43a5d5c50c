//! Prints a greeting, its arguments and the GREETING variable (when granted with --env).
//!
//! `grain run --env GREETING=hi examples/guests/target/wasm32-wasip1/release/hello.wasm a b`

fn main() {
    println!("Hello from a lunatic guest!");
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    match std::env::var("GREETING") {
        Ok(greeting) => println!("GREETING={greeting}"),
        Err(_) => println!("no GREETING"),
    }
}
