//! The WASI interfaces Plugboard's host provides, and whether it provides a given import.
//!
//! A composition's open imports are what the host must provide. The host links every WASI 0.2
//! interface of wasmtime-wasi (cli, clocks, filesystem, io, random, sockets) and `wasi:http`'s
//! `types` and `outgoing-handler`, all at version [`HOST_WASI_VERSION`], and for components that
//! use the component model's async support the WASI 0.3 ones at [`HOST_WASI_03_VERSION`]. Like
//! wasmtime's linker, an import is matched by name and a semver-compatible version (`0.2.6` and
//! `0.2.12` share the key `0.2`), so components built against any WASI 0.2 release are served.

use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::run::CapabilityToggle;

/// The WASI 0.2 release the host's interfaces are named with (wasmtime-wasi 50).
pub const HOST_WASI_VERSION: &str = "0.2.12";

/// The WASI 0.3 release the host's async interfaces are named with (wasmtime-wasi 50).
pub const HOST_WASI_03_VERSION: &str = "0.3.0";

/// One interface the host provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HostInterface {
    /// The full name with the host's version: `wasi:cli/environment@0.2.12`.
    pub name: String,
    /// `namespace:package`: `wasi:cli`.
    pub package: String,
    /// The interface within the package: `environment`.
    pub interface: String,
    /// The version the host implements.
    pub version: String,
    /// What it gives a component, in a few words.
    pub description: String,
    /// The capability that decides whether calls to it succeed; `None` for what every component
    /// gets (stdout and stderr, clocks, randomness, streams, exit).
    pub toggle: Option<CapabilityToggle>,
}

/// Package, interface and description of every interface the host links.
const INTERFACES: &[(&str, &str, &str)] = &[
    (
        "wasi:cli",
        "environment",
        "environment variables and arguments",
    ),
    ("wasi:cli", "exit", "exit with a status"),
    ("wasi:cli", "stdin", "standard input"),
    ("wasi:cli", "stdout", "standard output"),
    ("wasi:cli", "stderr", "standard error"),
    ("wasi:cli", "terminal-input", "terminal input handle"),
    ("wasi:cli", "terminal-output", "terminal output handle"),
    ("wasi:cli", "terminal-stdin", "whether stdin is a terminal"),
    (
        "wasi:cli",
        "terminal-stdout",
        "whether stdout is a terminal",
    ),
    (
        "wasi:cli",
        "terminal-stderr",
        "whether stderr is a terminal",
    ),
    (
        "wasi:clocks",
        "monotonic-clock",
        "a clock for measuring time",
    ),
    ("wasi:clocks", "wall-clock", "the date and time"),
    ("wasi:filesystem", "types", "files and directories"),
    ("wasi:filesystem", "preopens", "the directories granted"),
    ("wasi:io", "error", "I/O errors"),
    ("wasi:io", "poll", "waiting for readiness"),
    ("wasi:io", "streams", "input and output streams"),
    ("wasi:random", "random", "secure random bytes"),
    ("wasi:random", "insecure", "fast insecure random bytes"),
    (
        "wasi:random",
        "insecure-seed",
        "a seed for a local generator",
    ),
    ("wasi:sockets", "network", "the network handle"),
    ("wasi:sockets", "instance-network", "access to the network"),
    ("wasi:sockets", "ip-name-lookup", "DNS name lookup"),
    ("wasi:sockets", "tcp", "TCP sockets"),
    ("wasi:sockets", "tcp-create-socket", "creating TCP sockets"),
    ("wasi:sockets", "udp", "UDP sockets"),
    ("wasi:sockets", "udp-create-socket", "creating UDP sockets"),
    ("wasi:http", "types", "HTTP requests and responses"),
    ("wasi:http", "outgoing-handler", "sending HTTP requests"),
];

/// Package, interface and description of every WASI 0.3 interface the host links: async
/// functions, streams and futures in place of `wasi:io`, sockets in one `types` interface, and
/// HTTP's `client` in place of `outgoing-handler`.
const INTERFACES_03: &[(&str, &str, &str)] = &[
    (
        "wasi:cli",
        "environment",
        "environment variables and arguments",
    ),
    ("wasi:cli", "exit", "exit with a status"),
    ("wasi:cli", "stdin", "standard input, as a stream"),
    ("wasi:cli", "stdout", "standard output, as a stream"),
    ("wasi:cli", "stderr", "standard error, as a stream"),
    ("wasi:cli", "types", "the error codes of stdio"),
    ("wasi:cli", "terminal-input", "terminal input handle"),
    ("wasi:cli", "terminal-output", "terminal output handle"),
    ("wasi:cli", "terminal-stdin", "whether stdin is a terminal"),
    (
        "wasi:cli",
        "terminal-stdout",
        "whether stdout is a terminal",
    ),
    (
        "wasi:cli",
        "terminal-stderr",
        "whether stderr is a terminal",
    ),
    ("wasi:clocks", "types", "durations and instants"),
    (
        "wasi:clocks",
        "monotonic-clock",
        "a clock for measuring time, and async waits",
    ),
    ("wasi:clocks", "system-clock", "the date and time"),
    ("wasi:filesystem", "types", "files and directories"),
    ("wasi:filesystem", "preopens", "the directories granted"),
    ("wasi:random", "random", "secure random bytes"),
    ("wasi:random", "insecure", "fast insecure random bytes"),
    (
        "wasi:random",
        "insecure-seed",
        "a seed for a local generator",
    ),
    ("wasi:sockets", "types", "TCP and UDP sockets"),
    ("wasi:sockets", "ip-name-lookup", "DNS name lookup"),
    ("wasi:http", "types", "HTTP requests and responses"),
    ("wasi:http", "client", "sending HTTP requests"),
];

/// Every interface the host provides, WASI 0.2 then 0.3, grouped by package in a stable order.
pub fn host_interfaces() -> Vec<HostInterface> {
    let release = |interfaces: &'static [(&str, &str, &str)], version: &'static str| {
        interfaces
            .iter()
            .map(move |(package, interface, description)| HostInterface {
                name: format!("{package}/{interface}@{version}"),
                package: (*package).to_string(),
                interface: (*interface).to_string(),
                version: version.to_string(),
                description: (*description).to_string(),
                toggle: toggle_of(package, interface),
            })
    };
    release(INTERFACES, HOST_WASI_VERSION)
        .chain(release(INTERFACES_03, HOST_WASI_03_VERSION))
        .collect()
}

/// The capability that governs `package`/`interface`, as the host enforces it: the environment
/// (variables and arguments), stdin, the preopened directories behind every filesystem call, the
/// network behind sockets (`network` and `instance-network` only hand out the handle the
/// address check guards), name lookup, and outgoing HTTP (`types` is only data).
fn toggle_of(package: &str, interface: &str) -> Option<CapabilityToggle> {
    match (package, interface) {
        ("wasi:cli", "environment") => Some(CapabilityToggle::Env),
        ("wasi:cli", "stdin") => Some(CapabilityToggle::Stdin),
        ("wasi:filesystem", _) => Some(CapabilityToggle::Dirs),
        ("wasi:sockets", "ip-name-lookup") => Some(CapabilityToggle::AllowIpNameLookup),
        ("wasi:sockets", _) => Some(CapabilityToggle::InheritNetwork),
        ("wasi:http", "outgoing-handler" | "client") => Some(CapabilityToggle::Http),
        _ => None,
    }
}

/// The host interface that satisfies the import named `import` (a full port name such as
/// `wasi:cli/environment@0.2.6`), if any: same package and interface, and a semver-compatible
/// version. `None` for anything else, such as `example:stringoperations/operations@0.1.0`, which
/// must be wired to another component.
pub fn provided_by_host(import: &str) -> Option<HostInterface> {
    let (unversioned, version) = match import.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (import, None),
    };
    let (package, interface) = unversioned.split_once('/')?;
    let version = version?;
    host_interfaces().into_iter().find(|h| {
        h.package == package && h.interface == interface && semver_compatible(version, &h.version)
    })
}

/// Whether two versions are semver-compatible as wasmtime's linker matches imports: the older
/// one, as a caret requirement, admits the newer (`0.2.6` and `0.2.12`, `1.0.0` and `1.4.2`;
/// `0.0.3` only itself; a pre-release only itself).
pub(crate) fn semver_compatible(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (Version::parse(a), Version::parse(b)) else {
        return false;
    };
    if !a.pre.is_empty() || !b.pre.is_empty() {
        return a == b;
    }
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    VersionReq::parse(&format!("^{low}")).is_ok_and(|caret| caret.matches(&high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_wasi_0_2_release_is_provided() {
        for name in [
            "wasi:cli/environment@0.2.0",
            "wasi:cli/environment@0.2.6",
            "wasi:http/outgoing-handler@0.2.10",
            "wasi:io/streams@0.2.12",
        ] {
            let provided = provided_by_host(name).map(|h| h.name);
            assert!(provided.is_some(), "{name} should be provided");
        }
        assert_eq!(
            provided_by_host("wasi:random/random@0.2.3").map(|h| h.name),
            Some(format!("wasi:random/random@{HOST_WASI_VERSION}"))
        );
    }

    #[test]
    fn wasi_0_3_is_provided_by_its_own_interfaces() {
        assert_eq!(
            provided_by_host("wasi:cli/environment@0.3.0").map(|h| h.name),
            Some(format!("wasi:cli/environment@{HOST_WASI_03_VERSION}"))
        );
        assert_eq!(
            provided_by_host("wasi:http/client@0.3.0").and_then(|h| h.toggle),
            Some(CapabilityToggle::Http)
        );
        // 0.3 has no wasi:io, 0.2 no wasi:http/client.
        assert_eq!(provided_by_host("wasi:io/streams@0.3.0"), None);
        assert_eq!(provided_by_host("wasi:http/client@0.2.12"), None);
    }

    #[test]
    fn other_versions_names_and_packages_are_not() {
        for name in [
            "wasi:cli/environment@0.4.0",
            "wasi:cli/environment",
            "wasi:cli/no-such-interface@0.2.6",
            "wasi:http/incoming-handler@0.2.6",
            "example:stringoperations/operations@0.1.0",
            "shout",
        ] {
            assert_eq!(
                provided_by_host(name),
                None,
                "{name} should not be provided"
            );
        }
    }

    #[test]
    fn compatibility_follows_semver() {
        assert!(semver_compatible("1.4.2", "1.0.0"));
        assert!(semver_compatible("0.2.6", "0.2.12"));
        assert!(semver_compatible("0.2.12", "0.2.0"));
        assert!(!semver_compatible("0.2.6", "0.3.0"));
        assert!(!semver_compatible("1.0.0", "2.0.0"));
        assert!(semver_compatible("0.0.3", "0.0.3"));
        assert!(!semver_compatible("0.0.3", "0.0.4"));
        assert!(semver_compatible("0.2.0-rc", "0.2.0-rc"));
        assert!(!semver_compatible("0.2.0-rc", "0.2.0"));
        assert!(!semver_compatible("zero", "0.2.0"));
    }

    #[test]
    fn capabilities_govern_their_interfaces_and_nothing_else() {
        let toggle = |name: &str| provided_by_host(name).and_then(|h| h.toggle);
        assert_eq!(
            toggle("wasi:cli/environment@0.2.6"),
            Some(CapabilityToggle::Env)
        );
        assert_eq!(
            toggle("wasi:filesystem/preopens@0.2.6"),
            Some(CapabilityToggle::Dirs)
        );
        assert_eq!(
            toggle("wasi:sockets/tcp@0.2.6"),
            Some(CapabilityToggle::InheritNetwork)
        );
        assert_eq!(
            toggle("wasi:sockets/ip-name-lookup@0.2.6"),
            Some(CapabilityToggle::AllowIpNameLookup)
        );
        assert_eq!(
            toggle("wasi:http/outgoing-handler@0.2.6"),
            Some(CapabilityToggle::Http)
        );
        for always in [
            "wasi:cli/stdout@0.2.6",
            "wasi:clocks/wall-clock@0.2.6",
            "wasi:random/random@0.2.6",
            "wasi:http/types@0.2.6",
        ] {
            assert_eq!(toggle(always), None, "{always} is always granted");
        }
    }

    #[test]
    fn every_interface_is_listed_once() {
        let all = host_interfaces();
        let mut names: Vec<&str> = all.iter().map(|h| h.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }
}
