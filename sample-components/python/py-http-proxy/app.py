"""A wasi:http/proxy handler in Python: answers every request with a short report of it."""

from componentize_py_types import Ok
from wit_world import exports
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        path = request.path_with_query() or "/"
        method = type(request.method()).__name__.removeprefix("Method_").upper()
        text = f"hello from python: {method} {path} ({len(path)} characters)\n"

        headers = Fields.from_list([("content-type", b"text/plain; charset=utf-8")])
        response = OutgoingResponse(headers)
        body = response.body()
        ResponseOutparam.set(response_out, Ok(response))
        with body.write() as stream:
            stream.blocking_write_and_flush(text.encode())
        OutgoingBody.finish(body, None)
