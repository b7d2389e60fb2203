//! Reading project files written by earlier versions: each format is migrated, one step at a
//! time, to the current one as it is read, and saved in the current format.
//!
//! - **Format 1 → 2**: keys are kebab-case throughout (`hostPosition` became `host-position`),
//!   and paths in grants (folders, a stdin file) are relative to the project file, as component
//!   paths always were. Format 1 resolved them against the working directory of whoever ran the
//!   project; relative ones now resolve against the project file, which is what the bundled
//!   projects and any hand-written ones meant.
//! - **Format 2 → 3**: projects may hold stubs (see [`super::Stub`]), a list a format-2 file
//!   does not have; nothing else changed, so a format-2 project reads as one without stubs.
//!   Earlier versions refuse format 3 as unknown rather than drop the stubs.
//! - **Format 3 → 4**: a node may record the registry its component was pulled from
//!   (`registry`: reference and digest, see [`super::RegistrySource`]); a format-3 node has
//!   none and keeps its file. Earlier versions refuse format 4 rather than lose where a node's
//!   component came from.

use serde_json::Value;

use super::error::ProjectError;
use super::model::{FORMAT_VERSION, Project};

/// The format a project's JSON declares, refusing one this version does not read.
pub(crate) fn format_of(text: &str) -> Result<u32, ProjectError> {
    // Read the version first, so a future format is refused as such rather than as a pile of
    // unknown fields.
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<Value>,
    }
    let header: Header = serde_json::from_str(text).map_err(ProjectError::syntax)?;
    let found = match header.format {
        Some(Value::Number(n)) => match n.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(version) if (1..=FORMAT_VERSION).contains(&version) => return Ok(version),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
        None => "nothing".to_string(),
    };
    Err(ProjectError::UnsupportedFormat { found })
}

/// A project read from a format-`from` file, brought to [`FORMAT_VERSION`]. (Format 1's one
/// camelCase key is read through a serde alias, so errors keep their line and column.)
pub(crate) fn upgrade(mut project: Project, from: u32) -> Project {
    if from < FORMAT_VERSION {
        project.format = FORMAT_VERSION;
    }
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_1_project_reads_as_format_2() {
        let v1 = r#"{"format": 1, "hostPosition": {"x": -300, "y": 40},
            "capabilities": {"dirs": [{"host": "scratch", "guest": "/data", "read-only": true}]}}"#;
        let project = crate::project::Project::from_json(v1).expect("migrates");
        assert_eq!(project.format, FORMAT_VERSION);
        let position = project.host_position.expect("kept");
        assert_eq!((position.x, position.y), (-300.0, 40.0));
        assert_eq!(
            project.capabilities.dirs[0].host,
            std::path::PathBuf::from("scratch")
        );
        assert!(project.to_json().contains("\"host-position\""));
    }

    #[test]
    fn a_format_2_project_reads_as_the_current_format_without_stubs() {
        let v2 = r#"{"format": 2, "nodes": [{"id": "a", "component": "a.wasm"}]}"#;
        let project = crate::project::Project::from_json(v2).expect("migrates");
        assert_eq!(project.format, FORMAT_VERSION);
        assert!(project.stubs.is_empty());
        assert!(project.to_json().contains("\"format\": 4"));
    }

    #[test]
    fn a_format_3_project_reads_as_format_4_with_its_nodes_from_files() {
        let v3 = r#"{"format": 3, "nodes": [{"id": "a", "component": "a.wasm"}]}"#;
        let project = crate::project::Project::from_json(v3).expect("migrates");
        assert_eq!(project.format, 4);
        assert_eq!(project.nodes[0].registry, None);
        let saved = project.to_json();
        assert!(
            saved.contains("\"format\": 4") && !saved.contains("registry"),
            "{saved}"
        );
        let v4 = r#"{"format": 4, "nodes": [{"id": "a", "component": "a.wasm",
            "registry": {"reference": "127.0.0.1:5000/ns/a:1.0.0", "digest": "sha256:00"}}]}"#;
        let project = crate::project::Project::from_json(v4).expect("reads");
        let source = project.nodes[0].registry.as_ref().expect("kept");
        assert_eq!(source.reference, "127.0.0.1:5000/ns/a:1.0.0");
    }

    #[test]
    fn unknown_formats_are_refused_as_such() {
        for (text, found) in [
            (r#"{"format": 5}"#, "5"),
            (r#"{"format": 0}"#, "0"),
            (r#"{"format": "2"}"#, "\"2\""),
            (r#"{"nodes": []}"#, "nothing"),
        ] {
            match format_of(text) {
                Err(ProjectError::UnsupportedFormat { found: f }) => assert_eq!(f, found),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
