"""Work-queue latency for an officer of one commune with 100,000 and 1,000,000 dossiers in the
database (goal: p95 under 50 ms at 1,000,000), on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/bench_queues.py [sizes]
     (sizes: comma-separated dossier counts, default 100000,1000000; the 1M run takes ~10 min)

Builds the demo province (Hà Tĩnh: every commune with its service centre) and catalogue in a
throw-away database (test_motcua_bench_queues), then fills it with COPY: dossiers spread evenly
over the communes, five steps each, with a realistic status mix (most returned long ago, a few
percent in progress with active steps, some of those overdue, some waiting for a supplement or to
be received). After VACUUM ANALYZE it times, for an officer of one commune holding the
receptionist role at its centre and the specialist and leader roles at its People's Committee,
the first page of every queue, a page further on (keyset), a name search, the capped counts and
the same page through the HTTP API (in-process); and, for scale, a provincial inspector's
province-wide queues.
"""

import datetime as dt
import os
import random
import sys
import time
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "motcua_bench_queues"  # the test database is test_<this>
GOAL_MS = 50
REPEAT = 30
STEPS = (  # stage, name, role, where, share of the time limit
    (1, "Tiếp nhận, chuyển hồ sơ", "receptionist", "centre", 0.05),
    (2, "Thẩm định", "specialist", "commune", 0.45),
    (3, "Xác minh, lấy ý kiến", "specialist", "commune", 0.2),
    (4, "Phê duyệt", "leader", "commune", 0.2),
    (5, "Trả kết quả", "receptionist", "centre", 0.1),
)
# Status, share of all dossiers, whether the dossier is still open (received recently).
MIX = (
    ("returned", 0.875, False),
    ("refused", 0.03, False),
    ("withdrawn", 0.01, False),
    ("stopped", 0.01, False),
    ("in_progress", 0.04, True),
    ("received", 0.005, True),
    ("processed", 0.01, True),
    ("supplement_requested", 0.01, True),
    ("supplemented", 0.005, True),
    ("submitted", 0.005, True),
)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Quốc", "Thanh", "Đức"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Oanh", "Phúc", "Sơn", "Tâm"]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_queues measures PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


os.environ["DATABASE_URL"] = _database_url()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings.test")

from _django import percentile, test_database  # noqa: E402


def setup_province():
    """The demo province and catalogue; the officers whose queues are timed."""
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency, Assignment, Role
    from motcua.api.services import issue_token
    from motcua.catalog.models import ProcedureVersion
    from motcua.core import demo

    demo.load_catalog(demo.load_agencies())
    communes = []
    for pc in Agency.objects.filter(kind=Agency.Kind.COMMUNE_PC).order_by("identifier"):
        centre = Agency.objects.get(parent=pc, kind=Agency.Kind.COMMUNE_CENTRE)
        communes.append((pc.pk, centre.pk, pc.identifier))
    versions = [
        (pk, max(1, int(amount)))
        for pk, amount in ProcedureVersion.objects.filter(level="commune").values_list("pk", "time_limit_amount")
    ]
    users = get_user_model().objects
    pc = Agency.objects.get(identifier=f"{demo.LEVEL1}.{demo.DEMO_COMMUNE_WARD}")
    centre = Agency.objects.get(identifier=f"{pc.identifier}.01")
    officer = users.create_user("canbo", first_name="Cán bộ xã")
    for agency, role in ((centre, Role.RECEPTIONIST), (pc, Role.SPECIALIST), (pc, Role.LEADER)):
        Assignment.objects.create(officer=officer, agency=agency, role=role)
    inspector = users.create_user("thanhtra", first_name="Thanh tra tỉnh")
    Assignment.objects.create(officer=inspector, agency=Agency.objects.get(identifier=demo.LEVEL1), role=Role.INSPECTOR)
    colleagues = [users.create_user(f"chuyenvien{n}").pk for n in range(3)]
    return {
        "communes": communes,
        "versions": versions,
        "officer": officer,
        "inspector": inspector,
        "token": issue_token(officer, "bench"),
        "assignees": [officer.pk, *colleagues],
    }


def _ts(value: dt.datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def generate(start: int, count: int, world: dict, now: dt.datetime, rng: random.Random, sequences: dict):
    """COPY text for `count` dossiers from id `start`, and for their steps."""
    from motcua.core.text import fold

    communes, versions, assignees = world["communes"], world["versions"], world["assignees"]
    statuses, weights = [m[0] for m in MIX], [m[1] for m in MIX]
    open_status = {m[0]: m[2] for m in MIX}
    dossiers, steps = [], []
    step_id = start * len(STEPS)
    day = dt.timedelta(days=1)
    for pk in range(start, start + count):
        pc, centre, identifier = communes[pk % len(communes)]
        version, limit_days = versions[pk % len(versions)]
        status = rng.choices(statuses, weights)[0]
        at_reception = status == "submitted" or (status == "supplement_requested" and rng.random() < 0.5)
        if open_status[status]:
            submitted = now - dt.timedelta(seconds=rng.uniform(0, 20 * 86400))
        else:
            submitted = now - dt.timedelta(seconds=rng.uniform(20 * 86400, 730 * 86400))
        received = None if at_reception else submitted
        span = limit_days * 1.4 * day
        due = received + span if received else None
        if due and open_status[status] and status != "supplement_requested" and rng.random() < 0.15:
            due = now - dt.timedelta(seconds=rng.uniform(0, 5 * 86400))  # overdue
            received = submitted = min(received, due - span)
        code = None
        if received:
            local = received.astimezone(VN).date()
            key = (identifier, local)
            sequences[key] = sequences.get(key, 0) + 1
            code = f"{identifier}-{local:%y%m%d}-{sequences[key]:04d}"
        finished = (
            (due - rng.uniform(0, 0.5) * span) if status in ("returned", "refused", "withdrawn", "stopped") else None
        )
        processed = finished if status == "returned" else (now - day if status == "processed" else None)
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        online = status == "submitted"
        # Each instant formatted once: formatting is most of the generator's time.
        submitted_s, due_s, finished_s = _ts(submitted), _ts(due), _ts(finished)
        received_s = submitted_s if received == submitted else _ts(received)
        dossiers.append(
            "\t".join(
                [
                    str(pk),
                    code or "\\N",
                    "ABC234",
                    str(version),
                    "online" if online else "in_person",
                    status,
                    str(centre),
                    str(pc),
                    str(centre),
                    "counter",
                    "",
                    "person",
                    name,
                    f"042{rng.randrange(10**9):09d}",
                    "1980-01-01",
                    "Số 1, đường Trần Phú, tỉnh Hà Tĩnh",
                    "",
                    "",
                    "",
                    "",
                    " " + fold(name),
                    "1",
                    "0",
                    "",
                    submitted_s,
                    received_s,
                    _ts(submitted + day if online else None),
                    received_s,
                    due_s,
                    due_s,
                    due_s,
                    finished_s if processed is finished else _ts(processed),
                    finished_s,
                    "1" if status == "supplement_requested" and not at_reception else "0",
                    "t" if at_reception and status == "supplement_requested" else "f",
                    "\\N",
                    finished_s if finished else (received_s if received else submitted_s),
                    "3",
                ]
            )
        )
        if not received:
            continue
        # Which step is active: none for closed dossiers, the return for processed ones.
        active = {"received": 1, "in_progress": rng.choice((2, 3, 4)), "supplement_requested": 2}.get(status)
        active = {"processed": 5, "supplemented": rng.choice((2, 3))}.get(status, active)
        done_until = 5 if status == "returned" else (active - 1 if active else rng.randint(1, 3))
        elapsed = 0.0
        for stage, step_name, role, where, share in STEPS:
            step_id += 1
            elapsed += share
            step_due = _ts(min(received + elapsed * span, due))
            if stage <= done_until:
                state, finished_at = "done", step_due
            elif stage == active:
                state, finished_at = "active", "\\N"
            else:
                state, finished_at = ("waiting" if active else "skipped"), "\\N"
            assignee = "\\N"
            if state == "active" and role == "specialist" and rng.random() < 0.5:
                assignee = str(rng.choice(assignees))
            steps.append(
                "\t".join(
                    [
                        str(step_id),
                        str(pk),
                        str(stage),
                        str(stage - 1),
                        step_name,
                        role,
                        str(centre if where == "centre" else pc),
                        assignee,
                        f"{share * limit_days:.2f}",
                        state,
                        step_due,
                        received_s if state in ("done", "active") else "\\N",
                        finished_at,
                        "\\N",
                        ("on_time" if rng.random() < 0.9 else "late") if state == "done" else "",
                    ]
                )
            )
    return dossiers, steps


DOSSIER_COLUMNS = (
    "id, code, secret, procedure_version_id, channel, status, receiving_agency_id, resolving_agency_id, "
    "returning_agency_id, return_method, return_address, applicant_kind, applicant_name, applicant_id_number, "
    "applicant_birth_date, applicant_address, applicant_phone, applicant_email, representative_name, "
    "representative_id_number, search_text, sets, fees_collected, note, submitted_at, received_at, "
    "acceptance_due_at, clock_started_at, due_at, original_due_at, index_due_at, processed_at, finished_at, "
    "supplement_requests, reception_supplement_requested, created_by_id, updated_at, revision"
)
STEP_COLUMNS = (
    "id, dossier_id, stage, position, name, role, agency_id, assignee_id, share, state, due_at, started_at, "
    "finished_at, finished_by_id, timing"
)


def fill(connection, world: dict, start: int, count: int, now: dt.datetime, sequences: dict) -> float:
    """COPY the dossiers and steps in batches. The throw-away database loads fast without checking
    foreign keys row by row (the generator keeps them right) and with the secondary indexes built
    once at the end rather than maintained row by row."""
    rng = random.Random(start)
    started = time.perf_counter()
    batch = 20_000
    tables = ("dossiers_dossier", "dossiers_dossierstep")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.cursor
        try:
            for first in range(start, start + count, batch):
                dossiers, steps = generate(first, min(batch, start + count - first), world, now, rng, sequences)
                with raw.copy(f"COPY dossiers_dossier ({DOSSIER_COLUMNS}) FROM STDIN") as copy:
                    copy.write("\n".join(dossiers) + "\n")
                with raw.copy(f"COPY dossiers_dossierstep ({STEP_COLUMNS}) FROM STDIN") as copy:
                    copy.write("\n".join(steps) + "\n")
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        cursor.execute("VACUUM ANALYZE")  # every table: as autovacuum would have it in production
    return time.perf_counter() - started


def timed(call, repeat: int = REPEAT) -> tuple[float, float, object]:
    for _ in range(3):
        result = call()
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - t0) * 1000)
    return percentile(timings, 0.5), percentile(timings, 0.95), result


def measure(world: dict) -> list[tuple[str, str, float, float, str]]:
    from django.test import Client

    from motcua.dossiers import queues

    officer, inspector = world["officer"], world["inspector"]
    rows = []
    for name in queues.QUEUES:
        p50, p95, page = timed(lambda name=name: queues.queue(officer, name))
        rows.append(("commune officer", f"{name}, first page", p50, p95, f"{len(page)} rows"))
        if len(page) == 50:
            after = queues.after_of(name, page[-1])
            p50, p95, more = timed(lambda name=name, after=after: queues.queue(officer, name, after=after))
            rows.append(("commune officer", f"{name}, next page", p50, p95, f"{len(more)} rows"))
    p50, p95, found = timed(lambda: queues.queue(officer, "to_handle", q="nguyen van"))
    rows.append(("commune officer", "to_handle, search “nguyen van”", p50, p95, f"{len(found)} rows"))
    p50, p95, tallies = timed(lambda: queues.counts(officer))
    rows.append(("commune officer", "counts (7 queues, capped)", p50, p95, _tallies(tallies)))
    client, headers = Client(), {"Authorization": f"Bearer {world['token']}"}
    p50, p95, response = timed(lambda: client.get("/api/v1/dossiers/queues/to_handle", headers=headers))
    assert response.status_code == 200, response.content
    rows.append(("commune officer", "GET /api/v1/dossiers/queues/to_handle", p50, p95, "HTTP in-process"))
    for name in ("overdue", "waiting_applicant"):
        p50, p95, page = timed(lambda name=name: queues.queue(inspector, name))
        rows.append(("provincial inspector", f"{name}, first page", p50, p95, f"{len(page)} rows"))
    p50, p95, tallies = timed(lambda: queues.counts(inspector), repeat=10)
    rows.append(("provincial inspector", "counts (7 queues, capped)", p50, p95, _tallies(tallies)))
    return rows


def _tallies(tallies: dict) -> str:
    return " ".join(f"{v}" for v in tallies.values())


def main() -> int:
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "100000,1000000").split(",")]
    worst = 0.0
    with test_database() as connection:
        from django.utils import timezone

        world = setup_province()
        now, sequences, loaded = timezone.now(), {}, 0
        print(f"{len(world['communes'])} communes, {len(world['versions'])} commune procedures")
        for size in sizes:
            seconds = fill(connection, world, loaded + 1, size - loaded, now, sequences)
            loaded = size
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM dossiers_dossierstep")
                steps, active = cursor.fetchone()
            print(
                f"\n{size:,} dossiers ({steps:,} steps, {active:,} active) loaded in {seconds:.0f} s; "
                f"load average (1 min) {os.getloadavg()[0]:.1f}: other work on the machine"
            )
            print(f"  {'who':<22} {'what':<42} {'p50 ms':>8} {'p95 ms':>8}  result")
            for who, what, p50, p95, note in measure(world):
                print(f"  {who:<22} {what:<42} {p50:8.1f} {p95:8.1f}  {note}")
                if who == "commune officer" and size >= 1_000_000:
                    worst = max(worst, p95)
        if worst:
            print(f"\nworst p95 for the commune officer at 1,000,000: {worst:.1f} ms (goal < {GOAL_MS} ms)")
    return 0 if worst < GOAL_MS else 1


VN = dt.timezone(dt.timedelta(hours=7))

if __name__ == "__main__":
    raise SystemExit(main())
