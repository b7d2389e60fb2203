//! The WAC document of a project parses, resolves with wac-parser, and builds the same program.

use indexmap::IndexMap;
use plugboard_core::compose::{Composer, load_components, to_wac};
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
