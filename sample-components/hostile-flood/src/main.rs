//! Hostile: writes 1 GiB to stdout (or as many MiB as the first argument says) as fast as it can.

use std::io::Write;

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let line = b"flood flood flood flood flood flood flood flood flood flood flood flood flood flood 0123\n";
    let block: Vec<u8> = line.iter().copied().cycle().take(64 * 1024).collect();
    let mut out = std::io::stdout().lock();
    for _ in 0..mib * 16 {
        if out.write_all(&block).is_err() {
            std::process::exit(1);
        }
    }
    let _ = out.flush();
    eprintln!("flooded {mib} MiB");
}
