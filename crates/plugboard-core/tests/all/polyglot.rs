//! What componentize-py and componentize-js produce: inspected, composed, run, invoked, served.

use plugboard_core::inspect::{ComponentRole, PortKind, inspect_file};
use plugboard_core::run::{DirGrant, EnvVar, RunEvent, StdinSource};
use tempfile::TempDir;

use crate::support::{
    Outcome, http_get, project_request, request, run, sample, serving_address, shared_runtime,
};

const SEED_LINES: &str = "Original: Hello WebAssembly Component Model\n\
                          Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n\
                          Words: 4\n";

#[test]
fn python_components_show_their_extra_export_and_mixed_wasi_versions() {
    let info = inspect_file(&sample("py-stringops")).expect("inspects");
    let extra = info
        .export("exports")
        .expect("componentize-py's plain-named instance");
    assert_eq!(extra.kind, PortKind::Instance);
    assert!(extra.functions.iter().any(|f| f.name == "init"));
    assert!(
        info.export("example:stringoperations/operations@0.1.0")
            .is_some()
    );

    let proxy = inspect_file(&sample("py-http-proxy")).expect("inspects");
    assert_eq!(proxy.role, ComponentRole::HttpProxy);
    let mut versions: Vec<&str> = proxy
        .imports
        .iter()
        .filter(|p| p.wasi)
        .filter_map(|p| p.version.as_deref())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    assert!(
        versions.len() >= 2,
        "two patch versions of WASI in one component: {versions:?}"
    );
}

#[test]
fn the_javascript_provider_imports_wasi_http_for_pure_string_code() {
    let info = inspect_file(&sample("js-stringops")).expect("inspects");
    assert!(
        info.imports
            .iter()
            .any(|p| p.name.starts_with("wasi:http/outgoing-handler@"))
    );
    assert!(
        info.export("example:stringoperations/operations@0.1.0")
            .is_some()
    );
}

#[test]
fn a_python_provider_drops_into_the_rust_consumer() {
    let outcome = run(
        &shared_runtime(),
        project_request("polyglot-python-provider.plugboard.json"),
    );
    assert_eq!(outcome.stdout, SEED_LINES);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
}

#[test]
fn a_javascript_provider_drops_into_the_rust_consumer() {
    let outcome = run(
        &shared_runtime(),
        project_request("polyglot-javascript-provider.plugboard.json"),
    );
    assert_eq!(outcome.stdout, SEED_LINES);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    // Linked, never called: nothing was asked of the denied HTTP capability.
    assert!(outcome.capabilities().is_empty());
}

#[test]
fn python_and_javascript_functions_are_invoked() {
    let runtime = shared_runtime();
    for name in ["py-stringops", "js-stringops"] {
        let events = runtime
            .invoke(request(name), r#"reverse("plugboard")"#.to_string())
            .collect_blocking();
        assert_eq!(
            events.last(),
            Some(&RunEvent::Returned {
                results: vec![r#""draobgulp""#.to_string()],
                values: vec![serde_json::json!("draobgulp")],
            }),
            "{name}"
        );
        let events = runtime
            .invoke(request(name), r#"word-count("one two three")"#.to_string())
            .collect_blocking();
        assert_eq!(
            events.last(),
            Some(&RunEvent::Returned {
                results: vec!["3".to_string()],
                values: vec![serde_json::json!(3)],
            }),
            "{name}"
        );
    }
}

#[test]
fn the_python_command_says_what_was_denied_and_shows_what_was_granted() {
    let runtime = shared_runtime();
    let denied = run(&runtime, request("py-command"));
    assert!(
        denied.stdout.contains("environment: DENIED"),
        "{}",
        denied.stdout
    );
    assert!(
        denied.stdout.contains("directories: DENIED"),
        "{}",
        denied.stdout
    );
    assert_eq!(denied.terminal(), &RunEvent::Exited { code: 0 });

    let dir = TempDir::new().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "hi").expect("write");
    let mut granted = request("py-command");
    granted.capabilities.args = vec!["--flag".into()];
    granted.capabilities.env = vec![EnvVar {
        key: "LANGUAGE".into(),
        value: "python".into(),
    }];
    granted.capabilities.dirs = vec![DirGrant {
        host: dir.path().to_path_buf(),
        guest: "/data".into(),
        read_only: true,
    }];
    granted.capabilities.stdin = StdinSource::Text {
        text: "from stdin\n".into(),
    };
    let outcome = run(&runtime, granted);
    for expected in [
        "arguments: ['--flag']",
        "LANGUAGE=python",
        "directory /data: 1 entry",
        "  notes.txt",
        "  > from stdin",
    ] {
        assert!(
            outcome.stdout.contains(expected),
            "missing {expected:?} in {}",
            outcome.stdout
        );
    }
}

#[test]
fn the_python_proxy_is_served() {
    let runtime = shared_runtime();
    let mut handle = runtime.serve(
        request("py-http-proxy"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    let address = serving_address(&mut handle);
    let response = http_get(&address, "/from/python");
    assert!(
        response.contains("hello from python: GET /from/python"),
        "{response}"
    );
    handle.stop();
    let outcome = Outcome::from_events(handle.collect_blocking());
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}
