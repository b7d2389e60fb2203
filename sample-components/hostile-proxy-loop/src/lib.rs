//! Hostile: a `wasi:http/proxy` handler that spins forever on `/loop` (never answering, never
//! calling the host) and answers `ok` to anything else. Only the host's Stop or a per-request
//! timeout ends such a request.

use std::io::Write as _;

use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

struct Proxy;

wasip2::http::proxy::export!(Proxy);

impl wasip2::exports::http::incoming_handler::Guest for Proxy {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        if request.path_with_query().as_deref() == Some("/loop") {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        let response = OutgoingResponse::new(Fields::new());
        let Ok(body) = response.body() else { return };
        ResponseOutparam::set(response_out, Ok(response));
        if let Ok(mut out) = body.write() {
            let _ = out.write_all(b"ok\n");
            let _ = out.flush();
        }
        let _ = OutgoingBody::finish(body, None);
    }
}
