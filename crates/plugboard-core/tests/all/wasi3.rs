//! WASI 0.3: async commands with live output, Stop and the timeout; async functions and a stream
//! across a linked wire; the fallback when such a project's nodes' grants differ; an async HTTP
//! service served beside a 0.2 proxy.

use std::time::Duration;

use plugboard_core::run::{EnvVar, Limits, Operation, RunEvent, RunMode, StartError};

use crate::support::{
    begin, finish, http_get, load_project, request, run, runtime, serving_address,
    stop_after_first_output, try_begin,
};

#[test]
fn a_wasi_0_3_command_streams_its_output_as_it_runs() {
    let (runtime, _cache) = runtime();
    let mut req = request("p3-ticker");
    req.capabilities.args = vec!["4".into()];
    let mut handle = runtime.run(req);
    let mut chunks: Vec<String> = Vec::new();
    let mut end = None;
    while let Some(event) = handle.next_blocking() {
        match event {
            RunEvent::Stdout { data } => chunks.push(String::from_utf8_lossy(&data).into_owned()),
            other if other.is_terminal() => end = Some(other),
            _ => {}
        }
    }
    assert_eq!(end, Some(RunEvent::Exited { code: 0 }));
    assert_eq!(
        chunks.concat(),
        "WASI 0.3: an async run writing to a stream\n\
         tick 1 of 4\ntick 2 of 4\ntick 3 of 4\ntick 4 of 4\n"
    );
    // 100 ms between ticks, batches every 16 ms: the stream's bytes arrived as written.
    assert!(chunks.len() >= 3, "output came in one lump: {chunks:?}");
}

#[test]
fn a_wasi_0_3_command_is_stopped_and_timed_out_while_it_awaits() {
    let (runtime, _cache) = runtime();
    let mut long = request("p3-ticker");
    long.capabilities.args = vec!["100000".into()];
    let stopped = stop_after_first_output(runtime.run(long.clone()));
    assert_eq!(stopped.terminal(), &RunEvent::Stopped);

    long.limits = Limits {
        timeout_ms: Some(300),
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let timed_out = run(&runtime, long);
    assert_eq!(timed_out.terminal(), &RunEvent::TimedOut { after_ms: 300 });
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn async_functions_and_a_stream_cross_a_linked_wire() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("wasi-0.3-words.plugboard.json");
    let linked = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert!(
        !linked
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::LinkFallback { .. })),
        "{:?}",
        linked.events
    );
    assert!(
        linked
            .stdout
            .starts_with("word 1: streams\nword 2: cross\n")
    );
    assert!(linked.stdout.ends_with("word 9: time\n9 words\n"));
    let fused = finish(
        &runtime,
        (&project, &components),
        RunMode::Fused,
        Operation::Run,
    );
    assert_eq!(linked.stdout, fused.stdout);
    assert_eq!(linked.terminal(), fused.terminal());
}

#[test]
fn a_wasi_0_3_project_whose_nodes_grants_differ_is_not_linked_and_says_why() {
    let (runtime, _cache) = runtime();
    let (mut project, components) = load_project("wasi-0.3-words.plugboard.json");
    // Both nodes read the environment: the app alone gets a secret.
    let app = project
        .nodes
        .iter_mut()
        .find(|n| n.id.as_str() == "p3-words-app")
        .expect("app");
    app.capabilities.get_or_insert_with(Default::default).env = vec![EnvVar {
        key: "TOKEN".into(),
        value: "for the app only".into(),
    }];
    let refused = try_begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
        None,
    );
    let Err(
        error @ StartError::Grants {
            fallback: Some(_), ..
        },
    ) = refused
    else {
        panic!("expected a refusal after the fallback");
    };
    let message = error.to_string();
    assert!(message.contains("uses WASI 0.3"), "{message}");
    assert!(message.contains("same grants"), "{message}");
}

#[test]
fn a_wasi_0_3_service_is_served_beside_a_wasi_0_2_proxy_and_stops() {
    let (runtime, _cache) = runtime();
    let serve_here = || Operation::Serve {
        address: "127.0.0.1:0".parse().expect("address"),
    };
    let (p3_project, p3_components) = load_project("wasi-0.3-http.plugboard.json");
    let mut p3_server = begin(
        &runtime,
        (&p3_project, &p3_components),
        RunMode::Linked,
        serve_here(),
        None,
    );
    let (p2_project, p2_components) = load_project("wasi-world-proxy.plugboard.json");
    let mut p2_server = begin(
        &runtime,
        (&p2_project, &p2_components),
        RunMode::Linked,
        serve_here(),
        None,
    );
    let p3_address = serving_address(&mut p3_server);
    let p2_address = serving_address(&mut p2_server);
    let answer = http_get(&p3_address, "/hello/world");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("dlrow/olleh/\n"), "{answer}");
    let answer = http_get(&p2_address, "/hello");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for server in [p3_server, p2_server] {
        server.stop();
        let events = server.collect_blocking();
        assert_eq!(events.last(), Some(&RunEvent::Stopped));
    }
}
