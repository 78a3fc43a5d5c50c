//! `std::process::exit(3)`: grain run exits with status 3.

fn main() {
    println!("exiting with 3");
    std::process::exit(3);
}
