//! `plugboard inspect`.

use std::path::Path;

use anyhow::Result;
use plugboard_core::inspect::{ComponentInfo, ComponentRole, Port, PortKind, inspect_file};

use crate::output::human_size;

pub fn run(file: &Path, json: bool, wit: bool) -> Result<u8> {
    let info = inspect_file(file)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&info)?);
    } else if wit {
        print!("{}", info.wit);
    } else {
        print!("{}", summary(file, &info));
    }
    Ok(0)
}

/// A readable summary: what the file is, then each port with its functions.
fn summary(file: &Path, info: &ComponentInfo) -> String {
    let role = match info.role {
        ComponentRole::Command => "command (runs with `plugboard run`)",
        ComponentRole::HttpProxy => "HTTP proxy (serve with `plugboard serve`)",
        ComponentRole::Library => "library (call with `plugboard invoke`)",
    };
    let mut out = format!(
        "{}: {}, {}\nsha256 {}\n",
        file.display(),
        role,
        human_size(info.size),
        info.sha256
    );
    if let Some(world) = &info.world {
        out.push_str(&format!("world {world}\n"));
    }
    for (title, ports) in [("imports", &info.imports), ("exports", &info.exports)] {
        out.push_str(&format!("\n{title} ({}):\n", ports.len()));
        for port in ports {
            out.push_str(&port_lines(port));
        }
    }
    out
}

fn port_lines(port: &Port) -> String {
    let kind = match port.kind {
        PortKind::Interface if port.wasi => "WASI interface",
        PortKind::Interface => "interface",
        PortKind::Function => "function",
        PortKind::Type => "type",
        PortKind::Instance => "instance",
        PortKind::Component => "component",
    };
    let mut out = format!("  {}  [{kind}]\n", port.name);
    if port.kind != PortKind::Function {
        for function in &port.functions {
            out.push_str(&format!("      {}\n", function.signature));
        }
    }
    out
}
