//! A component's skeleton: the same component with every core module's code replaced by stubs
//! and its data and custom sections left out.
//!
//! The WIT of a component depends only on its types, imports and exports, so decoding the
//! skeleton gives the same WIT while skipping almost all of an 18 MB Python or JavaScript
//! component (its interpreter's code and data). The code section is stepped over, not read.

use wasm_encoder::{
    CodeSection, Component, ComponentSection, Function, Instruction, Module, RawSection,
};
use wasmparser::{Chunk, Parser, Payload};

use super::InspectError;

/// The skeleton of the component `bytes`. Errors carry offsets into `bytes`.
pub(crate) fn skeleton(bytes: &[u8]) -> Result<Vec<u8>, InspectError> {
    strip_component(bytes, 0)
}

/// The custom section that names, in a skeleton, the component it stands for.
const ORIGIN: &str = "plugboard:origin";

/// The skeleton of `bytes`, tagged with `key` (the hash of `bytes`, or another name only they
/// have), so that a composition built from skeletons can have the real components put back (see
/// [`origin`]). Two components with the same types but different code thus never have the same
/// skeleton.
pub(crate) fn tagged_skeleton(bytes: &[u8], key: &str) -> Result<Vec<u8>, InspectError> {
    let mut skeleton = skeleton(bytes)?;
    wasm_encoder::CustomSection {
        name: ORIGIN.into(),
        data: key.as_bytes().into(),
    }
    .append_to_component(&mut skeleton);
    Ok(skeleton)
}

/// The key of the component a tagged skeleton stands for, if `component` is one.
pub(crate) fn origin(component: &[u8]) -> Option<String> {
    Parser::new(0)
        .parse_all(component)
        .find_map(|payload| match payload {
            Ok(Payload::CustomSection(section)) if section.name() == ORIGIN => {
                String::from_utf8(section.data().to_vec()).ok()
            }
            _ => None,
        })
}

/// Walks one component whose bytes are `whole`, found at offset `base` of the original.
fn strip_component(whole: &[u8], base: u64) -> Result<Vec<u8>, InspectError> {
    let mut out = Component::new();
    let mut parser = Parser::new(base);
    let mut pos = 0;
    loop {
        let (payload, consumed) = next(&mut parser, whole, pos, base)?;
        pos += consumed;
        match payload {
            Payload::Version { .. } => {}
            Payload::ModuleSection {
                unchecked_range, ..
            } => {
                let id = wasm_encoder::ComponentSectionId::CoreModule;
                pos = nested(&mut out, id, whole, base, &unchecked_range, strip_module)?;
            }
            Payload::ComponentSection {
                unchecked_range, ..
            } => {
                let id = wasm_encoder::ComponentSectionId::Component;
                pos = nested(&mut out, id, whole, base, &unchecked_range, strip_component)?;
            }
            Payload::End(_) => return Ok(out.finish()),
            other => copy(&mut out, &other, whole, base)?,
        }
    }
}

/// Strips the nested module or component at `range` with `strip`, adds it to `out` as a section
/// of kind `id`, and returns where the enclosing component continues.
fn nested(
    out: &mut Component,
    id: wasm_encoder::ComponentSectionId,
    whole: &[u8],
    base: u64,
    range: &std::ops::Range<u64>,
    strip: fn(&[u8], u64) -> Result<Vec<u8>, InspectError>,
) -> Result<usize, InspectError> {
    let stripped = strip(slice(whole, base, range)?, range.start)?;
    out.section(&RawSection {
        id: id as u8,
        data: &stripped,
    });
    Ok((range.end - base) as usize)
}

/// Walks one core module: its code becomes one `unreachable` stub per function (valid for any
/// signature), its data, data count and custom sections are dropped, the rest is kept as is.
fn strip_module(whole: &[u8], base: u64) -> Result<Vec<u8>, InspectError> {
    let mut out = Module::new();
    let mut parser = Parser::new(base);
    let mut pos = 0;
    loop {
        let (payload, consumed) = next(&mut parser, whole, pos, base)?;
        pos += consumed;
        match payload {
            Payload::Version { .. }
            | Payload::DataSection(_)
            | Payload::DataCountSection { .. }
            | Payload::CustomSection(_) => {}
            Payload::CodeSectionStart { count, size, .. } => {
                let mut code = CodeSection::new();
                for _ in 0..count {
                    let mut stub = Function::new([]);
                    stub.instruction(&Instruction::Unreachable);
                    stub.instruction(&Instruction::End);
                    code.function(&stub);
                }
                out.section(&code);
                parser.skip_section();
                pos += size as usize;
            }
            Payload::End(_) => return Ok(out.finish()),
            other => {
                if let Some((id, range)) = other.as_section() {
                    out.section(&RawSection {
                        id,
                        data: slice(whole, base, &range)?,
                    });
                }
            }
        }
    }
}

/// The next payload of `whole` at `pos` (all of it is there: a missing byte is an error).
fn next<'a>(
    parser: &mut Parser,
    whole: &'a [u8],
    pos: usize,
    base: u64,
) -> Result<(Payload<'a>, usize), InspectError> {
    let rest = whole.get(pos..).unwrap_or_default();
    match parser.parse(rest, true) {
        Ok(Chunk::Parsed { consumed, payload }) => Ok((payload, consumed)),
        // `eof` is true, so the parser reports a truncation as an error instead; keep the
        // promise anyway rather than panic.
        Ok(Chunk::NeedMoreData(_)) => Err(truncated(whole, base)),
        Err(e) => Err(InspectError::from_reader(&e)),
    }
}

/// Copies a component-level section byte for byte.
fn copy(
    out: &mut Component,
    payload: &Payload<'_>,
    whole: &[u8],
    base: u64,
) -> Result<(), InspectError> {
    if let Some((id, range)) = payload.as_section() {
        out.section(&RawSection {
            id,
            data: slice(whole, base, &range)?,
        });
    }
    Ok(())
}

/// The bytes of an absolute `range` of the original inside `whole` (which starts at `base`).
fn slice<'a>(
    whole: &'a [u8],
    base: u64,
    range: &std::ops::Range<u64>,
) -> Result<&'a [u8], InspectError> {
    let start = range.start.saturating_sub(base) as usize;
    let end = range.end.saturating_sub(base) as usize;
    whole.get(start..end).ok_or_else(|| truncated(whole, base))
}

fn truncated(whole: &[u8], base: u64) -> InspectError {
    InspectError::Truncated {
        offset: (base + whole.len() as u64) as usize,
    }
}
