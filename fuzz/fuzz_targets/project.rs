//! Any text given to the project loader ends in a project or an error, never a panic; a project
//! that loads saves as JSON that loads again to the same project.
#![no_main]

use plugboard_core::project::Project;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(project) = Project::from_json(text) {
        let again = Project::from_json(&project.to_json()).expect("a saved project loads");
        assert_eq!(again, project);
    }
});
