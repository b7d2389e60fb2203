//! How the window's WebKit draws on a machine without a GPU.
//!
//! Without a GPU render node, WebKitGTK composites the page's layers with Mesa's software
//! OpenGL (llvmpipe): zooming the seed project's canvas repainted at ~9–15 frames per second on
//! a 2-core machine, and a 100-node project at ~2–4. WebKit's non-composited path paints the
//! same canvas straight into the window at ~50 and ~25 (docs/benchmarks.md, "Canvas"). So on a
//! machine with no render node, or when software GL is forced, Plugboard turns compositing off
//! before the webview exists, unless the user set the variable either way themselves.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's switch for its non-composited path, read when its web process starts.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// Mesa's switch forcing software OpenGL even where a GPU exists.
const SOFTWARE_GL: &str = "LIBGL_ALWAYS_SOFTWARE";

/// Turns WebKit's compositing off where it would run on software OpenGL. Call first thing in
/// `main`, before any thread starts.
pub fn paint_without_compositing_in_software() {
    let chosen = std::env::var_os(DISABLE_COMPOSITING).is_some();
    let software = forced_software(std::env::var_os(SOFTWARE_GL).as_deref())
        || !has_render_node(Path::new("/dev/dri"));
    if !chosen && software {
        #[expect(
            unsafe_code,
            reason = "setting a variable is unsound only beside other threads; main calls this \
                      before starting any, and WebKit reads it later, from its own process"
        )]
        // SAFETY: no other thread exists yet (see above).
        unsafe {
            std::env::set_var(DISABLE_COMPOSITING, "1");
        }
    }
}

/// Whether `LIBGL_ALWAYS_SOFTWARE` asks for software OpenGL (set, and not "0" or empty).
fn forced_software(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether `dri` holds a GPU render node (`renderD128`, …), what WebKit would composite with.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_is_a_gpu_and_a_card_alone_or_no_folder_is_not() {
        let dri = tempfile::tempdir().expect("temporary folder");
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("card0"), b"").expect("card0");
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("renderD128"), b"").expect("renderD128");
        assert!(has_render_node(dri.path()));
        assert!(!has_render_node(&dri.path().join("missing")));
    }

    #[test]
    fn software_gl_is_forced_by_any_value_but_zero_or_empty() {
        assert!(forced_software(Some(OsStr::new("1"))));
        assert!(forced_software(Some(OsStr::new("true"))));
        assert!(!forced_software(Some(OsStr::new("0"))));
        assert!(!forced_software(Some(OsStr::new(""))));
        assert!(!forced_software(None));
    }
}
