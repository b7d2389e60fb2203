//! Probes what the host grants this component: a TCP connect, an environment variable, a
//! directory listing — each answered with this component's own grants.

wit_bindgen::generate!({
    path: "../../wit/probe",
    world: "net-probe",
});

use exports::example::probe::probe::Guest;

struct Component;

impl Guest for Component {
    fn connect(address: String) -> Result<(), String> {
        std::net::TcpStream::connect(&address)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn env(name: String) -> Option<String> {
        std::env::var(name).ok()
    }

    fn list_dir(path: String) -> Result<Vec<String>, String> {
        let entries = std::fs::read_dir(&path).map_err(|e| e.to_string())?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }
}

export!(Component);
