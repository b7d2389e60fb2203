//! Prints `tick N` every 100 ms (10 ticks, or as many as the first argument says), flushing each
//! line, so a host can show that output streams while the component runs.

use std::io::Write;
use std::time::Duration;

fn main() {
    let count: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let mut out = std::io::stdout();
    for n in 1..=count {
        let _ = writeln!(out, "tick {n}");
        let _ = out.flush();
        if n < count {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
