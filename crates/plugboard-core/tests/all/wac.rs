//! The WAC document of a project parses, resolves with wac-parser, and builds the same program.

use indexmap::IndexMap;
use plugboard_core::compose::{Composer, WacPackages, from_wac, load_components, to_wac};
use plugboard_core::project::{Project, parent_dir};
use plugboard_core::run::{ComponentSource, RunRequest};
use wac_graph::EncodeOptions;
use wac_types::BorrowedPackageKey;

use crate::support::{project_file, run, runtime};

#[test]
fn each_projects_wac_document_builds_the_same_program() {
    let (runtime, _cache) = runtime();
    for name in ["seed.plugboard.json", "greeter-chain.plugboard.json"] {
        let path = project_file(name);
        let project = Project::load(&path).expect("loads");
        let components = load_components(&project, &parent_dir(&path)).expect("components");
        let document = to_wac(&project, &components).expect("writes WAC");
        assert!(document.text.contains("package plugboard:composition;"));

        let ast = wac_parser::Document::parse(&document.text)
            .unwrap_or_else(|e| panic!("{name}: the document parses: {e}\n{}", document.text));
        let mut packages = IndexMap::new();
        for (package, file) in &document.packages {
            let bytes = std::fs::read(file).expect("component file");
            packages.insert(
                BorrowedPackageKey::from_name_and_version(package, None),
                bytes,
            );
        }
        let resolution = ast
            .resolve(packages)
            .unwrap_or_else(|e| panic!("{name}: the document resolves: {e}\n{}", document.text));
        let from_wac = resolution
            .encode(EncodeOptions::default())
            .expect("encodes");

        let fused = Composer::new()
            .compose(&project, &components)
            .expect("composes");
        let by_wac = run(
            &runtime,
            RunRequest::new(ComponentSource::new("wac.wasm", from_wac)),
        );
        let by_plugboard = run(
            &runtime,
            RunRequest::new(ComponentSource::new("fused.wasm", fused.bytes)),
        );
        assert_eq!(by_wac.stdout, by_plugboard.stdout, "{name}");
        assert_eq!(by_wac.terminal(), by_plugboard.terminal(), "{name}");
        assert!(!by_wac.stdout.is_empty());
    }
}

#[test]
fn a_projects_wac_document_reads_back_as_the_same_project() {
    for name in ["seed.plugboard.json", "greeter-chain.plugboard.json"] {
        let path = project_file(name);
        let project = Project::load(&path)
            .expect("loads")
            .with_absolute_paths(&parent_dir(&path));
        let components = load_components(&project, &parent_dir(&path)).expect("components");
        let document = to_wac(&project, &components).expect("writes WAC");
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("composition.wac");
        std::fs::write(&file, &document.text).expect("written");

        // The `--dep` lines the document starts with are enough to find its packages.
        let (read, _) = from_wac(&document.text, &file, &WacPackages::default())
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", document.text));
        let ids = |p: &Project| p.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        let mut expected = ids(&project);
        expected.sort();
        let mut got = ids(&read);
        got.sort();
        assert_eq!(got, expected, "{name}");
        let files = |p: &Project| {
            let mut files: Vec<_> = p
                .nodes
                .iter()
                .map(|n| (n.id.clone(), n.component.clone()))
                .collect();
            files.sort();
            files
        };
        assert_eq!(files(&read), files(&project), "{name}");
        let mut wires = read.wires.clone();
        wires.sort_by_key(|w| w.to_string());
        let mut expected = project.wires.clone();
        expected.sort_by_key(|w| w.to_string());
        assert_eq!(wires, expected, "{name}");
    }
}

#[test]
fn a_hand_written_wac_document_with_a_deps_folder_opens_as_a_project_that_runs() {
    let (runtime, _cache) = runtime();
    let dir = tempfile::tempdir().expect("a temp dir");
    let deps = dir.path().join("deps").join("example");
    std::fs::create_dir_all(&deps).expect("deps");
    for sample in ["string-operations", "consumer-app"] {
        std::fs::copy(
            crate::support::sample(sample),
            deps.join(format!("{sample}.wasm")),
        )
        .expect("copied");
    }
    let text = "package demo:app;\n\
                let ops = new example:string-operations {};\n\
                let app = new example:consumer-app { operations: ops.operations, ... };\n\
                export app...;\n";
    let file = dir.path().join("app.wac");
    let packages = WacPackages {
        deps_dir: Some(dir.path().join("deps")),
        ..WacPackages::default()
    };
    let (project, components) = from_wac(text, &file, &packages).expect("reads");
    assert_eq!(project.wires.len(), 1);
    assert_eq!(
        project.wires[0].to.port,
        "example:stringoperations/operations@0.1.0"
    );
    assert_eq!(project.exports.len(), 1);
    assert!(project.exports[0].export.starts_with("wasi:cli/run@0.2"));
    let outcome = crate::support::finish(
        &runtime,
        (&project, &components),
        plugboard_core::run::RunMode::Linked,
        plugboard_core::run::Operation::Run,
    );
    assert_eq!(
        outcome.stdout,
        "Original: Hello WebAssembly Component Model\n\
         Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n\
         Words: 4\n"
    );

    // What it cannot find or draw, it says.
    for (text, said) in [
        (
            "package demo:app;\nlet x = new example:missing {};\n",
            "cannot find the package `example:missing`",
        ),
        (
            "package demo:app;\nlet app = new example:consumer-app { nothing: app.run };\n",
            "`app` has no import `nothing`",
        ),
        (
            "package demo:app;\nimport x: example:stringoperations/operations;\n",
            "an `import` statement cannot be drawn as a project",
        ),
        ("let", "the WAC document does not parse"),
    ] {
        let error = from_wac(text, &file, &packages).expect_err(said);
        assert!(error.to_string().contains(said), "{said}: {error}");
    }
}
