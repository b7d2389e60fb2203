//! Composition through projects and `plug`, run for real; the wiring rule's refusals.

use std::sync::Arc;

use plugboard_core::compose::{
    ComposeError, Composer, Composition, LoadedComponent, NodeComponents, WireCheck,
    load_components,
};
use plugboard_core::inspect::ComponentRole;
use plugboard_core::project::{Node, NodeId, Project, Wire, WireEnd, parent_dir};
use plugboard_core::run::{ComponentSource, RunEvent, RunRequest};
use tempfile::TempDir;

use crate::support::{
    component_from_wit, load_project, project_file, project_request, run, runtime, sample,
    write_file,
};

const SEED: &str = "example:stringoperations/operations@0.1.0";
const SEED_LINES: &str = "Original: Hello WebAssembly Component Model\n\
                          Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n\
                          Words: 4\n";

/// A bundled project, its nodes' components, and their composition.
fn composed_bundle(name: &str) -> (Project, NodeComponents, Composition) {
    let (project, components) = load_project(name);
    let composition = Composer::new()
        .compose(&project, &components)
        .expect("composes");
    (project, components, composition)
}

fn loaded(name: &str) -> Arc<LoadedComponent> {
    Arc::new(LoadedComponent::load(&NodeId::new(name), &sample(name)).expect("loads"))
}

fn end(node: &str, port: &str) -> WireEnd {
    WireEnd {
        node: NodeId::new(node),
        port: port.to_string(),
    }
}

#[test]
fn the_seed_project_composes_into_a_command_that_prints_the_three_lines() {
    let request = project_request("seed.plugboard.json");
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request);
    assert_eq!(outcome.stdout, SEED_LINES);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
}

#[test]
fn the_composition_imports_only_what_the_host_provides() {
    let (_, _, composition) = composed_bundle("seed.plugboard.json");
    assert_eq!(composition.info.role, ComponentRole::Command);
    assert!(
        composition.info.imports.iter().all(|p| p.wasi),
        "{:?}",
        composition.info.imports
    );
    assert!(
        composition.info.import(SEED).is_none(),
        "the seed import is satisfied inside"
    );
}

#[test]
fn plug_composes_the_same_program() {
    let mut composer = Composer::new();
    let (project, components) = composer
        .plug_project(loaded("consumer-app"), vec![loaded("string-operations")])
        .expect("plugs");
    assert_eq!(project.wires.len(), 1);
    assert_eq!(project.wires[0].to.port, SEED);
    let composition = composer.compose(&project, &components).expect("composes");
    let (runtime, _cache) = runtime();
    let outcome = run(
        &runtime,
        RunRequest::new(ComponentSource::new("plugged.wasm", composition.bytes)),
    );
    assert_eq!(outcome.stdout, SEED_LINES);
}

#[test]
fn plugging_outlines_wires_and_composes_what_plugging_full_inspections_does() {
    let outlined = |name: &str| {
        let loaded = LoadedComponent::load_outline(&NodeId::new(name), &sample(name));
        Arc::new(loaded.expect("outlines"))
    };
    for (socket, plug) in [
        ("consumer-app", "string-operations"),
        ("consumer-app", "py-stringops"),
    ] {
        let mut composer = Composer::new();
        let (project, components) = composer
            .plug_project(outlined(socket), vec![outlined(plug)])
            .expect("plugs outlines");
        assert!(components.values().all(|c| c.info.wit.is_empty()));
        // Unhashed, the project records no hashes.
        assert!(project.nodes.iter().all(|n| n.sha256.is_none()));
        let from_outlines = composer.compose(&project, &components).expect("composes");
        let mut composer = Composer::new();
        let (full, components) = composer
            .plug_project(loaded(socket), vec![loaded(plug)])
            .expect("plugs");
        assert_eq!(full.wires, project.wires, "{plug}");
        let composition = composer.compose(&full, &components).expect("composes");
        assert!(composition.bytes == from_outlines.bytes, "{plug}");
    }
}

#[test]
fn plug_refuses_when_nothing_fits() {
    let err = Composer::new()
        .plug_project(loaded("consumer-app"), vec![loaded("string-len")])
        .expect_err("string-len exports nothing consumer-app imports");
    let ComposeError::NothingPlugged { candidates } = &err else {
        panic!("{err}");
    };
    // Each candidate plug is listed with what it has and what the socket wanted.
    assert_eq!(candidates.len(), 1);
    assert!(
        candidates[0].starts_with("plug `string-len`: it exports example:string-operations/len")
    );
    assert!(
        err.to_string()
            .contains("the socket imports example:stringoperations/operations"),
        "{err}"
    );
}

#[test]
fn the_chain_shares_one_logger_between_two_consumers() {
    let request = project_request("greeter-chain.plugboard.json");
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    assert!(
        outcome.stdout.contains("Hello, World! (dlroW backwards)"),
        "{}",
        outcome.stdout
    );
    // Both the greeter and the app logged into the same instance: three messages in one count.
    assert!(
        outcome.stdout.contains("Messages logged: 3"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stderr.contains("[log #2 info] greeting World"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn two_instances_of_one_component_are_two_nodes() {
    // Two loggers: the greeter's and the app's messages are counted apart.
    let path = project_file("greeter-chain.plugboard.json");
    let mut project = Project::load(&path).expect("loads");
    let mut second = project.nodes[0].clone();
    second.id = NodeId::new("logger-2");
    project.nodes.push(second);
    let app_log = project
        .wires
        .iter_mut()
        .find(|w| w.to.node.as_str() == "greeter-app" && w.from.node.as_str() == "logger")
        .expect("app's logger wire");
    app_log.from.node = NodeId::new("logger-2");
    let components = load_components(&project, &parent_dir(&path)).expect("components");
    let composition = Composer::new()
        .compose(&project, &components)
        .expect("composes");
    let (runtime, _cache) = runtime();
    let outcome = run(
        &runtime,
        RunRequest::new(ComponentSource::new("two.wasm", composition.bytes)),
    );
    assert!(
        outcome.stdout.contains("Messages logged: 2"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn an_incompatible_wire_is_refused_with_a_readable_reason() {
    let mut project = Project::default();
    let mut components = plugboard_core::compose::NodeComponents::new();
    for name in ["string-len", "consumer-app", "string-operations"] {
        project.nodes.push(Node {
            id: NodeId::new(name),
            component: sample(name),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
        components.insert(NodeId::new(name), loaded(name));
    }
    let mut composer = Composer::new();
    let verdict = composer.check_wire(
        &project,
        &components,
        &end("string-len", "example:string-operations/len@0.1.0"),
        &end("consumer-app", SEED),
    );
    let WireCheck::Refused { reason, .. } = verdict else {
        panic!("len does not provide reverse and word-count")
    };
    assert!(
        reason.contains("reverse") || reason.contains("word-count"),
        "{reason}"
    );

    let ok = end("string-operations", SEED);
    assert_eq!(
        composer.check_wire(&project, &components, &ok, &end("consumer-app", SEED)),
        WireCheck::Allowed
    );
    assert!(matches!(
        composer.check_wire(
            &project,
            &components,
            &ok,
            &end("string-operations", "nope")
        ),
        WireCheck::Refused { .. }
    ));
    let to_itself =
        composer.check_wire(&project, &components, &ok, &end("string-operations", SEED));
    assert!(matches!(to_itself, WireCheck::Refused { reason, .. } if reason.contains("itself")));

    project.wires.push(Wire {
        from: ok.clone(),
        to: end("consumer-app", SEED),
    });
    let again = composer.check_wire(&project, &components, &ok, &end("consumer-app", SEED));
    assert!(matches!(again, WireCheck::Refused { reason, .. } if reason.contains("already")));

    // Compose names the offending wire.
    project.wires.push(Wire {
        from: end("string-len", "example:string-operations/len@0.1.0"),
        to: end("string-operations", "wasi:cli/environment@0.2.12"),
    });
    let err = composer
        .compose(&project, &components)
        .expect_err("bad port");
    assert!(err.to_string().contains("string-operations"), "{err}");
}

#[test]
fn cycles_are_refused() {
    let mut project = Project::default();
    let mut components = plugboard_core::compose::NodeComponents::new();
    for id in ["a", "b"] {
        project.nodes.push(Node {
            id: NodeId::new(id),
            component: sample("greeter"),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
        components.insert(NodeId::new(id), loaded("greeter"));
    }
    project.wires.push(Wire {
        from: end("a", "example:greeter/greet@0.1.0"),
        to: end("b", "example:logger/log@0.1.0"),
    });
    let verdict = Composer::new().check_wire(
        &project,
        &components,
        &end("b", "example:greeter/greet@0.1.0"),
        &end("a", "example:logger/log@0.1.0"),
    );
    assert!(
        matches!(verdict, WireCheck::Refused { ref reason, .. } if reason.contains("cycle")),
        "{verdict:?}"
    );
}

#[test]
fn semver_compatible_names_are_wired() {
    let dir = TempDir::new().expect("temp dir");
    let newer = component_from_wit(
        "package example:stringoperations@0.1.2;
         interface operations {
             reverse: func(s: string) -> string;
             word-count: func(s: string) -> u32;
         }
         world provider { export operations; }",
        "provider",
    );
    let path = write_file(dir.path(), "newer.wasm", &newer);
    let mut composer = Composer::new();
    let provider = Arc::new(LoadedComponent::load(&NodeId::new("newer"), &path).expect("loads"));
    let (project, components) = composer
        .plug_project(loaded("consumer-app"), vec![provider])
        .expect("0.1.2 plugs into 0.1.0");
    assert_eq!(
        project.wires[0].from.port,
        "example:stringoperations/operations@0.1.2"
    );
    assert_eq!(project.wires[0].to.port, SEED);
    composer
        .compose(&project, &components)
        .expect("composes and validates");
}

#[test]
fn a_default_export_conflict_names_both_nodes() {
    let mut project = Project::default();
    let mut components = plugboard_core::compose::NodeComponents::new();
    for id in ["first", "second"] {
        project.nodes.push(Node {
            id: NodeId::new(id),
            component: sample("cli-demo"),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
        components.insert(NodeId::new(id), loaded("cli-demo"));
    }
    let err = Composer::new()
        .compose(&project, &components)
        .expect_err("two runs");
    assert!(
        matches!(err, ComposeError::DuplicateExport { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("first") && err.to_string().contains("second"));
}

#[test]
fn a_missing_component_names_its_node() {
    let mut project = Project::load(&project_file("seed.plugboard.json")).expect("loads");
    project.nodes[0].component = "does-not-exist.wasm".into();
    let err = load_components(&project, &parent_dir(&project_file("seed.plugboard.json")))
        .expect_err("missing file");
    assert!(err.to_string().contains("string-operations"), "{err}");
}

#[test]
fn every_bundled_project_loads_and_composes() {
    let dir = crate::support::root().join("projects");
    let mut composer = Composer::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("projects") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".plugboard.json") {
            continue;
        }
        let project = Project::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            project.title.is_some() && project.description.is_some(),
            "{}",
            path.display()
        );
        let components =
            load_components(&project, &dir).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        composer
            .compose(&project, &components)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        count += 1;
    }
    assert!(count >= 12, "found {count} projects");
}

#[test]
fn the_library_lists_samples_by_group_and_the_wasi_worlds() {
    let library = plugboard_core::library::sample_library(&crate::support::root());
    let groups: Vec<&str> = library.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups[..3], ["Seed", "WASI APIs", "Chains"]);
    assert!(
        library
            .groups
            .iter()
            .flat_map(|g| &g.samples)
            .all(|s| s.built)
    );
    let worlds: Vec<&str> = library
        .projects
        .iter()
        .filter(|p| p.group == "WASI worlds")
        .map(|p| p.title.as_str())
        .collect();
    for api in ["cli", "clocks", "random", "filesystem", "sockets", "http"] {
        assert!(
            worlds
                .iter()
                .any(|t| t.starts_with(&format!("WASI {api}:"))),
            "{api} in {worlds:?}"
        );
    }
    assert!(worlds.iter().any(|t| t.contains("wasi:cli/command")));
    assert!(worlds.iter().any(|t| t.contains("wasi:http/proxy")));
}

#[test]
fn a_changed_component_is_diffed_and_its_wires_rechecked() {
    let dir = TempDir::new().expect("temp dir");
    let provider = dir.path().join("provider.wasm");
    std::fs::copy(sample("string-operations"), &provider).expect("copy");
    let mut project = Project::default();
    for (id, path) in [
        ("provider", provider.clone()),
        ("consumer-app", sample("consumer-app")),
    ] {
        project.nodes.push(Node {
            id: NodeId::new(id),
            component: path,
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
    }
    project.wires.push(Wire {
        from: end("provider", SEED),
        to: end("consumer-app", SEED),
    });
    let before = load_components(&project, dir.path()).expect("components");
    let mut composer = Composer::new();
    assert!(
        composer
            .recheck_wires(&project, &before)
            .iter()
            .all(|(_, v)| v.is_allowed())
    );

    // The file is rebuilt as something else: string-len.
    std::fs::copy(sample("string-len"), &provider).expect("replace");
    let after = load_components(&project, dir.path()).expect("components");
    let diff = plugboard_core::inspect::diff(
        &before[&NodeId::new("provider")].info,
        &after[&NodeId::new("provider")].info,
    );
    let kinds: Vec<(&str, plugboard_core::inspect::ChangeKind)> = diff
        .exports
        .iter()
        .map(|c| (c.port.as_str(), c.change))
        .collect();
    assert!(
        kinds.contains(&(SEED, plugboard_core::inspect::ChangeKind::Removed)),
        "{kinds:?}"
    );
    assert!(kinds.contains(&(
        "example:string-operations/len@0.1.0",
        plugboard_core::inspect::ChangeKind::Added
    )));
    let rechecked = composer.recheck_wires(&project, &after);
    assert!(
        matches!(&rechecked[0].1, WireCheck::Refused { reason, .. } if reason.contains(SEED)),
        "{rechecked:?}"
    );
}

#[test]
fn compositions_carry_the_real_components_not_their_skeletons() {
    let (_, components, composition) = composed_bundle("polyglot-python-provider.plugboard.json");
    let provider = &components[&NodeId::new("py-stringops")].bytes;
    // Composing works on skeletons; the output must hold the whole Python component again.
    assert!(composition.bytes.len() > provider.len());
    assert!(
        !composition
            .bytes
            .windows(16)
            .any(|w| w == b"plugboard:origin")
    );
    assert_eq!(composition.info.size, composition.bytes.len() as u64);
    assert_eq!(
        composition.info.sha256,
        plugboard_core::inspect::sha256_hex(&composition.bytes)
    );
}

#[test]
fn composing_into_a_file_writes_the_same_bytes_as_composing_in_memory() {
    let (project, components, in_memory) =
        composed_bundle("polyglot-python-provider.plugboard.json");
    let dir = TempDir::new().expect("temp dir");
    let file = dir.path().join("out.wasm");
    std::fs::write(&file, b"an older composition").expect("write");
    let written = Composer::new()
        .compose_into_file(&project, &components, &file)
        .expect("composes into the file");
    let bytes = std::fs::read(&file).expect("read");
    assert!(bytes == in_memory.bytes, "the file differs from the bytes");
    assert_eq!(written.size, bytes.len() as u64);
    // The names it reports are those inspecting the composition finds.
    let names = |ports: &[plugboard_core::inspect::Port]| -> Vec<String> {
        ports.iter().map(|p| p.name.clone()).collect()
    };
    assert_eq!(written.imports, names(&in_memory.info.imports));
    assert_eq!(written.exports, names(&in_memory.info.exports));
    // A file that cannot be written is said with its path, and leaves nothing behind.
    let missing = dir.path().join("no-such-folder").join("out.wasm");
    let error = Composer::new()
        .compose_into_file(&project, &components, &missing)
        .expect_err("cannot write");
    assert!(matches!(error, ComposeError::Write { .. }), "{error}");
    assert!(error.to_string().contains("no-such-folder"), "{error}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["out.wasm"]);
}

#[test]
fn recomposing_after_rewires_hashes_each_composition_right() {
    use plugboard_core::inspect::sha256_hex;
    // The seed with a second provider: the consumer's wire moves between the two.
    let path = project_file("seed.plugboard.json");
    let mut project = Project::load(&path).expect("loads");
    let mut second = project.nodes[0].clone();
    second.id = NodeId::new("second");
    project.nodes.push(second);
    let components = load_components(&project, &parent_dir(&path)).expect("components");
    let mut composer = Composer::new();
    for provider in ["string-operations", "second", "string-operations", "second"] {
        project.wires = vec![Wire {
            from: end(provider, SEED),
            to: end("consumer-app", SEED),
        }];
        let again = composer.compose(&project, &components).expect("composes");
        assert_eq!(
            again.info.sha256,
            sha256_hex(&again.bytes),
            "wired to {provider}"
        );
        assert_eq!(again.info.size, again.bytes.len() as u64);
    }
}

mod refusals_explained {
    use plugboard_core::compose::{Composer, Difference, WireCheck};
    use plugboard_core::project::{NodeId, WireEnd};

    use crate::support::wit_project;

    /// The first difference found when `export_body` (at `export_version`) is wired to an
    /// import of `import_body` (at `import_version`), and the refusal's reason.
    fn refused(
        (import_version, import_body): (&str, &str),
        (export_version, export_body): (&str, &str),
    ) -> (Difference, String) {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let wit = |version: &str, body: &str, world: &str| {
            format!("package example:things@{version};\ninterface api {{\n{body}\n}}\n{world}")
        };
        let provider = wit(
            export_version,
            export_body,
            "world provider { export api; }",
        );
        let consumer = wit(
            import_version,
            import_body,
            "world consumer { import api; }",
        );
        let (project, components) = wit_project(
            dir.path(),
            &[
                ("provider", &provider, "provider"),
                ("consumer", &consumer, "consumer"),
            ],
        );
        let end = |node: &str, version: &str| WireEnd {
            node: NodeId::new(node),
            port: format!("example:things/api@{version}"),
        };
        match Composer::new().check_wire(
            &project,
            &components,
            &end("provider", export_version),
            &end("consumer", import_version),
        ) {
            WireCheck::Refused {
                reason,
                mismatch: Some(mismatch),
            } => {
                assert!(mismatch.import_wit.contains("interface api"));
                assert!(mismatch.export_wit.contains("interface api"));
                (mismatch.difference.expect("a difference found"), reason)
            }
            other => panic!("expected a refusal with both sides compared: {other:?}"),
        }
    }

    const V: &str = "0.1.0";

    #[test]
    fn a_missing_function_is_named() {
        let (difference, reason) = refused(
            (V, "count: func() -> u32;\nreset: func();"),
            (V, "count: func() -> u32;"),
        );
        assert_eq!(difference.item, "function reset");
        assert_eq!(difference.export, None);
        assert!(
            reason.contains("the export has no function `reset`"),
            "{reason}"
        );
    }

    #[test]
    fn a_result_of_another_type_is_marked() {
        let (difference, _) = refused(
            (V, "count-vowels: func(s: string) -> u32;"),
            (V, "count-vowels: func(s: string) -> u64;"),
        );
        assert_eq!(difference.item, "function count-vowels");
        assert_eq!(
            difference.summary,
            "`count-vowels`: it returns u32 in the import, u64 in the export"
        );
    }

    #[test]
    fn a_changed_record_field_variant_case_and_result_are_found() {
        let record =
            |ty: &str| format!("record point {{ x: s32, y: {ty} }}\nmove: func(p: point);");
        let (difference, _) = refused((V, &record("s32")), (V, &record("s64")));
        assert_eq!(difference.item, "type point");
        assert_eq!(difference.import.as_deref(), Some("y: s32,"));
        assert_eq!(difference.export.as_deref(), Some("y: s64,"));

        let level =
            |extra: &str| format!("enum level {{ info, warn{extra} }}\nlog: func(l: level);");
        let (difference, _) = refused((V, &level("")), (V, &level(", error")));
        assert_eq!(difference.item, "type level");
        assert!(
            difference.summary.contains("error"),
            "{}",
            difference.summary
        );

        let shape = |payload: &str| {
            format!(
                "variant shape {{ circle({payload}), square(u32) }}\narea: func(s: shape) -> u32;"
            )
        };
        let (difference, _) = refused((V, &shape("u32")), (V, &shape("f32")));
        assert_eq!(difference.item, "type shape");

        let parse = |err: &str| format!("parse: func(s: string) -> result<u32, {err}>;");
        let (difference, _) = refused((V, &parse("string")), (V, &parse("u8")));
        assert!(
            difference.summary.contains("result<u32, string>"),
            "{}",
            difference.summary
        );
    }

    #[test]
    fn a_resource_mismatch_is_found() {
        let tally = |method: &str| {
            format!(
                "resource tally {{ constructor(start: u32); {method} }}\nmake: func() -> tally;"
            )
        };
        let (difference, _) = refused(
            (V, &tally("add: func(n: u32) -> u32;")),
            (V, &tally("add: func(n: u64) -> u64;")),
        );
        assert!(
            difference.item == "type tally" || difference.item.contains("tally.add"),
            "{difference:?}"
        );
    }

    #[test]
    fn semver_incompatible_versions_are_said() {
        // A wire is checked by type; when the types differ and the versions are not
        // semver-compatible, the versions are what to look at first.
        let (difference, _) = refused(
            ("0.1.0", "count: func() -> u32;"),
            ("0.2.0", "count: func() -> u64;"),
        );
        assert_eq!(difference.item, "version");
        assert!(difference.summary.contains("not semver-compatible"));
    }
}

#[test]
fn auto_wire_suggests_only_exports_that_fit_nodes_first() {
    use plugboard_core::compose::Candidate;

    let mut project = Project::default();
    let mut components = NodeComponents::new();
    for id in ["consumer-app", "string-len"] {
        project.nodes.push(Node {
            id: NodeId::new(id),
            component: sample(id),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
        components.insert(NodeId::new(id), loaded(id));
    }
    let files = vec![
        loaded("string-operations"),
        loaded("logger"),
        loaded("string-len"),
    ];
    let suggestions =
        Composer::new().suggest_wires(&project, &components, &NodeId::new("consumer-app"), &files);
    // Its one open import that the host does not provide; string-len (on the canvas) exports
    // another interface, and the logger does not fit: only the library's string operations.
    assert_eq!(suggestions.len(), 1, "{suggestions:?}");
    assert_eq!(suggestions[0].import, SEED);
    assert!(matches!(
        suggestions[0].unambiguous(),
        Some(Candidate::File { name, export, .. }) if name == "string-operations" && export == SEED
    ));

    // Once the provider is on the canvas, it is suggested as its node, not as a file again.
    project.nodes.push(Node {
        id: NodeId::new("string-operations"),
        component: sample("string-operations"),
        sha256: None,
        position: Default::default(),
        capabilities: None,
        registry: None,
    });
    components.insert(
        NodeId::new("string-operations"),
        loaded("string-operations"),
    );
    let suggestions =
        Composer::new().suggest_wires(&project, &components, &NodeId::new("consumer-app"), &files);
    assert!(matches!(
        suggestions[0].unambiguous(),
        Some(Candidate::Node { node, .. }) if node.as_str() == "string-operations"
    ));
}

#[test]
fn a_composition_decomposes_into_a_project_with_the_same_wit_and_output() {
    let (runtime, _cache) = crate::support::runtime();
    for name in ["seed.plugboard.json", "greeter-chain.plugboard.json"] {
        let (project, _, composed) = composed_bundle(name);

        let graph = plugboard_core::inspect::inner_graph(&composed.bytes)
            .expect("parses")
            .expect("a composition");
        assert_eq!(graph.instances.len(), project.nodes.len(), "{name}");
        let wired: usize = graph
            .instances
            .iter()
            .map(|i| i.args.iter().filter(|a| a.from.is_some()).count())
            .sum();
        assert_eq!(wired, project.wires.len(), "{name}: {graph:?}");

        let dir = tempfile::tempdir().expect("a temp dir");
        let decomposed = plugboard_core::compose::decompose(&composed.bytes, dir.path())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let parts = load_components(&decomposed, dir.path()).expect("the parts load");
        let again = Composer::new()
            .compose(&decomposed, &parts)
            .expect("composes again");
        assert_eq!(again.info.wit, composed.info.wit, "{name}");

        let original = crate::support::run(
            &runtime,
            plugboard_core::run::RunRequest::new(plugboard_core::run::ComponentSource::new(
                "composed.wasm",
                composed.bytes.clone(),
            )),
        );
        let linked = crate::support::finish(
            &runtime,
            (&decomposed, &parts),
            plugboard_core::run::RunMode::Linked,
            plugboard_core::run::Operation::Run,
        );
        assert!(!original.stdout.is_empty());
        assert_eq!(linked.stdout, original.stdout, "{name}");
        assert_eq!(linked.terminal(), original.terminal(), "{name}");
    }

    // A plain component is no composition.
    let plain = std::fs::read(crate::support::sample("consumer-app")).expect("read");
    assert!(
        plugboard_core::inspect::inner_graph(&plain)
            .expect("parses")
            .is_none()
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    assert!(matches!(
        plugboard_core::compose::decompose(&plain, dir.path()),
        Err(plugboard_core::compose::DecomposeError::NotAComposition)
    ));
}

#[test]
fn a_composition_made_by_wasm_tools_compose_is_shown_and_decomposed_into_a_project_that_runs() {
    // What `wasm-tools compose consumer-app.wasm -d string-operations.wasm` makes: wasm-compose
    // lays a composition out differently from wac (its own instance names, `app` and
    // `operations`).
    let config = wasm_compose::config::Config {
        definitions: vec![sample("string-operations")],
        ..Default::default()
    };
    let consumer = sample("consumer-app");
    let bytes = wasm_compose::composer::ComponentComposer::new(&consumer, &config)
        .compose()
        .expect("wasm-compose composes the seed pair");
    let graph = plugboard_core::inspect::inner_graph(&bytes)
        .expect("parses")
        .expect("a composition");
    let mut names: Vec<&str> = graph.instances.iter().map(|i| i.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["app", "operations"], "{graph:?}");

    let dir = tempfile::tempdir().expect("a temp dir");
    let project = plugboard_core::compose::decompose(&bytes, dir.path()).expect("decomposes");
    assert_eq!((project.nodes.len(), project.wires.len()), (2, 1));
    let parts = load_components(&project, dir.path()).expect("the parts load");
    let (runtime, _cache) = crate::support::runtime();
    let original = crate::support::run(
        &runtime,
        plugboard_core::run::RunRequest::new(plugboard_core::run::ComponentSource::new(
            "composed.wasm",
            bytes.clone(),
        )),
    );
    let linked = crate::support::finish(
        &runtime,
        (&project, &parts),
        plugboard_core::run::RunMode::Linked,
        plugboard_core::run::Operation::Run,
    );
    assert!(original.stdout.contains("Words: 4"), "{}", original.stdout);
    assert_eq!(linked.stdout, original.stdout);
}
