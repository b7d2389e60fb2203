//! Why an export does not fit an import, item by item: both sides' WIT, and the first item that
//! differs — a version that is not semver-compatible, a type or function one side lacks, a field,
//! case or parameter that changed, a result of another type. wac-graph's subtype check decides
//! whether a wire fits; this only explains a refusal in terms a user can compare side by side.

use semver::Version;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inspect::{FunctionInfo, Port, TypeInfo};

/// Both sides of a refused wire, and where they first differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Mismatch {
    /// The import's WIT.
    pub import_wit: String,
    /// The export's WIT.
    pub export_wit: String,
    /// The first item that differs, when it is one this comparison sees (it may also lie in a
    /// type another interface defines).
    pub difference: Option<Difference>,
}

/// One item the two sides disagree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Difference {
    /// What differs: `version`, `type level`, `function count-vowels`.
    pub item: String,
    /// The line of WIT the import has for it; `None` when it has none.
    pub import: Option<String>,
    /// The line of WIT the export has for it; `None` when it has none.
    pub export: Option<String>,
    /// In a sentence.
    pub summary: String,
}

/// `import` and `export` compared: their WIT, and the first item that differs.
pub fn mismatch(import: &Port, export: &Port) -> Mismatch {
    Mismatch {
        import_wit: import.wit.clone(),
        export_wit: export.wit.clone(),
        difference: version_difference(import, export)
            .or_else(|| type_difference(&import.types, &export.types))
            .or_else(|| function_difference(&import.functions, &export.functions)),
    }
}

fn version_difference(import: &Port, export: &Port) -> Option<Difference> {
    let (Some(wanted), Some(given)) = (&import.version, &export.version) else {
        return None;
    };
    let (Ok(wanted_v), Ok(given_v)) = (Version::parse(wanted), Version::parse(given)) else {
        return None;
    };
    // Semver's compatibility: the same major version, and below 1.0 the same minor too.
    let compatible =
        wanted_v.major == given_v.major && (wanted_v.major > 0 || wanted_v.minor == given_v.minor);
    (!compatible).then(|| Difference {
        item: "version".into(),
        import: Some(wanted.clone()),
        export: Some(given.clone()),
        summary: format!(
            "the import wants version {wanted}, the export is {given}: they are not \
             semver-compatible"
        ),
    })
}

fn type_difference(wanted: &[TypeInfo], given: &[TypeInfo]) -> Option<Difference> {
    wanted.iter().find_map(|ty| {
        let item = format!("type {}", ty.name);
        let Some(other) = given.iter().find(|t| t.name == ty.name) else {
            return Some(Difference {
                summary: format!("the export has no type `{}`", ty.name),
                import: first_line(&ty.definition),
                export: None,
                item,
            });
        };
        let (mine, theirs) = (wit_lines(&ty.definition), wit_lines(&other.definition));
        let at = (0..mine.len().max(theirs.len())).find(|&i| mine.get(i) != theirs.get(i))?;
        let (import, export) = (mine.get(at).cloned(), theirs.get(at).cloned());
        let summary = match (&import, &export) {
            (Some(a), Some(b)) => format!(
                "`{}` differs: `{a}` in the import, `{b}` in the export",
                ty.name
            ),
            (Some(a), None) => format!("`{}` has `{a}` in the import, not in the export", ty.name),
            (None, Some(b)) => format!("`{}` has `{b}` in the export, not in the import", ty.name),
            (None, None) => return None,
        };
        Some(Difference {
            item,
            import,
            export,
            summary,
        })
    })
}

fn function_difference(wanted: &[FunctionInfo], given: &[FunctionInfo]) -> Option<Difference> {
    wanted.iter().find_map(|function| {
        let item = format!("function {}", function.name);
        let Some(other) = given.iter().find(|f| f.name == function.name) else {
            return Some(Difference {
                summary: format!("the export has no function `{}`", function.name),
                import: Some(function.signature.clone()),
                export: None,
                item,
            });
        };
        let what = signature_difference(function, other)?;
        Some(Difference {
            summary: format!("`{}`: {what}", function.name),
            import: Some(function.signature.clone()),
            export: Some(other.signature.clone()),
            item,
        })
    })
}

/// The first part of two signatures of one function that differs, in words.
fn signature_difference(wanted: &FunctionInfo, given: &FunctionInfo) -> Option<String> {
    if wanted.asynchronous != given.asynchronous {
        let kind = |f: &FunctionInfo| if f.asynchronous { "async" } else { "not async" };
        return Some(format!(
            "it is {} in the import, {} in the export",
            kind(wanted),
            kind(given)
        ));
    }
    if wanted.params.len() != given.params.len() {
        return Some(format!(
            "it takes {} parameters in the import, {} in the export",
            wanted.params.len(),
            given.params.len()
        ));
    }
    for (mine, theirs) in wanted.params.iter().zip(&given.params) {
        if mine.name != theirs.name || mine.ty.wit != theirs.ty.wit {
            return Some(format!(
                "parameter `{}: {}` in the import is `{}: {}` in the export",
                mine.name, mine.ty.wit, theirs.name, theirs.ty.wit
            ));
        }
    }
    let result = |f: &FunctionInfo| {
        f.result
            .as_ref()
            .map_or("nothing".to_string(), |r| r.wit.clone())
    };
    let (mine, theirs) = (result(wanted), result(given));
    (mine != theirs).then(|| format!("it returns {mine} in the import, {theirs} in the export"))
}

/// A definition's lines of WIT, doc comments and blank lines left out, spaces trimmed.
fn wit_lines(definition: &str) -> Vec<String> {
    definition
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("///"))
        .map(str::to_string)
        .collect()
}

fn first_line(definition: &str) -> Option<String> {
    wit_lines(definition).into_iter().next()
}
