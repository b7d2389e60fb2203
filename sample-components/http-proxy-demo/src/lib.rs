//! A `wasi:http/proxy` handler that answers every request with its path reversed by the imported
//! `example:stringoperations/operations@0.1.0`.

use std::io::Write as _;

use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

wit_bindgen::generate!({
    path: ["../../wit/stringoperations", "../../wit/app"],
    world: "example:app/app",
    generate_all,
});

use example::stringoperations::operations::{reverse, word_count};

struct Proxy;

wasip2::http::proxy::export!(Proxy);

impl wasip2::exports::http::incoming_handler::Guest for Proxy {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_else(|| "/".to_string());
        let words = word_count(&path.replace('/', " "));
        let body_text = format!("{}\n", reverse(&path));

        let headers = Fields::new();
        let _ = headers.set("content-type", &[b"text/plain; charset=utf-8".to_vec()]);
        let _ = headers.set("x-path-words", &[words.to_string().into_bytes()]);
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
