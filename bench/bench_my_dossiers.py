"""The "my dossiers" page of a citizen with 50 dossiers over HTTP: p95 latency (goal: under 50 ms).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua \
     .venv/bin/python bench/bench_my_dossiers.py [seconds, 15] [client processes, 1] [threads each, 2]

Builds like bench_lookup.py (below) a throw-away database; then one citizen owns 50 of the
dossiers (plus 250 owned by nobody), logs in (a database session), and GET /ho-so/ is timed from
keep-alive clients. The original description of the look-up bench follows, as the set-up is shared:

Creates a throw-away database (test_motcua_bench_lookup on the server of DATABASE_URL) with the
test province and catalogue and 300 dossiers received at the counter (their control slips hold a
reception each, a third also a hand-over), serves motcua with granian (WSGI, 2 workers, settings
`motcua.settings.bench`, the look-up's per-IP limits raised so that the load is not refused), and
looks dossiers up at random from keep-alive clients in separate processes. Every answer is checked
(200 and the dossier's code in the page). Prints look-ups/s, p50/p95 latency, errors, and the CPU
seconds the server and the clients spent (the clients share the 2 cores with the server).
"""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

GOAL = 50  # ms, p95
DOSSIERS = 300
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_my_dossiers measures PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path="/motcua_bench_my_dossiers"))


os.environ["DATABASE_URL"] = _database_url()
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings.bench"
MEDIA = tempfile.mkdtemp(prefix="motcua-bench-media-")
os.environ["MEDIA_ROOT"] = MEDIA

from _django import percentile, test_database  # noqa: E402
from _serve import database_url, free_port, load, print_cpu, start_server  # noqa: E402


def populate() -> str:
    """The test province and catalogue, DOSSIERS received dossiers; their (code, secret)."""
    import datetime as dt

    import time_machine
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency, Assignment, Role
    from motcua.agencies.services import save_agency
    from motcua.catalog import exchange
    from motcua.catalog.models import Procedure, ProcedureAgency
    from motcua.dossiers import services
    from motcua.dossiers.services import Applicant, Reception

    root = save_agency(Agency(identifier="H42", name="Ủy ban nhân dân tỉnh Hà Tĩnh", kind=Agency.Kind.PROVINCE_PC))
    commune = save_agency(
        Agency(
            identifier="H42.18073", name="Ủy ban nhân dân phường Thành Sen", kind=Agency.Kind.COMMUNE_PC, parent=root
        )
    )
    centre = save_agency(
        Agency(
            identifier="H42.18073.01",
            name="Trung tâm Phục vụ hành chính công phường Thành Sen",
            kind=Agency.Kind.COMMUNE_CENTRE,
            parent=commune,
        )
    )
    exchange.import_file(ROOT / "src" / "motcua" / "catalog" / "tests" / "fixtures" / "small_catalog.json")
    for procedure in Procedure.objects.all():
        ProcedureAgency.objects.create(procedure=procedure, agency=commune)
    officer = get_user_model().objects.create_user("tiepnhan", first_name="Lan", last_name="Nguyễn Thị")
    Assignment.objects.create(officer=officer, agency=centre, role=Role.RECEPTIONIST)
    pairs = []
    with time_machine.travel(dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        for n in range(DOSSIERS):
            applicant = Applicant(
                kind="person", name=f"Trần Văn Hùng {n}", id_number="042190000123", address="Số 5, Hà Tĩnh"
            )
            dossier = services.receive_at_counter(officer, centre, Reception("2.001035", applicant), "receive")
            if n % 3 == 0:
                services.complete_step(dossier.pk, officer)
            pairs.append((dossier.code, dossier.secret))
    from django.test import Client

    from motcua.citizens.models import Profile
    from motcua.dossiers.models import Dossier

    person = get_user_model().objects.create_user("citizen")
    Profile.objects.create(user=person, full_name="Trần Văn Hùng")
    Dossier.objects.filter(pk__in=list(Dossier.objects.order_by("id").values_list("pk", flat=True)[:50])).update(
        owner=person
    )
    browser = Client()
    browser.force_login(person)
    return browser.cookies["sessionid"].value


def ask(session: str):
    """The first page of "my dossiers", answered 200 with its 20 dossiers."""
    headers = {"Cookie": f"sessionid={session}"}

    def check(status: int, body: bytes) -> bool:
        return status == 200 and body.count(b'class="track-item"') == 20

    return lambda rng: ("/ho-so/", headers, check)


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 15.0
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    with test_database() as connection:
        session = populate()
        port = free_port()
        server = start_server(database_url(connection), port, MEDIA, threads="2")
        result = load(server, port, ask(session), seconds=seconds, processes=processes, threads=threads)
        connection.close()
    latencies = result.latencies
    rate = len(latencies) / seconds
    blocking = os.environ.get("BENCH_BLOCKING_THREADS", "2")
    print(
        f"my dossiers (50) over HTTP: PostgreSQL, granian WSGI 2 workers × {blocking} threads, "
        f"{processes}×{threads} keep-alive clients, {seconds:.0f} s after 3 s warm-up, {os.cpu_count()} cores"
    )
    print(
        f"  {len(latencies)} pages = {rate:.0f}/s   p50 {percentile(latencies, 0.5):.2f} ms   "
        f"p95 {percentile(latencies, 0.95):.2f} ms   errors {result.errors}   (goal p95 < {GOAL} ms)"
    )
    print_cpu(result)
    return 0 if latencies and percentile(latencies, 0.95) < GOAL and not result.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
