//! Values between a form and a guest: JSON as a form builds it → WAVE text for a call, and a
//! result's `Val` → JSON for a pretty display. Formatting lives here so front ends never write
//! WAVE themselves.
//!
//! The JSON shapes, by WIT type: `bool` → `true`/`false`; integers and floats → numbers; `char`
//! and `string` → strings; `list` and `tuple` → arrays; `record` → an object by field name;
//! `enum` → the case name; `flags` → an array of the set flag names; `variant` →
//! `{"case": name, "value": payload}` (no `value` for a case without payload); `option` → `null`
//! for `none`, `{"some": value}` for `some`; `result` → `{"ok": value}` or `{"err": value}`.

use serde_json::{Map, Value};
use wasmtime::component::Val;

use crate::inspect::{FunctionInfo, ParamInfo, TypeShape};

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
    let resource = constructor
        .name
        .strip_prefix("[constructor]")
        .ok_or_else(|| format!("`{}` is not a constructor", constructor.name))?;
    let name = method
        .name
        .strip_prefix(&format!("[method]{resource}."))
        .ok_or_else(|| format!("`{}` is not a method of `{resource}`", method.name))?;
    Ok(format!(
        "{resource}({}).{name}({})",
        wave_arguments(&constructor.name, &constructor.params, constructor_args)?,
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

/// One value as WAVE text.
///
/// # Errors
/// What does not fit the type.
pub fn wave_value(shape: &TypeShape, value: &Value) -> Result<String, String> {
    match shape {
        TypeShape::Bool => value
            .as_bool()
            .map(|b| b.to_string())
            .ok_or_else(|| "expected true or false".to_string()),
        TypeShape::U8 | TypeShape::U16 | TypeShape::U32 | TypeShape::U64 => value
            .as_u64()
            .map(|n| n.to_string())
            .ok_or_else(|| "expected a whole number ≥ 0".to_string()),
        TypeShape::S8 | TypeShape::S16 | TypeShape::S32 | TypeShape::S64 => value
            .as_i64()
            .map(|n| n.to_string())
            .ok_or_else(|| "expected a whole number".to_string()),
        TypeShape::F32 | TypeShape::F64 => value
            .as_f64()
            .map(|f| {
                let text = f.to_string();
                if text.contains(['.', 'e', 'N', 'i']) {
                    text
                } else {
                    format!("{text}.0")
                }
            })
            .ok_or_else(|| "expected a number".to_string()),
        TypeShape::Char => match value.as_str().map(|s| s.chars().collect::<Vec<_>>()) {
            Some(chars) if chars.len() == 1 => {
                Ok(format!("'{}'", escape(&chars[0].to_string(), '\'')))
            }
            _ => Err("expected exactly one character".to_string()),
        },
        TypeShape::String => value
            .as_str()
            .map(|s| format!("\"{}\"", escape(s, '"')))
            .ok_or_else(|| "expected text".to_string()),
        TypeShape::List { element, .. } => {
            let items = value.as_array().ok_or("expected a list")?;
            let texts = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    wave_value(element, item).map_err(|e| format!("item {}: {e}", i + 1))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", texts.join(", ")))
        }
        TypeShape::Tuple { items } => {
            let values = value.as_array().ok_or("expected a tuple (an array)")?;
            if values.len() != items.len() {
                return Err(format!("expected {} items", items.len()));
            }
            let texts = items
                .iter()
                .zip(values)
                .map(|(shape, item)| wave_value(shape, item))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("({})", texts.join(", ")))
        }
        TypeShape::Record { fields, .. } => {
            let object = value.as_object().ok_or("expected a record (an object)")?;
            let texts = fields
                .iter()
                .map(|field| {
                    let item = object
                        .get(&field.name)
                        .ok_or_else(|| format!("missing field `{}`", field.name))?;
                    let text = wave_value(&field.shape, item)
                        .map_err(|e| format!("field `{}`: {e}", field.name))?;
                    Ok(format!("{}: {text}", label(&field.name)))
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(format!("{{{}}}", texts.join(", ")))
        }
        TypeShape::Enum { cases, .. } => {
            let case = value.as_str().ok_or("expected a case name")?;
            if cases.iter().any(|c| c == case) {
                Ok(label(case))
            } else {
                Err(format!("`{case}` is not one of {}", cases.join(", ")))
            }
        }
        TypeShape::Flags { flags, .. } => {
            let set = value.as_array().ok_or("expected a list of flag names")?;
            let names = set
                .iter()
                .map(|f| match f.as_str() {
                    Some(name) if flags.iter().any(|known| known == name) => Ok(label(name)),
                    _ => Err(format!("flags are {}", flags.join(", "))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("{{{}}}", names.join(", ")))
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
            match (&case.payload, object.get("value")) {
                (Some(shape), Some(payload)) => {
                    Ok(format!("{}({})", label(name), wave_value(shape, payload)?))
                }
                (Some(_), None) => Err(format!("case `{name}` needs a value")),
                (None, _) => Ok(label(name)),
            }
        }
        TypeShape::Option { some } => match value {
            Value::Null => Ok("none".to_string()),
            Value::Object(object) if object.len() == 1 && object.contains_key("some") => {
                Ok(format!("some({})", wave_value(some, &object["some"])?))
            }
            _ => Err("expected null (none) or {\"some\": value}".to_string()),
        },
        TypeShape::Result { ok, err } => {
            let object = value
                .as_object()
                .ok_or("expected {\"ok\": …} or {\"err\": …}")?;
            let (case, payload, shape) = match (object.get("ok"), object.get("err")) {
                (Some(payload), None) => ("ok", payload, ok),
                (None, Some(payload)) => ("err", payload, err),
                _ => return Err("expected exactly one of ok and err".to_string()),
            };
            match shape {
                Some(shape) => Ok(format!("{case}({})", wave_value(shape, payload)?)),
                None => Ok(case.to_string()),
            }
        }
        TypeShape::Handle { resource, .. } => {
            Err(format!("a `{resource}` handle cannot be typed in"))
        }
        TypeShape::Other { .. } => value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "expected WAVE text".to_string()),
    }
}

/// A WIT label as WAVE writes it: `%`-escaped when it is a WAVE keyword.
fn label(name: &str) -> String {
    const KEYWORDS: &[&str] = &["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    if KEYWORDS.contains(&name) {
        format!("%{name}")
    } else {
        name.to_string()
    }
}

/// `text` with quotes, backslashes and control characters escaped for a WAVE literal.
fn escape(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
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
        assert_eq!(wave_value(&TypeShape::F64, &json!(2)), Ok("2.0".into()));
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
}
