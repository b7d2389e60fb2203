//! A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution server,
//! installed by `scripts/setup.sh`) on a free loopback port, its storage in a temporary folder,
//! stopped when dropped. Shared by the engine's and the CLI's tests.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A running registry.
pub struct RegistryServer {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    _storage: TempDir,
}

impl RegistryServer {
    /// A registry anyone may pull from and push to.
    pub fn start() -> Self {
        Self::start_with("")
    }

    /// A registry that asks for the user `plugboard` (password `secret`) on every request.
    pub fn start_with_sign_in() -> Self {
        let htpasswd = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plugboard-core/tests/data/registry/htpasswd");
        Self::start_with(&format!(
            "auth: {{htpasswd: {{realm: plugboard-tests, path: {}}}}}\n",
            htpasswd.display()
        ))
    }

    fn start_with(extra: &str) -> Self {
        let storage = TempDir::new().expect("registry storage");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let address = format!("127.0.0.1:{port}");
        let config = storage.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {}}}}}\n\
                 http: {{addr: {address}}}\n{extra}",
                storage.path().join("data").display()
            ),
        )
        .expect("registry config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry runs (scripts/setup.sh installs it: apt-get install docker-registry)");
        let server = Self {
            child,
            address,
            _storage: storage,
        };
        server.wait_until_serving();
        server
    }

    /// Waits for the registry to answer `/v2/` (any status): it is then ready.
    fn wait_until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.status("/v2/").is_none() {
            assert!(
                Instant::now() < deadline,
                "the registry on {} did not start",
                self.address
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The HTTP status of a GET of `path`, if the registry answers.
    pub fn status(&self, path: &str) -> Option<u16> {
        let mut stream = TcpStream::connect(&self.address).ok()?;
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n",
            self.address
        )
        .ok()?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).ok()?;
        std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
    }
}

impl Drop for RegistryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
