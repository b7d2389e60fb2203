//! Calling one exported function with WAVE arguments.

use wasmtime::Engine;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::wasm_wave::{self, untyped::UntypedFuncCall};
use wasmtime::component::{Component, Val};

use super::RunError;
use super::events::RunEvent;
use super::outcome;
use super::runtime::{Guarded, RunContext};
use super::values::json_from_val;

/// An exported function found by name: the instance export it is in (if any) and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    instance: Option<String>,
    function: String,
}

impl Target {
    fn describe(&self) -> String {
        match &self.instance {
            Some(instance) => format!("{instance}#{}", self.function),
            None => self.function.clone(),
        }
    }
}

pub(crate) async fn invoke(mut ctx: RunContext, call: String) -> RunEvent {
    match start(&mut ctx, &call).await {
        Ok(event) | Err(event) => event,
    }
}

async fn start(ctx: &mut RunContext, call: &str) -> Result<RunEvent, RunEvent> {
    let bad = |message: String| outcome::failed(RunError::Invoke { message });
    // WAVE names are plain labels; a qualified name (`iface#func`) is split off before parsing.
    let Some((name, arguments)) = call.split_once('(') else {
        return Err(bad(format!(
            "`{call}` is not a call: write the function and its WAVE arguments, like `reverse(\"abc\")`"
        )));
    };
    let name = name.trim();
    let wave = format!("call({arguments}");
    let parsed = UntypedFuncCall::parse(&wave)
        .map_err(|e| bad(format!("the arguments of `{call}` are not valid WAVE: {e}")))?;
    let prepared = ctx.prepare().await.map_err(outcome::failed)?;
    let root = prepared.root();
    let target = find(root.component(), root.engine(), name).map_err(bad)?;
    let mut store = ctx.store(&prepared).map_err(outcome::failed)?;
    ctx.queue.push(RunEvent::Started);
    let fuel = ctx.limits.fuel;
    let result = ctx
        .guard(async {
            let instance = prepared
                .instantiate(&mut store)
                .await
                .map_err(Failure::Guest)?;
            let parent = match &target.instance {
                Some(name) => Some(
                    instance
                        .get_export_index(&mut store, None, name)
                        .ok_or_else(|| Failure::Usage(format!("no export `{name}`")))?,
                ),
                None => None,
            };
            let func = instance
                .get_export_index(&mut store, parent.as_ref(), &target.function)
                .and_then(|index| instance.get_func(&mut store, index))
                .ok_or_else(|| {
                    Failure::Usage(format!("`{}` is not a function", target.describe()))
                })?;
            let ty = func.ty(&store);
            let param_types: Vec<_> = ty.params().map(|(_, t)| t).collect();
            let signature = ty
                .params()
                .map(|(name, t)| format!("{name}: {}", type_name(&t)))
                .collect::<Vec<_>>()
                .join(", ");
            let params: Vec<Val> = parsed.to_wasm_params(param_types.iter()).map_err(|e| {
                Failure::Usage(format!(
                    "arguments of `{}({signature})`: {e}",
                    target.describe()
                ))
            })?;
            let mut results = vec![Val::Bool(false); ty.results().len()];
            func.call_async(&mut store, &params, &mut results)
                .await
                .map_err(Failure::Guest)?;
            let texts = results
                .iter()
                .map(|value| wasm_wave::to_string(value).map_err(|e| Failure::Usage(e.to_string())))
                .collect::<Result<Vec<String>, Failure>>()?;
            Ok((texts, results.iter().map(json_from_val).collect()))
        })
        .await;
    Ok(match result {
        Guarded::Done(Ok((results, values))) => RunEvent::Returned { results, values },
        Guarded::Done(Err(Failure::Usage(message))) => bad(message),
        Guarded::Done(Err(Failure::Guest(error))) => outcome::of_error(&error, fuel),
        Guarded::Stopped => RunEvent::Stopped,
        Guarded::TimedOut(after_ms) => RunEvent::TimedOut { after_ms },
    })
}

enum Failure {
    Usage(String),
    Guest(wasmtime::Error),
}

/// Finds the exported function `name`: plain (`reverse`), or qualified by its interface
/// (`operations#reverse`, `example:stringoperations/operations@0.1.0#reverse`).
fn find(component: &Component, engine: &Engine, name: &str) -> Result<Target, String> {
    let mut all = Vec::new();
    for (export, item) in component.component_type().exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(_) => all.push(Target {
                instance: None,
                function: export.to_string(),
            }),
            ComponentItem::ComponentInstance(instance) => {
                for (function, item) in instance.exports(engine) {
                    if matches!(item.ty, ComponentItem::ComponentFunc(_)) {
                        all.push(Target {
                            instance: Some(export.to_string()),
                            function: function.to_string(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    let (wanted_instance, wanted_function) = match name.rsplit_once('#') {
        Some((instance, function)) => (Some(instance), function),
        None => (None, name),
    };
    let matches: Vec<&Target> = all
        .iter()
        .filter(|t| t.function == wanted_function)
        .filter(|t| match (wanted_instance, &t.instance) {
            (None, _) => true,
            (Some(wanted), Some(instance)) => {
                instance == wanted || interface_name(instance) == Some(wanted)
            }
            (Some(_), None) => false,
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!(
            "no exported function `{name}`; the exported functions are: {}",
            list(&all)
        )),
        several => Err(format!(
            "`{name}` is ambiguous; name one of: {}",
            several
                .iter()
                .map(|t| t.describe())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `operations` for `example:stringoperations/operations@0.1.0`.
fn interface_name(instance: &str) -> Option<&str> {
    let after = instance.split_once('/')?.1;
    after.split('@').next()
}

fn list(targets: &[Target]) -> String {
    if targets.is_empty() {
        return "none".to_string();
    }
    targets
        .iter()
        .map(Target::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short spelling of a value type for messages.
fn type_name(ty: &wasmtime::component::Type) -> String {
    use wasmtime::component::Type;
    match ty {
        Type::Bool => "bool".into(),
        Type::S8 => "s8".into(),
        Type::U8 => "u8".into(),
        Type::S16 => "s16".into(),
        Type::U16 => "u16".into(),
        Type::S32 => "s32".into(),
        Type::U32 => "u32".into(),
        Type::S64 => "s64".into(),
        Type::U64 => "u64".into(),
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::List(list) => format!("list<{}>", type_name(&list.ty())),
        Type::Option(option) => format!("option<{}>", type_name(&option.ty())),
        Type::Record(_) => "record".into(),
        Type::Tuple(_) => "tuple".into(),
        Type::Variant(_) => "variant".into(),
        Type::Enum(_) => "enum".into(),
        Type::Result(_) => "result".into(),
        Type::Flags(_) => "flags".into(),
        _ => "value".into(),
    }
}
