//! Linked runs: the same results as fused, nothing compiled twice, grants per node, fallback.

use std::net::TcpListener;

use plugboard_core::compose::{NodeComponents, load_components};
use plugboard_core::project::{Node, NodeId, Project};
use plugboard_core::run::{LinkPlan, Operation, RunEvent, RunMode, Runtime, WireTotal};
use tempfile::TempDir;

use crate::support::{
    Outcome, begin, component_from_wit, counter_pair, finish, http_get, load_project, root,
    runtime, sample, serving_address, shared_runtime, traced, write_file,
};

/// The project run linked, then fused.
fn linked_and_fused(
    runtime: &Runtime,
    project: &Project,
    components: &NodeComponents,
) -> (Outcome, Outcome) {
    (
        finish(
            runtime,
            (project, components),
            RunMode::Linked,
            Operation::Run,
        ),
        finish(
            runtime,
            (project, components),
            RunMode::Fused,
            Operation::Run,
        ),
    )
}

/// Everything but compile events, which differ by design (and which node's memory grew, which
/// only a linked run can tell).
fn observable(outcome: &Outcome) -> (String, String, RunEvent) {
    let mut terminal = outcome.terminal().clone();
    if let RunEvent::OutOfMemory { node, .. } = &mut terminal {
        *node = None;
    }
    (outcome.stdout.clone(), outcome.stderr.clone(), terminal)
}

#[test]
fn every_bundled_command_project_runs_the_same_linked_and_fused() {
    let runtime = shared_runtime();
    let dir = root().join("projects");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("projects") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".plugboard.json") {
            continue;
        }
        let (project, components) = load_project(&name);
        let own_grants = project.nodes.iter().any(|n| n.capabilities.is_some());
        let is_command = project.nodes.iter().any(|n| {
            components[&n.id].info.role == plugboard_core::inspect::ComponentRole::Command
        });
        if own_grants || !is_command || name.contains("clocks") || name.contains("random") {
            // Grants per node exist only linked; clocks and randomness differ on every run.
            continue;
        }
        let (linked, fused) = linked_and_fused(&runtime, &project, &components);
        assert!(
            !linked
                .events
                .iter()
                .any(|e| matches!(e, RunEvent::LinkFallback { .. })),
            "{name} ran linked"
        );
        assert_eq!(observable(&linked), observable(&fused), "{name}");
        compared += 1;
    }
    assert!(compared >= 8, "compared {compared} projects");
}

#[test]
fn a_chain_with_two_instances_of_one_component_runs_the_same_linked_and_fused() {
    let (mut project, _) = load_project("greeter-chain.plugboard.json");
    let mut second = project.nodes[0].clone();
    second.id = NodeId::new("logger-2");
    project.nodes.push(second);
    for wire in project
        .wires
        .iter_mut()
        .filter(|w| w.to.node.as_str() == "greeter-app")
    {
        if wire.from.node.as_str() == "logger" {
            wire.from.node = NodeId::new("logger-2");
        }
    }
    let components = load_components(&project, &root().join("projects")).expect("components");
    let (runtime, _cache) = runtime();
    let (linked, fused) = linked_and_fused(&runtime, &project, &components);
    assert!(
        linked.stdout.contains("Messages logged: 2"),
        "{}",
        linked.stdout
    );
    assert_eq!(observable(&linked), observable(&fused));
}

#[test]
fn rewiring_and_adding_nodes_compiles_nothing() {
    let (runtime, _cache) = runtime();
    let (mut project, components) = load_project("greeter-chain.plugboard.json");
    let first = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert_eq!(first.terminal(), &RunEvent::Exited { code: 0 });
    let compiled = runtime.compile_count();
    assert_eq!(compiled, 4, "each distinct component compiled once");

    // A second logger for the app: a new node and a rewire, same components.
    let mut second = project.nodes[0].clone();
    second.id = NodeId::new("logger-2");
    project.nodes.push(second);
    let app_wire = project
        .wires
        .iter_mut()
        .find(|w| w.to.node.as_str() == "greeter-app" && w.from.node.as_str() == "logger")
        .expect("the app's logger wire");
    app_wire.from.node = NodeId::new("logger-2");
    let components = load_components(&project, &root().join("projects")).expect("components");
    let rewired = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert!(
        rewired.stdout.contains("Messages logged: 2"),
        "{}",
        rewired.stdout
    );
    assert_eq!(
        runtime.compile_count(),
        compiled,
        "a rewire compiles nothing"
    );
    assert!(
        !rewired
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiling { .. }))
    );
}

/// A loopback listener that accepts connections until the test ends.
fn listener() -> String {
    let socket = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = socket.local_addr().expect("addr").to_string();
    std::thread::spawn(move || for _ in socket.incoming() {});
    address
}

#[test]
fn each_node_is_served_with_its_own_grants_and_named_in_the_log() {
    let (runtime, _cache) = runtime();
    let (mut project, components) = load_project("per-node-grants.plugboard.json");
    let address = listener();
    let data = TempDir::new().expect("temp dir");
    std::fs::write(data.path().join("a.txt"), "a").expect("write");
    let app = project
        .nodes
        .iter_mut()
        .find(|n| n.id.as_str() == "probe-app")
        .expect("app");
    let grants = app
        .capabilities
        .as_mut()
        .expect("the app has its own grants");
    grants.args = vec![address.clone()];
    grants.dirs = vec![plugboard_core::run::DirGrant {
        host: data.path().to_path_buf(),
        guest: "/data".into(),
        read_only: true,
    }];
    let outcome = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    let out = &outcome.stdout;
    assert!(out.contains(&format!("app connect {address}: ok")), "{out}");
    assert!(
        out.contains(&format!("probe connect {address}: denied")),
        "{out}"
    );
    assert!(
        out.contains("app env PROBE: Some(\"granted to probe-app\")"),
        "{out}"
    );
    assert!(out.contains("probe env PROBE: None"), "{out}");
    assert!(out.contains("app dir /data: ok 1"), "{out}");
    assert!(out.contains("probe dir /data: denied"), "{out}");
    let log = outcome.attempts("wasi:sockets/tcp");
    let by_node = |node: &str| {
        log.iter()
            .find(|a| a.node.as_deref() == Some(node))
            .copied()
    };
    let app = by_node("probe-app").expect("the app's attempt is logged");
    assert!(app.allowed && app.target == format!("connect {address}"));
    let probe = by_node("net-probe").expect("the probe's attempt is logged");
    assert!(!probe.allowed && probe.target == format!("connect {address}"));
}

#[test]
fn a_handle_to_a_resource_another_interface_defines_falls_back_to_fused_and_says_why() {
    let dir = TempDir::new().expect("temp dir");
    let wit = "package example:counter@0.1.0;
        interface types { resource tally { constructor(); bump: func() -> u32; } }
        interface counter { use types.{tally}; make: func() -> tally; }
        world provider { export counter; }
        world consumer { import counter; export run: func(); }";
    let (project, components) = counter_pair(dir.path(), wit);
    let err = LinkPlan::new(&project, &components, &NodeId::new("consumer"))
        .expect_err("a foreign resource crosses");
    assert!(
        err.to_string()
            .contains("passes a `tally` handle, a resource another interface defines"),
        "{err}"
    );

    let (runtime, _cache) = runtime();
    let handle = begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Invoke {
            call: "run()".into(),
        },
        None,
    );
    let events = handle.collect_blocking();
    assert!(
        matches!(&events[0], RunEvent::LinkFallback { reason, .. } if reason.contains("tally")),
        "{events:?}"
    );
    assert!(events.last().is_some_and(RunEvent::is_terminal));
}

#[test]
fn a_wire_whose_provider_no_longer_fits_is_not_linked() {
    let dir = TempDir::new().expect("temp dir");
    let other_types = component_from_wit(
        "package example:stringoperations@0.1.0;
         interface operations { reverse: func(s: string) -> u32; word-count: func(s: string) -> u32; }
         world provider { export operations; }",
        "provider",
    );
    let (mut project, _) = load_project("seed.plugboard.json");
    let provider = NodeId::new("string-operations");
    let consumer = NodeId::new("consumer-app");
    let cases = [
        (sample("string-len"), "has no export"),
        (
            write_file(dir.path(), "other-types.wasm", &other_types),
            "`reverse` is exported as `reverse: func(s: string) -> u32` but imported as \
             `reverse: func(s: string) -> string`",
        ),
    ];
    for (path, expected) in cases {
        project
            .nodes
            .iter_mut()
            .find(|n| n.id == provider)
            .expect("provider")
            .component = path;
        let components = load_components(&project, &root().join("projects")).expect("components");
        let err = LinkPlan::new(&project, &components, &consumer).expect_err("does not fit");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn a_linked_project_is_invoked_at_any_node_and_served() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("greeter-chain.plugboard.json");
    let handle = begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Invoke {
            call: r#"greet("Linus")"#.into(),
        },
        Some(NodeId::new("greeter")),
    );
    let outcome = Outcome::from_events(handle.collect_blocking());
    assert_eq!(
        outcome.terminal(),
        &RunEvent::Returned {
            results: vec![r#""Hello, Linus! (suniL backwards)""#.into()],
            values: vec![serde_json::json!("Hello, Linus! (suniL backwards)")],
        }
    );
    assert!(
        outcome.stderr.contains("greeting Linus"),
        "{}",
        outcome.stderr
    );

    let (project, components) = load_project("wasi-world-proxy.plugboard.json");
    let mut handle = begin(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Serve {
            address: "127.0.0.1:0".parse().expect("addr"),
        },
        None,
    );
    let address = serving_address(&mut handle);
    let response = http_get(&address, "/linked");
    assert!(response.contains("deknil/"), "{response}");
    handle.stop();
    assert_eq!(handle.collect_blocking().last(), Some(&RunEvent::Stopped));
}

#[test]
fn a_linked_loop_stops() {
    let mut project = Project::default();
    project.nodes.push(Node {
        id: NodeId::new("loop"),
        component: crate::support::sample("hostile-loop"),
        sha256: None,
        position: Default::default(),
        capabilities: None,
        registry: None,
    });
    project.limits.timeout_ms = Some(200);
    let components = load_components(&project, &root()).expect("components");
    let (runtime, _cache) = runtime();
    let outcome = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert_eq!(outcome.terminal(), &RunEvent::TimedOut { after_ms: 200 });
}

#[test]
fn a_node_precompiles_alone_and_its_linked_run_compiles_nothing_more() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("seed.plugboard.json");
    // consumer-app imports the string operations, which only the other node provides.
    for component in components.values() {
        let source = plugboard_core::run::ComponentSource::new(
            component.path.display().to_string(),
            component.bytes.clone(),
        );
        let events = runtime.precompile(source).collect_blocking();
        assert_eq!(
            events.last(),
            Some(&RunEvent::Exited { code: 0 }),
            "{events:?}"
        );
    }
    let compiled = runtime.compile_count();
    assert_eq!(compiled, 2, "each node's component compiled once");
    let run = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert_eq!(run.terminal(), &RunEvent::Exited { code: 0 });
    assert_eq!(
        runtime.compile_count(),
        compiled,
        "the run found them compiled"
    );
}

#[test]
fn a_run_failure_names_the_node_and_import_at_fault() {
    let runtime = shared_runtime();
    let (mut project, components) = load_project("seed.plugboard.json");
    project.wires.clear();
    let outcome = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    match outcome.terminal() {
        RunEvent::Failed {
            kind,
            node,
            port,
            message,
        } => {
            assert_eq!(*kind, plugboard_core::run::FailureKind::MissingImport);
            assert_eq!(node.as_ref().map(NodeId::as_str), Some("consumer-app"));
            assert_eq!(
                port.as_deref(),
                Some("example:stringoperations/operations@0.1.0")
            );
            assert!(message.contains("of node `consumer-app`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn handles_cross_a_linked_wire_as_proxies_and_dropping_one_runs_the_providers_destructor() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("kv-store.plugboard.json");
    LinkPlan::new(&project, &components, &NodeId::new("kv-app")).expect("a resource links");
    let (linked, fused) = linked_and_fused(&runtime, &project, &components);
    assert!(
        !linked
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::LinkFallback { .. })),
        "{:?}",
        linked.events
    );
    // Handles from a constructor, a static function's option and a list of records; a borrow
    // passed in; an own handed over; five drops reaching the store's destructor.
    for line in [
        "fruit keys: apple, banana",
        "size of veg: 1",
        "found fruit with 2 keys",
        "listed veg (1 keys)",
        "the store dropped 5 handles",
    ] {
        assert!(linked.stdout.contains(line), "{line}: {}", linked.stdout);
    }
    assert_eq!(observable(&linked), observable(&fused));
}

#[test]
fn a_method_called_through_a_proxy_runs_with_the_providers_grants() {
    let (runtime, _cache) = runtime();
    // The store writes each value under /data when it may: granted to the store, the file
    // appears; granted to the app that calls the method, it does not.
    for (granted, written) in [("kv-store", true), ("kv-app", false)] {
        let (mut project, components) = load_project("kv-store.plugboard.json");
        let data = TempDir::new().expect("temp dir");
        for node in &mut project.nodes {
            let mut grants = plugboard_core::run::CapabilityProfile::default();
            if node.id.as_str() == granted {
                grants.dirs = vec![plugboard_core::run::DirGrant {
                    host: data.path().to_path_buf(),
                    guest: "/data".into(),
                    read_only: false,
                }];
            }
            node.capabilities = Some(grants);
        }
        let outcome = finish(
            &runtime,
            (&project, &components),
            RunMode::Linked,
            Operation::Run,
        );
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{granted}"
        );
        let apple = data.path().join("fruit").join("apple");
        assert_eq!(apple.is_file(), written, "granted to {granted}");
        if written {
            assert_eq!(std::fs::read_to_string(apple).expect("read"), "red");
        }
    }
}

#[test]
fn the_tap_records_each_call_across_a_wire_with_its_values() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("seed.plugboard.json");
    let outcome = traced(&runtime, &project, &components);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    let recorded = outcome.calls();
    let seen: Vec<(&str, &str, &str, Option<&str>, u64)> = recorded
        .iter()
        .map(|c| {
            (
                c.caller.as_str(),
                c.callee.as_str(),
                c.function.as_str(),
                c.results.as_deref(),
                c.number,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "consumer-app",
                "string-operations",
                "reverse",
                Some(r#""ledoM tnenopmoC ylbmessAbeW olleH""#),
                1
            ),
            (
                "consumer-app",
                "string-operations",
                "word-count",
                Some("4"),
                2
            ),
        ]
    );
    assert_eq!(recorded[0].args, r#""Hello WebAssembly Component Model""#);
    assert_eq!(
        recorded[0].import,
        "example:stringoperations/operations@0.1.0"
    );
    assert_eq!(
        outcome.totals(),
        [WireTotal {
            caller: NodeId::new("consumer-app"),
            import: "example:stringoperations/operations@0.1.0".into(),
            calls: 2,
            items: 0,
        }]
    );

    // Untapped, nothing is recorded.
    let plain = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert!(plain.calls().is_empty());
    assert!(
        !plain
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::CallTotals { .. }))
    );
}

#[test]
fn the_tap_shows_handles_and_a_trapping_callee() {
    let (runtime, _cache) = runtime();
    let (project, components) = load_project("kv-store.plugboard.json");
    let outcome = traced(&runtime, &project, &components);
    let recorded = outcome.calls();
    let constructor = recorded
        .iter()
        .find(|c| c.function == "[constructor]bucket")
        .expect("the constructor's call");
    assert_eq!(constructor.args, r#""fruit""#);
    assert_eq!(constructor.results.as_deref(), Some("<handle>"));
    let listing = recorded
        .iter()
        .find(|c| c.function == "list-buckets")
        .expect("the listing");
    assert_eq!(
        listing.results.as_deref(),
        Some("[{bucket: <handle>, size: 2}, {bucket: <handle>, size: 1}]")
    );

    // A provider whose functions trap: the record says so.
    let dir = TempDir::new().expect("temp dir");
    let (mut project, _) = load_project("seed.plugboard.json");
    let trapping = write_file(
        dir.path(),
        "trapping.wasm",
        &component_from_wit(
            "package example:stringoperations@0.1.0;
             interface operations { reverse: func(s: string) -> string; word-count: func(s: string) -> u32; }
             world provider { export operations; }",
            "provider",
        ),
    );
    project.nodes[0].component = trapping;
    let components = load_components(&project, &root().join("projects")).expect("components");
    let outcome = traced(&runtime, &project, &components);
    assert!(matches!(outcome.terminal(), RunEvent::Trapped { .. }));
    let recorded = outcome.calls();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].function, "reverse");
    assert!(recorded[0].results.is_none());
    assert!(recorded[0].error.is_some(), "{recorded:?}");
}

#[test]
fn a_borrow_kept_past_its_call_traps_naming_the_node_that_kept_it() {
    // borrow-leaker lends its stdout stream to borrow-keeper's `keep`, which returns without
    // giving the borrow back: the component model ends that call with a trap, in every mode.
    let interface = "example:leak/keeper@0.1.0";
    let node = |id: &str, file: &str| Node {
        id: NodeId::new(id),
        component: crate::support::wat_sample(file),
        sha256: None,
        position: Default::default(),
        capabilities: None,
        registry: None,
    };
    let project = Project {
        nodes: vec![
            node("keeper", "borrow-keeper"),
            node("leaker", "borrow-leaker"),
        ],
        wires: vec![plugboard_core::project::Wire {
            from: plugboard_core::project::WireEnd {
                node: NodeId::new("keeper"),
                port: interface.into(),
            },
            to: plugboard_core::project::WireEnd {
                node: NodeId::new("leaker"),
                port: interface.into(),
            },
        }],
        ..Project::default()
    };
    let components = load_components(&project, &root()).expect("the WAT samples load");
    let runtime = shared_runtime();
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
        let RunEvent::Trapped { message, .. } = outcome.terminal() else {
            panic!(
                "{mode:?}: the borrow outlived its call: {:?}",
                outcome.events
            );
        };
        assert!(
            message.contains("borrow handles still remain at the end of the call"),
            "{mode:?}: {message}"
        );
        if mode == RunMode::Linked {
            assert!(message.ends_with("(in `keeper`)"), "{message}");
        }
    }
}
