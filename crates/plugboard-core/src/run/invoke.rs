//! Calling one exported function with WAVE arguments.

use wasmtime::Engine;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Component, Val};

use super::RunError;
use super::collect::{Collected, collect};
use super::context::{Guarded, RunContext};
use super::events::RunEvent;
use super::outcome;
use super::values::{Cuts, json_from_val, wave_text};
use crate::inspect::names;

/// An exported function found by name: the instance export it is in (if any) and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    instance: Option<String>,
    function: String,
}

impl Target {
    pub(super) fn describe(&self) -> String {
        match &self.instance {
            Some(instance) => names::qualified(instance, &self.function),
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
    let written = Written::parse(call).map_err(bad)?;
    let prepared = ctx.prepare().await.map_err(outcome::failed)?;
    let root = prepared.root();
    // WAVE names are plain labels: each function is resolved here, its arguments parsed as WAVE.
    let waves: Vec<(String, String)> = written
        .steps()
        .into_iter()
        .map(|(name, arguments)| (name, format!("call({arguments})")))
        .collect();
    let steps = waves
        .iter()
        .map(|(name, wave)| {
            let parsed = UntypedFuncCall::parse(wave)
                .map_err(|e| format!("the arguments of `{call}` are not valid WAVE: {e}"))?;
            Ok((find(root.component(), root.engine(), name)?, parsed))
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(bad)?;
    let mut store = ctx.store(&prepared).map_err(outcome::failed)?;
    ctx.queue.push(RunEvent::Started);
    let fuel = ctx.limits.fuel;
    let result = ctx
        .guard(async {
            let instance = prepared
                .instantiate(&mut store)
                .await
                .map_err(Failure::Guest)?;
            // A method's first argument is the instance its resource's constructor just made.
            let mut receiver: Option<Val> = None;
            let mut results = Vec::new();
            let mut result_types = Vec::new();
            for (target, parsed) in &steps {
                let func = exported_func(&mut store, &instance, target)?;
                let ty = func.ty(&store);
                let mut params: Vec<Val> = receiver.take().into_iter().collect();
                let typed: Vec<_> = ty.params().skip(params.len()).collect();
                let signature = typed
                    .iter()
                    .map(|(name, t)| format!("{name}: {}", type_name(t)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let values = parsed
                    .to_wasm_params(typed.iter().map(|(_, t)| t))
                    .map_err(|e| {
                        Failure::Usage(format!(
                            "arguments of `{}({signature})`: {e}",
                            target.describe()
                        ))
                    })?;
                params.extend(values);
                result_types = ty.results().collect();
                results = vec![Val::Bool(false); result_types.len()];
                func.call_async(&mut store, &params, &mut results)
                    .await
                    .map_err(Failure::Guest)?;
                receiver = results.first().cloned();
            }
            // Streams and futures are read to their end while the guest writes them.
            let collected = collect(&mut store, &results, &result_types)
                .await
                .map_err(Failure::Guest)?;
            Ok(results
                .iter()
                .zip(collected)
                .map(|(value, collected)| match collected {
                    Some(Collected { text, json }) => (text, json),
                    None => (result_text(value), json_from_val(value)),
                })
                .unzip())
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

/// The exported function `target` of `instance`.
pub(super) fn exported_func(
    store: &mut wasmtime::Store<super::host::HostState>,
    instance: &wasmtime::component::Instance,
    target: &Target,
) -> Result<wasmtime::component::Func, Failure> {
    let parent = match &target.instance {
        Some(name) => Some(
            instance
                .get_export_index(&mut *store, None, name)
                .ok_or_else(|| Failure::Usage(format!("no export `{name}`")))?,
        ),
        None => None,
    };
    instance
        .get_export_index(&mut *store, parent.as_ref(), &target.function)
        .and_then(|index| instance.get_func(&mut *store, index))
        .ok_or_else(|| Failure::Usage(format!("`{}` is not a function", target.describe())))
}

/// A result as WAVE text, whole; what WAVE cannot write named (a resource lives only as long as
/// the call).
fn result_text(value: &Val) -> String {
    wave_text(std::slice::from_ref(value), Cuts::WHOLE)
}

/// A call as written: `f(args)`, or `r(args).m(args)` — method `m` of a new instance of
/// resource `r`, made by its constructor with the first arguments (an invocation keeps no
/// instance between calls, so a method runs on one made for it).
#[derive(Debug, PartialEq, Eq)]
struct Written<'a> {
    name: &'a str,
    arguments: &'a str,
    method: Option<(&'a str, &'a str)>,
}

impl<'a> Written<'a> {
    fn parse(call: &'a str) -> Result<Self, String> {
        let not_a_call = || {
            format!(
                "`{call}` is not a call: write the function and its WAVE arguments, like \
                 `reverse(\"abc\")`, or a resource's constructor and a method, like \
                 `tally(5).add(3)`"
            )
        };
        let (name, arguments, rest) = split_call(call).ok_or_else(not_a_call)?;
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Self {
                name,
                arguments,
                method: None,
            });
        }
        let (method, method_arguments, tail) = rest
            .strip_prefix('.')
            .and_then(split_call)
            .ok_or_else(not_a_call)?;
        if !tail.trim().is_empty() {
            return Err(not_a_call());
        }
        Ok(Self {
            name,
            arguments,
            method: Some((method, method_arguments)),
        })
    }

    /// The functions to call in order, each with its WAVE arguments: the function; or the
    /// resource's constructor, then the method (both qualified as the resource is).
    fn steps(&self) -> Vec<(String, &'a str)> {
        let Some((method, method_arguments)) = self.method else {
            return vec![(self.name.to_string(), self.arguments)];
        };
        let (interface, resource) = names::split_qualified(self.name);
        let name = |function: String| match interface {
            Some(interface) => names::qualified(interface, &function),
            None => function,
        };
        vec![
            (name(names::constructor(resource)), self.arguments),
            (name(names::method(resource, method)), method_arguments),
        ]
    }
}

/// `name(arguments)rest`: the name, the text between the parentheses, and what follows. The
/// closing parenthesis is found past nested brackets and string and character literals.
pub(super) fn split_call(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find('(')?;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (at, c) in text.char_indices().skip_while(|(at, _)| *at < open) {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let name = text[..open].trim();
                    return (!name.is_empty())
                        .then(|| (name, &text[open + 1..at], &text[at + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Why a call did not return: it does not fit (nothing ran), or the guest failed.
pub(super) enum Failure {
    Usage(String),
    Guest(wasmtime::Error),
}

/// Finds the exported function `name`: plain (`reverse`), or qualified by its interface
/// (`operations#reverse`, `example:stringoperations/operations@0.1.0#reverse`).
pub(super) fn find(component: &Component, engine: &Engine, name: &str) -> Result<Target, String> {
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
    let (wanted_instance, wanted_function) = names::split_qualified(name);
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
pub(super) fn type_name(ty: &wasmtime::component::Type) -> String {
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
        Type::Own(_) | Type::Borrow(_) => "handle".into(),
        _ => "value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_split_past_brackets_and_literals() {
        assert_eq!(
            split_call(r#"reverse(").(")"#),
            Some(("reverse", r#"").(""#, ""))
        );
        assert_eq!(
            split_call("f([1, (2)], {a: ')'}, '\\'') rest"),
            Some(("f", "[1, (2)], {a: ')'}, '\\''", " rest"))
        );
        assert_eq!(split_call("f(1"), None);
        assert_eq!(split_call("(1)"), None);
        assert_eq!(split_call("f(1))"), Some(("f", "1", ")")));
    }

    #[test]
    fn a_method_call_is_its_constructor_then_the_method() {
        let written = Written::parse("iface#tally(5).add(3)").expect("parses");
        assert_eq!(
            written.steps(),
            [
                ("iface#[constructor]tally".to_string(), "5"),
                ("iface#[method]tally.add".to_string(), "3"),
            ]
        );
        assert!(Written::parse("f(1) g(2)").is_err());
        assert!(Written::parse("tally(1).add(2).add(3)").is_err());
    }
}
