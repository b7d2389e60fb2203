//! Inspection of every sample, the seed interface exactly, and every kind of bad input.

use plugboard_core::inspect::{
    ArtifactKind, ComponentRole, InspectError, Port, PortKind, TypeShape, WitDocs, inspect_bytes,
    inspect_file, outline,
};

use crate::support::{root, sample};

#[test]
fn the_seed_provider_exports_exactly_the_tutorial_interface() {
    let info = inspect_file(&sample("string-operations")).expect("inspects");
    assert_eq!(info.kind, ArtifactKind::Component);
    assert_eq!(info.role, ComponentRole::Library);
    assert_eq!(info.exports.len(), 1);
    let port = &info.exports[0];
    assert_eq!(port.name, "example:stringoperations/operations@0.1.0");
    assert_eq!(port.package.as_deref(), Some("example:stringoperations"));
    assert_eq!(port.version.as_deref(), Some("0.1.0"));
    assert_eq!(port.kind, PortKind::Interface);
    assert!(!port.wasi);
    let signatures: Vec<&str> = port
        .functions
        .iter()
        .map(|f| f.signature.as_str())
        .collect();
    assert_eq!(
        signatures,
        [
            "reverse: func(s: string) -> string",
            "word-count: func(s: string) -> u32"
        ]
    );
    let reverse = &port.functions[0];
    assert_eq!(reverse.params[0].name, "s");
    assert_eq!(reverse.params[0].ty.shape, TypeShape::String);
    assert_eq!(
        reverse.result.as_ref().map(|r| r.wit.as_str()),
        Some("string")
    );
    assert!(port.wit.contains("interface operations"));
    assert!(info.wit.contains("package root:component"));
    assert!(
        info.wit
            .contains("export example:stringoperations/operations@0.1.0;")
    );
    assert_eq!(info.sha256.len(), 64);
    assert_eq!(
        info.size,
        std::fs::metadata(sample("string-operations"))
            .expect("file")
            .len()
    );
}

#[test]
fn the_consumer_is_a_command_importing_the_seed_interface_and_wasi() {
    let info = inspect_file(&sample("consumer-app")).expect("inspects");
    assert_eq!(info.role, ComponentRole::Command);
    let seed = info
        .import("example:stringoperations/operations@0.1.0")
        .expect("imports the seed interface");
    assert_eq!(seed.functions.len(), 2);
    assert!(info.imports.iter().filter(|p| p.wasi).count() >= 5);
    assert!(
        info.exports
            .iter()
            .any(|p| p.name.starts_with("wasi:cli/run@0.2"))
    );
}

#[test]
fn the_articles_first_example_exports_len() {
    let info = inspect_file(&sample("string-len")).expect("inspects");
    let port = info
        .export("example:string-operations/len@0.1.0")
        .expect("len");
    assert_eq!(port.functions[0].signature, "len: func(s: string) -> u32");
}

#[test]
fn types_docs_and_top_level_functions_are_reported() {
    let info = inspect_file(&sample("types-demo")).expect("inspects");
    let shout = info.export("shout").expect("a top-level function");
    assert_eq!(shout.kind, PortKind::Function);
    let shapes = info
        .export("example:types-demo/shapes@0.1.0")
        .expect("shapes");
    let kinds: Vec<(&str, &str)> = shapes
        .types
        .iter()
        .map(|t| (t.name.as_str(), t.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("point", "record"),
            ("shape", "variant"),
            ("colour", "enum"),
            ("style", "flags"),
            ("tally", "resource")
        ]
    );
    let tally: Vec<(&str, Option<&str>)> = shapes
        .functions
        .iter()
        .filter(|f| f.resource.is_some())
        .map(|f| (f.name.as_str(), f.resource.as_deref()))
        .collect();
    assert_eq!(
        tally,
        [
            ("[constructor]tally", Some("tally")),
            ("[method]tally.add", Some("tally")),
            ("[method]tally.total", Some("tally"))
        ]
    );
    assert!(shapes.types[0].definition.contains("record point"));
    let area = shapes
        .functions
        .iter()
        .find(|f| f.name == "area")
        .expect("area");
    match &area.params[0].ty.shape {
        TypeShape::Variant { name, cases } => {
            assert_eq!(name.as_deref(), Some("shape"));
            assert_eq!(cases.len(), 3);
            assert!(matches!(cases[1].payload, Some(TypeShape::Record { .. })));
        }
        other => panic!("shape should be a variant, got {other:?}"),
    }
    let parse = shapes
        .functions
        .iter()
        .find(|f| f.name == "parse-number")
        .expect("parse-number");
    assert_eq!(
        parse.result.as_ref().map(|r| r.wit.as_str()),
        Some("result<s64, string>")
    );
}

#[test]
fn docs_come_from_the_wit_the_component_was_built_from() {
    let mut info = inspect_file(&sample("types-demo")).expect("inspects");
    // rustc + wit-bindgen drop doc comments from the binary …
    let shapes = info
        .export("example:types-demo/shapes@0.1.0")
        .expect("shapes");
    assert_eq!(shapes.types[0].docs, None);
    // … the WIT sources have them.
    WitDocs::from_dir(&root().join("wit")).attach(&mut info);
    let shapes = info
        .export("example:types-demo/shapes@0.1.0")
        .expect("shapes");
    assert_eq!(
        shapes.docs.as_deref(),
        Some("One function per kind of WIT type, to explore typed invocation.")
    );
    assert_eq!(
        shapes.types[0].docs.as_deref(),
        Some("A point on the canvas.")
    );
    let area = shapes
        .functions
        .iter()
        .find(|f| f.name == "area")
        .expect("area");
    assert_eq!(area.docs.as_deref(), Some("Area of a shape, rounded down."));
    // WASI ports have no source here and stay as they were.
    assert!(
        info.imports
            .iter()
            .filter(|p| p.wasi)
            .all(|p| p.docs.is_none())
    );
}

#[test]
fn every_sample_inspects() {
    let dir = root().join("target/samples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("samples are built") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let info = inspect_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(info.kind, ArtifactKind::Component, "{}", path.display());
            assert!(
                !info.exports.is_empty(),
                "{} exports something",
                path.display()
            );
            count += 1;
        }
    }
    assert!(count >= 20, "found {count} samples");
}

#[test]
fn the_proxy_sample_is_an_http_proxy() {
    let info = inspect_file(&sample("http-proxy-demo")).expect("inspects");
    assert_eq!(info.role, ComponentRole::HttpProxy);
}

#[test]
fn bad_input_gets_a_precise_error() {
    let real = std::fs::read(sample("string-operations")).expect("sample");

    let missing = inspect_file(&root().join("no/such/file.wasm")).expect_err("missing file");
    assert!(matches!(missing, InspectError::Unreadable { .. }));
    assert!(missing.to_string().contains("no/such/file.wasm"));

    let directory = inspect_file(&root().join("wit")).expect_err("a directory");
    assert!(matches!(directory, InspectError::Unreadable { .. }));

    assert!(matches!(inspect_bytes(b""), Err(InspectError::Empty)));
    assert!(matches!(
        inspect_bytes(b"#!/bin/sh\necho hi\n"),
        Err(InspectError::NotWasm)
    ));

    let core = wat_module();
    let err = inspect_bytes(&core).expect_err("a core module");
    assert!(
        err.to_string().contains("a core module, not a component"),
        "{err}"
    );

    let half = &real[..real.len() / 2];
    match inspect_bytes(half) {
        Err(InspectError::Truncated { offset }) => assert!(offset <= real.len()),
        Err(InspectError::Invalid { offset, .. }) => assert!(offset <= real.len()),
        other => panic!("a truncated component must fail with an offset, got {other:?}"),
    }

    let mut garbled = real.clone();
    for byte in garbled.iter_mut().skip(8).take(64) {
        *byte = 0xff;
    }
    let err = inspect_bytes(&garbled).expect_err("garbled");
    assert!(
        matches!(err, InspectError::Invalid { offset, .. } | InspectError::Truncated { offset } if offset >= 8),
        "{err:?}"
    );
}

#[test]
fn no_prefix_of_a_component_panics() {
    let real = std::fs::read(sample("string-len")).expect("sample");
    for len in (0..real.len()).step_by(97) {
        assert!(
            inspect_bytes(&real[..len]).is_err(),
            "a {len}-byte prefix is not a whole component"
        );
    }
}

#[test]
fn an_outline_names_the_ports_a_full_inspection_finds_in_every_sample() {
    let summary = |ports: &[Port]| -> Vec<_> {
        ports
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.package.clone(),
                    p.version.clone(),
                    p.kind,
                    p.wasi,
                )
            })
            .collect()
    };
    let mut outlined = 0;
    for entry in std::fs::read_dir(root().join("target/samples")).expect("samples") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let Ok(full) = inspect_bytes(&bytes) else {
            continue;
        };
        if full.kind != ArtifactKind::Component {
            continue;
        }
        let outline = outline(&bytes).expect("outlines");
        let name = path.display();
        assert_eq!(summary(&outline.imports), summary(&full.imports), "{name}");
        assert_eq!(summary(&outline.exports), summary(&full.exports), "{name}");
        assert_eq!(
            (outline.role, outline.size),
            (full.role, full.size),
            "{name}"
        );
        outlined += 1;
    }
    // Every built sample, the Python and JavaScript ones among them.
    assert!(outlined >= 35, "only {outlined} samples outlined");
}

#[test]
fn an_outline_refuses_what_is_no_component_or_is_cut_short() {
    let err = outline(&wat_module()).expect_err("a core module");
    assert!(matches!(err, InspectError::CoreModule), "{err}");
    assert!(matches!(outline(b""), Err(InspectError::Empty)));
    let real = std::fs::read(sample("string-len")).expect("sample");
    // Cut inside its core module: the outline steps over the module and finds it short.
    let half = &real[..real.len() / 2];
    assert!(
        matches!(outline(half), Err(InspectError::Truncated { offset }) if offset <= real.len()),
        "{:?}",
        outline(half)
    );
    // A prefix cut between two sections reads as a smaller component (validating it, when it
    // is registered, finds what it lacks); none makes the outline panic.
    for len in (0..real.len()).step_by(97) {
        let _ = outline(&real[..len]);
    }
}

/// The smallest core module with one function, encoded by hand.
fn wat_module() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    // type section: one type () -> ()
    bytes.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]);
    // function section: one function of type 0
    bytes.extend_from_slice(&[0x03, 0x02, 0x01, 0x00]);
    // code section: one empty body
    bytes.extend_from_slice(&[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]);
    bytes
}

#[test]
fn reading_only_the_skeleton_gives_the_same_wit_as_decoding_everything() {
    use wit_component::WitPrinter;
    for name in [
        "consumer-app",
        "types-demo",
        "py-stringops",
        "js-stringops",
        "py-http-proxy",
    ] {
        let bytes = std::fs::read(sample(name)).expect("sample");
        let decoded = wit_component::decode(&bytes).expect("decodes");
        let resolve = decoded.resolve();
        let main = decoded.package();
        let nested: Vec<_> = resolve
            .packages
            .iter()
            .map(|(id, _)| id)
            .filter(|id| *id != main)
            .collect();
        let mut printer = WitPrinter::default();
        printer.print(resolve, main, &nested).expect("prints");
        let info = inspect_bytes(&bytes).expect("inspects");
        assert_eq!(info.wit, printer.output.to_string(), "{name}");
    }
}

#[test]
fn a_cache_with_wit_sources_fills_in_docs_for_what_it_loads() {
    use plugboard_core::compose::ComponentCache;
    use plugboard_core::project::NodeId;
    let cache = ComponentCache::with_wit_docs(WitDocs::from_dir(&root().join("wit")));
    let loaded = cache
        .get(&NodeId::new("greeter"), &sample("greeter"))
        .expect("loads");
    let greet = loaded
        .info
        .export("example:greeter/greet@0.1.0")
        .expect("greet");
    assert_eq!(
        greet.docs.as_deref(),
        Some("Builds greetings, logging each one.")
    );
}

/// A valid component whose packages depend on each other: wit-parser's decoder would recurse
/// until the stack overflows (and abort the process); it is refused with a message instead.
#[test]
fn packages_depending_on_each_other_are_refused_not_a_crash() {
    let text = r#"(component
        (import "b:y/j@1.0.0" (instance $j (export "t" (type (sub resource)))))
        (alias export $j "t" (type $t))
        (import "a:x/i@1.0.0" (instance $i (alias outer 1 $t (type $tt)) (export "u" (type (eq $tt)))))
        (alias export $i "u" (type $u))
        (import "b:y/k@1.0.0" (instance $k (alias outer 1 $u (type $uu)) (export "v" (type (eq $uu)))))
    )"#;
    let bytes = wat::parse_str(text).expect("valid text");
    let error = plugboard_core::inspect::inspect_bytes(&bytes).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("depend on each other in a cycle (a:x@1.0.0, b:y@1.0.0)"),
        "{error}"
    );
}
