//! Hostile: reports a failure on stderr and exits with code 3.

fn main() {
    println!("doing some work");
    eprintln!("error: something went wrong, exiting with 3");
    std::process::exit(3);
}
