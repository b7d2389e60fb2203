//! A `wasi:http/proxy` handler that, for every request, opens a TCP connection to `PROBE_ADDR`
//! with its own grants, then asks the imported probe to do the same with the probe's grants, and
//! answers with both results: served linked, each node keeps its own grants.

use std::io::Write as _;

use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

wit_bindgen::generate!({
    path: "../../wit/probe",
    world: "probe-proxy",
});

use example::probe::probe;

struct Proxy;

wasip2::http::proxy::export!(Proxy);

fn describe(result: Result<(), String>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(error) => format!("denied ({error})"),
    }
}

impl wasip2::exports::http::incoming_handler::Guest for Proxy {
    fn handle(_request: IncomingRequest, response_out: ResponseOutparam) {
        let body_text = match std::env::var("PROBE_ADDR") {
            Ok(address) => {
                let own = std::net::TcpStream::connect(&address)
                    .map(drop)
                    .map_err(|e| e.to_string());
                format!(
                    "proxy connect {address}: {}\nprobe connect {address}: {}\n",
                    describe(own),
                    describe(probe::connect(&address))
                )
            }
            Err(_) => "set PROBE_ADDR=host:port\n".to_string(),
        };
        let headers = Fields::new();
        let _ = headers.set("content-type", &[b"text/plain; charset=utf-8".to_vec()]);
        let response = OutgoingResponse::new(headers);
        let Ok(body) = response.body() else { return };
        ResponseOutparam::set(response_out, Ok(response));
        if let Ok(mut out) = body.write() {
            let _ = out.write_all(body_text.as_bytes());
            let _ = out.flush();
        }
        let _ = OutgoingBody::finish(body, None);
    }
}
