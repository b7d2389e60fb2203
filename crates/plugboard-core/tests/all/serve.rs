//! Serving the HTTP proxy sample on loopback and fetching from it.

use std::io::{Read, Write};
use std::net::TcpStream;

use plugboard_core::compose::{Composer, load_components};
use plugboard_core::project::{Node, NodeId, Project, Wire, WireEnd};
use plugboard_core::run::{ComponentSource, RunEvent, RunRequest};

use crate::support::{request, runtime, sample};

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn proxy_composition() -> Vec<u8> {
    let mut project = Project::default();
    for name in ["string-operations", "http-proxy-demo"] {
        project.nodes.push(Node {
            id: NodeId::new(name),
            component: sample(name),
            sha256: None,
            position: Default::default(),
            capabilities: None,
        });
    }
    let seed = "example:stringoperations/operations@0.1.0".to_string();
    project.wires.push(Wire {
        from: WireEnd {
            node: NodeId::new("string-operations"),
            port: seed.clone(),
        },
        to: WireEnd {
            node: NodeId::new("http-proxy-demo"),
            port: seed,
        },
    });
    let components = load_components(&project, std::path::Path::new("/")).expect("components");
    Composer::new()
        .compose(&project, &components)
        .expect("composes")
        .bytes
}

#[test]
fn the_proxy_is_served_on_loopback_and_stops_cleanly() {
    let (runtime, _cache) = runtime();
    let request = RunRequest::new(ComponentSource::new("proxy.wasm", proxy_composition()));
    let mut handle = runtime.serve(request, "127.0.0.1:0".parse().expect("addr"));
    let address = loop {
        match handle.next_blocking().expect("serving") {
            RunEvent::Serving { address } => break address,
            RunEvent::Failed { message } => panic!("{message}"),
            _ => {}
        }
    };
    let response = get(&address, "/hello/world");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("dlrow/olleh/"), "{response}");
    assert!(response.contains("x-path-words: 2"), "{response}");
    assert!(get(&address, "/abc").contains("cba/"));

    handle.stop();
    let events = handle.collect_blocking();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::Request { uri, .. } if uri == "/hello/world"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::Response { status: 200, .. }))
    );
    assert_eq!(events.last(), Some(&RunEvent::Stopped));
    assert!(
        TcpStream::connect(&address).is_err(),
        "the port is closed after stop"
    );
}

#[test]
fn a_command_cannot_be_served() {
    let (runtime, _cache) = runtime();
    let events = runtime
        .serve(request("cli-demo"), "127.0.0.1:0".parse().expect("addr"))
        .collect_blocking();
    assert!(
        matches!(events.last(), Some(RunEvent::Failed { message }) if message.contains("incoming-handler"))
    );
}
