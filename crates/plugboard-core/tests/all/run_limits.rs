//! Limits and Stop: each ends the run with its own event.

use plugboard_core::compose::load_components;
use plugboard_core::project::{Node, NodeId, Position, Project, Wire, WireEnd};
use plugboard_core::run::{Grew, Operation, RunEvent, RunMode};

use crate::support::{
    MemoryWatch, finish, request, root, run, runtime, stop_after_first_output, wat_sample,
};

#[test]
fn an_infinite_loop_ends_at_the_timeout() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-loop");
    req.limits.timeout_ms = Some(300);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::TimedOut { after_ms: 300 });
    assert!(outcome.stdout.contains("spinning forever"));
}

#[test]
fn stop_ends_an_infinite_loop() {
    let (runtime, _cache) = runtime();
    let outcome = stop_after_first_output(runtime.run(request("hostile-loop")));
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}

#[test]
fn stop_ends_a_guest_waiting_in_a_host_call() {
    let (runtime, _cache) = runtime();
    let mut req = request("ticker");
    req.capabilities.args = vec!["1000000".to_string()];
    // After its first line the ticker spends almost all its time asleep in the host.
    let outcome = stop_after_first_output(runtime.run(req));
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-memory-bomb");
    req.limits.max_memory_bytes = Some(64 << 20);
    let outcome = run(&runtime, req);
    let RunEvent::OutOfMemory {
        limit_bytes,
        requested_bytes,
        ..
    } = outcome.terminal()
    else {
        panic!("expected out of memory, got {:?}", outcome.terminal())
    };
    assert_eq!(*limit_bytes, 64 << 20);
    assert!(*requested_bytes > 64 << 20);
    assert!(
        outcome.stdout.contains("allocated 16 MiB"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn fuel_ends_an_infinite_loop() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-loop");
    req.limits.fuel = Some(5_000_000);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::OutOfFuel { fuel: 5_000_000 });
}

#[test]
fn a_generous_limit_changes_nothing() {
    let (runtime, _cache) = runtime();
    let mut req = request("clocks-demo");
    req.limits.timeout_ms = Some(60_000);
    req.limits.fuel = Some(u64::MAX / 2);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
}

/// A request for a WebAssembly text sample under a memory limit.
fn bomb(name: &str, limit: u64) -> plugboard_core::run::RunRequest {
    let source =
        plugboard_core::run::ComponentSource::from_file(&wat_sample(name)).expect("sample");
    let mut request = plugboard_core::run::RunRequest::new(source);
    request.limits.max_memory_bytes = Some(limit);
    request
}

fn out_of_memory(outcome: &crate::support::Outcome) -> (Grew, u64, u64) {
    match outcome.terminal() {
        RunEvent::OutOfMemory {
            grew,
            limit_bytes,
            requested_bytes,
            ..
        } => (*grew, *limit_bytes, *requested_bytes),
        other => panic!("expected out of memory, got {other:?}"),
    }
}

#[test]
fn a_table_bomb_ends_at_the_memory_limit() {
    let _watch = MemoryWatch::start(6 << 30);
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, bomb("table-bomb", 256 << 20));
    let (grew, limit, requested) = out_of_memory(&outcome);
    assert_eq!((grew, limit), (Grew::Table, 256 << 20));
    assert!(requested > limit);
    assert!(
        outcome
            .terminal()
            .summary()
            .contains("a table tried to grow")
    );
}

#[test]
fn the_limit_is_summed_over_every_memory_of_a_component() {
    let _watch = MemoryWatch::start(6 << 30);
    let (runtime, _cache) = runtime();
    // Eight memories of 192 MiB: each under 256 MiB, 1.5 GiB together.
    let outcome = run(&runtime, bomb("many-memories", 256 << 20));
    let (grew, limit, requested) = out_of_memory(&outcome);
    assert_eq!((grew, limit), (Grew::Memory, 256 << 20));
    assert!(requested > limit);
    let enough = run(&runtime, bomb("many-memories", 1700 << 20));
    assert_eq!(enough.terminal(), &RunEvent::Exited { code: 0 });
}

/// The three hog nodes wired leaf → middle → app: 100 MiB each, 300 MiB together.
fn hog_chain() -> (Project, plugboard_core::compose::NodeComponents) {
    let grab = "example:hog/grab@0.1.0";
    let node = |id: &str| Node {
        id: NodeId::new(id),
        component: wat_sample(id),
        sha256: None,
        position: Position::default(),
        capabilities: None,
        registry: None,
    };
    let wire = |from: &str, to: &str| Wire {
        from: WireEnd {
            node: NodeId::new(from),
            port: grab.to_string(),
        },
        to: WireEnd {
            node: NodeId::new(to),
            port: grab.to_string(),
        },
    };
    let project = Project {
        nodes: vec![node("hog-leaf"), node("hog-middle"), node("hog-app")],
        wires: vec![
            wire("hog-leaf", "hog-middle"),
            wire("hog-middle", "hog-app"),
        ],
        ..Project::default()
    };
    let components = load_components(&project, &root()).expect("the hogs load");
    (project, components)
}

#[test]
fn the_limit_is_summed_over_every_node_of_a_linked_run() {
    let _watch = MemoryWatch::start(6 << 30);
    let (runtime, _cache) = runtime();
    let (mut project, components) = hog_chain();
    for mode in [RunMode::Linked, RunMode::Fused] {
        project.limits.max_memory_bytes = Some(256 << 20);
        let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
        let (grew, limit, requested) = out_of_memory(&outcome);
        assert_eq!((grew, limit), (Grew::Memory, 256 << 20), "{mode:?}");
        assert!(requested > limit, "{mode:?}");
        if mode == RunMode::Linked {
            // The third node to grow, whose 100 MiB passed the limit, is named.
            assert!(
                matches!(outcome.terminal(), RunEvent::OutOfMemory { node: Some(node), .. } if node == "hog-leaf"),
                "{:?}",
                outcome.terminal()
            );
        }
        project.limits.max_memory_bytes = Some(512 << 20);
        let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{mode:?}"
        );
    }
}

#[test]
fn wasm_text_components_are_read_like_binary_ones() {
    let from_text = plugboard_core::inspect::inspect_file(&wat_sample("hog-leaf")).expect("reads");
    assert_eq!(from_text.exports[0].name, "example:hog/grab@0.1.0");
    let dir = tempfile::tempdir().expect("a temp dir");
    let broken = dir.path().join("broken.wat");
    std::fs::write(&broken, "(component (core module (func (result i32)").expect("write");
    let error = plugboard_core::inspect::inspect_file(&broken).expect_err("does not parse");
    assert!(
        error
            .to_string()
            .contains("WebAssembly text that does not parse"),
        "{error}"
    );
}
