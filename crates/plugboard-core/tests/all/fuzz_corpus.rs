//! The fuzzers' committed corpus (`fuzz/corpus`, grown by `scripts/fuzz.sh`), replayed as
//! ordinary tests: every input ends in a result, never a panic, and what once found a bug stays
//! here as a test.

use std::path::PathBuf;

use plugboard_core::inspect::inspect_bytes;
use plugboard_core::project::Project;

use crate::support::root;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("fuzz/corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus is committed")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "the {target} corpus has {} inputs",
        inputs.len()
    );
    inputs
}

#[test]
fn every_inspect_input_ends_in_a_description_or_an_error() {
    let mut described = 0;
    for (_, bytes) in corpus("inspect") {
        described += usize::from(inspect_bytes(&bytes).is_ok());
    }
    assert!(described > 0, "the corpus holds real components too");
}

#[test]
fn every_project_input_loads_or_is_refused_and_a_loaded_one_round_trips() {
    let mut loaded = 0;
    for (path, bytes) in corpus("project") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if let Ok(project) = Project::from_json(text) {
            let again = Project::from_json(&project.to_json())
                .unwrap_or_else(|e| panic!("{} saved does not load: {e}", path.display()));
            assert_eq!(again, project, "{}", path.display());
            loaded += 1;
        }
    }
    assert!(loaded > 0, "the corpus holds real projects too");
}
