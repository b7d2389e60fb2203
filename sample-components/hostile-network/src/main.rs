//! Hostile: tries to reach the network through the standard library without being granted it:
//! connects to `TARGET_ADDR` (default 127.0.0.1:80) and resolves `example.com`.
//! Prints one line per attempt; exits 1 if any got through.

use std::net::{TcpStream, ToSocketAddrs};

fn main() {
    let target = std::env::var("TARGET_ADDR").unwrap_or_else(|_| "127.0.0.1:80".to_string());
    let mut got_through = false;
    match TcpStream::connect(&target) {
        Ok(_) => {
            got_through = true;
            println!("CONNECTED to {target}");
        }
        Err(e) => println!("blocked: connect {target}: {e}"),
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
