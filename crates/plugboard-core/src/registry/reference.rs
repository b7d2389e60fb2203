//! What a user types to name a component in a registry: an OCI reference
//! (`ghcr.io/owner/name:tag`, `127.0.0.1:5000/ns/name@sha256:…`) or a wkg package name
//! (`namespace:name@version`), which the configured registry turns into an OCI reference the
//! way wkg does (`<registry>/<namespace>/<name>:<version>`).

use std::net::IpAddr;

use super::config::RegistryConfig;
use super::error::RegistryError;

/// A component in a registry, resolved to an OCI reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRef {
    /// The OCI reference it resolves to.
    pub(crate) oci: oci_client::Reference,
}

impl ComponentRef {
    /// Parses `input` as an OCI reference or a wkg package name (resolved through `config`).
    ///
    /// # Errors
    /// [`RegistryError::BadReference`] saying what is wrong, or
    /// [`RegistryError::NoRegistry`] for a package name no registry is configured for.
    pub fn parse(input: &str, config: &RegistryConfig) -> Result<Self, RegistryError> {
        let typed = input.trim();
        let bad = |reason: &str| RegistryError::BadReference {
            input: typed.to_string(),
            reason: reason.to_string(),
        };
        if typed.is_empty() {
            return Err(bad("it is empty"));
        }
        let oci_text = if is_package_name(typed) {
            let (name, version) = typed
                .split_once('@')
                .ok_or_else(|| bad("a package name needs a version: `namespace:name@1.0.0`"))?;
            let (namespace, package) = name.split_once(':').ok_or_else(|| bad("no namespace"))?;
            let registry =
                config
                    .registry_for(namespace)
                    .ok_or_else(|| RegistryError::NoRegistry {
                        package: name.to_string(),
                    })?;
            format!(
                "{}/{namespace}/{package}:{version}",
                registry.trim_end_matches('/')
            )
        } else if looks_like_oci(typed) {
            typed.to_string()
        } else {
            return Err(bad(
                "write an OCI reference with its registry (`ghcr.io/owner/name:1.0.0`) or a \
                 package name (`namespace:name@1.0.0`)",
            ));
        };
        let oci: oci_client::Reference = oci_text.parse().map_err(|e| bad(&format!("{e}")))?;
        Ok(Self { oci })
    }

    /// The registry's host (and port).
    pub fn registry(&self) -> &str {
        self.oci.resolve_registry()
    }

    /// The full OCI reference (`registry/repository:tag` or `…@digest`).
    pub fn oci(&self) -> String {
        self.oci.whole()
    }

    /// The same repository at `digest`, to pull exactly what a project recorded.
    pub fn at_digest(&self, digest: &str) -> Self {
        Self {
            oci: oci_client::Reference::with_digest(
                self.oci.registry().to_string(),
                self.oci.repository().to_string(),
                digest.to_string(),
            ),
        }
    }

    /// The same repository with `tag`.
    pub(crate) fn with_tag(&self, tag: &str) -> oci_client::Reference {
        oci_client::Reference::with_tag(
            self.oci.registry().to_string(),
            self.oci.repository().to_string(),
            tag.to_string(),
        )
    }

    /// Whether the registry is on this machine (then it may speak plain HTTP, as a test or
    /// development registry does).
    pub fn is_loopback(&self) -> bool {
        let host = self.registry();
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => host,
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// Whether `input` names a registry component rather than a file: a package name
/// (`ns:name@1.0.0`) or a reference whose first part is a registry host (it has a `.` or a
/// port, or is `localhost`).
pub fn looks_like_reference(input: &str) -> bool {
    let input = input.trim();
    is_package_name(input) || looks_like_oci(input)
}

fn looks_like_oci(input: &str) -> bool {
    let Some((host, rest)) = input.split_once('/') else {
        return false;
    };
    // A path to a component or project file that is missing is still a file.
    let file_like = [".wasm", ".wat", ".json"]
        .iter()
        .any(|extension| input.ends_with(extension));
    !rest.is_empty()
        && !file_like
        && !input.contains(char::is_whitespace)
        && (host.contains('.') || host.contains(':') || host == "localhost")
        && !host.starts_with('.')
}

/// `namespace:name` with an optional `@version`: lowercase kebab words, no `/`.
fn is_package_name(input: &str) -> bool {
    let name = input.split_once('@').map_or(input, |(name, _)| name);
    let Some((namespace, package)) = name.split_once(':') else {
        return false;
    };
    let kebab = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    !input.contains('/') && kebab(namespace) && kebab(package)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> RegistryConfig {
        RegistryConfig {
            default_registry: Some("127.0.0.1:5077".into()),
            namespaces: [("acme".to_string(), "registry.acme.test/wasm".to_string())].into(),
        }
    }

    #[test]
    fn oci_references_and_package_names_resolve() {
        let r = ComponentRef::parse("ghcr.io/owner/name:1.2.0", &config()).expect("parses");
        assert_eq!(r.oci(), "ghcr.io/owner/name:1.2.0");
        assert!(!r.is_loopback());
        let r = ComponentRef::parse("example:greeter@0.1.0", &config()).expect("parses");
        assert_eq!(r.oci(), "127.0.0.1:5077/example/greeter:0.1.0");
        assert!(r.is_loopback());
        let r = ComponentRef::parse("acme:kv@2.0.0", &config()).expect("parses");
        assert_eq!(r.oci(), "registry.acme.test/wasm/acme/kv:2.0.0");
        let r = ComponentRef::parse("localhost:5000/a/b:c", &config()).expect("parses");
        assert!(r.is_loopback());
    }

    #[test]
    fn what_is_not_a_reference_is_refused_clearly() {
        assert!(!looks_like_reference("target/samples/logger.wasm"));
        assert!(!looks_like_reference("logger.wasm"));
        assert!(!looks_like_reference("build.d/logger.wasm"));
        assert!(!looks_like_reference("../projects/seed.plugboard.json"));
        assert!(looks_like_reference("127.0.0.1:5000/ns/name:tag"));
        assert!(looks_like_reference("wasi:http@0.2.0"));
        let err = ComponentRef::parse("example:greeter", &config()).expect_err("no version");
        assert!(err.to_string().contains("needs a version"), "{err}");
        let none = RegistryConfig::default();
        let err = ComponentRef::parse("example:greeter@0.1.0", &none).expect_err("no registry");
        assert!(matches!(err, RegistryError::NoRegistry { .. }), "{err}");
        let err = ComponentRef::parse("ghcr.io/Owner/NAME:1", &config()).expect_err("uppercase");
        assert!(matches!(err, RegistryError::BadReference { .. }), "{err}");
    }
}
