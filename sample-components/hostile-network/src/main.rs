//! Hostile: tries to reach the network through the standard library without being granted it:
//! connects to `TARGET_ADDR` (default 127.0.0.1:80), `ATTEMPTS` times in a row (default 1, to
//! flood the capability log), and resolves `example.com`.
//! Prints one line per kind of attempt; exits 1 if any got through.

use std::net::{TcpStream, ToSocketAddrs};

fn main() {
    let target = std::env::var("TARGET_ADDR").unwrap_or_else(|_| "127.0.0.1:80".to_string());
    let attempts: usize = std::env::var("ATTEMPTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut got_through = false;
    let mut blocked = None;
    for _ in 0..attempts {
        match TcpStream::connect(&target) {
            Ok(_) => got_through = true,
            Err(e) => blocked = Some(e),
        }
    }
    match blocked {
        Some(e) if !got_through => println!("blocked: connect {target} ({attempts}x): {e}"),
        _ => println!("CONNECTED to {target}"),
    }
    match "example.com:80".to_socket_addrs() {
        Ok(addrs) => {
            got_through = true;
            println!("RESOLVED example.com: {:?}", addrs.collect::<Vec<_>>());
        }
        Err(e) => println!("blocked: lookup example.com: {e}"),
    }
    if got_through {
        std::process::exit(1);
    }
    println!("every network attempt was blocked");
}
