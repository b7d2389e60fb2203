//! Every WASI demo with and without its grant; denials reach the guest and the log.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use plugboard_core::run::{DirGrant, EnvVar, RunEvent, StdinSource};
use tempfile::TempDir;

use crate::support::{Outcome, request, run, runtime};

fn grant_dir(host: &std::path::Path, read_only: bool) -> DirGrant {
    DirGrant {
        host: host.to_path_buf(),
        guest: "/data".to_string(),
        read_only,
    }
}

/// The filesystem rows of the capability log: (target, allowed).
fn filesystem_log(outcome: &Outcome) -> Vec<(String, bool)> {
    outcome
        .capabilities()
        .into_iter()
        .filter(|a| a.interface.starts_with("wasi:filesystem/") && a.toggle == "dirs")
        .map(|a| (a.target.clone(), a.allowed))
        .collect()
}

#[test]
fn the_filesystem_is_denied_by_default() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("filesystem-demo"));
    assert!(
        outcome.stdout.contains("DENIED: no directory was granted"),
        "{}",
        outcome.stdout
    );
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 1 });
    assert_eq!(
        filesystem_log(&outcome),
        vec![("granted directories: none".to_string(), false)]
    );
}

#[test]
fn a_read_only_directory_refuses_writes_and_leaves_the_host_untouched() {
    let (runtime, _cache) = runtime();
    let dir = TempDir::new().expect("temp dir");
    std::fs::write(dir.path().join("hello.txt"), "hello from the host\n").expect("write");
    let mut req = request("filesystem-demo");
    req.capabilities.dirs = vec![grant_dir(dir.path(), true)];
    let outcome = run(&runtime, req);
    assert!(
        outcome
            .stdout
            .contains("read /data/hello.txt: hello from the host"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("DENIED: cannot write"),
        "{}",
        outcome.stdout
    );
    assert!(!dir.path().join("written-by-plugboard.txt").exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    let log = filesystem_log(&outcome);
    for expected in [
        ("directory /data", true),
        ("open /data/hello.txt", true),
        ("open for writing /data/written-by-plugboard.txt", false),
    ] {
        assert!(
            log.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} not in {log:?}"
        );
    }
}

#[test]
fn a_read_write_directory_gets_the_file() {
    let (runtime, _cache) = runtime();
    let dir = TempDir::new().expect("temp dir");
    let mut req = request("filesystem-demo");
    req.capabilities.dirs = vec![grant_dir(dir.path(), false)];
    let outcome = run(&runtime, req);
    assert_eq!(
        outcome.terminal(),
        &RunEvent::Exited { code: 0 },
        "{}",
        outcome.stdout
    );
    let written =
        std::fs::read_to_string(dir.path().join("written-by-plugboard.txt")).expect("written");
    assert!(written.contains("filesystem-demo"));
    assert!(
        filesystem_log(&outcome).contains(&(
            "open for writing /data/written-by-plugboard.txt".to_string(),
            true
        )),
        "{:?}",
        filesystem_log(&outcome)
    );
}

#[test]
fn a_granted_directory_that_does_not_exist_fails_clearly() {
    let (runtime, _cache) = runtime();
    let mut req = request("filesystem-demo");
    req.capabilities.dirs = vec![grant_dir(std::path::Path::new("/no/such/dir"), false)];
    let outcome = run(&runtime, req);
    let RunEvent::Failed { message, .. } = outcome.terminal() else {
        panic!("{:?}", outcome.terminal())
    };
    assert!(message.contains("/no/such/dir"), "{message}");
}

#[test]
fn escapes_are_blocked() {
    let (runtime, _cache) = runtime();
    let dir = TempDir::new().expect("temp dir");
    let mut req = request("hostile-escape");
    req.capabilities.dirs = vec![grant_dir(dir.path(), false)];
    let outcome = run(&runtime, req);
    assert!(
        outcome.stdout.contains("every escape attempt was blocked"),
        "{}",
        outcome.stdout
    );
    assert!(!outcome.stdout.contains("ESCAPED"));
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    let log = filesystem_log(&outcome);
    assert!(
        log.contains(&("open /data/../../../../etc/passwd".to_string(), false)),
        "{log:?}"
    );
    // Links out of the granted folder are logged; a hard link to a file outside is never made,
    // and nothing is read through a symbolic one.
    assert!(
        log.iter()
            .any(|(target, _)| target == "symlink /data/escape-symlink to ../../../../etc/passwd"),
        "{log:?}"
    );
    assert!(
        log.contains(&(
            "link /data/escape-hardlink to /data/../../../../etc/passwd".to_string(),
            false
        )),
        "{log:?}"
    );
    assert!(!dir.path().join("escape-hardlink").exists());
}

/// A loopback listener that answers one line per connection and reports whether anyone came.
struct Listener {
    address: String,
    connections: mpsc::Receiver<()>,
}

fn listener() -> Listener {
    let socket = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = socket.local_addr().expect("addr").to_string();
    let (tx, connections) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in socket.incoming() {
            let Ok(mut stream) = stream else { return };
            let _ = tx.send(());
            let mut buf = [0u8; 256];
            let n = stream.read(&mut buf).unwrap_or(0);
            let _ = stream
                .write_all(format!("echo: {}", String::from_utf8_lossy(&buf[..n])).as_bytes());
        }
    });
    Listener {
        address,
        connections,
    }
}

#[test]
fn the_network_is_denied_by_default_and_the_listener_sees_no_one() {
    let (runtime, _cache) = runtime();
    let listener = listener();
    let mut req = request("sockets-demo");
    req.capabilities.env = vec![EnvVar {
        key: "TARGET_ADDR".into(),
        value: listener.address.clone(),
    }];
    let outcome = run(&runtime, req);
    assert!(
        outcome.stdout.contains("DENIED: connect"),
        "{}",
        outcome.stdout
    );
    let log = outcome.attempts("wasi:sockets");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].interface, "wasi:sockets/tcp");
    assert_eq!(log[0].target, format!("connect {}", listener.address));
    assert!(!log[0].allowed);
    assert_eq!(log[0].toggle, "inherit-network");
    // The run is over; a connection would have been accepted by now.
    assert!(
        listener.connections.try_recv().is_err(),
        "a denied guest reached the listener"
    );
}

#[test]
fn a_granted_network_connects_and_the_attempt_is_logged() {
    let (runtime, _cache) = runtime();
    let listener = listener();
    let mut req = request("sockets-demo");
    req.capabilities.env = vec![EnvVar {
        key: "TARGET_ADDR".into(),
        value: listener.address.clone(),
    }];
    req.capabilities.inherit_network = true;
    let outcome = run(&runtime, req);
    assert!(
        outcome
            .stdout
            .contains("reply: echo: hello from sockets-demo"),
        "{}",
        outcome.stdout
    );
    assert!(
        listener
            .connections
            .recv_timeout(Duration::from_secs(30))
            .is_ok()
    );
    let log = outcome.capabilities();
    assert!(
        log.iter()
            .any(|a| a.allowed && a.target == format!("connect {}", listener.address))
    );
}

#[test]
fn name_lookups_need_their_own_grant() {
    let (runtime, _cache) = runtime();
    let listener = listener();
    let port = listener
        .address
        .rsplit(':')
        .next()
        .expect("port")
        .to_string();
    let target = EnvVar {
        key: "TARGET_ADDR".into(),
        value: format!("localhost:{port}"),
    };

    let mut denied = request("sockets-demo");
    denied.capabilities.env = vec![target.clone()];
    denied.capabilities.inherit_network = true;
    let outcome = run(&runtime, denied);
    let log = outcome.attempts("wasi:sockets");
    assert_eq!(log[0].interface, "wasi:sockets/ip-name-lookup");
    assert_eq!(log[0].target, "localhost");
    assert!(!log[0].allowed);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 1 });

    let mut granted = request("sockets-demo");
    granted.capabilities.env = vec![target];
    granted.capabilities.inherit_network = true;
    granted.capabilities.allow_ip_name_lookup = true;
    let outcome = run(&runtime, granted);
    assert!(outcome.attempts("wasi:sockets")[0].allowed);
    assert!(
        outcome.stdout.contains("reply: echo:"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn hostile_network_attempts_through_the_standard_library_are_denied() {
    let (runtime, _cache) = runtime();
    let listener = listener();
    let mut req = request("hostile-network");
    req.capabilities.env = vec![EnvVar {
        key: "TARGET_ADDR".into(),
        value: listener.address.clone(),
    }];
    let outcome = run(&runtime, req);
    assert!(
        outcome.stdout.contains("every network attempt was blocked"),
        "{}",
        outcome.stdout
    );
    assert!(outcome.attempts("wasi:sockets").iter().all(|a| !a.allowed));
    assert!(listener.connections.try_recv().is_err());
}

/// A one-request HTTP server on loopback; reports each request line it got.
fn http_server() -> (String, mpsc::Receiver<String>) {
    let socket = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = socket.local_addr().expect("addr").to_string();
    let (tx, requests) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in socket.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 2048];
            let n = stream.read(&mut buf).unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            let _ = tx.send(text.lines().next().unwrap_or_default().to_string());
            let body = "hello from the test server";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (address, requests)
}

#[test]
fn outgoing_http_is_denied_by_default_and_allowed_when_granted() {
    let (runtime, _cache) = runtime();
    let (address, requests) = http_server();
    let url = EnvVar {
        key: "URL".into(),
        value: format!("http://{address}/greeting"),
    };

    let mut denied = request("http-client-demo");
    denied.capabilities.env = vec![url.clone()];
    let outcome = run(&runtime, denied);
    assert!(
        outcome.stdout.contains("DENIED: outgoing HTTP"),
        "{}",
        outcome.stdout
    );
    let log = outcome.attempts("wasi:http");
    assert_eq!(log[0].interface, "wasi:http/outgoing-handler");
    assert_eq!(log[0].target, format!("GET http://{address}/greeting"));
    assert!(!log[0].allowed);
    assert!(
        requests.try_recv().is_err(),
        "a denied request reached the server"
    );

    let mut granted = request("http-client-demo");
    granted.capabilities.env = vec![url.clone()];
    granted.capabilities.http.allowed = true;
    let outcome = run(&runtime, granted);
    assert!(outcome.stdout.contains("status: 200"), "{}", outcome.stdout);
    assert!(
        outcome.stdout.contains("hello from the test server"),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        requests
            .recv_timeout(Duration::from_secs(30))
            .ok()
            .as_deref(),
        Some("GET /greeting HTTP/1.1")
    );

    // An allow-list that does not name the host denies it.
    let mut listed = request("http-client-demo");
    listed.capabilities.env = vec![url];
    listed.capabilities.http.allowed = true;
    listed.capabilities.http.hosts = vec!["example.com".into()];
    let outcome = run(&runtime, listed);
    assert!(outcome.stdout.contains("DENIED"), "{}", outcome.stdout);
    assert!(requests.try_recv().is_err());
}

#[test]
fn a_guest_looping_on_a_denied_connect_leaves_a_bounded_log_that_counts_the_repeats() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-network");
    req.capabilities.env = vec![
        EnvVar {
            key: "TARGET_ADDR".into(),
            value: "127.0.0.1:9".into(),
        },
        EnvVar {
            key: "ATTEMPTS".into(),
            value: "10000".into(),
        },
    ];
    let outcome = run(&runtime, req);
    assert_eq!(
        outcome.terminal(),
        &RunEvent::Exited { code: 0 },
        "{}",
        outcome.stdout
    );
    let connects: Vec<_> = outcome
        .capabilities()
        .into_iter()
        .filter(|a| a.target == "connect 127.0.0.1:9")
        .collect();
    assert!(connects.iter().all(|a| !a.allowed));
    assert_eq!(connects.iter().map(|a| a.count).sum::<u64>(), 10_000);
    // Repeats are counted while they wait, ~60 batches a second: far fewer events than attempts.
    assert!(connects.len() < 1_000, "{} events", connects.len());
}

#[test]
fn the_environment_arguments_and_stdin_a_guest_reads_are_logged() {
    let (runtime, _cache) = runtime();
    let denied = run(&runtime, request("cli-demo"));
    let attempts = denied.capabilities();
    let find = |attempts: &[&plugboard_core::run::CapabilityAttempt], prefix: &str| {
        attempts
            .iter()
            .find(|a| a.target.starts_with(prefix))
            .map(|a| (a.allowed, a.target.clone(), a.toggle.clone()))
    };
    assert_eq!(
        find(&attempts, "environment"),
        Some((
            false,
            "environment: no variables granted".into(),
            "env".into()
        ))
    );
    assert_eq!(
        find(&attempts, "stdin"),
        Some((false, "stdin: nothing granted".into(), "stdin".into()))
    );
    let mut req = request("cli-demo");
    req.capabilities.env = vec![EnvVar {
        key: "GREETING".into(),
        value: "hello".into(),
    }];
    req.capabilities.args = vec!["one".into()];
    req.capabilities.stdin = StdinSource::Text {
        text: "typed".into(),
    };
    let granted = run(&runtime, req);
    let attempts = granted.capabilities();
    assert_eq!(
        find(&attempts, "environment").map(|a| (a.0, a.1)),
        Some((true, "environment: GREETING".into())),
        "names only, never values"
    );
    assert_eq!(
        find(&attempts, "arguments").map(|a| (a.0, a.1)),
        Some((true, "arguments: one".into()))
    );
    assert_eq!(
        find(&attempts, "stdin").map(|a| (a.0, a.1)),
        Some((true, "stdin: text (5 bytes)".into()))
    );
}
