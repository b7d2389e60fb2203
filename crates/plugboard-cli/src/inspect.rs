//! `plugboard inspect`.

use std::path::Path;

use anyhow::{Result, bail};
use plugboard_core::inspect::{
    ComponentInfo, ComponentRole, InnerGraph, Port, PortKind, inner_graph, inspect_file,
    read_component,
};

use crate::output::{counted, human_size};

/// Prints what `input` (a file, or a registry reference) is, read from `file` (the reference's
/// cached copy).
pub fn run(input: &Path, file: &Path, json: bool, wit: bool, graph: bool) -> Result<u8> {
    if graph {
        let (bytes, _) = read_component(file)?;
        let Some(graph) = inner_graph(&bytes)? else {
            bail!(
                "`{}` is not a composition: it instantiates no component inside it",
                input.display()
            );
        };
        if json {
            println!("{}", serde_json::to_string_pretty(&graph)?);
        } else {
            print!("{}", graph_text(&graph, &bytes));
        }
        return Ok(0);
    }
    let info = inspect_file(file)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&info)?);
    } else if wit {
        print!("{}", info.wit);
    } else {
        print!("{}", summary(input, &info));
    }
    Ok(0)
}

/// A composition's inside, one instance at a time: what each import is given.
fn graph_text(graph: &InnerGraph, bytes: &[u8]) -> String {
    let source = |from: &Option<(usize, String)>| match from {
        Some((instance, export)) => graph
            .instances
            .get(*instance)
            .map_or_else(String::new, |i| format!("{}: {export}", i.name)),
        None => "the host (an import of the composition)".to_string(),
    };
    let mut out = format!("{} instances inside:\n", graph.instances.len());
    for instance in &graph.instances {
        let size = bytes.get(instance.range.clone()).map_or(0, <[u8]>::len) as u64;
        out.push_str(&format!(
            "\n{} (inner component {}, {})\n",
            instance.name,
            instance.component + 1,
            human_size(size)
        ));
        let (wired, hosted): (Vec<_>, Vec<_>) =
            instance.args.iter().partition(|a| a.from.is_some());
        for arg in wired {
            out.push_str(&format!("  {} ← {}\n", arg.import, source(&arg.from)));
        }
        if !hosted.is_empty() {
            out.push_str(&format!(
                "  + {} from the host (imports of the composition)\n",
                counted(hosted.len(), "import")
            ));
        }
    }
    out.push_str("\nexports:\n");
    for export in &graph.exports {
        out.push_str(&format!("  {} ← {}\n", export.name, source(&export.from)));
    }
    out
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
