//! Invoke sessions: one instance kept between calls, so what one call makes (a resource's
//! handle) the calls after it can use. The owner sends lines of WAVE; each is answered with an
//! event, and the handles in a call's results are named for the lines that follow:
//!
//! ```text
//! b = bucket("fruit")       the constructor of `bucket`; its handle is named `b`
//! b.set("apple", "red")     a method on `b`
//! size-of(b)                a handle as an argument: lent if borrowed, handed over if owned
//! bucket.find("fruit")      a static function; a handle it returns is named `bucket1`
//! drop b                    the provider's destructor runs
//! ```
//!
//! Streams and futures in results are read to their end, as an invocation's are. A line that
//! does not fit is refused and the session goes on. A trap ends the session (the
//! component model forbids entering an instance that trapped), as do Stop, a limit (the timeout
//! applies to each call) and closing it; closing drops the handles still held, so their
//! destructors run.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{Mutex, mpsc};
use wasmtime::Store;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::wasm_wave::ast::Node;
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Component, Instance, ResourceAny, ResourceType, Type, Val};

use super::collect::{Collected, collect};
use super::context::{Guarded, RunContext};
use super::events::{HeldHandle, RunEvent};
use super::host::HostState;
use super::invoke::{Failure, Target, exported_func, find, split_call, type_name};
use super::outcome;
use super::values::{Cuts, json_from_val, wave_text};
use crate::inspect::names;

/// How many lines may wait for the session before a sender waits too.
const QUEUED_LINES: usize = 64;

/// The owner's end of a session: the lines to run, in order. Dropping every copy closes the
/// session.
#[derive(Debug, Clone)]
pub struct SessionCalls(mpsc::Sender<String>);

/// The session's end of the lines, handed to the run as [`super::Operation::Session`].
#[derive(Debug, Clone)]
pub struct SessionLines(Arc<Mutex<mpsc::Receiver<String>>>);

impl SessionCalls {
    /// A session's two ends.
    pub fn channel() -> (Self, SessionLines) {
        let (sender, receiver) = mpsc::channel(QUEUED_LINES);
        (Self(sender), SessionLines(Arc::new(Mutex::new(receiver))))
    }

    /// Queues `line`, waiting while many wait already. False once the session is over.
    pub async fn send(&self, line: String) -> bool {
        self.0.send(line).await.is_ok()
    }

    /// Queues `line`, blocking this thread while many wait (not inside an async runtime).
    /// False once the session is over.
    pub fn blocking_send(&self, line: String) -> bool {
        self.0.blocking_send(line).is_ok()
    }
}

/// Runs a session on the job's root until its owner closes it, it is stopped, or a call ends it.
pub(crate) async fn session(mut ctx: RunContext, lines: SessionLines) -> RunEvent {
    let prepared = match ctx.prepare().await {
        Ok(prepared) => prepared,
        Err(error) => return outcome::failed(error),
    };
    let mut store = match ctx.store(&prepared) {
        Ok(store) => store,
        Err(error) => return outcome::failed(error),
    };
    ctx.queue.push(RunEvent::Started);
    let fuel = ctx.limits.fuel;
    let instance = match ctx.guard(prepared.instantiate(&mut store)).await {
        Guarded::Done(Ok(instance)) => instance,
        Guarded::Done(Err(error)) => return outcome::of_error(&error, fuel),
        Guarded::Stopped => return RunEvent::Stopped,
        Guarded::TimedOut(after_ms) => return RunEvent::TimedOut { after_ms },
    };
    let root = prepared.root();
    let mut session = Session {
        resources: exported_resources(root.component(), root.engine(), &instance, &mut store),
        component: root.component().clone(),
        engine: root.engine().clone(),
        instance,
        held: Vec::new(),
        made: 0,
    };
    let mut lines = lines.0.lock().await;
    let mut stop = ctx.stop_signal();
    loop {
        // Stop wins over a close that comes at the same moment.
        let line = tokio::select! {
            biased;
            () = stop.stopped() => return RunEvent::Stopped,
            line = lines.recv() => line,
        };
        let Some(line) = line else { break };
        let parsed = match Line::parse(&line) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => continue,
            Err(message) => {
                ctx.queue.push(RunEvent::Refused {
                    call: line.clone(),
                    message,
                });
                continue;
            }
        };
        match ctx.guard(session.answer(&mut store, &line, parsed)).await {
            Guarded::Done(Ok(event)) => ctx.queue.push(event),
            Guarded::Done(Err(Failure::Usage(message))) => ctx.queue.push(RunEvent::Refused {
                call: line,
                message,
            }),
            Guarded::Done(Err(Failure::Guest(error))) => return outcome::of_error(&error, fuel),
            Guarded::Stopped => return RunEvent::Stopped,
            Guarded::TimedOut(after_ms) => return RunEvent::TimedOut { after_ms },
        }
    }
    let dropped = u32::try_from(session.held.len()).unwrap_or(u32::MAX);
    match ctx.guard(session.drop_all(&mut store)).await {
        Guarded::Done(Ok(())) => RunEvent::Closed { dropped },
        Guarded::Done(Err(error)) => outcome::of_error(&error, fuel),
        Guarded::Stopped => RunEvent::Stopped,
        Guarded::TimedOut(after_ms) => RunEvent::TimedOut { after_ms },
    }
}

/// One instance and the handles its calls returned.
struct Session {
    component: Component,
    engine: wasmtime::Engine,
    instance: Instance,
    resources: Vec<Exported>,
    /// Oldest first.
    held: Vec<Held>,
    /// Handles named so far, for fresh names.
    made: usize,
}

/// A resource type the root exports, by name.
struct Exported {
    ty: ResourceType,
    name: String,
    interface: Option<String>,
}

/// A handle the session holds.
struct Held {
    name: String,
    handle: ResourceAny,
    /// The exported resource it is of; `None` for one the component imports.
    resource: Option<(String, Option<String>)>,
}

impl Held {
    fn view(&self) -> HeldHandle {
        let (resource, interface) = match &self.resource {
            Some((resource, interface)) => (Some(resource.clone()), interface.clone()),
            None => (None, None),
        };
        HeldHandle {
            name: self.name.clone(),
            resource,
            interface,
        }
    }
}

impl Session {
    /// Runs one line; `Failure::Usage` when it does not fit (then nothing ran).
    async fn answer(
        &mut self,
        store: &mut Store<HostState>,
        text: &str,
        line: Line<'_>,
    ) -> Result<RunEvent, Failure> {
        match line {
            Line::Drop(name) => {
                let held = self.take(name)?;
                held.handle
                    .resource_drop_async(&mut *store)
                    .await
                    .map_err(Failure::Guest)?;
                Ok(self.answered(text, Vec::new()))
            }
            Line::Call(call) => self.call(store, text, &call).await,
        }
    }

    async fn call(
        &mut self,
        store: &mut Store<HostState>,
        text: &str,
        call: &Call<'_>,
    ) -> Result<RunEvent, Failure> {
        if let Some(name) = call.bind {
            self.check_fresh(name)?;
        }
        let (target, receiver) = self.resolve(call)?;
        let func = exported_func(store, &self.instance, &target)?;
        let ty = func.ty(&*store);
        let params: Vec<(String, Type)> = ty
            .params()
            .skip(usize::from(receiver.is_some()))
            .map(|(name, ty)| (name.to_string(), ty))
            .collect();
        let result_types: Vec<Type> = ty.results().collect();
        if let Some(name) = call.bind
            && !result_types.iter().any(holds_handle)
        {
            return Err(Failure::Usage(format!(
                "`{}` returns no handle to name `{name}`",
                target.describe()
            )));
        }
        let (arguments, handed_over) = self
            .arguments(call.arguments, &params)
            .map_err(|e| Failure::Usage(format!("{}: {e}", signature(&target, &params))))?;
        let values: Vec<Val> = receiver.into_iter().chain(arguments).collect();
        // An owned handle passed in is the callee's from now on.
        self.held.retain(|held| !handed_over.contains(&held.name));
        let mut results = vec![Val::Bool(false); result_types.len()];
        func.call_async(&mut *store, &values, &mut results)
            .await
            .map_err(Failure::Guest)?;
        let collected = collect(store, &results, &result_types)
            .await
            .map_err(Failure::Guest)?;
        let mut bind = call.bind.map(str::to_string);
        let shown: Vec<(String, Value)> = results
            .iter()
            .zip(collected)
            .map(|(value, collected)| match collected {
                Some(Collected { text, json }) => (text, json),
                None => {
                    let value = self.name_handles(value, &mut bind);
                    (
                        wave_text(std::slice::from_ref(&value), Cuts::WHOLE),
                        json_from_val(&value),
                    )
                }
            })
            .collect();
        Ok(self.answered(text, shown))
    }

    /// The function a call names, and the handle it is a method of.
    fn resolve(&self, call: &Call<'_>) -> Result<(Target, Option<Val>), Failure> {
        let usage = Failure::Usage;
        match call.receiver {
            Some(receiver) => match self.held.iter().find(|h| h.name == receiver) {
                Some(held) => {
                    let Some((resource, interface)) = &held.resource else {
                        return Err(usage(format!(
                            "`{receiver}` is a handle of a resource this component imports: it \
                             can be passed on and dropped, not called"
                        )));
                    };
                    let method = names::method(resource, call.function);
                    let name = match interface {
                        Some(interface) => names::qualified(interface, &method),
                        None => method,
                    };
                    let target = find(&self.component, &self.engine, &name).map_err(|_| {
                        usage(format!(
                            "`{receiver}` is a `{resource}`, which has no method `{}`",
                            call.function
                        ))
                    })?;
                    Ok((target, Some(Val::Resource(held.handle))))
                }
                None => {
                    let name = names::static_function(receiver, call.function);
                    let target = find(&self.component, &self.engine, &name).map_err(|_| {
                        usage(format!(
                            "`{receiver}` names no handle of this session ({}) and no resource \
                             with a static function `{}`",
                            self.held_names(),
                            call.function
                        ))
                    })?;
                    Ok((target, None))
                }
            },
            None => match find(&self.component, &self.engine, call.function) {
                Ok(target) => Ok((target, None)),
                // A resource's name calls its constructor.
                Err(message) => find(
                    &self.component,
                    &self.engine,
                    &names::constructor(call.function),
                )
                .map(|target| (target, None))
                .map_err(|_| usage(message)),
            },
        }
    }

    /// The values of a call's WAVE arguments, handles named by the session taken from it, and
    /// the names of the owned handles passed (handed over to the callee).
    fn arguments(
        &self,
        text: &str,
        params: &[(String, Type)],
    ) -> Result<(Vec<Val>, Vec<String>), String> {
        let source = format!("call({text})");
        let parsed = UntypedFuncCall::parse(&source)
            .map_err(|e| format!("the arguments are not valid WAVE: {e}"))?;
        let nodes: Vec<&Node> = match parsed.params_node() {
            Some(node) => node.as_tuple().map_err(|e| e.to_string())?.collect(),
            None => Vec::new(),
        };
        if nodes.len() > params.len() {
            return Err(format!(
                "{} arguments given, {} taken",
                nodes.len(),
                params.len()
            ));
        }
        let mut values = Vec::with_capacity(params.len());
        let mut handed_over = Vec::new();
        for (i, (name, ty)) in params.iter().enumerate() {
            let value = match (nodes.get(i), ty) {
                (Some(node), Type::Own(_) | Type::Borrow(_)) => {
                    let label = node.as_enum(parsed.source()).map_err(|_| {
                        format!("`{name}` takes a handle: write the name this session gave it")
                    })?;
                    let held = self.held.iter().find(|h| h.name == label).ok_or_else(|| {
                        format!(
                            "no handle `{label}` in this session ({})",
                            self.held_names()
                        )
                    })?;
                    if matches!(ty, Type::Own(_)) {
                        handed_over.push(held.name.clone());
                    }
                    Val::Resource(held.handle)
                }
                (Some(node), _) => node
                    .to_wasm_value::<Val>(ty, parsed.source())
                    .map_err(|e| format!("`{name}`: {e}"))?,
                (None, Type::Option(_)) => Val::Option(None),
                (None, _) => return Err(format!("`{name}` is missing")),
            };
            values.push(value);
        }
        Ok((values, handed_over))
    }

    /// `value` as the session shows it: each handle in it held and written as its name (the
    /// first one named `bind`, if given).
    fn name_handles(&mut self, value: &Val, bind: &mut Option<String>) -> Val {
        match value {
            Val::Resource(handle) => {
                let resource = self
                    .resources
                    .iter()
                    .find(|r| r.ty == handle.ty())
                    .map(|r| (r.name.clone(), r.interface.clone()));
                self.made += 1;
                let name = bind.take().unwrap_or_else(|| {
                    let stem = resource
                        .as_ref()
                        .map_or("handle", |(name, _)| name.as_str());
                    self.fresh_name(stem)
                });
                self.held.push(Held {
                    name: name.clone(),
                    handle: *handle,
                    resource,
                });
                Val::Enum(name)
            }
            Val::List(items) => Val::List(self.name_all(items, bind)),
            Val::Tuple(items) => Val::Tuple(self.name_all(items, bind)),
            Val::Record(fields) => Val::Record(
                fields
                    .iter()
                    .map(|(name, v)| (name.clone(), self.name_handles(v, bind)))
                    .collect(),
            ),
            Val::Variant(case, payload) => Val::Variant(
                case.clone(),
                payload
                    .as_deref()
                    .map(|v| Box::new(self.name_handles(v, bind))),
            ),
            Val::Option(payload) => Val::Option(
                payload
                    .as_deref()
                    .map(|v| Box::new(self.name_handles(v, bind))),
            ),
            Val::Result(result) => Val::Result(match result {
                Ok(v) => Ok(v.as_deref().map(|v| Box::new(self.name_handles(v, bind)))),
                Err(v) => Err(v.as_deref().map(|v| Box::new(self.name_handles(v, bind)))),
            }),
            other => other.clone(),
        }
    }

    fn name_all(&mut self, items: &[Val], bind: &mut Option<String>) -> Vec<Val> {
        items.iter().map(|v| self.name_handles(v, bind)).collect()
    }

    /// `stem` and the first number that makes a name no handle has.
    fn fresh_name(&self, stem: &str) -> String {
        (self.made..)
            .map(|n| format!("{stem}{n}"))
            .find(|name| self.held.iter().all(|h| &h.name != name))
            .unwrap_or_else(|| stem.to_string())
    }

    fn check_fresh(&self, name: &str) -> Result<(), Failure> {
        if self.held.iter().any(|h| h.name == name) {
            return Err(Failure::Usage(format!(
                "`{name}` names a handle already: drop it first, or choose another name"
            )));
        }
        Ok(())
    }

    fn take(&mut self, name: &str) -> Result<Held, Failure> {
        let at = self
            .held
            .iter()
            .position(|h| h.name == name)
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "no handle `{name}` in this session ({})",
                    self.held_names()
                ))
            })?;
        Ok(self.held.remove(at))
    }

    fn held_names(&self) -> String {
        if self.held.is_empty() {
            return "it holds none".to_string();
        }
        let names: Vec<&str> = self.held.iter().map(|h| h.name.as_str()).collect();
        format!("it holds {}", names.join(", "))
    }

    /// Drops every handle still held, newest first.
    async fn drop_all(&mut self, store: &mut Store<HostState>) -> wasmtime::Result<()> {
        while let Some(held) = self.held.pop() {
            held.handle.resource_drop_async(&mut *store).await?;
        }
        Ok(())
    }

    /// The answer to `call`: its results as text and JSON, and the handles held now.
    fn answered(&self, call: &str, shown: Vec<(String, Value)>) -> RunEvent {
        let (results, values) = shown.into_iter().unzip();
        RunEvent::Answered {
            call: call.to_string(),
            results,
            values,
            handles: self.held.iter().map(Held::view).collect(),
        }
    }
}

/// The resource types `instance` exports, at the top level or in an exported interface.
fn exported_resources(
    component: &Component,
    engine: &wasmtime::Engine,
    instance: &Instance,
    store: &mut Store<HostState>,
) -> Vec<Exported> {
    let mut found = Vec::new();
    for (export, item) in component.component_type().exports(engine) {
        match item.ty {
            ComponentItem::Resource(_) => {
                if let Some(ty) = instance.get_resource(&mut *store, export) {
                    found.push(Exported {
                        ty,
                        name: export.to_string(),
                        interface: None,
                    });
                }
            }
            ComponentItem::ComponentInstance(inner) => {
                let Some(parent) = instance.get_export_index(&mut *store, None, export) else {
                    continue;
                };
                for (name, item) in inner.exports(engine) {
                    if !matches!(item.ty, ComponentItem::Resource(_)) {
                        continue;
                    }
                    let ty = instance
                        .get_export_index(&mut *store, Some(&parent), name)
                        .and_then(|index| instance.get_resource(&mut *store, index));
                    if let Some(ty) = ty {
                        found.push(Exported {
                            ty,
                            name: name.to_string(),
                            interface: Some(export.to_string()),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a value of `ty` can hold a handle.
fn holds_handle(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) => true,
        Type::List(list) => holds_handle(&list.ty()),
        Type::Option(option) => holds_handle(&option.ty()),
        Type::Result(result) => {
            result.ok().is_some_and(|t| holds_handle(&t))
                || result.err().is_some_and(|t| holds_handle(&t))
        }
        Type::Record(record) => record.fields().any(|field| holds_handle(&field.ty)),
        Type::Tuple(tuple) => tuple.types().any(|t| holds_handle(&t)),
        Type::Variant(variant) => variant
            .cases()
            .any(|case| case.ty.is_some_and(|t| holds_handle(&t))),
        _ => false,
    }
}

/// `iface#f(a: string, b: u32)`, for messages about arguments.
fn signature(target: &Target, params: &[(String, Type)]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|(name, ty)| format!("{name}: {}", type_name(ty)))
        .collect();
    format!(
        "arguments of `{}({})`",
        target.describe(),
        params.join(", ")
    )
}

/// One line of a session, as written.
#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    /// `drop NAME`.
    Drop(&'a str),
    Call(Call<'a>),
}

/// `[NAME =] [HANDLE.]function(arguments)`.
#[derive(Debug, PartialEq, Eq)]
struct Call<'a> {
    bind: Option<&'a str>,
    receiver: Option<&'a str>,
    function: &'a str,
    arguments: &'a str,
}

impl<'a> Line<'a> {
    /// The line `text` writes; `None` for an empty line or a `#` comment.
    fn parse(text: &'a str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            return Ok(None);
        }
        if let Some(name) = text.strip_prefix("drop ") {
            let name = name.trim();
            return if is_handle_name(name) {
                Ok(Some(Self::Drop(name)))
            } else {
                Err(format!("`{name}` is not a handle's name: write `drop b`"))
            };
        }
        let not_a_call = || {
            format!(
                "`{text}` is not a call: write a function and its WAVE arguments (`reverse(\"abc\")`), \
                 a method of a handle (`b.get(\"key\")`), `NAME = …` to name the handle a call \
                 returns, or `drop NAME`"
            )
        };
        let (bind, rest) = match text.split_once('=') {
            Some((before, after)) if !before.contains('(') => {
                let name = before.trim();
                if !is_handle_name(name) {
                    return Err(format!(
                        "`{name}` cannot name a handle: use lowercase words joined by `-`, like \
                         `b` or `my-bucket`"
                    ));
                }
                (Some(name), after.trim())
            }
            _ => (None, text),
        };
        let (name, arguments, tail) = split_call(rest).ok_or_else(not_a_call)?;
        if !tail.trim().is_empty() {
            return Err(not_a_call());
        }
        let (receiver, function) = match name.split_once('.') {
            Some((receiver, function)) if is_handle_name(receiver) => (Some(receiver), function),
            _ => (None, name),
        };
        Ok(Some(Self::Call(Call {
            bind,
            receiver,
            function,
            arguments,
        })))
    }
}

/// Whether `name` can name a handle: a WAVE label (lowercase words of letters and digits joined
/// by `-`), and not a word WAVE reserves for values.
fn is_handle_name(name: &str) -> bool {
    const RESERVED: [&str; 8] = ["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    let words_fit = name.split('-').all(|word| {
        word.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    words_fit && !RESERVED.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call<'a>(
        bind: Option<&'a str>,
        receiver: Option<&'a str>,
        function: &'a str,
        arguments: &'a str,
    ) -> Option<Line<'a>> {
        Some(Line::Call(Call {
            bind,
            receiver,
            function,
            arguments,
        }))
    }

    #[test]
    fn lines_are_calls_methods_bindings_and_drops() {
        assert_eq!(
            Line::parse(r#"b = bucket("a=b")"#),
            Ok(call(Some("b"), None, "bucket", r#""a=b""#))
        );
        assert_eq!(
            Line::parse(r#" b.set("k", "v") "#),
            Ok(call(None, Some("b"), "set", r#""k", "v""#))
        );
        assert_eq!(
            Line::parse(r#"reverse("x = y")"#),
            Ok(call(None, None, "reverse", r#""x = y""#))
        );
        assert_eq!(
            Line::parse("example:kv/store@0.1.0#drops()"),
            Ok(call(None, None, "example:kv/store@0.1.0#drops", ""))
        );
        assert_eq!(
            Line::parse("drop my-bucket"),
            Ok(Some(Line::Drop("my-bucket")))
        );
        assert_eq!(Line::parse("  # a comment"), Ok(None));
        assert!(Line::parse("B = f()").is_err());
        assert!(Line::parse("none = f()").is_err());
        assert!(Line::parse("drop 1").is_err());
        assert!(Line::parse("f(1) g()").is_err());
        assert!(Line::parse("b.get").is_err());
    }
}
