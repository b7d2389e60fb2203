//! Hostile: tries to read outside the sandbox: absolute host paths, `..` out of a granted
//! directory, and a symlink-free walk up. Prints one line per attempt; exits 1 if any escaped.

fn main() {
    let granted: Vec<String> = probe_granted_dirs();
    let mut attempts = vec![
        "/etc/passwd".to_string(),
        "../../etc/passwd".to_string(),
        "/proc/self/environ".to_string(),
    ];
    for dir in &granted {
        attempts.push(format!("{dir}/../../../../etc/passwd"));
        attempts.push(format!("{dir}/.."));
    }
    let mut escaped = false;
    for path in &attempts {
        match std::fs::read(path)
            .map(|b| b.len())
            .or_else(|_| std::fs::read_dir(path).map(|d| d.count()))
        {
            Ok(n) => {
                escaped = true;
                println!("ESCAPED: read {path} ({n})");
            }
            Err(e) => println!("blocked: {path}: {e}"),
        }
    }
    if escaped {
        std::process::exit(1);
    }
    println!("every escape attempt was blocked");
}

/// The guest paths of the granted directories, found by probing common mount points: std has no
/// API listing preopens, and this sample must not rely on anything but std.
fn probe_granted_dirs() -> Vec<String> {
    ["/", "/data", "/sandbox", "/tmp", "."]
        .iter()
        .filter(|p| std::fs::metadata(p).is_ok())
        .map(|p| p.to_string())
        .collect()
}
