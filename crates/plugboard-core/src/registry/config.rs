//! Which registry a package name (`namespace:name@version`) lives in: `$PLUGBOARD_REGISTRY`,
//! else wkg's own configuration (`~/.config/wasm-pkg/config.toml`: `default_registry` and
//! `[namespace_registries]`), so a package resolves here as it does for `wkg get`.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The registries package names resolve through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryConfig {
    /// For any namespace without its own.
    pub default_registry: Option<String>,
    /// Per namespace (`wasi` → `ghcr.io/webassembly`).
    pub namespaces: BTreeMap<String, String>,
}

impl RegistryConfig {
    /// `$PLUGBOARD_REGISTRY` as the default registry over wkg's configuration, if there is one.
    pub fn from_environment() -> Self {
        let mut config = wkg_config_path()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| Self::from_wkg_toml(&text))
            .unwrap_or_default();
        if let Some(registry) = std::env::var("PLUGBOARD_REGISTRY")
            .ok()
            .filter(|r| !r.trim().is_empty())
        {
            config.default_registry = Some(registry.trim().to_string());
        }
        config
    }

    /// The registry for packages of `namespace`.
    pub fn registry_for(&self, namespace: &str) -> Option<&str> {
        self.namespaces
            .get(namespace)
            .or(self.default_registry.as_ref())
            .map(String::as_str)
    }

    /// Reads wkg's `config.toml`: `default_registry = "host"` and `[namespace_registries]`
    /// entries written as a string or as a table with a `registry` key. Anything else in it is
    /// wkg's business and ignored; a file that is not TOML configures nothing.
    fn from_wkg_toml(text: &str) -> Self {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            return Self::default();
        };
        let default_registry = doc
            .get("default_registry")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let namespaces = doc
            .get("namespace_registries")
            .and_then(|t| t.as_table_like())
            .map(|table| {
                table
                    .iter()
                    .filter_map(|(namespace, entry)| {
                        let registry = entry.as_str().or_else(|| {
                            entry
                                .as_table_like()
                                .and_then(|t| t.get("registry"))
                                .and_then(|r| r.as_str())
                        })?;
                        Some((namespace.to_string(), registry.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            default_registry,
            namespaces,
        }
    }
}

/// wkg's configuration file: `$XDG_CONFIG_HOME/wasm-pkg/config.toml` or
/// `~/.config/wasm-pkg/config.toml`.
fn wkg_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("wasm-pkg").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkg_configuration_is_read() {
        let config = RegistryConfig::from_wkg_toml(
            "default_registry = \"ghcr.io\"\n[namespace_registries]\nwasi = \"wasi.dev\"\n\
             acme = { registry = \"acme.test\", metadata = { preferredProtocol = \"oci\" } }\n",
        );
        assert_eq!(config.registry_for("other"), Some("ghcr.io"));
        assert_eq!(config.registry_for("wasi"), Some("wasi.dev"));
        assert_eq!(config.registry_for("acme"), Some("acme.test"));
        assert_eq!(
            RegistryConfig::from_wkg_toml("not = [toml").registry_for("x"),
            None
        );
    }
}
