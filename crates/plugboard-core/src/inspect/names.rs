//! The component model's names for a resource's functions (`[constructor]tally`,
//! `[method]tally.add`), and how a call names a function inside an exported interface
//! (`example:counter/counter@0.1.0#add`). One place, so the engine, the CLI and the window agree.

/// The constructor of `resource`.
pub fn constructor(resource: &str) -> String {
    format!("[constructor]{resource}")
}

/// Method `name` of `resource`.
pub fn method(resource: &str, name: &str) -> String {
    format!("[method]{resource}.{name}")
}

/// Static function `name` of `resource`.
pub fn static_function(resource: &str, name: &str) -> String {
    format!("[static]{resource}.{name}")
}

/// `function` inside the exported `interface`, as a call names it.
pub fn qualified(interface: &str, function: &str) -> String {
    format!("{interface}#{function}")
}

/// A call's function name split into the interface it names (if any) and the function.
pub fn split_qualified(name: &str) -> (Option<&str>, &str) {
    match name.rsplit_once('#') {
        Some((interface, function)) => (Some(interface), function),
        None => (None, name),
    }
}

/// The name a function is known by within its resource: `add` for `[method]tally.add`, `new`
/// for `[static]tally.new`, the resource for its constructor, and a plain name as it is.
pub fn item_name(name: &str) -> &str {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return resource;
    }
    ["[method]", "[static]"]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .and_then(|rest| rest.split_once('.'))
        .map_or(name, |(_, item)| item)
}

/// A kebab-case identifier made from arbitrary text (a node id, a file name): lowercase words of
/// ASCII letters and digits, each starting with a letter (`Logger 2` → `logger-n2`). Both WAC
/// documents and Spin manifests take such names.
pub(crate) fn kebab_id(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_lowercase();
            if w.starts_with(|c: char| c.is_ascii_digit()) {
                format!("n{w}")
            } else {
                w
            }
        })
        .collect();
    if words.is_empty() {
        "component".to_string()
    } else {
        words.join("-")
    }
}

/// `base`, or `base-n2`, `base-n3`, … whichever is not taken (still a kebab identifier).
pub(crate) fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-n{n}")
            }
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_identifiers_are_made_from_any_text() {
        assert_eq!(kebab_id("consumer-app"), "consumer-app");
        assert_eq!(kebab_id("Logger 2"), "logger-n2");
        assert_eq!(kebab_id("py_stringops.v1"), "py-stringops-v1");
        assert_eq!(kebab_id("--"), "component");
        assert_eq!(unique("a", |n| n == "a"), "a-n2");
    }

    #[test]
    fn names_are_made_and_read_back() {
        assert_eq!(constructor("tally"), "[constructor]tally");
        assert_eq!(method("tally", "add"), "[method]tally.add");
        assert_eq!(item_name(&method("tally", "add")), "add");
        assert_eq!(item_name("[static]tally.zero"), "zero");
        assert_eq!(item_name("[constructor]tally"), "tally");
        assert_eq!(item_name("reverse"), "reverse");
        let call = qualified("example:counter/counter@0.1.0", "add");
        assert_eq!(
            split_qualified(&call),
            (Some("example:counter/counter@0.1.0"), "add")
        );
        assert_eq!(split_qualified("reverse"), (None, "reverse"));
    }
}
