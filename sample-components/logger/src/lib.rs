//! A logger shared by several components: `example:logger/log@0.1.0`.

use std::sync::atomic::{AtomicU32, Ordering};

wit_bindgen::generate!({
    path: "../../wit/logger",
    world: "logger",
});

use exports::example::logger::log::{Guest, Level};

static COUNT: AtomicU32 = AtomicU32::new(0);

struct Component;

impl Guest for Component {
    fn log(level: Level, message: String) {
        let n = COUNT.fetch_add(1, Ordering::Relaxed) + 1;
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        eprintln!("[log #{n} {level}] {message}");
    }

    fn count() -> u32 {
        COUNT.load(Ordering::Relaxed)
    }
}

export!(Component);
