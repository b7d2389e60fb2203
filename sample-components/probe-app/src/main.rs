//! Probes its own grants (a TCP connect to the first argument, the `PROBE` variable, the `/data`
//! directory), then asks the imported probe to do the same: in a linked run with grants per
//! node, the two answers differ.

wit_bindgen::generate!({
    path: "../../wit/probe",
    world: "probe-app",
});

use example::probe::probe;

fn describe<T: std::fmt::Debug>(result: Result<T, String>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(error) => format!("denied ({error})"),
    }
}

fn main() {
    let Some(address) = std::env::args().nth(1) else {
        println!("usage: probe-app HOST:PORT");
        std::process::exit(2);
    };
    let own_connect = std::net::TcpStream::connect(&address)
        .map(drop)
        .map_err(|e| e.to_string());
    println!("app connect {address}: {}", describe(own_connect));
    println!(
        "probe connect {address}: {}",
        describe(probe::connect(&address))
    );
    println!("app env PROBE: {:?}", std::env::var("PROBE").ok());
    println!("probe env PROBE: {:?}", probe::env("PROBE"));
    let own_dir = std::fs::read_dir("/data")
        .map(|d| d.filter_map(|e| e.ok()).count())
        .map_err(|e| e.to_string());
    println!("app dir /data: {}", describe(own_dir));
    println!(
        "probe dir /data: {}",
        describe(probe::list_dir("/data").map(|names| names.len()))
    );
}
