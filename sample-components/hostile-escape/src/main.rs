//! Hostile: tries to read outside the sandbox: absolute host paths, `..` out of a granted
//! directory, a walk up, and links (symbolic and hard) from a granted directory to
//! `../../../../etc/passwd`, read back through. Prints one line per attempt; exits 1 if any
//! escaped.

use wasip2::filesystem::types::PathFlags;

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
    let mut escaped = make_links();
    for (_, dir) in wasip2::filesystem::preopens::get_directories() {
        attempts.push(format!("{dir}/escape-symlink"));
        attempts.push(format!("{dir}/escape-hardlink"));
    }
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

/// Tries to link from each granted directory to a file outside it. Making a symbolic link whose
/// target escapes may be allowed (it only holds a path), but reading through it must not be; a
/// hard link to a file outside must not be made at all.
fn make_links() -> bool {
    let outside = "../../../../etc/passwd";
    let mut escaped = false;
    for (dir, path) in wasip2::filesystem::preopens::get_directories() {
        match dir.symlink_at(outside, "escape-symlink") {
            Ok(()) => println!("made symlink {path}/escape-symlink -> {outside}"),
            Err(e) => println!("blocked: symlink {path}/escape-symlink: {e:?}"),
        }
        match dir.link_at(PathFlags::empty(), outside, &dir, "escape-hardlink") {
            Ok(()) => {
                escaped = true;
                println!("ESCAPED: hard link {path}/escape-hardlink -> {outside}");
            }
            Err(e) => println!("blocked: hard link {path}/escape-hardlink: {e:?}"),
        }
    }
    escaped
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
