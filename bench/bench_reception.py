"""Receptions per second through the HTTP API on PostgreSQL (goal: at least 200/s on 2 cores).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua \
     .venv/bin/python bench/bench_reception.py [seconds, 20] [clients, 8]

Creates a throw-away database (test_motcua_bench_reception on the server of DATABASE_URL) with
the demo province (Hà Tĩnh: every commune and its service centre) and the demo catalogue, one
receptionist with an API token per commune centre, then serves motcua with granian (WSGI,
2 workers, settings `motcua.settings.bench`: production-like, DEBUG off) on 127.0.0.1 and posts
receptions for ~20 s from concurrent keep-alive clients: each reception has an applicant, three
components of which two are scans sent base64-encoded (≈30 and ≈20 KB), fees, and is received
(Form 01) at a random commune centre. Afterwards every code is checked: distinct, and gap-free per
agency and day. Prints receptions/s, p50/p95 latency, errors, and SQL statements per reception.
"""

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

GOAL = 200  # receptions per second
WARM_UP = 3.0
BENCH_DB = "motcua_bench_reception"  # the test database is test_<this>
ROOT = Path(__file__).resolve().parent.parent
PROCEDURES = ["1.001193", "1.000894", "2.000815", "2.001035", "1.013225", "1.014034"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Quốc", "Thanh"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Oanh", "Phúc", "Sơn", "Tâm"]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_reception measures PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _database_url()
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings.bench"
MEDIA = tempfile.mkdtemp(prefix="motcua-bench-media-")
os.environ["MEDIA_ROOT"] = MEDIA

from _django import percentile, test_database  # noqa: E402
from _serve import CpuMeter  # noqa: E402


def populate() -> list[tuple[str, str]]:
    """The demo province and catalogue; one receptionist with a token per commune centre."""
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency, Assignment, Role
    from motcua.api.services import issue_token
    from motcua.core import demo

    demo.load_catalog(demo.load_agencies())
    counters = []
    for centre in Agency.objects.filter(kind=Agency.Kind.COMMUNE_CENTRE).order_by("identifier"):
        officer = get_user_model().objects.create_user(f"tiepnhan{centre.ward_code}", first_name="Tiếp nhận")
        Assignment.objects.create(officer=officer, agency=centre, role=Role.RECEPTIONIST)
        counters.append((centre.identifier, issue_token(officer, "bench")))
    return counters


def scan(rng: random.Random, size: int) -> str:
    import base64

    return base64.b64encode(b"%PDF-1.4\n" + rng.randbytes(size)).decode()


class Workload:
    """Realistic receptions: a different applicant each time, the same two scans."""

    def __init__(self, counters, seed=20260112):
        self.counters = counters
        rng = random.Random(seed)
        self.scans = (scan(rng, 30_000), scan(rng, 20_000))

    def body(self, rng: random.Random, centre: str) -> bytes:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        year = rng.randint(1950, 2005)
        return json.dumps(
            {
                "centre": centre,
                "procedure": rng.choice(PROCEDURES),
                "applicant": {
                    "kind": "person",
                    "name": name,
                    "id_number": f"042{1 if year < 2000 else 3}{year % 100:02d}{rng.randrange(10**6):06d}",
                    "address": f"Số {rng.randint(1, 300)}, đường Trần Phú, tỉnh Hà Tĩnh",
                    "birth_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "phone": f"09{rng.randrange(10**8):08d}",
                },
                "documents": [
                    {"name": "Tờ khai", "form": "original", "filename": "to-khai.pdf", "content_base64": self.scans[0]},
                    {
                        "name": "Bản sao căn cước",
                        "form": "copy",
                        "filename": "cccd.pdf",
                        "content_base64": self.scans[1],
                    },
                    {"name": "Giấy tờ chứng minh nơi cư trú", "form": "copy", "quantity": 1},
                ],
                "fees_collected": rng.choice([0, 8000, 50000]),
                "return_method": "counter",
            },
            ensure_ascii=False,
        ).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, port: int, threads: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "motcua.settings.bench",
        "PYTHONPATH": str(ROOT / "src"),
        "MEDIA_ROOT": MEDIA,
    }
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "2"]
    command += ["--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    server = subprocess.Popen(
        [*command, "motcua.wsgi:application"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/agencies/H42")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"granian did not start; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def drive(port: int, workload: Workload, clients: int, seconds: float, meter: CpuMeter):
    """Concurrent keep-alive clients; returns (latencies of the timed window, all, errors, CPU)."""
    stop = threading.Event()
    started = time.monotonic()
    measure_from = started + WARM_UP
    results: list[tuple[float, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        own: list[tuple[float, float, int]] = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            centre, token = rng.choice(workload.counters)
            body = workload.body(rng, centre)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            t0 = time.monotonic()
            try:
                connection.request("POST", "/api/v1/dossiers", body, headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            t1 = time.monotonic()
            own.append((t0, t1 - t0, response.status))
            if response.status != 201:
                with lock:
                    errors.append(f"{response.status}: {payload[:200]!r}")
        connection.close()
        with lock:
            results.extend(own)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(WARM_UP)
    before = meter.snapshot()
    time.sleep(seconds)
    cpu = CpuMeter.spent(before, meter.snapshot())
    measure_to = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join()
    window = [(t0, latency, status) for t0, latency, status in results if measure_from <= t0 < measure_to]
    return window, results, errors, cpu


def check_codes(created: int) -> tuple[int, int]:
    """Every code distinct, and each agency's sequence for a day exactly 1..n with no gap."""
    from motcua.dossiers.models import DailyCounter, Dossier

    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == created, (len(codes), len(set(codes)), created)
    sequences = defaultdict(list)
    for code in codes:
        prefix, _sep, sequence = code.rpartition("-")
        sequences[prefix].append(int(sequence))
    for prefix, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap in {prefix}"
    assert sum(DailyCounter.objects.values_list("last", flat=True)) == len(codes)
    return len(codes), len(sequences)


def statements_per_reception(workload: Workload) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    centre, token = workload.counters[0]
    client = Client()
    body = workload.body(random.Random(1), centre)
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/dossiers", body, content_type="application/json", headers=headers)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/dossiers", body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    if os.environ.get("BENCH_SHOW_SQL"):
        for query in queries.captured_queries:
            print("   ", query["sql"][:160])
    return len(queries)


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    threads = int(os.environ.get("BENCH_BLOCKING_THREADS", "2"))
    with test_database() as connection:
        started = time.perf_counter()
        workload = Workload(populate())
        print(f"loaded {len(workload.counters)} commune centres in {time.perf_counter() - started:.1f} s")
        statements = statements_per_reception(workload)
        settings = connection.settings_dict
        user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        server_url = f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
        port = free_port()
        log = Path(MEDIA) / "granian.log"
        server = start_server(server_url, port, threads, log)
        load_before = os.getloadavg()[0]
        try:
            meter = CpuMeter(server, settings["NAME"])
            window, everything, errors, cpu = drive(port, workload, clients, seconds, meter)
        finally:
            stop_server(server)
        load_after = os.getloadavg()[0]
        connection.close()
        created = sum(1 for *_rest, status in everything if status == 201) + 2  # + the two in-process
        distinct, agencies = check_codes(created)
        ok = [latency * 1000 for _t0, latency, status in window if status == 201]
        rate = len(ok) / seconds
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"reception over HTTP: PostgreSQL {version.split()[0]}, granian WSGI 2 workers × {threads} threads, "
            f"{clients} keep-alive clients, {seconds:.0f} s after {WARM_UP:.0f} s warm-up, {os.cpu_count()} cores"
        )
        print(
            f"  {len(ok)} receptions = {rate:.0f}/s   p50 {percentile(ok, 0.5):.1f} ms   "
            f"p95 {percentile(ok, 0.95):.1f} ms   errors {len(errors)}   (goal ≥ {GOAL}/s)"
        )
        per = {kind: spent / max(1, len(ok)) * 1000 for kind, spent in cpu.items()}
        capacity = (os.cpu_count() or 1) * 1000 / (per["web"] + per["database"] + per["client"])
        print(
            f"  CPU per reception: web {per['web']:.1f} ms + database {per['database']:.1f} ms + client "
            f"{per['client']:.1f} ms  → ≈ {capacity:.0f}/s on {os.cpu_count()} otherwise idle cores"
        )
        print(f"  load average (1 min) {load_before:.1f} before, {load_after:.1f} after: other work on the machine")
        print(f"  {statements} SQL statements per reception (token check included)")
        print(f"  codes: {distinct} distinct, gap-free per agency and day ({agencies} agencies)")
        for error in errors[:5]:
            print("  error:", error)
        shutil.rmtree(MEDIA, ignore_errors=True)
        return 0 if rate >= GOAL and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
