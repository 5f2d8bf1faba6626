"""Serving motcua over HTTP for the benchmarks that load it from other processes: a free port,
granian with the bench settings, and the CPU time its processes spent."""

import http.client
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
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


@dataclass
class Load:
    """What the clients measured: latencies (ms) after the warm-up, errors, CPU per request."""

    latencies: list[float]
    errors: int
    first_errors: list[str]
    server_ms: float
    client_ms: float


def _client(port: int, ask, threads: int, start: float, stop: float, queue) -> None:
    """One client process: `threads` keep-alive connections, each asking `ask(rng)` →
    (path, headers, check(status, body)) until `stop`."""
    results, errors = [], []

    def run(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.time() < stop:
            path, headers, check = ask(rng)
            t0 = time.time()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if not check(response.status, body):
                errors.append(f"{response.status}")
            elif t0 >= start:
                results.append((time.time() - t0) * 1000)

    workers = [threading.Thread(target=run, args=(os.getpid() * 100 + n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((results, errors[:5], len(errors), time.process_time()))


def load(server: subprocess.Popen, port: int, ask, *, seconds: float, processes: int, threads: int) -> Load:
    """Load the server from `processes` forked client processes for `seconds` after 3 s of
    warm-up; then stop it."""
    context = multiprocessing.get_context("fork")
    try:
        warm_up = 3.0
        start = time.time() + warm_up
        stop = start + seconds
        queue = context.Queue()
        clients = [
            context.Process(target=_client, args=(port, ask, threads, start, stop, queue)) for _ in range(processes)
        ]
        for process in clients:
            process.start()
        time.sleep(warm_up)
        cpu_before = server_cpu(server)
        outcomes = [queue.get() for _ in clients]
        cpu = server_cpu(server) - cpu_before
        for process in clients:
            process.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    latencies = [ms for outcome in outcomes for ms in outcome[0]]
    done = max(1, len(latencies))
    return Load(
        latencies=latencies,
        errors=sum(outcome[2] for outcome in outcomes),
        first_errors=[error for outcome in outcomes for error in outcome[1]],
        server_ms=cpu / done * 1000,
        client_ms=sum(outcome[3] for outcome in outcomes) / done * 1000,
    )


def database_url(connection) -> str:
    """The URL of the (test) database `connection` uses, for the server's processes."""
    settings = connection.settings_dict
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def print_cpu(result: Load) -> None:
    print(
        f"  CPU per request: server {result.server_ms:.2f} ms + clients {result.client_ms:.2f} ms (PostgreSQL not "
        f"counted); load average {os.getloadavg()[0]:.1f}: the cores are shared with any other work"
    )
    for error in result.first_errors:
        print("  error:", error)


class CpuMeter:
    """CPU seconds spent by the web server's processes, by the database backends serving the
    bench database, and by this client, over the timed window: a figure that holds even when
    other work shares the machine, unlike the rate itself."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server: subprocess.Popen, database: str):
        self.server, self.database = server, database

    @classmethod
    def _cpu(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime + stime

    def _web_pids(self) -> list[int]:
        pids = [self.server.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.server.pid:
                    pids.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return pids

    def _database_pids(self) -> list[int]:
        import psycopg
        from django.db import connection

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database]).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict:
        return {
            "web": {pid: self._cpu(pid) for pid in self._web_pids()},
            "database": {pid: self._cpu(pid) for pid in self._database_pids()},
            "client": time.process_time(),
        }

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        def delta(kind):
            return sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())

        return {"web": delta("web"), "database": delta("database"), "client": after["client"] - before["client"]}
