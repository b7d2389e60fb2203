//! The structure of WIT value types, resolved through aliases, so a front end can build an input
//! form for any parameter without knowing WIT.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use wit_parser::{Handle, Resolve, Type, TypeDefKind};

/// The structure of a WIT value type. Named types keep their name; aliases are followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export)]
pub enum TypeShape {
    /// `bool`
    Bool,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `s8`
    S8,
    /// `s16`
    S16,
    /// `s32`
    S32,
    /// `s64`
    S64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `char`
    Char,
    /// `string`
    String,
    /// `list<T>` (and `list<T, N>`, with its fixed `length`).
    List {
        /// The element type.
        element: Box<TypeShape>,
        /// The fixed length of a `list<T, N>`.
        length: Option<u32>,
    },
    /// `record name { fields }`
    Record {
        /// The record's name.
        name: Option<String>,
        /// Its fields in order.
        fields: Vec<FieldShape>,
    },
    /// `tuple<A, B, …>`
    Tuple {
        /// The element types in order.
        items: Vec<TypeShape>,
    },
    /// `variant name { cases }`
    Variant {
        /// The variant's name.
        name: Option<String>,
        /// Its cases in order.
        cases: Vec<CaseShape>,
    },
    /// `enum name { cases }`
    Enum {
        /// The enum's name.
        name: Option<String>,
        /// Its case names in order.
        cases: Vec<String>,
    },
    /// `flags name { flags }`
    Flags {
        /// The flags type's name.
        name: Option<String>,
        /// Its flag names in order.
        flags: Vec<String>,
    },
    /// `option<T>`
    Option {
        /// The type inside `some`.
        some: Box<TypeShape>,
    },
    /// `result<T, E>`
    Result {
        /// The `ok` payload, if any.
        ok: Option<Box<TypeShape>>,
        /// The `err` payload, if any.
        err: Option<Box<TypeShape>>,
    },
    /// A handle to a resource (`own<r>` or `borrow<r>`): cannot be typed in by hand.
    Handle {
        /// The resource's name.
        resource: String,
        /// `true` for `borrow<r>`.
        borrowed: bool,
    },
    /// Anything else (`map`, `future`, `stream`, `error-context`): entered as WAVE text.
    Other {
        /// The type as WIT writes it.
        wit: String,
    },
}

/// A named field of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldShape {
    /// The field's name.
    pub name: String,
    /// The field's type.
    pub shape: TypeShape,
}

/// A case of a variant, with its payload type if it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseShape {
    /// The case's name.
    pub name: String,
    /// The payload's type, if the case carries one.
    pub payload: Option<TypeShape>,
}

/// Resolves `ty` into its [`TypeShape`]; `render` spells a type as WIT for the `Other` fallback.
pub(crate) fn shape_of(
    resolve: &Resolve,
    ty: &Type,
    render: &dyn Fn(&Type) -> String,
) -> TypeShape {
    let shape = |t: &Type| shape_of(resolve, t, render);
    match ty {
        Type::Bool => TypeShape::Bool,
        Type::U8 => TypeShape::U8,
        Type::U16 => TypeShape::U16,
        Type::U32 => TypeShape::U32,
        Type::U64 => TypeShape::U64,
        Type::S8 => TypeShape::S8,
        Type::S16 => TypeShape::S16,
        Type::S32 => TypeShape::S32,
        Type::S64 => TypeShape::S64,
        Type::F32 => TypeShape::F32,
        Type::F64 => TypeShape::F64,
        Type::Char => TypeShape::Char,
        Type::String => TypeShape::String,
        Type::ErrorContext => TypeShape::Other { wit: render(ty) },
        Type::Id(id) => {
            let def = &resolve.types[*id];
            let name = def.name.clone();
            match &def.kind {
                TypeDefKind::Type(inner) => shape(inner),
                TypeDefKind::Record(r) => TypeShape::Record {
                    name,
                    fields: r
                        .fields
                        .iter()
                        .map(|f| FieldShape {
                            name: f.name.clone(),
                            shape: shape(&f.ty),
                        })
                        .collect(),
                },
                TypeDefKind::Tuple(t) => TypeShape::Tuple {
                    items: t.types.iter().map(shape).collect(),
                },
                TypeDefKind::Variant(v) => TypeShape::Variant {
                    name,
                    cases: v
                        .cases
                        .iter()
                        .map(|c| CaseShape {
                            name: c.name.clone(),
                            payload: c.ty.as_ref().map(shape),
                        })
                        .collect(),
                },
                TypeDefKind::Enum(e) => TypeShape::Enum {
                    name,
                    cases: e.cases.iter().map(|c| c.name.clone()).collect(),
                },
                TypeDefKind::Flags(f) => TypeShape::Flags {
                    name,
                    flags: f.flags.iter().map(|f| f.name.clone()).collect(),
                },
                TypeDefKind::Option(t) => TypeShape::Option {
                    some: Box::new(shape(t)),
                },
                TypeDefKind::Result(r) => TypeShape::Result {
                    ok: r.ok.as_ref().map(|t| Box::new(shape(t))),
                    err: r.err.as_ref().map(|t| Box::new(shape(t))),
                },
                TypeDefKind::List(t) => TypeShape::List {
                    element: Box::new(shape(t)),
                    length: None,
                },
                TypeDefKind::FixedLengthList(t, n) => TypeShape::List {
                    element: Box::new(shape(t)),
                    length: Some(*n),
                },
                TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => TypeShape::Handle {
                    resource: resolve.types[*r].name.clone().unwrap_or_default(),
                    borrowed: matches!(def.kind, TypeDefKind::Handle(Handle::Borrow(_))),
                },
                TypeDefKind::Resource => TypeShape::Handle {
                    resource: name.unwrap_or_default(),
                    borrowed: false,
                },
                TypeDefKind::Map(..)
                | TypeDefKind::Future(_)
                | TypeDefKind::Stream(_)
                | TypeDefKind::Unknown => TypeShape::Other { wit: render(ty) },
            }
        }
    }
}
