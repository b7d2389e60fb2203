//! WASI 0.3: async commands with live output, Stop and the timeout; async functions and a stream
//! across a linked wire; the fallback when such a project's nodes' grants differ; an async HTTP
//! service served beside a 0.2 proxy; each 0.3 capability denied by default and granted by the
//! same toggles as 0.2, proven on the host's side (a file not created, a listener not reached).

use std::sync::atomic::Ordering;
use std::time::Duration;

use plugboard_core::run::{
    CapabilityProfile, DirGrant, EnvVar, HttpGrant, Limits, Operation, RunEvent, RunMode,
    StartError,
};

use crate::support::{
    Outcome, accepted, begin, counting_listener, finish, http_get, load_project, request, run,
    runtime, serving_address, stop_after_first_output, traced, try_begin,
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

    // Tapped, the wire counts its call and the stream's items as they cross; the output is the
    // same.
    let tapped = traced(&runtime, &project, &components);
    assert_eq!(tapped.stdout, linked.stdout);
    let totals: Vec<(u64, u64)> = tapped
        .events
        .iter()
        .filter_map(|e| match e {
            RunEvent::CallTotals { wires } => {
                Some(wires.iter().map(|w| (w.calls, w.items)).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    let calls: u64 = totals.iter().map(|(calls, _)| calls).sum();
    let items: u64 = totals.iter().map(|(_, items)| items).sum();
    assert!(calls >= 1, "{totals:?}");
    assert_eq!(items, 9, "the nine words crossed: {totals:?}");
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

#[test]
fn wasi_0_3_capabilities_are_denied_by_default_and_granted_by_the_same_toggles() {
    let (runtime, _cache) = runtime();
    let (target, connections) = counting_listener();
    let (server, requests) = counting_listener();
    let url = format!("http://{server}/probe");
    let folder = tempfile::TempDir::new().expect("temp dir");
    let probe = |grant: &dyn Fn(&mut CapabilityProfile)| {
        let mut req = request("p3-probe");
        req.capabilities.env = vec![
            EnvVar {
                key: "TARGET_ADDR".into(),
                value: target.clone(),
            },
            EnvVar {
                key: "URL".into(),
                value: url.clone(),
            },
        ];
        grant(&mut req.capabilities);
        run(&runtime, req)
    };
    let file = folder.path().join("written-by-p3-probe.txt");

    // Nothing but the two variables: no folder, no network, no lookup, no HTTP.
    let denied = probe(&|_| {});
    let out = &denied.stdout;
    assert!(out.contains("dir: none granted"), "{out}");
    assert!(out.contains(&format!("connect {target}: denied")), "{out}");
    assert!(out.contains("lookup localhost: denied"), "{out}");
    assert!(out.contains(&format!("get {url}: denied")), "{out}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "no connection reached"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 0, "no request reached");
    assert!(!file.exists());
    let log = denied.capabilities();
    for interface in ["wasi:filesystem/preopens", "wasi:sockets/tcp", "wasi:http"] {
        assert!(
            log.iter()
                .any(|a| a.interface.starts_with(interface) && !a.allowed),
            "{interface} denied in {log:?}"
        );
    }

    // A read-only folder: listed, but nothing is created in it.
    let read_only = probe(&|grants| {
        grants.dirs = vec![DirGrant {
            host: folder.path().to_path_buf(),
            guest: "/data".into(),
            read_only: true,
        }];
    });
    assert!(
        read_only.stdout.contains("dir /data: denied"),
        "{}",
        read_only.stdout
    );
    assert!(!file.exists());
    // Each open and each lookup is logged with the same detail as 0.2's.
    let opened = |outcome: &Outcome| {
        outcome
            .attempts("wasi:filesystem/types")
            .iter()
            .map(|a| (a.target.clone(), a.allowed))
            .collect::<Vec<_>>()
    };
    let lookups = |outcome: &Outcome| {
        outcome
            .attempts("wasi:sockets/ip-name-lookup")
            .iter()
            .map(|a| (a.target.clone(), a.allowed, a.toggle.clone()))
            .collect::<Vec<_>>()
    };
    let written = "open for writing /data/written-by-p3-probe.txt".to_string();
    assert_eq!(opened(&read_only), [(written.clone(), false)]);
    assert_eq!(
        lookups(&denied),
        [(
            "localhost".to_string(),
            false,
            "allow-ip-name-lookup".to_string()
        )]
    );

    // Everything granted.
    let granted = probe(&|grants| {
        grants.dirs = vec![DirGrant {
            host: folder.path().to_path_buf(),
            guest: "/data".into(),
            read_only: false,
        }];
        grants.inherit_network = true;
        grants.allow_ip_name_lookup = true;
        grants.http = HttpGrant {
            allowed: true,
            hosts: vec![server.clone()],
        };
    });
    let out = &granted.stdout;
    assert!(out.contains("dir /data: created"), "{out}");
    assert!(out.contains(&format!("connect {target}: ok")), "{out}");
    assert!(out.contains("lookup localhost: ok"), "{out}");
    assert!(out.contains(&format!("get {url}: status 200")), "{out}");
    assert!(file.exists());
    assert_eq!(opened(&granted), [(written, true)]);
    assert_eq!(
        lookups(&granted),
        [(
            "localhost".to_string(),
            true,
            "allow-ip-name-lookup".to_string()
        )]
    );
    assert_eq!(accepted(&connections, 1), 1);
    assert_eq!(accepted(&requests, 1), 1);
}

#[test]
fn an_async_export_is_invoked_and_its_stream_is_read_to_its_end_or_a_bound() {
    let (runtime, _cache) = runtime();
    let count = run_invoke(&runtime, "count(\"streams cross the wire\")");
    assert_eq!(count, ["4"]);
    // A stream is read to its end: the words the guest writes after `split` returned.
    let split = run_invoke(&runtime, "split(\"streams cross the wire\")");
    assert_eq!(
        split,
        [r#"stream["streams", "cross", "the", "wire"] (4 items)"#]
    );
    let empty = run_invoke(&runtime, "split(\"\")");
    assert_eq!(empty, ["stream[] (0 items)"]);
    // A longer stream is read up to a bound, and says so; the writer sees the reader go.
    let words = vec!["w"; 10_005].join(" ");
    let long = run_invoke(&runtime, &format!("split(\"{words}\")"));
    assert!(
        long[0].ends_with("(the first 10000 items; the rest was not read)"),
        "{}",
        &long[0][long[0].len().saturating_sub(80)..]
    );
}

fn run_invoke(runtime: &plugboard_core::run::Runtime, call: &str) -> Vec<String> {
    let events = runtime
        .invoke(request("p3-words"), call.to_string())
        .collect_blocking();
    match events.last() {
        Some(RunEvent::Returned { results, .. }) => results.clone(),
        other => panic!("{call}: {other:?}"),
    }
}

#[test]
fn a_wire_whose_async_ness_differs_is_refused_saying_so() {
    use plugboard_core::compose::{Composer, WireCheck};
    use plugboard_core::project::{NodeId, WireEnd};

    use crate::support::wit_project;

    let dir = tempfile::TempDir::new().expect("temp dir");
    let interface = |function: &str| {
        format!(
            "package example:counter@0.1.0;\ninterface counter {{ {function} }}\n\
             world provider {{ export counter; }}\nworld consumer {{ import counter; }}"
        )
    };
    let provider = interface("next: func() -> u32;");
    let consumer = interface("next: async func() -> u32;");
    let (project, components) = wit_project(
        dir.path(),
        &[
            ("provider", &provider, "provider"),
            ("consumer", &consumer, "consumer"),
        ],
    );
    let end = |node: &str| WireEnd {
        node: NodeId::new(node),
        port: "example:counter/counter@0.1.0".to_string(),
    };
    let verdict =
        Composer::new().check_wire(&project, &components, &end("provider"), &end("consumer"));
    let WireCheck::Refused { reason, .. } = verdict else {
        panic!("an async import fed by a plain export is refused: {verdict:?}");
    };
    assert!(reason.contains("async"), "{reason}");
}

#[test]
fn every_wasi_0_3_project_runs_the_same_linked_and_fused() {
    let (runtime, _cache) = runtime();
    // The command: the same output and exit.
    let (project, components) = load_project("wasi-0.3-command.plugboard.json");
    let [linked, fused] = [RunMode::Linked, RunMode::Fused]
        .map(|mode| finish(&runtime, (&project, &components), mode, Operation::Run));
    assert!(linked.stdout.contains("tick 1 of"), "{}", linked.stdout);
    assert_eq!(linked.stdout, fused.stdout);
    assert_eq!(linked.terminal(), fused.terminal());

    // The HTTP service: the same answer to the same request.
    let (project, components) = load_project("wasi-0.3-http.plugboard.json");
    let answers = [RunMode::Linked, RunMode::Fused].map(|mode| {
        let mut server = begin(
            &runtime,
            (&project, &components),
            mode,
            Operation::Serve {
                address: "127.0.0.1:0".parse().expect("address"),
            },
            None,
        );
        let answer = http_get(&serving_address(&mut server), "/same");
        server.stop();
        server.collect_blocking();
        answer
    });
    assert!(answers[0].contains("emas/"), "{}", answers[0]);
    let body = |answer: &str| answer.split("\r\n\r\n").nth(1).map(str::to_string);
    assert_eq!(body(&answers[0]), body(&answers[1]));
    // (wasi-0.3-words: see async_functions_and_a_stream_cross_a_linked_wire.)
}
