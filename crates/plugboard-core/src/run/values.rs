//! Values between a form and a guest: JSON as a form builds it → WAVE text for a call, and a
//! result's `Val` → JSON for a pretty display. Formatting lives here so front ends never write
//! WAVE themselves.
//!
//! The JSON shapes, by WIT type: `bool` → `true`/`false`; integers and floats → numbers; `char`
//! and `string` → strings; `list` and `tuple` → arrays; `record` → an object by field name;
//! `enum` → the case name; `flags` → an array of the set flag names; `variant` →
//! `{"case": name, "value": payload}` (no `value` for a case without payload); `option` → `null`
//! for `none`, `{"some": value}` for `some`; `result` → `{"ok": value}` or `{"err": value}`.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use wasmtime::component::Val;
use wasmtime::component::wasm_wave as wave;
use wave::value::{Type, Value as WaveValue};
use wave::wasm::WasmValue;

use crate::inspect::{FunctionInfo, FunctionKind, ParamInfo, TypeShape, names};

/// The WAVE call `name(arg, …)` for `function` with the form's `args`, one per parameter.
///
/// # Errors
/// A message naming the parameter whose value does not fit its type.
pub fn wave_call(function: &FunctionInfo, args: &[Value]) -> Result<String, String> {
    Ok(format!(
        "{}({})",
        function.name,
        wave_arguments(&function.name, &function.params, args)?
    ))
}

/// The WAVE call `resource(arg, …).method(arg, …)` for a resource's `method`, run on a new
/// instance its `constructor` makes from `constructor_args`; `args` are the method's own (its
/// first parameter, the instance, is not among them).
///
/// # Errors
/// A message naming the parameter whose value does not fit its type, or saying `method` is
/// not a method of the resource `constructor` makes.
pub fn wave_method_call(
    constructor: &FunctionInfo,
    constructor_args: &[Value],
    method: &FunctionInfo,
    args: &[Value],
) -> Result<String, String> {
    let resource = match (constructor.kind, &constructor.resource) {
        (FunctionKind::Constructor, Some(resource)) => resource,
        _ => return Err(format!("`{}` is not a constructor", constructor.name)),
    };
    if method.kind != FunctionKind::Method || method.resource.as_ref() != Some(resource) {
        return Err(format!("`{}` is not a method of `{resource}`", method.name));
    }
    Ok(format!(
        "{resource}({}).{}({})",
        wave_arguments(&constructor.name, &constructor.params, constructor_args)?,
        names::item_name(&method.name),
        wave_arguments(
            &method.name,
            method.params.get(1..).unwrap_or_default(),
            args
        )?
    ))
}

/// `args` as WAVE, one per parameter of function `name`, joined by commas.
fn wave_arguments(name: &str, params: &[ParamInfo], args: &[Value]) -> Result<String, String> {
    if args.len() != params.len() {
        return Err(format!(
            "`{name}` takes {} argument(s), the form has {}",
            params.len(),
            args.len()
        ));
    }
    let texts = params
        .iter()
        .zip(args)
        .map(|(param, value)| {
            wave_value(&param.ty.shape, value)
                .map_err(|e| format!("argument `{}` ({}): {e}", param.name, param.ty.wit))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(texts.join(", "))
}

/// One value as WAVE text: the form's JSON made into a [`wave::Value`] of the parameter's type,
/// printed by wasm-wave. A type the form cannot build (a `stream`, a `map`) is given as WAVE text
/// itself, as it is.
///
/// # Errors
/// What does not fit the type.
pub fn wave_value(shape: &TypeShape, value: &Value) -> Result<String, String> {
    if let TypeShape::Other { .. } = shape {
        return value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "expected WAVE text".to_string());
    }
    let built = wave_from_json(shape, value)?;
    wave::to_string(&built).map_err(|e| e.to_string())
}

/// The form's JSON for WAVE `text` of type `shape`: the inverse of [`wave_value`], so a form
/// can be filled back from a saved value (a stub's answer). A type the form cannot build is
/// given back as its WAVE text.
///
/// # Errors
/// Why the text is not a value of the type.
pub fn json_value(shape: &TypeShape, text: &str) -> Result<Value, String> {
    if let TypeShape::Other { .. } = shape {
        return Ok(Value::String(text.to_string()));
    }
    let parsed: WaveValue = wave::from_str(&wave_type(shape)?, text).map_err(|e| e.to_string())?;
    json_from_wave(shape, &parsed)
}

/// A WAVE value of type `shape` as the form's JSON.
fn json_from_wave(shape: &TypeShape, value: &WaveValue) -> Result<Value, String> {
    let number = |n: f64| {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| format!("{n} cannot be typed in the form"))
    };
    let each =
        |shape: &TypeShape,
         items: Box<dyn Iterator<Item = std::borrow::Cow<'_, WaveValue>> + '_>| {
            items
                .map(|item| json_from_wave(shape, &item))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        };
    Ok(match shape {
        TypeShape::Bool => Value::Bool(value.unwrap_bool()),
        TypeShape::U8 => value.unwrap_u8().into(),
        TypeShape::U16 => value.unwrap_u16().into(),
        TypeShape::U32 => value.unwrap_u32().into(),
        TypeShape::U64 => value.unwrap_u64().into(),
        TypeShape::S8 => value.unwrap_s8().into(),
        TypeShape::S16 => value.unwrap_s16().into(),
        TypeShape::S32 => value.unwrap_s32().into(),
        TypeShape::S64 => value.unwrap_s64().into(),
        TypeShape::F32 => number(f64::from(value.unwrap_f32()))?,
        TypeShape::F64 => number(value.unwrap_f64())?,
        TypeShape::Char => Value::String(value.unwrap_char().to_string()),
        TypeShape::String => Value::String(value.unwrap_string().into_owned()),
        TypeShape::List { element, .. } => each(element, value.unwrap_list())?,
        TypeShape::Tuple { items } => Value::Array(
            items
                .iter()
                .zip(value.unwrap_tuple())
                .map(|(shape, item)| json_from_wave(shape, &item))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        TypeShape::Record { fields, .. } => {
            let mut object = Map::new();
            for (name, item) in value.unwrap_record() {
                let field = fields
                    .iter()
                    .find(|f| f.name == name)
                    .ok_or_else(|| format!("no field `{name}`"))?;
                object.insert(name.into_owned(), json_from_wave(&field.shape, &item)?);
            }
            Value::Object(object)
        }
        TypeShape::Enum { .. } => Value::String(value.unwrap_enum().into_owned()),
        TypeShape::Flags { .. } => Value::Array(
            value
                .unwrap_flags()
                .map(|f| Value::String(f.into_owned()))
                .collect(),
        ),
        TypeShape::Variant { cases, .. } => {
            let (name, payload) = value.unwrap_variant();
            let case = cases
                .iter()
                .find(|c| c.name == name)
                .ok_or_else(|| format!("`{name}` is not a case"))?;
            let mut object = Map::new();
            object.insert("case".into(), Value::String(name.into_owned()));
            if let (Some(shape), Some(payload)) = (&case.payload, payload) {
                object.insert("value".into(), json_from_wave(shape, &payload)?);
            }
            Value::Object(object)
        }
        TypeShape::Option { some } => match value.unwrap_option() {
            None => Value::Null,
            Some(inner) => single("some", json_from_wave(some, &inner)?),
        },
        TypeShape::Result { ok, err } => {
            let payload =
                |shape: &Option<Box<TypeShape>>, inner: Option<std::borrow::Cow<'_, WaveValue>>| {
                    match (shape.as_deref(), inner) {
                        (Some(shape), Some(inner)) => json_from_wave(shape, &inner),
                        _ => Ok(Value::Null),
                    }
                };
            match value.unwrap_result() {
                Ok(inner) => single("ok", payload(ok, inner)?),
                Err(inner) => single("err", payload(err, inner)?),
            }
        }
        TypeShape::Handle { .. } | TypeShape::Other { .. } => {
            return Err(wave_type(shape).err().unwrap_or_default());
        }
    })
}

/// The WAVE type of a shape; an error for handles and what WAVE cannot write.
fn wave_type(shape: &TypeShape) -> Result<Type, String> {
    Ok(match shape {
        TypeShape::Bool => Type::BOOL,
        TypeShape::U8 => Type::U8,
        TypeShape::U16 => Type::U16,
        TypeShape::U32 => Type::U32,
        TypeShape::U64 => Type::U64,
        TypeShape::S8 => Type::S8,
        TypeShape::S16 => Type::S16,
        TypeShape::S32 => Type::S32,
        TypeShape::S64 => Type::S64,
        TypeShape::F32 => Type::F32,
        TypeShape::F64 => Type::F64,
        TypeShape::Char => Type::CHAR,
        TypeShape::String => Type::STRING,
        TypeShape::List {
            element,
            length: Some(length),
        } => Type::fixed_length_list(wave_type(element)?, *length),
        TypeShape::List { element, .. } => Type::list(wave_type(element)?),
        TypeShape::Tuple { items } => {
            let items = items.iter().map(wave_type).collect::<Result<Vec<_>, _>>()?;
            Type::tuple(items).ok_or("an empty tuple")?
        }
        TypeShape::Record { fields, .. } => Type::record(
            fields
                .iter()
                .map(|f| Ok((f.name.as_str(), wave_type(&f.shape)?)))
                .collect::<Result<Vec<_>, String>>()?,
        )
        .ok_or("an empty record")?,
        TypeShape::Enum { cases, .. } => {
            Type::enum_ty(cases.iter().map(String::as_str)).ok_or("an empty enum")?
        }
        TypeShape::Flags { flags, .. } => {
            Type::flags(flags.iter().map(String::as_str)).ok_or("empty flags")?
        }
        TypeShape::Variant { cases, .. } => Type::variant(
            cases
                .iter()
                .map(|c| {
                    Ok((
                        c.name.as_str(),
                        c.payload.as_ref().map(wave_type).transpose()?,
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?,
        )
        .ok_or("an empty variant")?,
        TypeShape::Option { some } => Type::option(wave_type(some)?),
        TypeShape::Result { ok, err } => Type::result(
            ok.as_deref().map(wave_type).transpose()?,
            err.as_deref().map(wave_type).transpose()?,
        ),
        TypeShape::Handle { resource, .. } => {
            return Err(format!("a `{resource}` handle cannot be typed in"));
        }
        TypeShape::Other { wit } => return Err(format!("a `{wit}` cannot be typed in")),
    })
}

/// The form's JSON for `shape` as a WAVE value.
fn wave_from_json(shape: &TypeShape, value: &Value) -> Result<WaveValue, String> {
    let typed =
        |made: Result<WaveValue, wave::wasm::WasmValueError>| made.map_err(|e| e.to_string());
    Ok(match shape {
        TypeShape::Bool => WaveValue::make_bool(value.as_bool().ok_or("expected true or false")?),
        TypeShape::U8 => WaveValue::make_u8(whole(value)?),
        TypeShape::U16 => WaveValue::make_u16(whole(value)?),
        TypeShape::U32 => WaveValue::make_u32(whole(value)?),
        TypeShape::U64 => WaveValue::make_u64(whole(value)?),
        TypeShape::S8 => WaveValue::make_s8(whole(value)?),
        TypeShape::S16 => WaveValue::make_s16(whole(value)?),
        TypeShape::S32 => WaveValue::make_s32(whole(value)?),
        TypeShape::S64 => WaveValue::make_s64(whole(value)?),
        // A float32 takes the nearest value a float32 holds, as WAVE text would.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "rounding to f32 is the point"
        )]
        TypeShape::F32 => WaveValue::make_f32(value.as_f64().ok_or("expected a number")? as f32),
        TypeShape::F64 => WaveValue::make_f64(value.as_f64().ok_or("expected a number")?),
        TypeShape::Char => {
            let mut chars = value
                .as_str()
                .map(str::chars)
                .ok_or("expected one character")?;
            match (chars.next(), chars.next()) {
                (Some(c), None) => WaveValue::make_char(c),
                _ => return Err("expected exactly one character".to_string()),
            }
        }
        TypeShape::String => WaveValue::make_string(value.as_str().ok_or("expected text")?.into()),
        TypeShape::List { element, length } => {
            let items = value.as_array().ok_or("expected a list")?;
            if let Some(length) = length
                && items.len() != *length as usize
            {
                return Err(format!("expected {length} items"));
            }
            let items = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    wave_from_json(element, item).map_err(|e| format!("item {}: {e}", i + 1))
                })
                .collect::<Result<Vec<_>, _>>()?;
            typed(WaveValue::make_list(&wave_type(shape)?, items))?
        }
        TypeShape::Tuple { items } => {
            let values = value.as_array().ok_or("expected a tuple (an array)")?;
            if values.len() != items.len() {
                return Err(format!("expected {} items", items.len()));
            }
            let values = items
                .iter()
                .zip(values)
                .map(|(shape, item)| wave_from_json(shape, item))
                .collect::<Result<Vec<_>, _>>()?;
            typed(WaveValue::make_tuple(&wave_type(shape)?, values))?
        }
        TypeShape::Record { fields, .. } => {
            let object = value.as_object().ok_or("expected a record (an object)")?;
            let values = fields
                .iter()
                .map(|field| {
                    let item = object
                        .get(&field.name)
                        .ok_or_else(|| format!("missing field `{}`", field.name))?;
                    let value = wave_from_json(&field.shape, item)
                        .map_err(|e| format!("field `{}`: {e}", field.name))?;
                    Ok((field.name.as_str(), value))
                })
                .collect::<Result<Vec<_>, String>>()?;
            typed(WaveValue::make_record(&wave_type(shape)?, values))?
        }
        TypeShape::Enum { cases, .. } => {
            let case = value.as_str().ok_or("expected a case name")?;
            WaveValue::make_enum(&wave_type(shape)?, case)
                .map_err(|_| format!("`{case}` is not one of {}", cases.join(", ")))?
        }
        TypeShape::Flags { flags, .. } => {
            let set = value.as_array().ok_or("expected a list of flag names")?;
            let names = set
                .iter()
                .map(|f| {
                    f.as_str()
                        .ok_or_else(|| format!("flags are {}", flags.join(", ")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            WaveValue::make_flags(&wave_type(shape)?, names)
                .map_err(|_| format!("flags are {}", flags.join(", ")))?
        }
        TypeShape::Variant { cases, .. } => {
            let object = value
                .as_object()
                .ok_or("expected {\"case\": …, \"value\": …}")?;
            let name = object
                .get("case")
                .and_then(Value::as_str)
                .ok_or("missing `case`")?;
            let case = cases
                .iter()
                .find(|c| c.name == name)
                .ok_or_else(|| format!("`{name}` is not a case"))?;
            let payload = match (&case.payload, object.get("value")) {
                (Some(shape), Some(payload)) => Some(wave_from_json(shape, payload)?),
                (Some(_), None) => return Err(format!("case `{name}` needs a value")),
                (None, _) => None,
            };
            typed(WaveValue::make_variant(&wave_type(shape)?, name, payload))?
        }
        TypeShape::Option { some } => {
            let inner = match value {
                Value::Null => None,
                Value::Object(object) if object.len() == 1 && object.contains_key("some") => {
                    Some(wave_from_json(some, &object["some"])?)
                }
                _ => return Err("expected null (none) or {\"some\": value}".to_string()),
            };
            typed(WaveValue::make_option(&wave_type(shape)?, inner))?
        }
        TypeShape::Result { ok, err } => {
            let object = value
                .as_object()
                .ok_or("expected {\"ok\": …} or {\"err\": …}")?;
            let payload = |shape: &Option<Box<TypeShape>>, value: &Value| {
                shape
                    .as_deref()
                    .map(|shape| wave_from_json(shape, value))
                    .transpose()
            };
            let case = match (object.get("ok"), object.get("err")) {
                (Some(value), None) => Ok(payload(ok, value)?),
                (None, Some(value)) => Err(payload(err, value)?),
                _ => return Err("expected exactly one of ok and err".to_string()),
            };
            typed(WaveValue::make_result(&wave_type(shape)?, case))?
        }
        TypeShape::Handle { .. } | TypeShape::Other { .. } => {
            return Err(wave_type(shape).err().unwrap_or_default());
        }
    })
}

/// A JSON number as an integer of type `T`, or what range it must be in.
fn whole<T>(value: &Value) -> Result<T, String>
where
    T: TryFrom<i64> + TryFrom<u64> + num_traits::Bounded + std::fmt::Display,
{
    let fits = match (value.as_u64(), value.as_i64()) {
        (Some(n), _) => T::try_from(n).ok(),
        (None, Some(n)) => T::try_from(n).ok(),
        _ => None,
    };
    fits.ok_or_else(|| {
        format!(
            "expected a whole number from {} to {}",
            T::min_value(),
            T::max_value()
        )
    })
}

/// How much of a value [`wave_text`] writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cuts {
    /// The longest string written whole; longer ones are cut and their size said.
    pub(crate) string_chars: usize,
    /// The most list items written; the rest are counted.
    pub(crate) list_items: usize,
    /// Roughly the longest text written in all.
    pub(crate) text_bytes: usize,
}

impl Cuts {
    /// For a line in a log (the wire tap): about a kilobyte.
    pub(crate) const BRIEF: Self = Self {
        string_chars: 64,
        list_items: 16,
        text_bytes: 1024,
    };
    /// Everything (an invocation's results).
    pub(crate) const WHOLE: Self = Self {
        string_chars: usize::MAX,
        list_items: usize::MAX,
        text_bytes: usize::MAX,
    };
}

/// Values as WAVE, comma-separated, for a person to read, cut as `cuts` says with the size of
/// what was cut said. What WAVE cannot write is named instead: `<handle>`, `<stream>`,
/// `<future>`, `<error-context>` (wasm-wave panics on them).
pub(crate) fn wave_text(values: &[Val], cuts: Cuts) -> String {
    let mut out = String::new();
    write_items(&mut out, values, usize::MAX, cuts);
    out
}

/// Writes the first `limit` of `values` separated by commas, and how many there are if that
/// is not all of them; stops with `…` once the text is long enough.
fn write_items(out: &mut String, values: &[Val], limit: usize, cuts: Cuts) {
    for (i, value) in values.iter().take(limit).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if out.len() > cuts.text_bytes {
            out.push('…');
            return;
        }
        write_value(out, value, cuts);
    }
    if values.len() > limit {
        let _ = write!(out, ", … ({} items)", values.len());
    }
}

fn write_value(out: &mut String, value: &Val, cuts: Cuts) {
    match value {
        Val::String(text) if text.chars().count() > cuts.string_chars => {
            let cut: String = text.chars().take(cuts.string_chars).collect();
            write_wave(out, &Val::String(cut));
            let _ = write!(out, "… ({} bytes)", text.len());
        }
        Val::List(items) => {
            out.push('[');
            write_items(out, items, cuts.list_items, cuts);
            out.push(']');
        }
        Val::Tuple(items) => {
            out.push('(');
            write_items(out, items, usize::MAX, cuts);
            out.push(')');
        }
        Val::Record(fields) => {
            out.push('{');
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{name}: ");
                write_value(out, value, cuts);
            }
            out.push('}');
        }
        Val::Variant(case, payload) => write_case(out, case, payload.as_deref(), cuts),
        Val::Option(payload) => match payload {
            Some(inner) => write_case(out, "some", Some(inner), cuts),
            None => out.push_str("none"),
        },
        Val::Result(Ok(payload)) => write_case(out, "ok", payload.as_deref(), cuts),
        Val::Result(Err(payload)) => write_case(out, "err", payload.as_deref(), cuts),
        Val::Resource(_) => out.push_str("<handle>"),
        Val::Stream(_) => out.push_str("<stream>"),
        Val::Future(_) => out.push_str("<future>"),
        Val::ErrorContext(_) => out.push_str("<error-context>"),
        other => write_wave(out, other),
    }
}

/// `case`, or `case(payload)`.
fn write_case(out: &mut String, case: &str, payload: Option<&Val>, cuts: Cuts) {
    out.push_str(case);
    if let Some(payload) = payload {
        out.push('(');
        write_value(out, payload, cuts);
        out.push(')');
    }
}

fn write_wave(out: &mut String, value: &Val) {
    match wave::to_string(value) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push('?'),
    }
}

/// A result value as JSON, in the shapes the form uses (see the module docs).
pub(crate) fn json_from_val(value: &Val) -> Value {
    match value {
        Val::Bool(b) => Value::Bool(*b),
        Val::S8(n) => (*n).into(),
        Val::U8(n) => (*n).into(),
        Val::S16(n) => (*n).into(),
        Val::U16(n) => (*n).into(),
        Val::S32(n) => (*n).into(),
        Val::U32(n) => (*n).into(),
        Val::S64(n) => (*n).into(),
        Val::U64(n) => (*n).into(),
        Val::Float32(f) => {
            serde_json::Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number)
        }
        Val::Float64(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Char(c) => Value::String(c.to_string()),
        Val::String(s) => Value::String(s.clone()),
        Val::List(items) | Val::Tuple(items) => {
            Value::Array(items.iter().map(json_from_val).collect())
        }
        Val::Record(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, v)| (name.clone(), json_from_val(v)))
                .collect::<Map<_, _>>(),
        ),
        Val::Variant(case, payload) => {
            let mut object = Map::new();
            object.insert("case".into(), Value::String(case.clone()));
            if let Some(payload) = payload {
                object.insert("value".into(), json_from_val(payload));
            }
            Value::Object(object)
        }
        Val::Enum(case) => Value::String(case.clone()),
        Val::Option(None) => Value::Null,
        Val::Option(Some(v)) => single("some", json_from_val(v)),
        Val::Result(Ok(v)) => single("ok", v.as_deref().map_or(Value::Null, json_from_val)),
        Val::Result(Err(v)) => single("err", v.as_deref().map_or(Value::Null, json_from_val)),
        Val::Flags(names) => Value::Array(names.iter().cloned().map(Value::String).collect()),
        other => Value::String(format!("{other:?}")),
    }
}

fn single(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_string(), value)]))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::inspect::{CaseShape, FieldShape};

    #[test]
    fn saved_wave_fills_the_form_back_as_it_built_it() {
        let shape = TypeShape::Record {
            name: Some("reply".into()),
            fields: vec![
                FieldShape {
                    name: "words".into(),
                    shape: TypeShape::List {
                        element: Box::new(TypeShape::String),
                        length: None,
                    },
                },
                FieldShape {
                    name: "count".into(),
                    shape: TypeShape::Option {
                        some: Box::new(TypeShape::U32),
                    },
                },
                FieldShape {
                    name: "status".into(),
                    shape: TypeShape::Result {
                        ok: None,
                        err: Some(Box::new(TypeShape::Variant {
                            name: None,
                            cases: vec![
                                CaseShape {
                                    name: "busy".into(),
                                    payload: Some(TypeShape::F64),
                                },
                                CaseShape {
                                    name: "gone".into(),
                                    payload: None,
                                },
                            ],
                        })),
                    },
                },
                FieldShape {
                    name: "style".into(),
                    shape: TypeShape::Flags {
                        name: None,
                        flags: vec!["bold".into(), "italic".into()],
                    },
                },
            ],
        };
        let form = json!({
            "words": ["a", "b c"],
            "count": {"some": 7},
            "status": {"err": {"case": "busy", "value": 1.5}},
            "style": ["italic"],
        });
        let wave = wave_value(&shape, &form).expect("to WAVE");
        assert_eq!(json_value(&shape, &wave), Ok(form));
        let empty = json!({"words": [], "count": null, "status": {"ok": null}, "style": []});
        let wave = wave_value(&shape, &empty).expect("to WAVE");
        assert_eq!(json_value(&shape, &wave), Ok(empty));
        assert!(json_value(&TypeShape::U8, "300").is_err());
        assert!(json_value(&TypeShape::String, "unquoted").is_err());
    }

    #[test]
    fn form_values_become_wave() {
        let point = TypeShape::Record {
            name: Some("point".into()),
            fields: vec![
                FieldShape {
                    name: "x".into(),
                    shape: TypeShape::S32,
                },
                FieldShape {
                    name: "y".into(),
                    shape: TypeShape::S32,
                },
            ],
        };
        assert_eq!(
            wave_value(&point, &json!({"x": 1, "y": -2})),
            Ok("{x: 1, y: -2}".into())
        );
        let shape = TypeShape::Variant {
            name: None,
            cases: vec![
                CaseShape {
                    name: "circle".into(),
                    payload: Some(TypeShape::U32),
                },
                CaseShape {
                    name: "dot".into(),
                    payload: None,
                },
            ],
        };
        assert_eq!(
            wave_value(&shape, &json!({"case": "circle", "value": 3})),
            Ok("circle(3)".into())
        );
        assert_eq!(
            wave_value(&shape, &json!({"case": "dot"})),
            Ok("dot".into())
        );
        assert_eq!(
            wave_value(&TypeShape::String, &json!("say \"hi\"\n")),
            Ok(r#""say \"hi\"\n""#.into())
        );
        assert_eq!(wave_value(&TypeShape::F64, &json!(2)), Ok("2".into()));
        assert!(
            wave_value(&TypeShape::U8, &json!(300))
                .expect_err("too large")
                .contains("from 0 to 255")
        );
        let option = TypeShape::Option {
            some: Box::new(TypeShape::Char),
        };
        assert_eq!(wave_value(&option, &json!(null)), Ok("none".into()));
        assert_eq!(
            wave_value(&option, &json!({"some": "z"})),
            Ok("some('z')".into())
        );
        let result = TypeShape::Result {
            ok: Some(Box::new(TypeShape::S64)),
            err: None,
        };
        assert_eq!(wave_value(&result, &json!({"err": null})), Ok("err".into()));
        let flags = TypeShape::Flags {
            name: None,
            flags: vec!["bold".into(), "italic".into()],
        };
        assert_eq!(
            wave_value(&flags, &json!(["italic"])),
            Ok("{italic}".into())
        );
        assert!(wave_value(&TypeShape::U8, &json!(-1)).is_err());
        assert!(
            wave_value(&point, &json!({"x": 1}))
                .expect_err("a field is missing")
                .contains("missing field `y`")
        );
    }

    #[test]
    fn result_values_become_json() {
        let value = Val::Result(Ok(Some(Box::new(Val::Record(vec![(
            "x".into(),
            Val::S32(3),
        )])))));
        assert_eq!(json_from_val(&value), json!({"ok": {"x": 3}}));
        assert_eq!(json_from_val(&Val::Option(None)), json!(null));
        assert_eq!(
            json_from_val(&Val::Flags(vec!["bold".into()])),
            json!(["bold"])
        );
    }

    #[test]
    fn values_read_as_wave_with_long_ones_cut_and_their_size_said() {
        let long = "x".repeat(1000);
        let values = [
            Val::String("hi".into()),
            Val::U32(7),
            Val::String(long),
            Val::List((0..100).map(Val::U8).collect()),
            Val::Record(vec![
                ("name".into(), Val::String("fruit".into())),
                ("size".into(), Val::Option(Some(Box::new(Val::U32(2))))),
            ]),
            Val::Result(Err(Some(Box::new(Val::Enum("denied".into()))))),
        ];
        let text = wave_text(&values, Cuts::BRIEF);
        assert!(text.starts_with(r#""hi", 7, "xxxx"#), "{text}");
        assert!(text.contains("x\"… (1000 bytes)"), "{text}");
        assert!(
            text.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, … (100 items)]"),
            "{text}"
        );
        assert!(text.contains(r#"{name: "fruit", size: some(2)}"#), "{text}");
        assert!(text.ends_with("err(denied)"), "{text}");
    }

    #[test]
    fn a_huge_value_takes_about_a_kilobyte() {
        let nested = Val::List(
            (0..16)
                .map(|_| Val::List((0..16).map(|_| Val::String("y".repeat(60))).collect()))
                .collect(),
        );
        let text = wave_text(&[nested.clone(), nested], Cuts::BRIEF);
        assert!(
            text.len() < Cuts::BRIEF.text_bytes + 200,
            "{} bytes",
            text.len()
        );
        assert!(text.contains('…'));
    }
}
