//! Doc comments from WIT sources.
//!
//! Components built by today's toolchains (rustc + wit-bindgen, componentize-py, …) drop the
//! doc comments of their WIT. When the WIT a component was built from is at hand, its docs are
//! copied onto the matching ports, functions and types — matched by exact package name, version
//! and interface name, so docs of another version never leak in.

use std::path::Path;

use wit_parser::{UnresolvedPackage, UnresolvedPackageGroup};

use super::model::{ComponentInfo, Port};

/// WIT packages parsed from source, to take doc comments from.
#[derive(Debug, Default)]
pub struct WitDocs {
    packages: Vec<UnresolvedPackage>,
}

impl WitDocs {
    /// Parses every WIT package under `dir`: `dir` itself if it holds `.wit` files, and each
    /// subdirectory that does (the layout of this repository's `wit/`). Unparsable packages are
    /// skipped: docs are a nicety, never a reason to fail.
    pub fn from_dir(dir: &Path) -> Self {
        let mut candidates = vec![dir.to_path_buf()];
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut subdirs: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            candidates.extend(subdirs);
        }
        let packages = candidates
            .iter()
            .filter(|d| has_wit_files(d))
            .filter_map(|d| UnresolvedPackageGroup::parse_dir(d).ok())
            .map(|group| group.main)
            .collect();
        Self { packages }
    }

    /// Fills in missing docs of every port of `info` from the matching WIT source.
    pub fn attach(&self, info: &mut ComponentInfo) {
        for port in info.imports.iter_mut().chain(info.exports.iter_mut()) {
            self.attach_port(port);
        }
    }

    fn attach_port(&self, port: &mut Port) {
        let (Some(package), Some(interface)) = (port.package.clone(), port.interface()) else {
            return;
        };
        let interface = interface.to_string();
        let Some(source) = self.packages.iter().find(|p| {
            format!("{}:{}", p.name.namespace, p.name.name) == package
                && p.name.version.as_ref().map(|v| v.to_string()) == port.version
        }) else {
            return;
        };
        let Some(iface) = source
            .interfaces
            .iter()
            .map(|(_, i)| i)
            .find(|i| i.name.as_deref() == Some(interface.as_str()))
        else {
            return;
        };
        fill(&mut port.docs, &iface.docs.contents);
        for function in &mut port.functions {
            if let Some(source) = iface.functions.get(&function.name) {
                fill(&mut function.docs, &source.docs.contents);
            }
        }
        for ty in &mut port.types {
            if let Some(id) = iface.types.get(&ty.name) {
                fill(&mut ty.docs, &source.types[*id].docs.contents);
            }
        }
    }
}

fn fill(target: &mut Option<String>, source: &Option<String>) {
    if target.is_none() {
        target.clone_from(source);
    }
}

fn has_wit_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "wit"))
    })
}
