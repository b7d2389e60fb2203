//! Serving the HTTP proxy sample on loopback, fetching from it, and swapping its code.

use std::net::TcpStream;
use std::path::Path;

use plugboard_core::compose::{Composer, NodeComponents, load_components};
use plugboard_core::project::{Node, NodeId, Project, Wire, WireEnd};
use plugboard_core::run::{
    ComponentSource, Operation, OutputPolicy, ProjectRun, RunEvent, RunHandle, RunMode, RunRequest,
};

use crate::support::{
    begin, http_get, load_project, request, runtime, sample, serving_address, shared_runtime,
};

fn proxy_composition() -> Vec<u8> {
    let mut project = Project::default();
    for name in ["string-operations", "http-proxy-demo"] {
        project.nodes.push(Node {
            id: NodeId::new(name),
            component: sample(name),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
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
    let address = serving_address(&mut handle);
    let response = http_get(&address, "/hello/world");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("dlrow/olleh/"), "{response}");
    assert!(response.contains("x-path-words: 2"), "{response}");
    assert!(http_get(&address, "/abc").contains("cba/"));

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
        matches!(events.last(), Some(RunEvent::Failed { message, .. }) if message.contains("incoming-handler"))
    );
}

/// The next event matching `wanted`; fails if the run ends first.
fn wait_for(handle: &mut RunHandle, wanted: impl Fn(&RunEvent) -> bool) -> RunEvent {
    loop {
        let event = handle.next_blocking().expect("an event");
        assert!(!event.is_terminal(), "ended early: {event:?}");
        if wanted(&event) {
            return event;
        }
    }
}

fn serve_here() -> Operation {
    Operation::Serve {
        address: "127.0.0.1:0".parse().expect("addr"),
    }
}

#[test]
fn new_code_is_swapped_in_without_closing_the_port() {
    let runtime = shared_runtime();
    let (project, components) = load_project("wasi-world-proxy.plugboard.json");
    let mut handle = begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        serve_here(),
        None,
    );
    let address = serving_address(&mut handle);
    assert!(http_get(&address, "/before").contains("erofeb/"));

    // A command is no proxy: the server says so and keeps answering with the code it had.
    let (command, command_components) = load_project("wasi-cli.plugboard.json");
    let swapper = handle.swapper();
    let swap = |project: &Project, components: &NodeComponents| {
        runtime
            .swap_project(
                &swapper,
                &mut Composer::new(),
                ProjectRun {
                    project,
                    components,
                    mode: RunMode::Linked,
                    operation: serve_here(),
                    root: None,
                    output: OutputPolicy::default(),
                    trace_calls: false,
                },
            )
            .expect("swaps");
    };
    swap(&command, &command_components);
    let failed = wait_for(&mut handle, |e| {
        matches!(e, RunEvent::SwapFailed { .. } | RunEvent::Swapped { .. })
    });
    assert!(
        matches!(&failed, RunEvent::SwapFailed { message } if message.contains("incoming-handler") && message.contains("still serving")),
        "{failed:?}"
    );
    assert!(http_get(&address, "/still").contains("llits/"));

    // The Python proxy takes over on the same port.
    let mut python = Project::default();
    python.nodes.push(Node {
        id: NodeId::new("py-http-proxy"),
        component: sample("py-http-proxy"),
        sha256: None,
        position: Default::default(),
        capabilities: None,
        registry: None,
    });
    let python_components = load_components(&python, Path::new("/")).expect("components");
    swap(&python, &python_components);
    wait_for(&mut handle, |e| matches!(e, RunEvent::Swapped { .. }));
    let response = http_get(&address, "/after");
    assert!(
        response.contains("hello from python: GET /after"),
        "{response}"
    );

    handle.stop();
    assert_eq!(handle.collect_blocking().last(), Some(&RunEvent::Stopped));
}

/// `GET path` from `address`: the whole response, or what went wrong (a server that stops
/// mid-request closes the connection).
fn try_http_get(address: &str, path: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(address)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// Follows a server's events until `wanted` says stop; returns them.
fn events_until(handle: &mut RunHandle, wanted: impl Fn(&RunEvent) -> bool) -> Vec<RunEvent> {
    let mut seen = Vec::new();
    while let Some(event) = handle.next_blocking() {
        let done = wanted(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
    panic!("the server ended first: {seen:?}");
}

#[test]
fn stop_ends_a_request_whose_handler_loops_forever() {
    let (runtime, _cache) = runtime();
    let mut handle = runtime.serve(
        request("hostile-proxy-loop"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    let address = serving_address(&mut handle);
    let looping = address.clone();
    let client = std::thread::spawn(move || try_http_get(&looping, "/loop"));
    events_until(
        &mut handle,
        |e| matches!(e, RunEvent::Request { uri, .. } if uri == "/loop"),
    );
    handle.stop();
    let events = handle.collect_blocking();
    let stopped = events.iter().position(|e| {
        matches!(e, RunEvent::Response { status: 503, error: Some(error), .. } if error.contains("stopped"))
    });
    assert!(
        stopped.is_some(),
        "the request ended as stopped: {events:?}"
    );
    assert_eq!(events.last(), Some(&RunEvent::Stopped));
    let answer = client.join().expect("the client ends");
    assert!(
        answer
            .as_ref()
            .map_or(true, |text| !text.contains("200 OK")),
        "{answer:?}"
    );
}

#[test]
fn a_request_timeout_ends_a_looping_handler_and_frees_its_slot() {
    let (runtime, _cache) = runtime();
    let mut serving = request("hostile-proxy-loop");
    serving.limits.timeout_ms = Some(300);
    serving.limits.max_requests = Some(1);
    let mut handle = runtime.serve(serving, "127.0.0.1:0".parse().expect("addr"));
    let address = serving_address(&mut handle);
    let looping = address.clone();
    let first = std::thread::spawn(move || try_http_get(&looping, "/loop"));
    events_until(
        &mut handle,
        |e| matches!(e, RunEvent::Request { uri, .. } if uri == "/loop"),
    );
    // One request at a time: this one waits for the looping one's slot.
    let second = try_http_get(&address, "/").expect("answered");
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    let _ = first.join();
    handle.stop();
    let events = handle.collect_blocking();
    let responses: Vec<(u64, u16)> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Response { id, status, .. } => Some((*id, *status)),
            _ => None,
        })
        .collect();
    // The timed-out request answered first, then the one that waited for its slot.
    assert_eq!(responses, vec![(1, 500), (2, 200)], "{events:?}");
    assert!(events.iter().any(
        |e| matches!(e, RunEvent::Response { error: Some(error), .. } if error.contains("timed out"))
    ));
}

#[test]
fn a_served_project_keeps_each_nodes_grants_and_refuses_to_fuse_them() {
    let runtime = shared_runtime();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let probe = listener.local_addr().expect("address").to_string();
    let (mut project, components) = load_project("per-node-grants-proxy.plugboard.json");
    for node in &mut project.nodes {
        if let Some(grants) = &mut node.capabilities {
            grants.env[0].value = probe.clone();
        }
    }
    let serve = Operation::Serve {
        address: "127.0.0.1:0".parse().expect("addr"),
    };
    let mut handle = begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        serve.clone(),
        None,
    );
    let address = serving_address(&mut handle);
    let response = http_get(&address, "/");
    assert!(
        response.contains(&format!("proxy connect {probe}: ok")),
        "{response}"
    );
    assert!(
        response.contains(&format!("probe connect {probe}: denied")),
        "{response}"
    );
    handle.stop();
    handle.collect_blocking();
    let mut connections = 0;
    while listener.accept().is_ok() {
        connections += 1;
    }
    assert_eq!(
        connections, 1,
        "only the proxy's own connect reached the listener"
    );

    let fused = runtime.start_project(
        &mut Composer::new(),
        ProjectRun {
            project: &project,
            components: &components,
            mode: RunMode::Fused,
            operation: serve,
            root: None,
            output: OutputPolicy::default(),
            trace_calls: false,
        },
    );
    assert!(
        matches!(fused, Err(plugboard_core::run::StartError::Grants { .. })),
        "a fused server would share the proxy's network with net-probe"
    );
}
