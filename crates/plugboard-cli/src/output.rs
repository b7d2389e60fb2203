//! Small formatting helpers shared by the subcommands.

/// `83.4 KiB`, `18.2 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `1 wire`, `2 wires`: a count with its noun, plural when it is not one.
pub fn counted(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// An error and its causes, `: `-separated, each cause left out when the text before it already
/// says it: the engine's errors name their cause in their own message and keep it as their
/// source too, so printing the whole chain said everything twice.
pub fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_its_error_already_names_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("node `a`: {source}")]
        struct Named {
            source: std::io::Error,
        }
        let named = Named {
            source: std::io::Error::other("the file ends at byte 8"),
        };
        let error = anyhow::Error::new(named).context("cannot plug");
        assert_eq!(
            error_text(&error),
            "cannot plug: node `a`: the file ends at byte 8"
        );
        let plain = anyhow::anyhow!("no such file").context("cannot read `x`");
        assert_eq!(error_text(&plain), "cannot read `x`: no such file");
    }
}
