//! Deploy manifests for every bundled project: compared with golden files, and checked against
//! the committed copies of each target's schema (wasmCloud's `WorkloadDeployment` CRD, the fields
//! Spin's manifest reference documents). Neither engine runs here, so these are what stand in.
//!
//! `PLUGBOARD_UPDATE_GOLDEN=1 cargo test -p plugboard-core --test all deploy` rewrites the
//! golden files after an intended change; review them with `git diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use plugboard_core::compose::load_components;
use plugboard_core::deploy::{DeployManifest, DeployTarget, ManifestPlace, manifest};
use plugboard_core::project::{Project, parent_dir};
use serde_json::Value;

use crate::support::root;

fn data() -> PathBuf {
    root().join("crates/plugboard-core/tests/data/deploy")
}

/// Every bundled project, by file stem.
fn bundled_projects() -> Vec<(String, PathBuf)> {
    let mut projects: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("projects"))
        .expect("projects folder")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".plugboard.json")?;
            Some((name.to_string(), path))
        })
        .collect();
    projects.sort();
    assert!(projects.len() >= 10, "the bundled projects were not found");
    projects
}

/// The manifest for `target`, written beside the project, with the checkout's absolute path
/// replaced by `$ROOT` so the golden files hold on any machine.
fn export(path: &Path, target: DeployTarget) -> DeployManifest {
    let dir = parent_dir(path);
    let project = Project::load(path)
        .expect("loads")
        .with_absolute_paths(&dir);
    let components = load_components(&project, &dir).expect("components load");
    let name = project.title.clone().unwrap_or_default();
    let place = ManifestPlace {
        name: &name,
        dir: &dir,
    };
    let mut written = manifest(target, &project, &components, &place);
    let checkout = std::fs::canonicalize(root()).expect("root");
    let checkout = checkout.to_string_lossy();
    written.text = written.text.replace(checkout.as_ref(), "$ROOT");
    for warning in &mut written.warnings {
        *warning = warning.replace(checkout.as_ref(), "$ROOT");
    }
    written
}

/// Compares `actual` with the golden file `name`, or rewrites it when asked to.
fn golden(name: &str, actual: &str) {
    let path = data().join("golden").join(name);
    if std::env::var_os("PLUGBOARD_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden folder");
        std::fs::write(&path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}: run with PLUGBOARD_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "{name} differs from its golden file (PLUGBOARD_UPDATE_GOLDEN=1 rewrites it)"
    );
}

fn with_warnings(written: &DeployManifest) -> String {
    let mut text = String::new();
    for warning in &written.warnings {
        text.push_str(warning);
        text.push('\n');
    }
    text
}

#[test]
fn every_bundled_project_exports_as_its_golden_spin_manifest() {
    let fields = SpinFields::read();
    for (name, path) in bundled_projects() {
        let written = export(&path, DeployTarget::Spin);
        fields.check(&name, &written.text);
        golden(&format!("{name}.spin.toml"), &written.text);
        golden(&format!("{name}.spin.warnings"), &with_warnings(&written));
    }
}

#[test]
fn every_bundled_project_exports_as_its_golden_wasmcloud_workload() {
    let schema = workload_schema();
    let validator = jsonschema::validator_for(&schema).expect("the CRD's schema compiles");
    for (name, path) in bundled_projects() {
        let written = export(&path, DeployTarget::Wasmcloud);
        let document: Value = serde_norway::from_str(&written.text).expect("YAML");
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: the WorkloadDeployment breaks the CRD:\n{}\n{}",
            errors.join("\n"),
            written.text
        );
        golden(&format!("{name}.wasmcloud.yaml"), &written.text);
        golden(
            &format!("{name}.wasmcloud.warnings"),
            &with_warnings(&written),
        );
    }
}

#[test]
fn the_validators_refuse_what_the_targets_refuse() {
    // The checks below must be able to fail: a field the CRD does not have, and one Spin's
    // reference does not list, are caught.
    let schema = workload_schema();
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let bad: Value = serde_norway::from_str(
        "apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: WorkloadDeployment\nmetadata: {name: x}\n\
         spec: {template: {spec: {components: [{name: a, image: i, links: [b]}]}}}\n",
    )
    .expect("YAML");
    assert!(!validator.is_valid(&bad), "an unknown field passed the CRD");
    let missing_image: Value = serde_norway::from_str(
        "apiVersion: v\nkind: WorkloadDeployment\nspec: {template: {spec: {components: [{name: a}]}}}\n",
    )
    .expect("YAML");
    assert!(
        !validator.is_valid(&missing_image),
        "a component without an image passed"
    );
    let fields = SpinFields::read();
    let refused = std::panic::catch_unwind(|| {
        fields.check(
            "bad",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[component.a]\nsource = \"a.wasm\"\nlinks = [\"b\"]\n",
        );
    });
    assert!(refused.is_err(), "an unknown component key passed");
    let refused = std::panic::catch_unwind(|| {
        fields.check(
            "bad",
            "spin_manifest_version = 2\n[application]\nname = \"x\"\n[component.logger-2]\nsource = \"a.wasm\"\n",
        );
    });
    assert!(
        refused.is_err(),
        "a component id that is not kebab-case passed"
    );
}

#[test]
fn grants_reach_each_target_without_widening() {
    // per-node-grants: probe-app has a variable and the network, net-probe (its provider)
    // inherits the project's none.
    let path = root().join("projects/per-node-grants.plugboard.json");
    let spin = export(&path, DeployTarget::Spin);
    let doc: toml_edit::DocumentMut = spin.text.parse().expect("TOML");
    let probe = &doc["component"]["probe-app"];
    assert_eq!(
        probe["environment"]["PROBE"].as_str(),
        Some("granted to probe-app")
    );
    let dependency = probe["dependencies"]["example:probe/probe@0.1.0"]
        .as_inline_table()
        .expect("a dependency on net-probe");
    assert_eq!(
        dependency.get("component").and_then(|v| v.as_str()),
        Some("net-probe")
    );
    assert!(
        dependency.get("inherit_configuration").is_none(),
        "net-probe was given probe-app's grants: {dependency}"
    );
    assert!(
        spin.warnings
            .iter()
            .any(|w| w.contains("sockets to any address")),
        "the network grant that Spin cannot carry was not warned about: {:?}",
        spin.warnings
    );
    let cloud = export(&path, DeployTarget::Wasmcloud);
    let document: Value = serde_norway::from_str(&cloud.text).expect("YAML");
    let spec = &document["spec"]["template"]["spec"];
    assert_eq!(
        spec["service"]["localResources"]["environment"]["config"]["PROBE"],
        "granted to probe-app"
    );
    let provider = spec["components"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "net-probe"))
        .expect("net-probe is a component");
    assert!(
        provider.get("localResources").is_none(),
        "net-probe got resources it was not granted: {provider}"
    );
}

#[test]
fn a_node_from_a_registry_is_deployed_by_its_reference() {
    let path = root().join("projects/seed.plugboard.json");
    let dir = parent_dir(&path);
    let mut project = Project::load(&path)
        .expect("loads")
        .with_absolute_paths(&dir);
    let components = load_components(&project, &dir).expect("components");
    let reference = "127.0.0.1:5000/example/string-operations:0.1.0";
    project.nodes[0].registry = Some(plugboard_core::project::RegistrySource {
        reference: reference.into(),
        digest: "sha256:0123".into(),
    });
    assert_eq!(project.nodes[0].id.as_str(), "string-operations");
    let place = ManifestPlace {
        name: "seed",
        dir: &dir,
    };
    let spin = manifest(DeployTarget::Spin, &project, &components, &place);
    let doc: toml_edit::DocumentMut = spin.text.parse().expect("TOML");
    let source = doc["component"]["string-operations"]["source"]
        .as_inline_table()
        .expect("a registry source");
    assert_eq!(
        source.get("registry").and_then(|v| v.as_str()),
        Some("127.0.0.1:5000")
    );
    assert_eq!(
        source.get("package").and_then(|v| v.as_str()),
        Some("example:string-operations")
    );
    assert_eq!(
        source.get("version").and_then(|v| v.as_str()),
        Some("0.1.0")
    );
    SpinFields::read().check("seed from a registry", &spin.text);

    let cloud = manifest(DeployTarget::Wasmcloud, &project, &components, &place);
    let document: Value = serde_norway::from_str(&cloud.text).expect("YAML");
    assert_eq!(
        document["spec"]["template"]["spec"]["components"][0]["image"],
        reference
    );
    assert!(
        !cloud
            .warnings
            .iter()
            .any(|w| w.contains("`string-operations` comes from the file")),
        "{:?}",
        cloud.warnings
    );
}

/// The `WorkloadDeployment` schema from the committed CRD, closed the way Kubernetes prunes:
/// an object with listed properties accepts no others.
fn workload_schema() -> Value {
    let text = std::fs::read_to_string(data().join("wasmcloud-workloaddeployment-crd.yaml"))
        .expect("the CRD copy");
    let crd: Value = serde_norway::from_str(&text).expect("CRD YAML");
    let mut schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone();
    close_objects(&mut schema);
    schema
}

fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// The keys Spin's manifest reference lists, by section heading, read from the committed
/// `spin-manifest-fields.md` (table rows `| \`key\` |` and bullets `- \`key\`:`).
struct SpinFields {
    sections: BTreeMap<String, BTreeSet<String>>,
}

impl SpinFields {
    fn read() -> Self {
        let text =
            std::fs::read_to_string(data().join("spin-manifest-fields.md")).expect("the fields");
        let mut sections: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut heading = String::new();
        for line in text.lines() {
            if line.starts_with('#') {
                heading = line.trim_start_matches('#').trim().to_string();
                continue;
            }
            let cell = line
                .strip_prefix("| `")
                .or_else(|| line.strip_prefix("- `"));
            if let Some(key) = cell.and_then(|rest| rest.split('`').next()) {
                sections
                    .entry(heading.clone())
                    .or_default()
                    .insert(key.to_string());
            }
        }
        Self { sections }
    }

    /// The keys of the first section whose heading starts with `prefix`.
    fn keys(&self, prefix: &str) -> &BTreeSet<String> {
        self.sections
            .iter()
            .find(|(heading, _)| heading.starts_with(prefix))
            .map(|(_, keys)| keys)
            .unwrap_or_else(|| panic!("no section `{prefix}` in the Spin fields"))
    }

    /// Panics naming `project` and the first key or value Spin's reference does not allow.
    fn check(&self, project: &str, text: &str) {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .unwrap_or_else(|e| panic!("{project}: not TOML: {e}\n{text}"));
        let allowed = |section: &str, keys: Vec<&str>, extra: &[&str]| {
            for key in keys {
                assert!(
                    extra.contains(&key) || self.keys(section).contains(key),
                    "{project}: `{key}` is not a field of {section} in Spin's reference\n{text}"
                );
            }
        };
        let table_keys = |item: &toml_edit::Item| -> Vec<String> {
            match item {
                toml_edit::Item::Table(t) => t.iter().map(|(k, _)| k.to_string()).collect(),
                toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => {
                    t.iter().map(|(k, _)| k.to_string()).collect()
                }
                _ => Vec::new(),
            }
        };
        let top = table_keys(doc.as_item());
        allowed("Top level", top.iter().map(String::as_str).collect(), &[]);
        assert_eq!(
            doc["spin_manifest_version"].as_integer(),
            Some(2),
            "{project}"
        );
        let app = table_keys(&doc["application"]);
        allowed(
            "`[application]`",
            app.iter().map(String::as_str).collect(),
            &[],
        );
        if let Some(triggers) = doc.get("trigger").and_then(|t| t.as_table()) {
            for (kind, list) in triggers {
                let list = list.as_array_of_tables().expect("[[trigger.<type>]]");
                for trigger in list {
                    let keys: Vec<&str> = trigger.iter().map(|(k, _)| k).collect();
                    let section = match kind {
                        "http" => "`[[trigger.http]]` extra keys",
                        "command" => "`[[trigger.command]]`",
                        other => panic!("{project}: a `{other}` trigger"),
                    };
                    allowed(section, keys, &["component"]);
                }
            }
        }
        let components = doc
            .get("component")
            .and_then(|c| c.as_table())
            .map(|t| t.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        for (id, component) in components {
            assert!(is_kebab_id(id), "{project}: `{id}` is not a Spin KebabId");
            let keys = table_keys(component);
            allowed(
                "`[component.<id>]`",
                keys.iter().map(String::as_str).collect(),
                &[],
            );
            if let Some(dependencies) = component.get("dependencies").and_then(|d| d.as_table()) {
                for (name, dependency) in dependencies {
                    assert!(
                        name.contains(':') && name.contains('/'),
                        "{project}: dependency `{name}` is not keyed by a package interface"
                    );
                    let keys = table_keys(dependency);
                    for key in &keys {
                        assert!(
                            ["component", "export", "inherit_configuration"]
                                .contains(&key.as_str()),
                            "{project}: `{key}` in an app-component dependency"
                        );
                    }
                }
            }
        }
    }
}

/// Spin's `KebabId`: `-`-separated words, each starting with an ASCII letter, then letters and
/// digits, all lowercase or all uppercase.
fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            word.starts_with(|c: char| c.is_ascii_alphabetic())
                && word.chars().all(|c| c.is_ascii_alphanumeric())
                && (word == word.to_ascii_lowercase() || word == word.to_ascii_uppercase())
        })
}
