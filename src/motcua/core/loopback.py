"""A small threaded WSGI server for the simulators of outside systems (payment gateway, SMS and
mail, identity provider) that the demo and the tests run on loopback. No Django here: each
simulator speaks its protocol as a plain WSGI app."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def wsgi_server(app, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True) -> WSGIServer:
    """A server for `app` (not yet serving); its port is `server.server_address[1]`."""
    return make_server(
        host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler if quiet else WSGIRequestHandler
    )


def in_thread(server: WSGIServer) -> WSGIServer:
    """For tests: serve in a daemon thread; stop with `server.shutdown()`."""
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server
