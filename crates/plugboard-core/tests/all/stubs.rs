//! Stubs: an import nobody provides answered with typed values, linked and fused, tapped,
//! trapping, and refused when they cannot stand in.

use std::collections::BTreeMap;

use plugboard_core::compose::{NodeComponents, load_components};
use plugboard_core::project::{NodeId, Project, Stub, StubAnswer, WireEnd, parent_dir};
use plugboard_core::run::{FailureKind, Operation, RunEvent, RunMode, StartError, WireTotal};

use crate::support::{Outcome, finish, load_project, project_file, runtime, traced, try_begin};

const OPERATIONS: &str = "example:stringoperations/operations@0.1.0";

/// The seed's consumer alone, its string operations answered by a stub saying `answers`.
fn stubbed_consumer(answers: &[(&str, StubAnswer)]) -> (Project, NodeComponents) {
    let (mut project, components) = load_project("seed.plugboard.json");
    project.nodes.retain(|n| n.id.as_str() == "consumer-app");
    project.wires.clear();
    project.stubs.push(Stub {
        id: NodeId::new("operations-stub"),
        answers: WireEnd {
            node: NodeId::new("consumer-app"),
            port: OPERATIONS.to_string(),
        },
        functions: answers
            .iter()
            .map(|(name, answer)| (name.to_string(), answer.clone()))
            .collect::<BTreeMap<_, _>>(),
        position: Default::default(),
    });
    project.validate().expect("a valid project");
    (project, components)
}

fn returns(value: &str) -> StubAnswer {
    StubAnswer::Returns(value.to_string())
}

fn failure(outcome: &Outcome) -> (String, FailureKind) {
    match outcome.terminal() {
        RunEvent::Failed { message, kind, .. } => (message.clone(), *kind),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_stub_answers_a_consumer_alone_linked_and_fused() {
    let (runtime, _cache) = runtime();
    let (project, components) = stubbed_consumer(&[
        ("reverse", returns(r#""stubbed""#)),
        ("word-count", returns("7")),
    ]);
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{mode:?}"
        );
        assert_eq!(
            outcome.stdout,
            "Original: Hello WebAssembly Component Model\nReversed: stubbed\nWords: 7\n",
            "{mode:?}"
        );
    }

    // Without the stub, nothing answers the import.
    let mut alone = project.clone();
    alone.stubs.clear();
    let outcome = finish(
        &runtime,
        (&alone, &components),
        RunMode::Linked,
        Operation::Run,
    );
    assert_eq!(failure(&outcome).1, FailureKind::MissingImport);
}

#[test]
fn a_stubs_calls_are_tapped_with_the_stub_as_the_callee() {
    let (runtime, _cache) = runtime();
    let (project, components) = stubbed_consumer(&[
        ("reverse", returns(r#""stubbed""#)),
        ("word-count", returns("7")),
    ]);
    let outcome = traced(&runtime, &project, &components);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    let calls = outcome.calls();
    let seen: Vec<(&str, &str, &str, &str, Option<&str>)> = calls
        .iter()
        .map(|c| {
            (
                c.caller.as_str(),
                c.callee.as_str(),
                c.function.as_str(),
                c.args.as_str(),
                c.results.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "consumer-app",
                "operations-stub",
                "reverse",
                r#""Hello WebAssembly Component Model""#,
                Some(r#""stubbed""#)
            ),
            (
                "consumer-app",
                "operations-stub",
                "word-count",
                r#""Hello WebAssembly Component Model""#,
                Some("7")
            ),
        ]
    );
    assert_eq!(
        outcome.totals(),
        [WireTotal {
            caller: NodeId::new("consumer-app"),
            import: OPERATIONS.into(),
            calls: 2,
            items: 0,
        }]
    );
}

#[test]
fn a_function_the_stub_traps_in_ends_the_run_with_the_stubs_message() {
    let (runtime, _cache) = runtime();
    let (project, components) = stubbed_consumer(&[(
        "reverse",
        StubAnswer::Traps("reverse is not written yet".into()),
    )]);
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
        match outcome.terminal() {
            RunEvent::Trapped { message, .. } => {
                assert!(
                    message.contains("the stub `operations-stub` answers `reverse` with a trap")
                        && message.contains("reverse is not written yet"),
                    "{mode:?}: {message}"
                );
            }
            other => panic!("{mode:?}: expected a trap, got {other:?}"),
        }
        // It ran up to the call.
        assert_eq!(
            outcome.stdout,
            "Original: Hello WebAssembly Component Model\n"
        );
    }

    // A function left out that has a result traps too, saying so.
    let (project, components) = stubbed_consumer(&[("reverse", returns(r#""x""#))]);
    let outcome = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    match outcome.terminal() {
        RunEvent::Trapped { message, .. } => {
            assert!(message.contains("`word-count`"), "{message}");
            assert!(message.contains("no value to return"), "{message}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn a_value_that_does_not_fit_is_refused_before_the_guest_runs() {
    let (runtime, _cache) = runtime();
    for (answers, said) in [
        (
            vec![("word-count", returns(r#""seven""#))],
            "`\"seven\"` is not a value `word-count` can return (a `u32`)",
        ),
        (
            vec![("count-vowels", returns("1"))],
            "it answers `count-vowels`, which the import does not have (it has reverse, word-count)",
        ),
    ] {
        let (project, components) = stubbed_consumer(&answers);
        for mode in [RunMode::Linked, RunMode::Fused] {
            let outcome = finish(&runtime, (&project, &components), mode, Operation::Run);
            let (message, kind) = failure(&outcome);
            assert_eq!(kind, FailureKind::Stub, "{mode:?}: {message}");
            assert!(
                message.starts_with(&format!(
                    "the stub `operations-stub` cannot answer `{OPERATIONS}`"
                )) && message.contains(said),
                "{mode:?}: {message}"
            );
            assert!(outcome.stdout.is_empty(), "the guest never started");
        }
    }
}

#[test]
fn an_import_with_resources_cannot_be_stubbed() {
    let (runtime, _cache) = runtime();
    let (mut project, components) = load_project("kv-store.plugboard.json");
    let wire = project.wires.remove(0);
    project.nodes.retain(|n| n.id == wire.to.node);
    project.stubs.push(Stub {
        id: NodeId::new("store-stub"),
        answers: wire.to.clone(),
        functions: BTreeMap::new(),
        position: Default::default(),
    });
    let outcome = finish(
        &runtime,
        (&project, &components),
        RunMode::Linked,
        Operation::Run,
    );
    let (message, kind) = failure(&outcome);
    assert_eq!(kind, FailureKind::Stub);
    assert!(
        message.contains("defines the resource `bucket`"),
        "{message}"
    );
}

#[test]
fn a_stub_and_a_wire_on_one_import_are_refused() {
    let (mut project, _components) = load_project("seed.plugboard.json");
    let wire = project.wires[0].clone();
    project.stubs.push(Stub {
        id: NodeId::new("operations-stub"),
        answers: wire.to,
        functions: BTreeMap::new(),
        position: Default::default(),
    });
    let error = project.validate().expect_err("two providers");
    assert_eq!(
        error.to_string(),
        format!(
            "import `{OPERATIONS}` of node `consumer-app` has two providers (wires or stubs): an import takes exactly one"
        )
    );
    // And a stub's id is a node id like any other.
    project.stubs[0].answers.port = "other".into();
    project.stubs[0].id = NodeId::new("consumer-app");
    assert!(project.validate().is_err());
}

#[test]
fn a_fused_run_refuses_stubs_that_answer_one_shared_import_differently() {
    let (runtime, _cache) = runtime();
    let (mut project, _) = stubbed_consumer(&[("word-count", returns("7"))]);
    let mut second = project.nodes[0].clone();
    second.id = NodeId::new("consumer-2");
    project.nodes.push(second);
    let components = load_components(&project, &parent_dir(&project_file("seed.plugboard.json")))
        .expect("components");
    let refused = try_begin(
        &runtime,
        (&project, &components),
        RunMode::Fused,
        Operation::Run,
        Some(NodeId::new("consumer-app")),
    );
    match refused {
        Err(error @ StartError::StubsDiffer { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains(&format!("share the import `{OPERATIONS}`")),
                "{message}"
            );
            assert!(message.contains("consumer-app") && message.contains("consumer-2"));
        }
        other => panic!("expected the stubs refused, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_loop_calling_a_stub_ends_at_the_time_limit_in_every_mode_with_its_calls_bounded() {
    let (runtime, _cache) = runtime();
    let (mut project, _) = stubbed_consumer(&[("word-count", returns("3"))]);
    // call-loop imports the same interface and calls `word-count` as often as its argument says.
    project.nodes[0].component = crate::support::sample("call-loop");
    project.capabilities.args = vec!["4000000000".into()];
    project.limits.timeout_ms = Some(300);
    let components = load_components(&project, &parent_dir(&project_file("seed.plugboard.json")))
        .expect("components");
    for (mode, operation) in [
        (RunMode::Linked, Operation::Run),
        (RunMode::Fused, Operation::Run),
        (
            RunMode::Linked,
            Operation::Invoke {
                call: "run()".into(),
            },
        ),
    ] {
        let label = format!("{mode:?} {operation:?}");
        let outcome = finish(&runtime, (&project, &components), mode, operation);
        assert!(
            matches!(outcome.terminal(), RunEvent::TimedOut { .. }),
            "{label}: {:?}",
            outcome.terminal()
        );
    }

    // Traced, the flood of calls is bounded: recorded up to the queue's bound, the rest counted.
    let outcome = traced(&runtime, &project, &components);
    assert!(matches!(outcome.terminal(), RunEvent::TimedOut { .. }));
    let recorded = outcome.calls().len() as u64;
    let dropped: u64 = outcome
        .events
        .iter()
        .filter_map(|e| match e {
            RunEvent::CallsDropped { count } => Some(*count),
            _ => None,
        })
        .sum();
    let total = outcome.totals()[0].calls;
    assert!(recorded < 100_000, "recorded {recorded}");
    assert!(total > recorded, "{total} calls, {recorded} recorded");
    assert_eq!(recorded + dropped, total);
}
