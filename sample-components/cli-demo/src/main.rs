//! `wasi:cli` demo: shows the arguments, environment and stdin the host granted, then exits with the
//! code in `EXIT_CODE` (default 0).

use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("arguments: {}", args.len());
    for (i, arg) in args.iter().enumerate() {
        println!("  [{i}] {arg}");
    }

    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    if vars.is_empty() {
        println!("environment: empty (no variables granted)");
    } else {
        println!("environment: {} variable(s)", vars.len());
        for (key, value) in &vars {
            println!("  {key}={value}");
        }
    }

    let mut input = String::new();
    match std::io::stdin().read_to_string(&mut input) {
        Ok(0) => println!("stdin: empty (nothing granted)"),
        Ok(n) => {
            println!("stdin: {n} byte(s)");
            for line in input.lines() {
                println!("  > {line}");
            }
        }
        Err(e) => println!("stdin: unreadable ({e})"),
    }

    let code = match std::env::var("EXIT_CODE") {
        Ok(text) => text.trim().parse::<i32>().unwrap_or_else(|_| {
            eprintln!("EXIT_CODE `{text}` is not a number; exiting with 2");
            2
        }),
        Err(_) => 0,
    };
    println!("exit code: {code}");
    std::process::exit(code);
}
