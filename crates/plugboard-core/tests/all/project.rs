//! Project files: strict loading with positions, atomic saves, and components reported per node.

use std::path::Path;

use plugboard_core::project::{ComponentStatus, NodeId, Position, Project, ProjectError};
use tempfile::TempDir;

use crate::support::{project_file, sample};

#[test]
fn the_seed_project_loads_and_its_components_are_there() {
    let path = project_file("seed.plugboard.json");
    let project = Project::load(&path).expect("loads");
    assert_eq!(project.nodes.len(), 2);
    assert_eq!(project.wires.len(), 1);
    let statuses = project.check_components(&plugboard_core::project::parent_dir(&path));
    assert!(
        statuses.iter().all(|s| s.status == ComponentStatus::Ok),
        "{statuses:?}"
    );
}

#[test]
fn malformed_projects_get_precise_errors() {
    let syntax =
        Project::from_json("{\n  \"format\": 1,\n  \"nodes\": [,]\n}").expect_err("bad json");
    assert!(
        matches!(syntax, ProjectError::Syntax { line: 3, .. }),
        "{syntax:?}"
    );

    let unknown = Project::from_json(r#"{"format": 1, "nodez": []}"#).expect_err("unknown field");
    assert!(unknown.to_string().contains("nodez"), "{unknown}");

    let future = Project::from_json(r#"{"format": 7}"#).expect_err("future format");
    assert!(matches!(future, ProjectError::UnsupportedFormat { .. }));
    assert!(future.to_string().contains("format 7"), "{future}");

    let none = Project::from_json(r#"{"nodes": []}"#).expect_err("no format");
    assert!(matches!(none, ProjectError::UnsupportedFormat { .. }));

    let duplicate = Project::from_json(
        r#"{"format": 1, "nodes": [{"id": "a", "component": "x.wasm"}, {"id": "a", "component": "y.wasm"}]}"#,
    )
    .expect_err("duplicate ids");
    assert!(matches!(duplicate, ProjectError::DuplicateNode { .. }));

    let dangling = Project::from_json(
        r#"{"format": 1, "nodes": [{"id": "a", "component": "x.wasm"}],
            "wires": [{"from": {"node": "a", "port": "p"}, "to": {"node": "ghost", "port": "q"}}]}"#,
    )
    .expect_err("wire to a missing node");
    assert!(dangling.to_string().contains("ghost"), "{dangling}");

    let missing = Project::load(Path::new("/no/such/project.plugboard.json")).expect_err("missing");
    assert!(matches!(missing, ProjectError::Unreadable { .. }));
}

#[test]
fn saving_is_atomic_relative_and_round_trips() {
    let dir = TempDir::new().expect("temp dir");
    let source = project_file("seed.plugboard.json");
    let mut project = Project::load(&source).expect("loads");
    assert_eq!(project.host_position, None);
    project.host_position = Some(Position { x: -600.0, y: 40.0 });
    let target = dir.path().join("nested-save.plugboard.json");
    let saved = project
        .save(&target, &plugboard_core::project::parent_dir(&source))
        .expect("saves");
    // Paths are rewritten relative to the new location and still point at the samples.
    let reloaded = Project::load(&target).expect("reloads");
    assert_eq!(reloaded, saved);
    let statuses = reloaded.check_components(dir.path());
    assert!(
        statuses.iter().all(|s| s.status == ComponentStatus::Ok),
        "{statuses:?}"
    );
    assert!(reloaded.nodes[0].component.is_relative());
    assert_eq!(
        reloaded.host_position,
        Some(Position { x: -600.0, y: 40.0 })
    );
    // Nothing but the project file is left in the directory: no temporary files.
    let entries: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(entries.len(), 1);

    // A save that cannot happen leaves the old file untouched.
    let before = std::fs::read(&target).expect("saved file");
    let unwritable = dir.path().join("no-such-dir/x.plugboard.json");
    assert!(matches!(
        reloaded.save(&unwritable, dir.path()),
        Err(ProjectError::Unwritable { .. })
    ));
    assert_eq!(std::fs::read(&target).expect("saved file"), before);
}

#[test]
fn missing_and_changed_components_are_reported_per_node_never_dropped() {
    let dir = TempDir::new().expect("temp dir");
    let copy = dir.path().join("provider.wasm");
    std::fs::copy(sample("string-operations"), &copy).expect("copy");
    let sha = plugboard_core::inspect::sha256_hex(&std::fs::read(&copy).expect("read"));
    let json = format!(
        r#"{{"format": 1, "nodes": [
            {{"id": "provider", "component": "provider.wasm", "sha256": "{sha}"}},
            {{"id": "gone", "component": "gone.wasm"}}
        ]}}"#
    );
    let path = dir.path().join("p.plugboard.json");
    std::fs::write(&path, json).expect("write");
    let project = Project::load(&path).expect("loads despite a missing component");
    assert_eq!(project.nodes.len(), 2);

    let statuses = project.check_components(dir.path());
    assert_eq!(statuses[0].status, ComponentStatus::Ok);
    assert!(matches!(
        statuses[1].status,
        ComponentStatus::Missing { .. }
    ));
    assert_eq!(statuses[1].node, NodeId::new("gone"));

    std::fs::copy(sample("string-len"), &copy).expect("replace the component");
    let statuses = project.check_components(dir.path());
    match &statuses[0].status {
        ComponentStatus::Changed { expected, actual } => {
            assert_eq!(expected, &sha);
            assert_ne!(actual, &sha);
        }
        other => panic!("a changed component must be flagged, got {other:?}"),
    }
}
