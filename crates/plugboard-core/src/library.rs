//! The bundled sample library: built sample components by group, and ready projects.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::project::Project;

/// Everything the sample library panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SampleLibrary {
    /// Sample components by group, in display order.
    pub groups: Vec<SampleGroup>,
    /// Ready projects, in display order.
    pub projects: Vec<SampleProject>,
}

/// A group of sample components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SampleGroup {
    /// The group's title.
    pub name: String,
    /// Its samples.
    pub samples: Vec<Sample>,
}

/// One sample component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sample {
    /// The component's name (its file stem).
    pub name: String,
    /// Where the built component is (or will be, once built).
    #[ts(type = "string")]
    pub path: PathBuf,
    /// What it shows.
    pub description: String,
    /// Whether the file exists (samples are built by `sample-components/build.sh`).
    pub built: bool,
}

/// A ready project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SampleProject {
    /// The group it is listed under.
    pub group: String,
    /// Its title.
    pub title: String,
    /// What it shows and what to toggle.
    pub description: String,
    /// The project file.
    #[ts(type = "string")]
    pub path: PathBuf,
}

/// The sample components: group, name, description.
const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "Seed",
        "string-operations",
        "Exports example:stringoperations/operations: reverse and word-count (the tutorial's provider).",
    ),
    (
        "Seed",
        "consumer-app",
        "A command importing the string operations; prints the original, reversed and word-counted text.",
    ),
    (
        "Seed",
        "string-len",
        "The article's first example: exports example:string-operations/len.",
    ),
    (
        "Seed",
        "kv-store",
        "Exports example:kv/store: named buckets, a resource whose handles cross the wire (counts its drops).",
    ),
    (
        "Seed",
        "kv-app",
        "A command using example:kv/store: constructors, methods, own and borrowed handles, handles in lists.",
    ),
    (
        "WASI APIs",
        "cli-demo",
        "wasi:cli: prints its arguments, environment and stdin, exits with EXIT_CODE.",
    ),
    (
        "WASI APIs",
        "clocks-demo",
        "wasi:clocks: reads the wall clock and times a 200 ms sleep.",
    ),
    (
        "WASI APIs",
        "random-demo",
        "wasi:random: secure and insecure random numbers, dice.",
    ),
    (
        "WASI APIs",
        "filesystem-demo",
        "wasi:filesystem: lists, reads and writes in the first granted directory.",
    ),
    (
        "WASI APIs",
        "sockets-demo",
        "wasi:sockets: connects to TARGET_ADDR over TCP (name lookup for host names).",
    ),
    (
        "WASI APIs",
        "http-client-demo",
        "wasi:http outgoing-handler: GET of the URL in the URL variable.",
    ),
    (
        "WASI APIs",
        "http-proxy-demo",
        "wasi:http/proxy: answers every request with its path reversed (imports the string operations).",
    ),
    (
        "WASI APIs",
        "ticker",
        "Prints a line every 100 ms: watch output stream live.",
    ),
    (
        "Chains",
        "logger",
        "Exports example:logger/log: numbered messages on stderr, and a count.",
    ),
    (
        "Chains",
        "greeter",
        "Imports the logger and the string operations, exports example:greeter/greet.",
    ),
    (
        "Chains",
        "greeter-app",
        "A command importing greet and the logger: one logger feeds two consumers.",
    ),
    (
        "Types",
        "types-demo",
        "One function per WIT type (record, variant, enum, flags, option, result, tuple, list) to invoke.",
    ),
    (
        "Hostile",
        "hostile-loop",
        "Spins forever: stop it, or let the timeout end it.",
    ),
    (
        "Hostile",
        "hostile-memory-bomb",
        "Allocates until the memory limit stops it.",
    ),
    (
        "Hostile",
        "hostile-flood",
        "Writes 1 GiB to stdout as fast as it can.",
    ),
    (
        "WASI 0.3",
        "p3-ticker",
        "A WASI 0.3 command: an async run, stdout written as a stream, async waits between ticks.",
    ),
    (
        "WASI 0.3",
        "p3-words",
        "Exports async functions, one returning a stream<string> of the words of a text.",
    ),
    (
        "WASI 0.3",
        "p3-words-app",
        "A WASI 0.3 command printing each word p3-words streams to it, as it arrives.",
    ),
    (
        "WASI 0.3",
        "p3-probe",
        "A WASI 0.3 command trying every capability (variables, a folder, TCP, name lookup, HTTP): grant them one by one.",
    ),
    (
        "WASI 0.3",
        "p3-echo-service",
        "A WASI 0.3 HTTP service (wasi:http/handler@0.3.0): answers with the path reversed.",
    ),
    (
        "Hostile",
        "hostile-escape",
        "Tries to read /etc/passwd and to climb out of granted directories.",
    ),
    (
        "Hostile",
        "hostile-network",
        "Tries to connect and resolve names without being granted the network.",
    ),
    (
        "Hostile",
        "hostile-proxy-loop",
        "An HTTP handler that spins forever on /loop: Stop, or a request timeout, ends it.",
    ),
    (
        "Hostile",
        "table-bomb",
        "Grows a table by 16 M entries at a time: the memory limit counts tables too (WebAssembly text).",
    ),
    (
        "Hostile",
        "many-memories",
        "Eight memories of 192 MiB: the memory limit is for all of them together (WebAssembly text).",
    ),
    (
        "Hostile",
        "hostile-panic",
        "Panics: the run ends with a trap and a backtrace.",
    ),
    (
        "Hostile",
        "hostile-exit",
        "Exits with code 3 after an error on stderr.",
    ),
    (
        "Polyglot",
        "py-stringops",
        "Python (componentize-py): the seed's string operations.",
    ),
    (
        "Polyglot",
        "py-kv-store",
        "Python (componentize-py): the key-value store, its buckets a Python class.",
    ),
    (
        "Polyglot",
        "js-stringops",
        "JavaScript (componentize-js): the seed's string operations.",
    ),
    (
        "Polyglot",
        "py-command",
        "Python command: shows args, env, a granted directory and stdin.",
    ),
    (
        "Polyglot",
        "py-http-proxy",
        "Python wasi:http/proxy handler.",
    ),
];

/// Lists the library under the repository root `root` (samples in `target/samples`, binary or
/// WebAssembly text, projects in `projects`). Polyglot samples are listed only once built, since
/// they need extra toolchains.
pub fn sample_library(root: &Path) -> SampleLibrary {
    let samples_dir = root.join("target").join("samples");
    let mut groups: Vec<SampleGroup> = Vec::new();
    for (group, name, description) in SAMPLES {
        let binary = samples_dir.join(format!("{name}.wasm"));
        let text = samples_dir.join(format!("{name}.wat"));
        let path = if text.is_file() { text } else { binary };
        let built = path.is_file();
        if *group == "Polyglot" && !built {
            continue;
        }
        let sample = Sample {
            name: (*name).to_string(),
            path,
            description: (*description).to_string(),
            built,
        };
        match groups.iter_mut().find(|g| g.name == *group) {
            Some(g) => g.samples.push(sample),
            None => groups.push(SampleGroup {
                name: (*group).to_string(),
                samples: vec![sample],
            }),
        }
    }
    SampleLibrary {
        groups,
        projects: sample_projects(&root.join("projects")),
    }
}

/// The projects in `dir`, grouped by file name prefix: `wasi-` are the WASI worlds, `polyglot-`
/// the polyglot pairs, the rest examples.
fn sample_projects(dir: &Path) -> Vec<SampleProject> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".plugboard.json"))
        .collect();
    paths.sort();
    let mut projects: Vec<SampleProject> = paths
        .into_iter()
        .filter_map(|path| {
            let project = Project::load(&path).ok()?;
            let file = path.file_name()?.to_string_lossy().into_owned();
            let group = if file.starts_with("wasi-") {
                "WASI worlds"
            } else if file.starts_with("polyglot-") {
                "Polyglot"
            } else {
                "Examples"
            };
            Some(SampleProject {
                group: group.to_string(),
                title: project.title.unwrap_or_else(|| file.clone()),
                description: project.description.unwrap_or_default(),
                path,
            })
        })
        .collect();
    let rank = |group: &str| {
        ["Examples", "WASI worlds", "Polyglot"]
            .iter()
            .position(|g| *g == group)
    };
    projects.sort_by_key(|p| rank(&p.group));
    projects
}
