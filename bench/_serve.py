"""Serving motcua over HTTP for the benchmarks that load it from other processes: a free port,
granian with the bench settings, and the CPU time its processes spent."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, port: int, media: str, threads: str = "4") -> subprocess.Popen:
    """granian (WSGI, 2 workers) serving motcua on `port`, once it answers the public look-up page;
    the look-up's per-IP limits are raised so that the load is not refused."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT / "src"),
        "MOTCUA_LOOKUP_LIMIT": "1000000000",
        "MOTCUA_LOOKUP_FAILURE_LIMIT": "1000000000",
    }
    # Production settings serve hashed static files: collect them as a deployment does.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        "2",
        "--blocking-threads",
        os.environ.get("BENCH_BLOCKING_THREADS", threads),
    ]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "motcua.wsgi:application"]
    log = Path(media) / "granian.log"
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/tra-cuu/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit(f"granian did not start; see {log}")


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds spent so far by the server's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == server.pid or int(stat.parent.name) == server.pid:  # the process group
            total += (int(fields[11]) + int(fields[12])) / tick
    return total
