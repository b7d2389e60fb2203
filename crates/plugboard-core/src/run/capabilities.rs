//! What the host grants a component: one type shared by the project file, the CLI and the app.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The capabilities a run is granted. Field names follow wasmtime's CLI (`-S inherit-network`,
/// `--env`, `--dir`).
///
/// **Default: deny everything** except what every component gets: stdout and stderr, the clocks
/// and randomness. Denied interfaces stay linked and fail when called, so a component still runs
/// and shows the denial.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct CapabilityProfile {
    /// Environment variables, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Pass the host's whole environment (before `env`, which overrides it).
    #[serde(skip_serializing_if = "is_false")]
    pub inherit_env: bool,
    /// Arguments after the program name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// What the component reads on stdin.
    #[serde(skip_serializing_if = "StdinSource::is_none")]
    pub stdin: StdinSource,
    /// Host directories made visible to the component.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<DirGrant>,
    /// TCP and UDP (`wasi:sockets`) to any address.
    #[serde(skip_serializing_if = "is_false")]
    pub inherit_network: bool,
    /// Name resolution (`wasi:sockets/ip-name-lookup`).
    #[serde(skip_serializing_if = "is_false")]
    pub allow_ip_name_lookup: bool,
    /// Outgoing HTTP requests (`wasi:http/outgoing-handler`).
    #[serde(skip_serializing_if = "HttpGrant::is_denied")]
    pub http: HttpGrant,
}

/// One switch of a [`CapabilityProfile`]: what a window shows beside the WASI interfaces it
/// governs, and what the capability log tells the user to flip. Serialised with the profile's
/// field names (`inherit-network`, `http`, …), as [`super::CapabilityAttempt::toggle`] names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CapabilityToggle {
    /// Environment variables, the inherited environment and arguments (`wasi:cli/environment`).
    Env,
    /// Standard input (`wasi:cli/stdin`).
    Stdin,
    /// Preopened directories (`wasi:filesystem`).
    Dirs,
    /// TCP and UDP (`wasi:sockets`).
    InheritNetwork,
    /// Name resolution (`wasi:sockets/ip-name-lookup`).
    AllowIpNameLookup,
    /// Outgoing HTTP (`wasi:http/outgoing-handler`).
    Http,
}

impl CapabilityProfile {
    /// Whether `toggle` grants anything in this profile: a variable, an argument or the inherited
    /// environment for [`CapabilityToggle::Env`], stdin other than empty, at least one directory,
    /// the network, name lookup, outgoing HTTP.
    pub fn grants(&self, toggle: CapabilityToggle) -> bool {
        match toggle {
            CapabilityToggle::Env => {
                self.inherit_env || !self.env.is_empty() || !self.args.is_empty()
            }
            CapabilityToggle::Stdin => !self.stdin.is_none(),
            CapabilityToggle::Dirs => !self.dirs.is_empty(),
            CapabilityToggle::InheritNetwork => self.inherit_network,
            CapabilityToggle::AllowIpNameLookup => self.allow_ip_name_lookup,
            CapabilityToggle::Http => self.http.allowed,
        }
    }
}

/// One environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct EnvVar {
    /// The name.
    pub key: String,
    /// The value.
    pub value: String,
}

/// Where stdin comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
#[ts(export)]
pub enum StdinSource {
    /// Stdin is empty (reads return end of file).
    #[default]
    None,
    /// This text.
    Text {
        /// What the component reads.
        text: String,
    },
    /// The contents of a host file, read when the run starts.
    File {
        /// The host file.
        #[ts(type = "string")]
        path: PathBuf,
    },
}

impl StdinSource {
    fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }
}

/// A host directory granted to the component under a guest path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct DirGrant {
    /// The directory on the host.
    #[ts(type = "string")]
    pub host: PathBuf,
    /// The path the component sees (`/data`).
    pub guest: String,
    /// Whether the component may create, change and delete files in it.
    #[serde(default)]
    pub read_only: bool,
}

/// Whether outgoing HTTP is allowed, and to which hosts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct HttpGrant {
    /// Requests are allowed at all.
    pub allowed: bool,
    /// If not empty, only these hosts (`example.com`, `127.0.0.1:8080`) may be asked; an entry
    /// without a port allows every port of that host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
}

impl HttpGrant {
    fn is_denied(&self) -> bool {
        !self.allowed && self.hosts.is_empty()
    }

    /// Whether a request to `authority` (`host` or `host:port`) is allowed.
    pub fn permits(&self, authority: &str) -> bool {
        if !self.allowed {
            return false;
        }
        if self.hosts.is_empty() {
            return true;
        }
        let host = strip_port(authority);
        self.hosts.iter().any(|entry| {
            entry.eq_ignore_ascii_case(authority)
                || (!has_port(entry) && entry.eq_ignore_ascii_case(host))
        })
    }
}

fn has_port(authority: &str) -> bool {
    strip_port(authority) != authority
}

/// `host:port` → `host`, keeping IPv6 literals (`[::1]:80` → `[::1]`) whole.
fn strip_port(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') && authority[i + 1..].parse::<u16>().is_ok() => {
            &authority[..i]
        }
        _ => authority,
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_denies_everything() {
        let profile = CapabilityProfile::default();
        assert!(profile.env.is_empty() && !profile.inherit_env && profile.args.is_empty());
        assert!(profile.dirs.is_empty() && !profile.inherit_network);
        assert!(!profile.allow_ip_name_lookup && !profile.http.permits("example.com"));
        assert_eq!(serde_json::to_string(&profile).ok().as_deref(), Some("{}"));
    }

    #[test]
    fn an_allow_list_matches_hosts_with_and_without_ports() {
        let grant = HttpGrant {
            allowed: true,
            hosts: vec!["example.com".into(), "127.0.0.1:8080".into()],
        };
        assert!(grant.permits("example.com"));
        assert!(grant.permits("EXAMPLE.com:443"));
        assert!(grant.permits("127.0.0.1:8080"));
        assert!(!grant.permits("127.0.0.1:9090"));
        assert!(!grant.permits("evil.example"));
        let open = HttpGrant {
            allowed: true,
            hosts: vec![],
        };
        assert!(open.permits("anything:1"));
    }

    #[test]
    fn toggles_are_on_only_when_they_grant_something() {
        let all = [
            CapabilityToggle::Env,
            CapabilityToggle::Stdin,
            CapabilityToggle::Dirs,
            CapabilityToggle::InheritNetwork,
            CapabilityToggle::AllowIpNameLookup,
            CapabilityToggle::Http,
        ];
        let none = CapabilityProfile::default();
        assert!(all.iter().all(|t| !none.grants(*t)));
        let args_only = CapabilityProfile {
            args: vec!["x".into()],
            ..CapabilityProfile::default()
        };
        assert!(args_only.grants(CapabilityToggle::Env));
        let network = CapabilityProfile {
            inherit_network: true,
            ..CapabilityProfile::default()
        };
        assert!(network.grants(CapabilityToggle::InheritNetwork));
        assert!(!network.grants(CapabilityToggle::AllowIpNameLookup));
        assert_eq!(
            serde_json::to_string(&CapabilityToggle::AllowIpNameLookup)
                .ok()
                .as_deref(),
            Some("\"allow-ip-name-lookup\"")
        );
    }

    #[test]
    fn names_follow_wasmtime_cli() {
        let json = r#"{"inherit-network": true, "allow-ip-name-lookup": true, "inherit-env": true,
            "dirs": [{"host": "/tmp", "guest": "/data", "read-only": true}],
            "http": {"allowed": true, "hosts": ["a.test"]}, "stdin": {"kind": "text", "text": "hi"}}"#;
        let profile: CapabilityProfile = serde_json::from_str(json).expect("valid profile");
        assert!(profile.inherit_network && profile.allow_ip_name_lookup && profile.inherit_env);
        assert!(profile.dirs[0].read_only);
        assert_eq!(profile.stdin, StdinSource::Text { text: "hi".into() });
    }
}
