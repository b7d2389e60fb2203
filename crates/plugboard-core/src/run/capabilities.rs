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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Pass the host's whole environment (before `env`, which overrides it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherit_env: bool,
    /// Arguments after the program name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// What the component reads on stdin.
    #[serde(default, skip_serializing_if = "StdinSource::is_none")]
    pub stdin: StdinSource,
    /// Host directories made visible to the component.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<DirGrant>,
    /// TCP and UDP (`wasi:sockets`) to any address.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherit_network: bool,
    /// Name resolution (`wasi:sockets/ip-name-lookup`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_ip_name_lookup: bool,
    /// Outgoing HTTP requests (`wasi:http/outgoing-handler`).
    #[serde(default, skip_serializing_if = "HttpGrant::is_denied")]
    pub http: HttpGrant,
}

/// One switch of a [`CapabilityProfile`]: what a window shows beside the WASI interfaces it
/// governs, and what the capability log tells the user to flip. Serialised with the profile's
/// field names (`inherit-network`, `http`, …), as [`super::CapabilityAttempt::toggle`] names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
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

impl CapabilityToggle {
    /// Every toggle, in the order the window lists them.
    pub const ALL: [Self; 6] = [
        Self::Env,
        Self::Stdin,
        Self::Dirs,
        Self::InheritNetwork,
        Self::AllowIpNameLookup,
        Self::Http,
    ];
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
    /// If not empty, only these hosts (`example.com`, `127.0.0.1:8080`, `[::1]:80`) may be
    /// asked; an entry without a port allows every port of that host, one with a port allows
    /// that port only (`example.com:443` matches `https://example.com/`, whose port is the
    /// scheme's default). Entries are checked by [`HttpGrant::check_host`] when entered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
}

/// An allow-list entry that is not a host or `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{entry}` is not a host for the HTTP allow-list: {reason} (write `example.com` or `127.0.0.1:8080`)"
)]
pub struct BadHttpHost {
    /// The entry as written.
    pub entry: String,
    /// What is wrong with it.
    pub reason: String,
}

impl HttpGrant {
    fn is_denied(&self) -> bool {
        !self.allowed && self.hosts.is_empty()
    }

    /// Checks one allow-list entry: a host name or IP address, optionally with a port, and
    /// nothing else (no scheme, path or user). Surrounding spaces are ignored.
    ///
    /// # Errors
    /// [`BadHttpHost`] saying what is wrong.
    pub fn check_host(entry: &str) -> Result<(), BadHttpHost> {
        parse_host(entry).map(drop)
    }

    /// Whether a request to `uri` is allowed: its host, and its port or the default port of its
    /// scheme, match an entry.
    pub fn permits(&self, uri: &http::Uri) -> bool {
        if !self.allowed {
            return false;
        }
        if self.hosts.is_empty() {
            return true;
        }
        let Some(authority) = uri.authority() else {
            return false;
        };
        let port = authority.port_u16().or_else(|| match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        self.hosts.iter().any(|entry| match parse_host(entry) {
            Ok((host, allowed_port)) => {
                host.eq_ignore_ascii_case(authority.host())
                    && allowed_port.is_none_or(|p| Some(p) == port)
            }
            // A malformed entry (from a hand-edited file) matches nothing.
            Err(_) => false,
        })
    }
}

/// An allow-list entry's host and port, parsed as an HTTP authority.
fn parse_host(entry: &str) -> Result<(String, Option<u16>), BadHttpHost> {
    let bad = |reason: &str| BadHttpHost {
        entry: entry.to_string(),
        reason: reason.to_string(),
    };
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Err(bad("it is empty"));
    }
    if trimmed.contains("://") || trimmed.contains('/') {
        return Err(bad("give the host alone, without a scheme or path"));
    }
    let authority: http::uri::Authority = trimmed
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    if authority.as_str().contains('@') {
        return Err(bad("it names a user"));
    }
    if authority.host().is_empty() {
        return Err(bad("it has no host"));
    }
    // A colon past any IPv6 literal starts a port, which must be a number.
    let names_port = trimmed
        .rsplit(']')
        .next()
        .is_some_and(|tail| tail.contains(':'));
    if names_port && authority.port_u16().is_none() {
        return Err(bad("its port is not a number from 0 to 65535"));
    }
    Ok((authority.host().to_string(), authority.port_u16()))
}

impl CapabilityProfile {
    /// The host paths the profile names (granted folders, a stdin file), to resolve them against
    /// the project file or write them relative to it.
    pub(crate) fn host_paths_mut(&mut self) -> impl Iterator<Item = &mut PathBuf> {
        let stdin = match &mut self.stdin {
            StdinSource::File { path } => Some(path),
            _ => None,
        };
        self.dirs.iter_mut().map(|dir| &mut dir.host).chain(stdin)
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
        let uri = "http://example.com/".parse().expect("a uri");
        assert!(!profile.allow_ip_name_lookup && !profile.http.permits(&uri));
        assert_eq!(serde_json::to_string(&profile).ok().as_deref(), Some("{}"));
    }

    #[test]
    fn an_allow_list_matches_hosts_with_and_without_ports() {
        let grant = HttpGrant {
            allowed: true,
            hosts: vec![
                "example.com".into(),
                "127.0.0.1:8080".into(),
                " secure.test:443 ".into(),
                "[::1]:80".into(),
            ],
        };
        let permits = |uri: &str| grant.permits(&uri.parse().expect("a uri"));
        assert!(permits("http://example.com/"));
        assert!(permits("https://EXAMPLE.com:8443/x"));
        assert!(permits("http://127.0.0.1:8080/"));
        assert!(!permits("http://127.0.0.1:9090/"));
        assert!(!permits("http://127.0.0.1/"));
        assert!(
            permits("https://secure.test/"),
            "443 is https's default port"
        );
        assert!(!permits("http://secure.test/"), "but not http's");
        assert!(permits("http://[::1]/"));
        assert!(!permits("http://evil.example/"));
        assert!(!permits("http://example.com.evil.example/"));
        let open = HttpGrant {
            allowed: true,
            hosts: vec![],
        };
        assert!(open.permits(&"http://anything:1/".parse().expect("uri")));
    }

    #[test]
    fn malformed_allow_list_entries_are_refused_with_the_reason() {
        for good in [
            "example.com",
            "127.0.0.1:8080",
            "[::1]:80",
            "  spaced.test  ",
        ] {
            assert_eq!(HttpGrant::check_host(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "http://example.com",
            "example.com/path",
            "user@example.com",
            "example.com:http",
            "example.com:99999",
            "exa mple.com",
            "example.com:",
        ] {
            let error = HttpGrant::check_host(bad).expect_err(bad);
            assert!(error.to_string().contains("is not a host"), "{error}");
        }
    }

    #[test]
    fn toggles_are_on_only_when_they_grant_something() {
        let none = CapabilityProfile::default();
        assert!(CapabilityToggle::ALL.iter().all(|t| !none.grants(*t)));
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
