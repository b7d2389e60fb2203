//! A command at the top of the chain: greets its arguments (or "World") and logs through the
//! same logger instance the greeter uses, so the final count covers both.

wit_bindgen::generate!({
    path: ["../../wit/logger", "../../wit/stringoperations", "../../wit/greeter"],
    world: "example:greeter/greeter-app",
    generate_all,
});

use example::greeter::greet::greet;
use example::logger::log::{Level, count, log};

fn main() {
    let mut names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        names.push("World".to_string());
    }
    log(Level::Info, "greeter-app started");
    for name in &names {
        println!("{}", greet(name));
    }
    log(Level::Info, "greeter-app done");
    println!("Messages logged: {}", count());
}
