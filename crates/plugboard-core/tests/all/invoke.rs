//! Invoking exported functions with WAVE arguments and results.

use plugboard_core::run::{ComponentSource, RunEvent, RunRequest, Runtime};

use crate::support::{project_request, request, runtime};

fn invoke(runtime: &Runtime, request: RunRequest, call: &str) -> RunEvent {
    let events = runtime.invoke(request, call.to_string()).collect_blocking();
    events.last().cloned().expect("a terminal event")
}

fn returned(event: RunEvent) -> Vec<String> {
    match event {
        RunEvent::Returned { results, .. } => results,
        other => panic!("expected results, got {other:?}"),
    }
}

#[test]
fn the_seed_functions_are_invoked_by_plain_and_qualified_names() {
    let (runtime, _cache) = runtime();
    assert_eq!(
        returned(invoke(
            &runtime,
            request("string-operations"),
            r#"reverse("abc")"#
        )),
        [r#""cba""#]
    );
    assert_eq!(
        returned(invoke(
            &runtime,
            request("string-operations"),
            r#"operations#word-count("a b  c")"#
        )),
        ["3"]
    );
    assert_eq!(
        returned(invoke(
            &runtime,
            request("string-operations"),
            r#"example:stringoperations/operations@0.1.0#reverse("héllo")"#
        )),
        [r#""olléh""#]
    );
}

#[test]
fn every_kind_of_value_goes_in_and_comes_out_as_wave() {
    let (runtime, _cache) = runtime();
    let cases = [
        ("shout(\"hi\")", "\"HI!\""),
        ("area(circle(2))", "12"),
        ("area(rectangle({x: 3, y: -4}))", "12"),
        ("translate({x: 1, y: 2}, 10, -20)", "{x: 11, y: -18}"),
        ("mix(red, blue)", "\"magenta\""),
        ("describe-style({bold, underline})", "\"bold underline\""),
        ("sum([1.5, 2.25])", "3.75"),
        ("parse-number(\"42\")", "ok(42)"),
        ("first-char(\"\")", "none"),
        ("first-char(\"zed\")", "some('z')"),
        ("swap((\"x\", true))", "(true, \"x\")"),
        ("count-bytes([1, 2, 3])", "3"),
    ];
    for (call, expected) in cases {
        assert_eq!(
            returned(invoke(&runtime, request("types-demo"), call)),
            [expected],
            "{call}"
        );
    }
    let err = returned(invoke(
        &runtime,
        request("types-demo"),
        "parse-number(\"x\")",
    ));
    assert!(err[0].starts_with("err("), "{err:?}");
}

#[test]
fn form_values_are_turned_into_a_call_and_results_into_json() {
    use plugboard_core::inspect::inspect_file;
    use serde_json::json;
    let info = inspect_file(&crate::support::sample("types-demo")).expect("inspects");
    let shapes = info
        .export("example:types-demo/shapes@0.1.0")
        .expect("shapes");
    let translate = shapes
        .functions
        .iter()
        .find(|f| f.name == "translate")
        .expect("translate");
    let call = plugboard_core::run::wave_call(
        translate,
        &[json!({"x": 1, "y": 2}), json!(10), json!(-20)],
    )
    .expect("the form values fit");
    assert_eq!(call, "translate({x: 1, y: 2}, 10, -20)");
    let (runtime, _cache) = runtime();
    let events = runtime
        .invoke(request("types-demo"), call)
        .collect_blocking();
    let Some(RunEvent::Returned { values, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(values, &[json!({"x": 11, "y": -18})]);
}

#[test]
fn bad_calls_get_clear_errors() {
    let (runtime, _cache) = runtime();
    let failure = |call: &str| match invoke(&runtime, request("types-demo"), call) {
        RunEvent::Failed { message, .. } => message,
        other => panic!("`{call}` should fail, got {other:?}"),
    };
    let unknown = failure("nope(1)");
    assert!(
        unknown.contains("no exported function `nope`") && unknown.contains("area"),
        "{unknown}"
    );
    let arity = failure("shout(\"a\", \"b\")");
    assert!(arity.contains("shout"), "{arity}");
    let types = failure("count-bytes(\"not a list\")");
    assert!(types.contains("count-bytes"), "{types}");
    let syntax = failure("shout(");
    assert!(syntax.contains("shout("), "{syntax}");
}

#[test]
fn a_method_runs_on_an_instance_its_constructor_makes() {
    let (runtime, _cache) = runtime();
    let call = |call: &str| invoke(&runtime, request("types-demo"), call);
    assert_eq!(returned(call("tally(5).add(3)")), ["8"]);
    assert_eq!(returned(call("shapes#tally(2).total()")), ["2"]);
    assert_eq!(
        returned(call("example:types-demo/shapes@0.1.0#tally(7).add(0)")),
        ["7"]
    );
    // A constructor called alone returns an instance that lives only as long as the call.
    assert_eq!(returned(call("[constructor]tally(1)")), ["<handle>"]);

    let failure = |text: &str| match call(text) {
        RunEvent::Failed { message, .. } => message,
        other => panic!("`{text}` should fail, got {other:?}"),
    };
    let unknown = failure("tally(1).nope()");
    assert!(unknown.contains("[method]tally.nope"), "{unknown}");
    let arity = failure("tally(1).add()");
    assert!(
        arity.contains("[method]tally.add(by: u32)"),
        "the receiver is not an argument to give: {arity}"
    );
    let dangling = failure("tally(1).");
    assert!(dangling.contains("is not a call"), "{dangling}");
}

#[test]
fn form_values_make_a_method_call_on_a_new_instance() {
    use plugboard_core::inspect::inspect_file;
    use plugboard_core::run::wave_method_call;
    use serde_json::json;
    let info = inspect_file(&crate::support::sample("types-demo")).expect("inspects");
    let shapes = info
        .export("example:types-demo/shapes@0.1.0")
        .expect("shapes");
    let function = |name: &str| {
        shapes
            .functions
            .iter()
            .find(|f| f.name == name)
            .expect("exported")
    };
    let (constructor, add) = (
        function("[constructor]tally"),
        function("[method]tally.add"),
    );
    assert_eq!(
        wave_method_call(constructor, &[json!(40)], add, &[json!(2)]).as_deref(),
        Ok("tally(40).add(2)")
    );
    let wrong = wave_method_call(constructor, &[json!(40)], add, &[json!("two")])
        .expect_err("a string is no u32");
    assert!(wrong.contains("argument `by`"), "{wrong}");
    assert!(wave_method_call(add, &[], add, &[]).is_err());

    let (runtime, _cache) = runtime();
    let call = wave_method_call(constructor, &[json!(40)], add, &[json!(2)]).expect("fits");
    assert_eq!(
        returned(invoke(&runtime, request("types-demo"), &call)),
        ["42"]
    );
}

#[test]
fn a_composition_is_invoked_like_a_component() {
    let (runtime, _cache) = runtime();
    // The chain minus its app: greeter (with logger and string operations) exports greet.
    let mut request = project_request("greeter-chain.plugboard.json");
    let bytes = {
        let path = crate::support::project_file("greeter-chain.plugboard.json");
        let mut project = plugboard_core::project::Project::load(&path).expect("loads");
        project.nodes.retain(|n| n.id.as_str() != "greeter-app");
        project
            .wires
            .retain(|w| w.to.node.as_str() != "greeter-app");
        let dir = plugboard_core::project::parent_dir(&path);
        let components =
            plugboard_core::compose::load_components(&project, &dir).expect("components");
        plugboard_core::compose::Composer::new()
            .compose(&project, &components)
            .expect("composes")
            .bytes
    };
    request.component = ComponentSource::new("greeter.wasm", bytes);
    let events = runtime
        .invoke(request, r#"greet("Ada")"#.to_string())
        .collect_blocking();
    let stderr: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Stderr { data } => Some(data.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        returned(events.last().cloned().expect("end")),
        [r#""Hello, Ada! (adA backwards)""#]
    );
    assert!(String::from_utf8_lossy(&stderr).contains("greeting Ada"));
}
