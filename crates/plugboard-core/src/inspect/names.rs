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

#[cfg(test)]
mod tests {
    use super::*;

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
