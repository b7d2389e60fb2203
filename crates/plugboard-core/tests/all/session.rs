//! Invoke sessions: one instance kept between calls, handles named and used by later lines.

use plugboard_core::run::{
    ComponentSource, RunEvent, RunHandle, RunRequest, Runtime, SessionCalls,
};

use crate::support::{component_from_wit, request, runtime};

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
