"""VNPay IPN handling throughput: signed callbacks per second through motcua's IPN view.

Run with `.venv/bin/python bench/bench_ipn.py [payments]` (add `DATABASE_URL=postgres://…` for
PostgreSQL; the goal of 500 callbacks/s is for PostgreSQL on the 2-core machine). It builds a
throw-away database of its own with pending VNPay payments on open invoices, signs one success
IPN per payment beforehand (so the figure measures motcua, not the signing), then times:

- first callbacks: each marks a payment paid, its invoice paid, appends to the payments log and
  to the dossier's control slip (the full path of a real payment);
- duplicate callbacks: the same IPNs again (VNPay retries, replays), answered "02";
- bad signatures: rejected with "97" and logged;

through Django's test client in one thread, and, with `--http`, over real HTTP against granian
(2 workers × 4 threads, `motcua.wsgi:application` with the production-like `motcua.settings.bench`
on PostgreSQL) with 8 client threads, printing the CPU each first callback cost in the web server,
in PostgreSQL and in the clients (`BENCH_WORKERS`, `BENCH_BLOCKING_THREADS` change the server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings.test")
GOAL = 500
BENCH_DB = "test_motcua_bench_ipn"
# The server's shape: granian workers and the threads of each.
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_BLOCKING_THREADS", "4")


@contextmanager
def bench_database():
    """A database of the benchmark's own (not the test suite's, which may be in use)."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DB
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / "bench_ipn.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def build(n: int) -> list[str]:
    """n accepted dossiers with open invoices and pending VNPay payments; their signed IPNs."""
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency
    from motcua.agencies.services import save_agency
    from motcua.catalog import exchange
    from motcua.catalog.models import Procedure, ProcedureAgency, ProcedureVersion
    from motcua.dossiers.models import Dossier
    from motcua.payments.contrib.vnpay import protocol
    from motcua.payments.models import Invoice, InvoiceLine, Payment

    root = save_agency(Agency(identifier="H42", name="UBND tỉnh", kind=Agency.Kind.PROVINCE_PC))
    commune = save_agency(Agency(identifier="H42.18073", name="UBND phường", kind=Agency.Kind.COMMUNE_PC, parent=root))
    centre = save_agency(
        Agency(identifier="H42.18073.01", name="TTPVHCC phường", kind=Agency.Kind.COMMUNE_CENTRE, parent=commune)
    )
    exchange.import_file(ROOT / "src" / "motcua" / "catalog" / "tests" / "fixtures" / "small_catalog.json")
    for procedure in Procedure.objects.all():
        ProcedureAgency.objects.create(procedure=procedure, agency=commune)
    version = ProcedureVersion.objects.get(procedure__code="2.001035")
    get_user_model().objects.create_user("bench")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            code=f"H42.18073-260112-{i:06d}",
            procedure_version=version,
            channel="online",
            status="received",
            receiving_agency=centre,
            resolving_agency=commune,
            returning_agency=centre,
            return_method="online",
            applicant_kind="person",
            applicant_name="Nguyễn Văn A",
            applicant_id_number="042190000123",
            applicant_address="Hà Tĩnh",
            received_at=now,
            clock_started_at=now,
            due_at=now + dt.timedelta(days=3),
        )
        for i in range(n)
    )
    invoices = Invoice.objects.bulk_create(
        Invoice(
            dossier=d,
            agency=centre,
            channel="online",
            total=25_000,
            payer_name=d.applicant_name,
            issued_at=now,
            expires_at=now + dt.timedelta(days=30),
        )
        for d in dossiers
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=i, kind="fee", name="Phí chứng thực", scheduled_amount=25_000, amount=25_000)
        for i in invoices
    )
    payments = Payment.objects.bulk_create(
        Payment(
            invoice=i,
            gateway="vnpay",
            method="VNBANK",
            txn_ref=f"{i.reference}V{k:04d}",
            amount=25_000,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=15),
            gateway_data={"create_date": protocol.format_date(now), "ip": "127.0.0.1"},
        )
        for k, i in enumerate(invoices)
    )
    paid = protocol.format_date(now)
    return [
        protocol.signed_query(
            {
                "vnp_Amount": "2500000",
                "vnp_BankCode": "NCB",
                "vnp_BankTranNo": f"VNP{14_000_000 + k}",
                "vnp_CardType": "ATM",
                "vnp_OrderInfo": "Nop phi ho so",
                "vnp_PayDate": paid,
                "vnp_ResponseCode": "00",
                "vnp_TmnCode": protocol.DEMO_TMN_CODE,
                "vnp_TransactionNo": str(14_000_000 + k),
                "vnp_TransactionStatus": "00",
                "vnp_TxnRef": p.txn_ref,
            },
            protocol.DEMO_HASH_SECRET,
        )
        for k, p in enumerate(payments)
    ]


def through_test_client(queries: list[str], expected: str) -> float:
    from django.test import Client

    client = Client()
    start = time.perf_counter()
    for query in queries:
        response = client.get("/thanh-toan/vnpay/ipn/?" + query)
        if response.json()["RspCode"] != expected:
            raise SystemExit(f"unexpected reply {response.content!r}")
    return len(queries) / (time.perf_counter() - start)


def through_http(queries: list[str], expected: str, database_url: str, threads: int = 8) -> tuple[float, dict]:
    """granian (2 workers) serving motcua with the production-like bench settings (on PostgreSQL);
    `threads` clients with keep-alive connections. Returns callbacks/s and CPU ms per callback."""
    import http.client

    from django.db import connection as database

    from _serve import CpuMeter

    port = 8791
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT / "src")}
    if database.vendor == "postgresql":
        env["DJANGO_SETTINGS_MODULE"] = "motcua.settings.bench"
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        WORKERS,
        "--blocking-threads",
        THREADS,
        "--no-ws",
        "--log-level",
        "warning",
        "motcua.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/thanh-toan/vnpay/ipn/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        chunks = [queries[i::threads] for i in range(threads)]
        errors: list[str] = []

        def run(chunk):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for query in chunk:
                connection.request("GET", "/thanh-toan/vnpay/ipn/?" + query)
                body = connection.getresponse().read()
                if f'"RspCode": "{expected}"'.encode() not in body:
                    errors.append(body.decode()[:200])

        workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
        meter = CpuMeter(server, database.settings_dict["NAME"]) if database.vendor == "postgresql" else None
        before = meter.snapshot() if meter else None
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start
        cpu = CpuMeter.spent(before, meter.snapshot()) if meter else {}
        if errors:
            raise SystemExit(f"{len(errors)} unexpected replies, e.g. {errors[0]}")
        return len(queries) / elapsed, {kind: spent / len(queries) * 1000 for kind, spent in cpu.items()}
    finally:
        server.terminate()
        server.wait(timeout=20)


def database_url(connection) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("payments", nargs="?", type=int, default=2000)
    parser.add_argument("--http", action="store_true", help="Also over real HTTP with granian.")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    with bench_database() as connection:
        started = time.perf_counter()
        queries = build(args.payments)
        took = time.perf_counter() - started
        print(f"database: {connection.vendor}; {args.payments} pending payments built in {took:.1f} s")
        half = len(queries) // 2
        first = through_test_client(queries[:half], "00")
        duplicate = through_test_client(queries[:half], "02")
        bad = through_test_client([q[:-3] + ("000" if q[-3:] != "000" else "111") for q in queries[:half]], "97")
        print(
            f"test client, 1 thread:  first callbacks {first:7.0f}/s   duplicates {duplicate:7.0f}/s   "
            f"bad signatures {bad:7.0f}/s"
        )
        if args.http:
            url = database_url(connection)
            connection.close()
            fresh, cpu = through_http(queries[half:], "00", url)
            again, _ = through_http(queries[half:], "02", url)
            server = f"{WORKERS} workers × {THREADS} threads"
            print(f"HTTP (granian {server}, 8 clients): first callbacks {fresh:7.0f}/s   duplicates {again:7.0f}/s")
            if cpu:
                total = sum(cpu.values())
                print(
                    "  CPU per first callback: "
                    + " + ".join(f"{kind} {ms:.2f} ms" for kind, ms in cpu.items())
                    + f" = {total:.2f} ms → ≈ {(os.cpu_count() or 1) * 1000 / total:.0f}/s on otherwise idle cores"
                )
        from motcua.payments.models import Invoice, Payment

        paid = Payment.objects.filter(status="paid").count()
        applied = Invoice.objects.filter(status="paid").count()
        expected = args.payments if args.http else half
        assert paid == applied == expected, (paid, applied, expected)
        print(f"goal: {GOAL} callbacks/s on PostgreSQL; every payment paid once ({paid}).")


if __name__ == "__main__":
    main()
