"""Helpers of the live tests: the test database shared with a motcua server process, the server
process itself, and a browser-like HTTP client with cookies and CSRF."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

SRC = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SharedDatabase:
    """The committed test data where another process can reach it: on PostgreSQL the test
    database itself; on SQLite (whose test database lives in memory) a file copy, which this
    process's ORM then uses too for as long as `use()` lasts."""

    def __init__(self, tmp_path: Path):
        from django.db import connection

        self.connection = connection
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.file = tmp_path / "live.sqlite3"
            connection.ensure_connection()
            with closing(sqlite3.connect(self.file)) as target:
                connection.connection.backup(target)
            self.url = f"sqlite:///{self.file}"
        else:
            self.file = None
            user = quote(settings["USER"] or "", safe="")
            password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
            host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"

    @contextmanager
    def use(self):
        if self.file is None:
            yield
            return
        connection = self.connection
        saved, name = connection.connection, connection.settings_dict["NAME"]
        connection.connection = None  # keep the in-memory database alive, aside
        connection.settings_dict["NAME"] = str(self.file)
        try:
            yield
        finally:
            if connection.connection is not None:
                connection.connection.close()
            connection.connection, connection.settings_dict["NAME"] = saved, name


class MotcuaServer:
    """`python -m motcua.payments.tests.server` on a free port, on the shared database."""

    def __init__(self, database_url: str, *, port: int, simulator_url: str, at: str, tmp_path: Path):
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
            "DJANGO_SETTINGS_MODULE": "motcua.settings.test",
            "DATABASE_URL": database_url,
            "MOTCUA_VAR_DIR": str(tmp_path),
            "VNPAY_PAYMENT_URL": simulator_url + "/paymentv2/vpcpay.html",
            "VNPAY_API_URL": simulator_url + "/merchant_webapi/api/transaction",
        }
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "motcua.payments.tests.server", str(port), "--at", at]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
        line = self.process.stdout.readline().decode().strip()
        if line != "ready":
            self.process.kill()
            raise RuntimeError(f"motcua server did not start: {line} {self.process.stderr.read().decode()[-2000:]}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with closing(socket.create_connection(("127.0.0.1", port), timeout=0.5)):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("motcua server does not listen")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup, as a crash would be
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Enough of a browser for the pay pages: cookies, CSRF tokens, redirects left to the test."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def open(self, url: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data)  # noqa: S310 — loopback
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    @staticmethod
    def csrf(page: bytes) -> str:
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
