//! `wasi:filesystem` demo: lists, reads and writes under the first directory the host granted.
//! Exits 0 when it could do all three, 1 when something was denied.

use std::io::Write;

fn main() {
    let granted = wasip2::filesystem::preopens::get_directories();
    let Some((_, dir)) = granted.first() else {
        println!("DENIED: no directory was granted to this component.");
        println!("Grant one (host folder -> guest path, e.g. /data) and run again.");
        std::process::exit(1);
    };
    for (_, path) in &granted {
        println!("granted directory: {path}");
    }

    println!("listing {dir}:");
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for name in &names {
                println!("  {name}");
            }
            println!("  ({} entries)", names.len());
        }
        Err(e) => println!("  DENIED: cannot list {dir}: {e}"),
    }

    let hello = format!("{dir}/hello.txt");
    match std::fs::read_to_string(&hello) {
        Ok(text) => println!("read {hello}: {}", text.trim_end()),
        Err(e) => println!("read {hello}: not readable ({e})"),
    }

    let target = format!("{dir}/written-by-plugboard.txt");
    let written = std::fs::File::create(&target).and_then(|mut file| {
        file.write_all(b"written by filesystem-demo through wasi:filesystem\n")
    });
    match written {
        Ok(()) => println!("wrote {target}"),
        Err(e) => {
            println!("DENIED: cannot write {target}: {e} (the directory is read-only)");
            std::process::exit(1);
        }
    }
}
