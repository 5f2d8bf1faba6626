"""motcua over HTTP in a process of its own, for the live payment tests (which can kill it).

    python -m motcua.payments.tests.server PORT [--at 2026-01-12T09:00:00+07:00]

Settings and database come from the environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, VNPAY_*);
`--at` makes the process's clock start at that instant and run, like the test's.
"""

import argparse
import contextlib
import datetime as dt
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--at", default="")
    args = parser.parse_args(argv)
    travel = contextlib.nullcontext()
    if args.at:
        import time_machine

        travel = time_machine.travel(dt.datetime.fromisoformat(args.at), tick=True)
    with travel:
        import django

        django.setup()
        from django.core.wsgi import get_wsgi_application

        from motcua.payments.callbacks import GatewayCallbacks

        application = GatewayCallbacks(get_wsgi_application())  # as motcua.wsgi serves it
        server = make_server("127.0.0.1", args.port, application, server_class=_Server, handler_class=_Quiet)
        print("ready", flush=True)
        sys.stdout.flush()
        server.serve_forever()


if __name__ == "__main__":
    main()
