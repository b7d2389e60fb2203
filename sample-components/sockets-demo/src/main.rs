//! `wasi:sockets` demo: opens a TCP connection to `TARGET_ADDR` (`host:port`), sends a line and
//! prints the reply. A host name is resolved with `wasi:sockets/ip-name-lookup` first. Says clearly
//! when the host denied the network or the name lookup; exits 1 then.

use wasip2::io::streams::StreamError;
use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::ip_name_lookup::resolve_addresses;
use wasip2::sockets::network::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
    Network,
};
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

fn fail(what: &str, code: ErrorCode) -> ! {
    if code == ErrorCode::AccessDenied {
        println!("DENIED: {what}: the host did not grant this (access-denied)");
    } else {
        println!("failed: {what}: {code:?}");
    }
    std::process::exit(1);
}

fn resolve(network: &Network, host: &str) -> IpAddress {
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        let [a, b, c, d] = ip.octets();
        return IpAddress::Ipv4((a, b, c, d));
    }
    println!("looking up {host}");
    let stream = resolve_addresses(network, host)
        .unwrap_or_else(|e| fail(&format!("name lookup of {host}"), e));
    loop {
        match stream.resolve_next_address() {
            Ok(Some(address)) => return address,
            Ok(None) => {
                println!("failed: {host} has no address");
                std::process::exit(1);
            }
            Err(ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => fail(&format!("name lookup of {host}"), e),
        }
    }
}

fn main() {
    let Ok(target) = std::env::var("TARGET_ADDR") else {
        println!("Set TARGET_ADDR=host:port (for example 127.0.0.1:4000) and grant the network.");
        std::process::exit(2);
    };
    let Some((host, port)) = target
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h, p.parse::<u16>().ok()?)))
    else {
        println!("TARGET_ADDR `{target}` is not host:port");
        std::process::exit(2);
    };

    let network = instance_network();
    let (family, address) = match resolve(&network, host) {
        IpAddress::Ipv4(ip) => (
            IpAddressFamily::Ipv4,
            IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: ip }),
        ),
        IpAddress::Ipv6(ip) => (
            IpAddressFamily::Ipv6,
            IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port,
                address: ip,
                flow_info: 0,
                scope_id: 0,
            }),
        ),
    };
    println!("connecting to {target}");
    let socket = create_tcp_socket(family).unwrap_or_else(|e| fail("creating a TCP socket", e));
    socket
        .start_connect(&network, address)
        .unwrap_or_else(|e| fail(&format!("connect to {target}"), e));
    let ready = socket.subscribe();
    let (input, output) = loop {
        match socket.finish_connect() {
            Ok(streams) => break streams,
            Err(ErrorCode::WouldBlock) => ready.block(),
            Err(e) => fail(&format!("connect to {target}"), e),
        }
    };
    println!("connected to {target}");
    if let Err(e) = output.blocking_write_and_flush(b"hello from sockets-demo\n") {
        println!("failed: sending: {e:?}");
        std::process::exit(1);
    }
    let mut reply = Vec::new();
    loop {
        match input.blocking_read(4096) {
            Ok(chunk) => {
                reply.extend_from_slice(&chunk);
                if reply.contains(&b'\n') || reply.len() > 64 * 1024 {
                    break;
                }
            }
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                println!("failed: reading: {}", e.to_debug_string());
                std::process::exit(1);
            }
        }
    }
    println!("reply: {}", String::from_utf8_lossy(&reply).trim_end());
}
