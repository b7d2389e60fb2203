//! Invoke sessions: one instance kept between calls, handles named and used by later lines.

use std::sync::atomic::Ordering;

use plugboard_core::compose::Composer;
use plugboard_core::project::NodeId;
use plugboard_core::run::{
    ComponentSource, EnvVar, Operation, OutputPolicy, ProjectRun, RunEvent, RunHandle, RunMode,
    RunRequest, Runtime, SessionCalls,
};

use crate::support::{
    accepted, component_from_wit, counting_listener, load_project, request, runtime,
};

/// A session on `request`, and the end that sends its lines.
fn open(runtime: &Runtime, request: RunRequest) -> (RunHandle, SessionCalls) {
    let (calls, lines) = SessionCalls::channel();
    (runtime.session(request, lines), calls)
}

/// Sends `line` and waits for its answer (or the session's end).
fn ask(handle: &mut RunHandle, calls: &SessionCalls, line: &str) -> RunEvent {
    assert!(
        calls.blocking_send(line.to_string()),
        "the session takes lines"
    );
    loop {
        let event = handle.next_blocking().expect("the session answers");
        if matches!(event, RunEvent::Answered { .. } | RunEvent::Refused { .. })
            || event.is_terminal()
        {
            return event;
        }
    }
}

/// The results of an answered line, and the handles the session holds after it.
fn answered(event: RunEvent) -> (Vec<String>, Vec<String>) {
    match event {
        RunEvent::Answered {
            results, handles, ..
        } => (results, handles.into_iter().map(|h| h.name).collect()),
        other => panic!("expected an answer, got {other:?}"),
    }
}

fn refused(event: RunEvent) -> String {
    match event {
        RunEvent::Refused { message, .. } => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// What is left once the owner closes the session.
fn close(mut handle: RunHandle, calls: SessionCalls) -> RunEvent {
    drop(calls);
    let mut last = None;
    while let Some(event) = handle.next_blocking() {
        last = Some(event);
    }
    last.expect("a terminal event")
}

#[test]
fn a_session_keeps_handles_between_calls_and_drops_run_the_destructor() {
    let (runtime, _cache) = runtime();
    let (mut handle, calls) = open(&runtime, request("kv-store"));
    let mut ask = |line: &str| ask(&mut handle, &calls, line);

    assert_eq!(
        answered(ask(r#"b = bucket("fruit")"#)),
        (vec!["b".into()], vec!["b".into()])
    );
    assert_eq!(
        answered(ask(r#"b.set("apple", "red")"#)).0,
        Vec::<String>::new()
    );
    assert_eq!(answered(ask(r#"b.get("apple")"#)).0, [r#"some("red")"#]);
    // A borrowed handle stays the session's.
    assert_eq!(
        answered(ask("size-of(b)")),
        (vec!["1".into()], vec!["b".into()])
    );
    // A static function's handle is named after its resource; handles nested in results too.
    assert_eq!(
        answered(ask(r#"bucket.find("fruit")"#)),
        (
            vec!["some(bucket2)".into()],
            vec!["b".into(), "bucket2".into()]
        )
    );
    let (listing, held) = answered(ask("list-buckets()"));
    assert_eq!(listing, ["[{bucket: bucket3, size: 1}]"]);
    assert_eq!(held, ["b", "bucket2", "bucket3"]);
    assert_eq!(answered(ask("drops()")).0, ["0"]);
    assert_eq!(answered(ask("drop bucket2")).1, ["b", "bucket3"]);
    assert_eq!(answered(ask("drops()")).0, ["1"]);
    // An owned handle passed in is the callee's: the provider drops it, the session forgets it.
    assert_eq!(answered(ask("close(b)")).1, ["bucket3"]);
    assert_eq!(answered(ask("drops()")).0, ["2"]);
    assert_eq!(
        answered(ask("example:kv/store@0.1.0#drops()")).0,
        ["2"],
        "qualified names work as in an invocation"
    );
    assert_eq!(
        close(handle, calls),
        RunEvent::Closed { dropped: 1 },
        "closing drops what is still held"
    );
}

#[test]
fn lines_that_do_not_fit_are_refused_and_the_session_goes_on() {
    let (runtime, _cache) = runtime();
    let (mut handle, calls) = open(&runtime, request("kv-store"));
    let mut ask = |line: &str| ask(&mut handle, &calls, line);

    assert!(refused(ask("nothing()")).contains("no exported function `nothing`"));
    assert!(refused(ask("size-of(b)")).contains("no handle `b` in this session (it holds none)"));
    assert!(refused(ask("b.get(\"k\")")).contains("names no handle of this session"));
    assert!(refused(ask("bucket(1)")).contains("arguments of"));
    assert!(refused(ask("x = drops()")).contains("returns no handle to name `x`"));
    assert!(refused(ask("reverse(")).contains("is not a call"));
    assert!(refused(ask("Big = bucket(\"a\")")).contains("cannot name a handle"));
    let (_, held) = answered(ask("b = bucket(\"a\")"));
    assert_eq!(held, ["b"]);
    assert!(refused(ask("b = bucket(\"c\")")).contains("names a handle already"));
    assert!(refused(ask("b.fly()")).contains("`b` is a `bucket`, which has no method `fly`"));
    assert_eq!(answered(ask("b.name()")).0, [r#""a""#]);
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 1 });
}

#[test]
fn a_trap_ends_the_session_and_stop_ends_an_idle_one() {
    let (runtime, _cache) = runtime();
    let wit = "package test:traps;\nworld w { export count: func() -> u32; }";
    let bytes = component_from_wit(wit, "w");
    let (mut handle, calls) = open(
        &runtime,
        RunRequest::new(ComponentSource::new("traps", bytes)),
    );
    let end = ask(&mut handle, &calls, "count()");
    assert!(matches!(end, RunEvent::Trapped { .. }), "{end:?}");
    let _ = calls.blocking_send("count()".into());
    assert_eq!(handle.next_blocking(), None, "nothing runs after a trap");

    let (mut handle, calls) = open(&runtime, request("kv-store"));
    assert_eq!(answered(ask(&mut handle, &calls, "drops()")).0, ["0"]);
    handle.stop();
    // Still open (its lines not closed): only the stop ends it.
    let mut last = None;
    while let Some(event) = handle.next_blocking() {
        last = Some(event);
    }
    assert_eq!(last, Some(RunEvent::Stopped));
    drop(calls);
}

#[test]
fn the_handles_list_says_what_each_handle_is() {
    let (runtime, _cache) = runtime();
    let (mut handle, calls) = open(&runtime, request("types-demo"));
    match ask(&mut handle, &calls, "t = tally(40)") {
        RunEvent::Answered { handles, .. } => {
            assert_eq!(handles.len(), 1);
            assert_eq!(handles[0].name, "t");
            assert_eq!(handles[0].resource.as_deref(), Some("tally"));
        }
        other => panic!("expected an answer, got {other:?}"),
    }
    assert_eq!(answered(ask(&mut handle, &calls, "t.add(2)")).0, ["42"]);
    assert_eq!(answered(ask(&mut handle, &calls, "t.total()")).0, ["42"]);
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 1 });
}

#[test]
fn a_session_reads_a_returned_stream_and_goes_on() {
    let (runtime, _cache) = runtime();
    let (mut handle, calls) = open(&runtime, request("p3-words"));
    assert_eq!(
        answered(ask(&mut handle, &calls, r#"split("one two")"#)).0,
        [r#"stream["one", "two"] (2 items)"#]
    );
    assert_eq!(
        answered(ask(&mut handle, &calls, r#"count("a b c")"#)).0,
        ["3"]
    );
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 0 });
}

#[test]
fn a_session_has_its_own_grants_and_the_host_sees_only_what_they_allow() {
    let (runtime, _cache) = runtime();
    let (address, connections) = counting_listener();
    let connect = format!("connect(\"{address}\")");

    // Nothing granted: the connect is refused, the variable unseen, no one reached the host.
    let (mut handle, calls) = open(&runtime, request("net-probe"));
    let (denied, _) = answered(ask(&mut handle, &calls, &connect));
    assert!(denied[0].starts_with("err("), "{denied:?}");
    assert_eq!(
        answered(ask(&mut handle, &calls, r#"env("PROBE")"#)).0,
        ["none"]
    );
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 0 });
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "no connection reached"
    );

    // The network and the variable granted: both reach.
    let mut granted = request("net-probe");
    granted.capabilities.inherit_network = true;
    granted.capabilities.env = vec![EnvVar {
        key: "PROBE".into(),
        value: "granted".into(),
    }];
    let (mut handle, calls) = open(&runtime, granted);
    assert_eq!(answered(ask(&mut handle, &calls, &connect)).0, ["ok"]);
    assert_eq!(
        answered(ask(&mut handle, &calls, r#"env("PROBE")"#)).0,
        [r#"some("granted")"#]
    );
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 0 });
    assert_eq!(accepted(&connections, 1), 1);
}

#[test]
fn a_session_on_a_linked_node_gets_that_nodes_grants_not_its_neighbours() {
    let (runtime, _cache) = runtime();
    let (address, connections) = counting_listener();
    // probe-app is granted the network; net-probe, the session's node, inherits nothing.
    let (project, components) = load_project("per-node-grants.plugboard.json");
    let start = |mode| {
        let (calls, lines) = SessionCalls::channel();
        let started = runtime.start_project(
            &mut Composer::new(),
            ProjectRun {
                project: &project,
                components: &components,
                mode,
                operation: Operation::Session { lines },
                root: Some(NodeId::new("net-probe")),
                output: OutputPolicy::default(),
                trace_calls: false,
            },
        );
        started.map(|handle| (handle, calls))
    };
    let (mut handle, calls) = start(RunMode::Linked).expect("starts linked");
    let (denied, _) = answered(ask(&mut handle, &calls, &format!("connect(\"{address}\")")));
    assert!(denied[0].starts_with("err("), "{denied:?}");
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 0 });
    // Fused, the nodes would share one set of grants: refused, as any fused run is.
    assert!(
        start(RunMode::Fused).is_err(),
        "a fused session would widen a grant"
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "no connection reached"
    );
}

#[test]
fn limits_hold_for_each_call_of_a_session() {
    let (runtime, _cache) = runtime();
    // A call that loops forever ends the session at the timeout.
    let mut looping = request("hostile-loop");
    looping.limits.timeout_ms = Some(300);
    let (mut handle, calls) = open(&runtime, looping);
    assert_eq!(
        ask(&mut handle, &calls, "run()"),
        RunEvent::TimedOut { after_ms: 300 }
    );

    // A call that allocates without end is stopped at the memory limit.
    let mut bomb = request("hostile-memory-bomb");
    bomb.limits.max_memory_bytes = Some(64 << 20);
    let (mut handle, calls) = open(&runtime, bomb);
    let end = ask(&mut handle, &calls, "run()");
    assert!(
        matches!(end, RunEvent::OutOfMemory { limit_bytes, .. } if limit_bytes == 64 << 20),
        "{end:?}"
    );

    // An idle session is not timed out: the timeout is each call's.
    let mut idle = request("kv-store");
    idle.limits.timeout_ms = Some(1);
    let (mut handle, calls) = open(&runtime, idle);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(answered(ask(&mut handle, &calls, "drops()")).0, ["0"]);
    assert_eq!(close(handle, calls), RunEvent::Closed { dropped: 0 });
}
