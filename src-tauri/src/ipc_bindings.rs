//! The window's typed command wrappers, `ui/src/ipc/bindings/commands.ts`, generated from the
//! `#[tauri::command]` functions in `commands/`: each command's name, its arguments (all but the
//! managed state, in the camelCase Tauri expects) and its result, typed as ts-rs names the types
//! beside it. `cargo test` writes the file; CI fails when the committed one differs.
//!
//! Why a generator of our own: tauri-specta would generate commands and types together, but only
//! with every IPC type moved from ts-rs to specta's derive (two derive systems on the same types
//! are what the project rules out), on release-candidate versions. The commands' signatures are
//! plain, so reading them with syn takes one screen.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// Arguments Tauri fills in itself, which the window does not pass.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow"];

/// One command as the window calls it.
struct Command {
    name: String,
    docs: Vec<String>,
    args: Vec<(String, String)>,
    result: String,
}

/// The TypeScript of a Rust argument or result type; our own types keep their names (ts-rs
/// exports each under its Rust name) and are added to `used`.
fn typescript(ty: &Type, used: &mut BTreeSet<String>) -> String {
    let path = match ty {
        Type::Path(path) => path,
        Type::Tuple(tuple) if tuple.elems.is_empty() => return "null".to_string(),
        Type::Reference(reference) => return typescript(&reference.elem, used),
        _ => panic!("a command type the generator does not know"),
    };
    let Some(last) = path.path.segments.last() else {
        panic!("an empty type path");
    };
    let inner: Vec<&Type> = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let name = last.ident.to_string();
    match (name.as_str(), inner.as_slice()) {
        // The error is always an AppError, which `call` turns into an EngineError.
        ("Result", [ok, ..]) => typescript(ok, used),
        ("Option", [t]) => format!("{} | null", typescript(t, used)),
        ("Vec", [t]) => format!("Array<{}>", typescript(t, used)),
        ("Channel", [t]) => format!("Channel<{}>", typescript(t, used)),
        ("String" | "str" | "PathBuf", _) => "string".to_string(),
        ("bool", _) => "boolean".to_string(),
        ("u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f64", _) => "number".to_string(),
        (own, []) => {
            used.insert(own.to_string());
            own.to_string()
        }
        (other, _) => panic!("a command type the generator does not know: `{other}<…>`"),
    }
}

/// `project_path` → `projectPath`, as Tauri names arguments by default.
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn is_command(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let segments: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segments == ["tauri", "command"]
    })
}

/// A function's doc comment, its first paragraph.
fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .take_while(|line| !line.is_empty())
        .collect()
}

/// Every command in the `.rs` files of `dir`, by file then position.
fn commands(dir: &Path, used: &mut BTreeSet<String>) -> Vec<Command> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the commands folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let parsed = syn::parse_file(&text).expect("the commands parse");
        for item in parsed.items {
            let Item::Fn(function) = item else { continue };
            if !is_command(&function.attrs) {
                continue;
            }
            let mut args = Vec::new();
            for input in &function.sig.inputs {
                let FnArg::Typed(typed) = input else { continue };
                let Pat::Ident(ident) = &*typed.pat else {
                    panic!("a command argument that is not a plain name");
                };
                let injected = matches!(&*typed.ty, Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| INJECTED.contains(&s.ident.to_string().as_str())));
                if !injected {
                    args.push((
                        camel_case(&ident.ident.to_string()),
                        typescript(&typed.ty, used),
                    ));
                }
            }
            let result = match &function.sig.output {
                ReturnType::Default => "null".to_string(),
                ReturnType::Type(_, ty) => typescript(ty, used),
            };
            found.push(Command {
                name: function.sig.ident.to_string(),
                docs: docs(&function.attrs),
                args,
                result,
            });
        }
    }
    found
}

/// The TypeScript module of `commands`.
fn module(commands: &[Command], used: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "// Generated by `cargo test` (src-tauri/src/ipc_bindings.rs) from the app's\n\
         // #[tauri::command]s. Do not edit this file manually.\n\n\
         import type { Channel } from \"@tauri-apps/api/core\";\n\n",
    );
    for name in used {
        let _ = writeln!(out, "import type {{ {name} }} from \"./{name}\";");
    }
    out.push_str(
        "\n/** Calls one command by name (Tauri's `invoke`, with the app's error handling). */\n\
         export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;\n\n\
         /** Every command of the app, typed, calling `invoke`. */\n\
         export function commands(invoke: Invoke) {\n  return {\n",
    );
    for command in commands {
        if !command.docs.is_empty() {
            let _ = writeln!(out, "    /** {} */", command.docs.join(" "));
        }
        let params: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        let names: Vec<&str> = command.args.iter().map(|(name, _)| name.as_str()).collect();
        let call_args = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        let _ = writeln!(
            out,
            "    {}: ({}) => invoke<{}>(\"{}\"{}),",
            camel_case(&command.name),
            params.join(", "),
            command.result,
            command.name,
            call_args
        );
    }
    out.push_str("  };\n}\n");
    out
}

#[test]
fn export_command_bindings() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    let found = commands(&here.join("src/commands"), &mut used);
    assert!(found.len() >= 20, "found {} commands", found.len());
    let text = module(&found, &used);
    let target = here.join("../ui/src/ipc/bindings/commands.ts");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&target, text).expect("the bindings folder is writable");
    }
}

#[test]
fn rust_types_read_as_typescript() {
    let mut used = BTreeSet::new();
    let ty = |text: &str| syn::parse_str::<Type>(text).expect("a type");
    let mut ts = |text: &str| typescript(&ty(text), &mut used);
    assert_eq!(ts("Option<PathBuf>"), "string | null");
    assert_eq!(ts("Result<Vec<NodeLoad>, AppError>"), "Array<NodeLoad>");
    assert_eq!(ts("Result<(), AppError>"), "null");
    assert_eq!(ts("Channel<RunEvent>"), "Channel<RunEvent>");
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        ["NodeLoad", "RunEvent"]
    );
    assert_eq!(camel_case("project_path"), "projectPath");
}
