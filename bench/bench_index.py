"""The service-quality index dashboard with 100,000 and 1,000,000 dossiers, on PostgreSQL (goal:
under 300 ms for the province at 1,000,000, and fresh within a minute of each change).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/bench_index.py [sizes] [--keep]
     (sizes: dossier counts, default 100000 1000000: about 9 minutes in all)

For each size, a fresh database `motcua_bench_index_<size>` (dropped at the end unless --keep) with
the demo province (Hà Tĩnh: 69 communes, 7 departments) and catalogue, 1,000 citizens' accounts
(600 with a verified identity) and a provincial leader; then, with SQL (INSERT … SELECT
generate_series, in chunks), the dossiers of the last 36 months and everything the index reads
about them: 85 % at the communes' procedures and 15 % at the departments', 25 % online (a fifth of
those through VNeID), 3 % by post; 3 % still in progress (a third of them late, some waiting for a
supplement), 2 % with a result waiting to be returned, 2.5 % refused, 1 % withdrawn, 0.5 %
stopped, the rest returned; 9 % with one or two supplement requests (their waiting time deducted
from the index's appointment), about 8 % ended late; two components each (uploaded, scanned at
the counter, digitized afterwards, exempt, or paper only), reuse of earlier components, electronic
results; fee invoices by the catalogue's fees per channel (5 % exempted) paid online or in cash;
ratings (8 % of them "dislike") and feedback items. Each dossier's `DossierFact` row is
written by SQL from the same generated values, and `facts.compute` of a random sample is checked
to give the very same facts (everything but the working days, which the calendar counts).

Then it times, side by side in one run:
- the rebuild: `facts.recompute_tallies(None)` and `facts.take_snapshots()`;
- (a) what the dashboard computes (`Tree.load`, `Figures.load`, `result`, `trend`, `ranking`) for
  the province (year to date, last month, this month, last month before its snapshot is taken)
  and for one commune, 30 times each after 3 warm-up calls, with its SQL statements;
- (b) GET /can-bo/chi-so/ over HTTP (granian, 2 workers, bench settings) as a provincial leader,
  and its statements counted in-process;
- (c) freshness: `facts.refresh()` with nothing new, then after 1,000 dossiers changed (800 open
  dossiers get their result with the control-slip events the services append, 200 returned ones
  are rated) and 5 dossiers received through `dossiers.services`; the change must be on the
  dashboard after that one refresh;
- (d) for contrast, the on-time rate of the province for the year counted straight from the
  dossiers in one aggregate query (and checked equal to the dashboard's).
"""

import datetime as dt
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

GOAL_MS = 300  # p95 of the dashboard for the province at 1,000,000 dossiers
FRESH_S = 60  # a refresh runs every minute
REPEAT = 30
CHUNK = 250_000
MONTHS = 36
CITIZENS, VERIFIED = 1000, 600
CHANGED_ENDED, CHANGED_RATED, RECEIVED_LIVE = 800, 200, 5
COMMUNE_SHARE = 0.85
ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Quốc", "Thanh", "Đức"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Oanh", "Phúc", "Sơn", "Tâm"]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_index measures PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path="/motcua_bench_index"))


os.environ["DATABASE_URL"] = _database_url()
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings.bench"
MEDIA = tempfile.mkdtemp(prefix="motcua-bench-media-")
os.environ["MEDIA_ROOT"] = MEDIA

from _django import percentile  # noqa: E402
from _serve import database_url, free_port, start_server  # noqa: E402

# -- the database ------------------------------------------------------------------------------------


def create_database(size: int):
    """A fresh `motcua_bench_index_<size>`, migrated; returns the connection and the name to restore."""
    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["TEST"]["NAME"] = f"motcua_bench_index_{size}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    return connection, old_name


def drop_database(connection, old_name: str, keep: bool) -> None:
    connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


# -- the province, its catalogue and people ------------------------------------------------------------------


def setup_province(connection) -> dict:
    """The demo province and catalogue; the (resolving agency, procedure) pairs the dossiers are
    spread over, with their centre, time limit and fees; the citizens and the officers."""
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Agency, Assignment, Role
    from motcua.catalog.models import ProcedureAgency, ProcedureVersion
    from motcua.catalog.services import fees_for
    from motcua.citizens.models import Profile
    from motcua.core import demo
    from motcua.core.text import fold

    demo.load_catalog(demo.load_agencies())
    today = dt.date.today()
    centres = {
        pc: (centre, identifier)
        for pc, centre, identifier in Agency.objects.filter(kind=Agency.Kind.COMMUNE_CENTRE).values_list(
            "parent_id", "pk", "identifier"
        )
    }
    province_centre = Agency.objects.get(identifier=f"{demo.LEVEL1}.30")
    versions = {}
    for version in ProcedureVersion.objects.filter(effective_from__lte=today).prefetch_related("fees"):
        if version.effective_to is None or version.effective_to > today:
            versions[version.procedure_id] = version
    communes, departments = [], []
    for agency_id, kind, procedure_id in ProcedureAgency.objects.filter(
        role=ProcedureAgency.Role.RESOLVING
    ).values_list("agency_id", "agency__kind", "procedure_id"):
        version = versions.get(procedure_id)
        if version is None:
            continue
        if kind == Agency.Kind.COMMUNE_PC:
            centre, identifier = centres[agency_id]
            target = communes
        else:
            centre, identifier = province_centre.pk, province_centre.identifier
            target = departments
        target.append(
            (
                agency_id,
                procedure_id,
                version.pk,
                centre,
                identifier,
                _span_seconds(version),
                sum(line.amount for line in fees_for(version, "online", today)),
                sum(line.amount for line in fees_for(version, "in_person", today)),
            )
        )
    links = sorted(communes) + sorted(departments)
    names = [
        (f"{s} {m} {g}", " " + fold(f"{s} {m} {g}")) for s in SURNAMES for m in MIDDLE for g in GIVEN
    ]  # search_text is the folded name after a space, as the services write it
    users = get_user_model().objects
    citizens = users.bulk_create(
        [get_user_model()(username=f"congdan{n:04d}", first_name="Công dân") for n in range(CITIZENS)]
    )
    now = dt.datetime.now(dt.UTC)
    Profile.objects.bulk_create(
        Profile(
            user=user,
            full_name=f"Công dân {n}",
            id_number=f"042{n:09d}",
            address="Tỉnh Hà Tĩnh",
            id_number_verified_at=now if n < VERIFIED else None,
        )
        for n, user in enumerate(citizens)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_link (no int PRIMARY KEY, agency_id bigint, procedure_id bigint, "
            "version_id bigint, centre_id bigint, centre_identifier text, span_s float8, fee_online bigint, "
            "fee_counter bigint)"
        )
        cursor.executemany(
            "INSERT INTO bench_link VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(n, *link) for n, link in enumerate(links)],
        )
        cursor.execute("CREATE UNLOGGED TABLE bench_name (no int PRIMARY KEY, name text, folded text)")
        cursor.executemany("INSERT INTO bench_name VALUES (%s, %s, %s)", [(n, *name) for n, name in enumerate(names)])
        cursor.execute("CREATE UNLOGGED TABLE bench_citizen (no int PRIMARY KEY, user_id int, verified bool)")
        cursor.executemany(
            "INSERT INTO bench_citizen VALUES (%s, %s, %s)",
            [(n, user.pk, n < VERIFIED) for n, user in enumerate(citizens)],
        )
    root = Agency.objects.get(identifier=demo.LEVEL1)
    commune = Agency.objects.get(identifier=f"{demo.LEVEL1}.{demo.DEMO_COMMUNE_WARD}")
    commune_centre = Agency.objects.get(parent=commune, kind=Agency.Kind.COMMUNE_CENTRE)
    leader = users.create_user("lanhdaotinh", first_name="Lãnh đạo tỉnh")
    Assignment.objects.create(officer=leader, agency=root, role=Role.LEADER)
    receptionist = users.create_user("tiepnhan", first_name="Tiếp nhận")
    Assignment.objects.create(officer=receptionist, agency=commune_centre, role=Role.RECEPTIONIST)
    return {
        "commune_links": len(communes),
        "department_links": len(departments),
        "names": len(names),
        "commune": commune,
        "commune_centre": commune_centre,
        "leader": leader,
        "receptionist": receptionist,
    }


def _span_seconds(version) -> float:
    """The time limit as calendar time, roughly (weekends included): the generated dossiers need
    appointments of the right size, not the calendar's exact ones."""
    amount = float(version.time_limit_amount or 0)
    day = 86400.0
    unit = version.time_limit_unit
    if unit == "calendar_days":
        return max(amount, 1) * day
    if unit == "working_hours":
        return max(amount / 8 * 1.4, 0.4) * day
    if unit == "working_days":
        return max(amount * 1.4, 0.4) * day
    return 0.4 * day  # the same day


# -- the dossiers, by SQL ----------------------------------------------------------------------------

# One row per dossier: every value drawn once, from which all the tables are written. Each step is
# materialized: inlined, every use of a derived value would compute it again.
GENERATE = """
INSERT INTO bench_gen
WITH r AS (
    SELECT n AS id, random() AS r_link, random() AS r_status, random() AS r_sub, random() AS r_when,
           random() AS r_channel, random() AS r_supp, random() AS r_late, random() AS r_len,
           random() AS r_pause, random() AS r_doc, random() AS r_reuse, random() AS r_result,
           random() AS r_pay, random() AS r_rate, random() AS r_owner, random() AS r_fb, random() AS r_ret
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
), a AS MATERIALIZED (
    SELECT r.*,
        CASE WHEN r_link < %(commune_share)s THEN floor(r_link / %(commune_share)s * %(communes)s)::int
             ELSE %(communes)s + floor((r_link - %(commune_share)s) / (1 - %(commune_share)s) * %(departments)s)::int
        END AS link,
        r_status < 0.03 AS is_open,
        r_status < 0.01 AS open_late,
        CASE WHEN r_status < 0.03 THEN
                CASE WHEN r_sub < 0.15 THEN 'received' WHEN r_sub < 0.75 THEN 'in_progress'
                     WHEN r_sub < 0.90 THEN 'supplement_requested' ELSE 'supplemented' END
             WHEN r_status < 0.05 THEN 'processed' WHEN r_status < 0.075 THEN 'refused'
             WHEN r_status < 0.085 THEN 'withdrawn' WHEN r_status < 0.09 THEN 'stopped' ELSE 'returned'
        END AS status,
        CASE WHEN r_channel < 0.20 THEN 'online' WHEN r_channel < 0.25 THEN 'vneid'
             WHEN r_channel < 0.28 THEN 'postal' ELSE 'in_person' END AS channel,
        86400 * (1 + 6 * r_pause) AS pause_s
    FROM r
), b AS MATERIALIZED (
    SELECT a.*, l.agency_id, l.procedure_id, l.version_id, l.centre_id, l.centre_identifier, l.span_s,
        CASE WHEN a.channel IN ('online', 'vneid') THEN l.fee_online ELSE l.fee_counter END AS fee,
        %(now)s::timestamptz - interval '1 second' * CASE
            -- in progress: not late yet (the appointment ahead), or late (it passed 1–11 days ago)
            WHEN status = 'supplemented' THEN 0.25 * l.span_s + pause_s + CASE WHEN open_late
                THEN 0.75 * l.span_s + 86400 * (1 + 10 * r_when) ELSE 0.65 * l.span_s * r_when END
            WHEN is_open THEN CASE WHEN open_late THEN l.span_s + 86400 * (1 + 10 * r_when)
                ELSE 0.9 * l.span_s * r_when END
            WHEN status = 'processed' THEN 86400 * (1 + 30 * r_when)
            ELSE 86400 * (1 + %(days)s * r_when)
        END AS received_at
    FROM a JOIN bench_link l ON l.no = a.link
), c AS MATERIALIZED (
    SELECT b.*,
        CASE WHEN status IN ('supplement_requested', 'supplemented') THEN 1
             WHEN is_open OR received_at > %(now)s::timestamptz - interval '60 days' THEN 0
             WHEN r_supp < 0.01 THEN 2 WHEN r_supp < 0.09 THEN 1 ELSE 0 END AS supplements
    FROM b
), d AS MATERIALIZED (
    SELECT c.*, CASE WHEN status = 'supplement_requested' THEN 0 ELSE supplements END AS closed_pauses
    FROM c
), e AS MATERIALIZED (
    SELECT d.*,
        received_at + interval '1 second' * span_s AS original_due_at,
        received_at + interval '1 second' * (span_s + pause_s * closed_pauses) AS index_due_at,
        CASE WHEN closed_pauses >= 1 THEN received_at + interval '1 second' * 0.25 * span_s END AS p1_start,
        CASE WHEN closed_pauses >= 2 THEN received_at + interval '1 second' * (0.3 * span_s + pause_s) END AS p2_start,
        received_at + interval '1 second' * (0.25 * span_s + closed_pauses * (pause_s + 0.05 * span_s)) AS resumed
    FROM d
), f AS MATERIALIZED (
    SELECT e.*,
        CASE WHEN status <> 'supplement_requested' THEN NULL
             WHEN open_late THEN index_due_at + (%(now)s::timestamptz - index_due_at) * r_len
             ELSE received_at + (%(now)s::timestamptz - received_at) * r_len END AS open_pause,
        CASE WHEN is_open THEN NULL ELSE LEAST(
            GREATEST(
                CASE WHEN r_late < 0.07 THEN index_due_at + interval '1 hour' + interval '1 day' * 5 * r_len
                     ELSE received_at + (index_due_at - received_at) * (0.15 + 0.8 * r_len) END,
                resumed + interval '1 hour'),
            %(now)s::timestamptz - interval '1 minute' * (1 + 600 * r_ret)) END AS end_at,
        status IN ('returned', 'processed') AS has_result,
        id > %(first_id)s AND r_reuse < CASE WHEN channel IN ('online', 'vneid') THEN 0.30 ELSE 0.12 END AS reused,
        CASE WHEN channel IN ('online', 'vneid') THEN 'file' WHEN r_doc < 0.60 THEN 'digitized'
             WHEN r_doc < 0.65 THEN 'exempt' WHEN r_doc < 0.72 THEN 'file' ELSE 'paper' END AS comp2,
        CASE WHEN channel = 'vneid' THEN floor(r_owner * %(verified)s)::int
             WHEN channel = 'online' THEN floor(r_owner * %(citizens)s)::int END AS owner_no
    FROM e
)
SELECT f.id, f.status, f.is_open, f.channel, f.agency_id, f.procedure_id, f.version_id, f.centre_id,
    f.centre_identifier, cz.user_id AS owner_id, coalesce(cz.verified, false) AS verified,
    f.received_at,
    CASE WHEN f.channel IN ('online', 'vneid') THEN f.received_at - interval '20 hours' * f.r_ret
         ELSE f.received_at END AS submitted_at,
    f.original_due_at, f.index_due_at, f.supplements, f.closed_pauses, f.pause_s, f.p1_start, f.p2_start,
    f.open_pause, f.end_at,
    CASE WHEN f.has_result THEN f.end_at END AS processed_at,
    CASE WHEN f.status = 'returned' THEN LEAST(f.end_at + interval '3 days' * f.r_ret, %(now)s::timestamptz)
         WHEN f.status IN ('refused', 'withdrawn', 'stopped') THEN f.end_at END AS finished_at,
    f.has_result,
    CASE WHEN f.channel IN ('online', 'vneid') OR f.r_doc < 0.72 OR f.reused THEN 'file' ELSE 'paper' END AS comp1,
    f.comp2, f.reused,
    f.has_result AND f.r_result < 0.75 AS e_result,
    f.fee,
    f.fee > 0 AND f.r_pay <= 0.95 AS fee_bearing,
    f.fee > 0 AND f.r_pay < CASE WHEN f.channel IN ('online', 'vneid') THEN 0.75 ELSE 0.20 END AS paid_online,
    f.has_result AND f.r_rate < 0.35 AS rated,
    f.r_rate >= 0.028 AS liked,
    f.r_fb < 0.002 AS feedback,
    f.r_ret,
    CASE WHEN f.has_result THEN
        GREATEST(0, extract(epoch FROM f.end_at - f.received_at) - f.closed_pauses * f.pause_s) / 86400 * 5 / 7
    END AS working_days
FROM f LEFT JOIN bench_citizen cz ON cz.no = f.owner_no
"""

GEN_COLUMNS = """
    id bigint PRIMARY KEY, status text, is_open bool, channel text, agency_id bigint, procedure_id bigint,
    version_id bigint, centre_id bigint, centre_identifier text, owner_id int, verified bool,
    received_at timestamptz, submitted_at timestamptz, original_due_at timestamptz, index_due_at timestamptz,
    supplements int, closed_pauses int, pause_s float8, p1_start timestamptz, p2_start timestamptz,
    open_pause timestamptz, end_at timestamptz, processed_at timestamptz, finished_at timestamptz,
    has_result bool, comp1 text, comp2 text, reused bool, e_result bool, fee bigint, fee_bearing bool,
    paid_online bool, rated bool, liked bool, feedback bool, r_ret float8, working_days float8
"""

WRITE = {
    "dossiers_dossier": """
INSERT INTO dossiers_dossier (id, code, secret, channel, status, return_method, return_address, applicant_kind,
    applicant_name, applicant_id_number, applicant_birth_date, applicant_address, applicant_phone,
    applicant_email, representative_name, representative_id_number, search_text, sets, fees_collected, note,
    submitted_at, received_at, acceptance_due_at, clock_started_at, due_at, original_due_at, index_due_at,
    processed_at, finished_at, supplement_requests, reception_supplement_requested, updated_at, revision,
    created_by_id, procedure_version_id, receiving_agency_id, resolving_agency_id, returning_agency_id,
    form_data, owner_id)
SELECT g.id,
    g.centre_identifier || '-' || to_char(g.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD')
        || '-9' || lpad(g.id::text, 7, '0'),
    'ABC234', g.channel, g.status, 'counter', '', 'person', n.name,
    '042' || lpad(mod(g.id * 7919, 1000000000)::text, 9, '0'), date '1950-01-01' + mod(g.id * 37, 20000)::int,
    'Số ' || (1 + mod(g.id, 300)) || ', đường Trần Phú, tỉnh Hà Tĩnh', '', '', '', '', n.folded, 1,
    CASE WHEN g.fee_bearing AND NOT g.paid_online AND g.channel IN ('in_person', 'postal') THEN g.fee ELSE 0 END,
    '',
    g.submitted_at, g.received_at, NULL, g.received_at, g.index_due_at, g.original_due_at, g.index_due_at,
    g.processed_at, g.finished_at, g.supplements, false,
    coalesce(g.finished_at, g.processed_at, g.open_pause, g.received_at), 1,
    NULL, g.version_id, g.centre_id, g.agency_id, g.centre_id, '{}'::jsonb, g.owner_id
FROM bench_gen g JOIN bench_name n ON n.no = mod(g.id, %(names)s)
""",
    "metrics_dossierfact": """
INSERT INTO metrics_dossierfact (dossier_id, channel, received_at, month, ended_at, end_month, outcome, due_at,
    supplements, paused_at, late, working_days, fee_bearing, paid_online, has_result, e_result, digitized,
    reused, warehouse, verified, disliked, updated_at, agency_id, procedure_id)
SELECT id, channel, received_at, date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    end_at, date_trunc('month', end_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    CASE WHEN has_result THEN 'resolved' WHEN is_open THEN 'open' ELSE status END,
    index_due_at, supplements, open_pause,
    CASE WHEN end_at IS NOT NULL THEN supplements > 1 OR end_at > index_due_at END,
    working_days, fee_bearing, paid_online, has_result, e_result,
    comp1 <> 'paper' AND comp2 <> 'paper' AND (e_result OR NOT has_result),
    reused, reused OR (e_result AND owner_id IS NOT NULL), verified, (rated AND NOT liked) OR feedback,
    %(now)s, agency_id, procedure_id
FROM bench_gen
""",
    "dossiers_suspension": """
INSERT INTO dossiers_suspension (id, started_at, ended_at, deadline_at, items, reason, at_reception, dossier_id)
SELECT 2 * id, p1_start, p1_start + interval '1 second' * pause_s, p1_start + interval '30 days',
    '["Bản sao giấy tờ"]'::jsonb, 'Thiếu giấy tờ', false, id FROM bench_gen WHERE p1_start IS NOT NULL
UNION ALL
SELECT 2 * id + 1, p2_start, p2_start + interval '1 second' * pause_s, p2_start + interval '30 days',
    '["Bản sao giấy tờ"]'::jsonb, 'Thiếu giấy tờ', false, id FROM bench_gen WHERE p2_start IS NOT NULL
UNION ALL
SELECT 2 * id, open_pause, NULL, open_pause + interval '30 days',
    '["Bản sao giấy tờ"]'::jsonb, 'Thiếu giấy tờ', false, id FROM bench_gen WHERE open_pause IS NOT NULL
""",
    "dossiers_dossierdocument": """
INSERT INTO dossiers_dossierdocument (id, name, form, quantity, file, content_type, size, sha256, added_at,
    added_in, dossier_id, reused_from_id)
SELECT 3 * id, 'Tờ khai', 'original', 1,
    CASE WHEN comp1 = 'file' THEN 'dossiers/bench/' || id || '-1.pdf' ELSE '' END,
    CASE WHEN comp1 = 'file' THEN 'application/pdf' ELSE '' END, CASE WHEN comp1 = 'file' THEN 48000 ELSE 0 END,
    '', received_at, 'reception', id, CASE WHEN reused THEN %(seed_document)s END
FROM bench_gen
UNION ALL
SELECT 3 * id + 1, 'Bản sao căn cước', 'copy', 1,
    CASE WHEN comp2 = 'file' THEN 'dossiers/bench/' || id || '-2.pdf' ELSE '' END,
    CASE WHEN comp2 = 'file' THEN 'application/pdf' ELSE '' END, CASE WHEN comp2 = 'file' THEN 31000 ELSE 0 END,
    '', received_at, 'reception', id, NULL
FROM bench_gen
UNION ALL
SELECT 3 * id + 2, 'Kết quả giải quyết', 'original', 1, 'dossiers/bench/' || id || '-kq.pdf', 'application/pdf',
    52000, '', processed_at, 'result', id, NULL
FROM bench_gen WHERE e_result
""",
    "documents_digitization": """
INSERT INTO documents_digitization (id, status, error, pages_total, pages_done, text, warnings, confirmed, attempts,
    digitized_at, unsigned_note, exempt, exempt_reason, exempt_note, updated_at, document_id, pdf_id)
SELECT 3 * id + 1, CASE WHEN comp2 = 'digitized' THEN 'done' ELSE '' END, '',
    CASE WHEN comp2 = 'digitized' THEN 2 ELSE 0 END, CASE WHEN comp2 = 'digitized' THEN 2 ELSE 0 END, '',
    '[]', '{}', CASE WHEN comp2 = 'digitized' THEN 1 ELSE 0 END,
    CASE WHEN comp2 = 'digitized' THEN LEAST(received_at + interval '2 hours', %(now)s - interval '10 minutes') END,
    '', comp2 = 'exempt', CASE WHEN comp2 = 'exempt' THEN 'shown_only' ELSE '' END, '',
    LEAST(received_at + interval '2 hours', %(now)s - interval '10 minutes'), 3 * id + 1,
    CASE WHEN comp2 = 'digitized' THEN %(blob)s END
FROM bench_gen WHERE comp2 IN ('digitized', 'exempt')
""",
    "payments_invoice": """
INSERT INTO payments_invoice (id, reference, channel, total, status, payer_name, issued_at, expires_at, paid_at,
    clock_waits, agency_id, dossier_id)
SELECT id, 'BX' || lpad(id::text, 14, '0'), channel, fee, 'paid', 'Người nộp', received_at,
    received_at + interval '3 days', received_at + interval '10 minutes', false, centre_id, id
FROM bench_gen WHERE fee_bearing
""",
    "payments_payment": """
INSERT INTO payments_payment (id, gateway, method, txn_ref, amount, status, applied, created_at, paid_at,
    finished_at, settled_by, gateway_transaction_no, bank_code, response_code, transaction_status, gateway_data,
    last_callback, queries, note, invoice_id)
SELECT id, CASE WHEN paid_online THEN 'vnpay' ELSE 'cash' END, '', 'BX' || id, fee, 'paid', true,
    received_at + interval '5 minutes', received_at + interval '10 minutes', received_at + interval '10 minutes',
    CASE WHEN paid_online THEN 'callback' ELSE 'counter' END, '', '',
    CASE WHEN paid_online THEN '00' ELSE '' END, CASE WHEN paid_online THEN '00' ELSE '' END, '{}', '{}', 0, '',
    id
FROM bench_gen WHERE fee_bearing
""",
    "feedback_rating": """
INSERT INTO feedback_rating (id, liked, total, answered, comment, channel, created_at, dossier_id)
SELECT id, liked, 0, 0, '', CASE WHEN channel IN ('online', 'vneid') THEN 'online' ELSE 'counter' END,
    LEAST(coalesce(finished_at, processed_at) + interval '1 hour', %(now)s), id
FROM bench_gen WHERE rated
""",
    "feedback_feedbackitem": """
INSERT INTO feedback_feedbackitem (id, code, channel, kind, subject, text, search_text, status, officer_name,
    sender_name, sender_phone, sender_email, sender_address, anonymous, received_at, clock_from, reject_due_at,
    forward_due_at, more_due_at, answer_due_at, publish_due_at, reasons, question, answer, answered_at, closed_at,
    on_time, public_subject, public_text, public_answer, public_search, reopen_reason, helpful, not_helpful,
    agency_id, dossier_id)
SELECT id, 'PAKN-B' || id, 'portal', CASE WHEN r_ret < 0.3 THEN 'conduct' ELSE 'procedure' END,
    'Hồ sơ chậm', 'Hồ sơ của tôi chưa có kết quả', ' ho so cham',
    CASE WHEN closed THEN 'answered' ELSE 'in_progress' END, '', 'Người gửi', '', '', '', false,
    at, at, at + interval '2 days', at + interval '5 days', at + interval '5 days', at + interval '15 days',
    at + interval '17 days', '', '', CASE WHEN closed THEN 'Đã trả lời' ELSE '' END,
    CASE WHEN closed THEN at + interval '1 day' * (3 + 12 * r_ret) END,
    CASE WHEN closed THEN at + interval '1 day' * (3 + 12 * r_ret) END,
    CASE WHEN closed THEN r_ret < 0.85 END, '', '', '', '', '', 0, 0, agency_id, id
FROM (
    SELECT g.*, LEAST(coalesce(end_at, received_at) + interval '2 days', %(now)s) AS at,
        LEAST(coalesce(end_at, received_at) + interval '2 days', %(now)s) < %(now)s - interval '15 days' AS closed
    FROM bench_gen g WHERE feedback
) g
""",
}
SEQUENCED = (
    "dossiers_dossier",
    "dossiers_suspension",
    "dossiers_dossierdocument",
    "documents_digitization",
    "payments_invoice",
    "payments_payment",
    "feedback_rating",
    "feedback_feedbackitem",
)


def generate(connection, world: dict, size: int, now: dt.datetime) -> dict[str, float]:
    """Write `size` dossiers and what the index reads about them, by SQL; seconds per step. The
    throw-away database loads faster without checking foreign keys row by row (the generator
    keeps them right) and with the secondary indexes built once at the end."""
    from motcua.documents.models import Blob

    blob = Blob.objects.create(sha256="b" * 64, size=120_000, content_type="application/pdf", name="bench.pdf")
    params = {
        "now": now,
        "days": MONTHS * 365 / 12 - 1,
        "commune_share": COMMUNE_SHARE if world["department_links"] else 1.0,
        "communes": world["commune_links"],
        "departments": max(world["department_links"], 1),
        "citizens": CITIZENS,
        "verified": VERIFIED,
        "names": world["names"],
        "first_id": 1,
        "seed_document": 3,
        "blob": blob.sha256,
    }
    seconds: dict[str, float] = defaultdict(float)
    tables = list(WRITE)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE bench_gen ({GEN_COLUMNS})")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET jit = off")  # compiling the generator's expressions costs more than it saves
        cursor.execute("SELECT setseed(0.2026)")
        try:
            for first in range(1, size + 1, CHUNK):
                last = min(first + CHUNK - 1, size)
                started = time.perf_counter()
                cursor.execute("TRUNCATE bench_gen")
                cursor.execute(GENERATE, {**params, "first": first, "last": last})
                seconds["values drawn"] += time.perf_counter() - started
                for table, statement in WRITE.items():
                    started = time.perf_counter()
                    cursor.execute(statement, params)
                    seconds[table] += time.perf_counter() - started
                print(f"  … {last:,} dossiers written", flush=True)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("RESET jit")
            started = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            seconds["indexes"] = time.perf_counter() - started
        for table in SEQUENCED:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 1))"  # noqa: S608
            )
        cursor.execute("DROP TABLE bench_gen")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have it in production
        seconds["vacuum analyze"] = time.perf_counter() - started
    return seconds


def check_facts(sample: int = 2000) -> int:
    """`facts.compute` of a random sample of dossiers gives the generated facts (all but the
    working days, which the calendar counts); returns how many were compared."""
    from motcua.metrics import facts
    from motcua.metrics.models import DossierFact

    ids = list(DossierFact.objects.order_by("?").values_list("dossier_id", flat=True)[:sample])
    computed = facts.compute(ids)
    stored = {row["dossier_id"]: row for row in DossierFact.objects.filter(dossier_id__in=ids).values()}
    wrong = []
    for pk in ids:
        mine = {k: v for k, v in stored[pk].items() if k not in ("working_days", "updated_at")}
        theirs = {k: v for k, v in computed[pk].items() if k in mine}
        if mine != theirs:
            wrong.append((pk, {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}))
    if wrong:
        raise SystemExit(f"generated facts differ from facts.compute for {len(wrong)} dossiers, e.g. {wrong[:3]}")
    return len(ids)


# -- measuring ------------------------------------------------------------------------------------------


def timed(call, repeat: int = REPEAT, warm_up: int = 3):
    """p50 and p95 in ms over `repeat` calls after `warm_up` calls, the statements of one call, the
    result, and the median CPU time of this process per call (ms): unlike the wall time, it does not
    grow when other work shares the cores, and the difference is the database's share and waiting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        call()
    with CaptureQueriesContext(connection) as queries:
        result = call()
    timings, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return percentile(timings, 0.5), percentile(timings, 0.95), len(queries), result, percentile(cpu, 0.5)


def dashboard(period, agency_id):
    """What the dashboard page computes for a scope and period (views._dashboard_data, less the
    formatting): the tree, the figures, the scope's result, its trend and the ranking of its units."""
    from motcua.metrics import index

    tree = index.Tree.load()
    figures = index.Figures.load(period)
    ids = tree.subtree(agency_id)
    return figures.result(ids), index.trend(figures, ids), index.ranking(figures, tree, agency_id)


def periods(today: dt.date):
    from motcua.metrics import index

    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return {
        "year": (index.Period.of("year", today.year), f"kind=year&year={today.year}"),
        "last month": (
            index.Period.of("month", previous.year, previous.month),
            f"kind=month&year={previous.year}&number={previous.month}",
        ),
        "this month": (
            index.Period.of("month", today.year, today.month),
            f"kind=month&year={today.year}&number={today.month}",
        ),
    }


def measure_computation(world: dict, today: dt.date) -> list[tuple]:
    from django.db import transaction

    from motcua.metrics.models import OpenSnapshot

    chosen = periods(today)
    commune = world["commune"]
    rows = []
    cases = [
        ("province", "year to date", chosen["year"][0], None),
        ("province", "last month (from its snapshot)", chosen["last month"][0], None),
        ("province", "this month (live)", chosen["this month"][0], None),
        (f"commune {commune.name[16:]}", "year to date", chosen["year"][0], commune.pk),
    ]
    for who, what, period, agency_id in cases:
        p50, p95, statements, (result, trend, ranking), cpu = timed(lambda p=period, a=agency_id: dashboard(p, a))
        rows.append(("(a) " + who, what, p50, p95, statements, _summary(result, len(trend), len(ranking), cpu)))
    # Between a month's end and the monthly task (00:10), the month's open dossiers are counted from the facts.
    with transaction.atomic():
        OpenSnapshot.objects.filter(month=chosen["last month"][0].first).delete()
        p50, p95, statements, (result, trend, ranking), cpu = timed(
            lambda: dashboard(chosen["last month"][0], None), repeat=10
        )
        transaction.set_rollback(True)
    rows.append(
        (
            "(a) province",
            "last month, before its snapshot",
            p50,
            p95,
            statements,
            _summary(result, len(trend), len(ranking), cpu),
        )
    )
    return rows


def _summary(result, months: int, units: int, cpu: float) -> str:
    from motcua.metrics import rules

    t = result.totals
    timing = rules.on_time(t)
    rate = f"{100 * timing.rate:.1f} %" if timing.rate is not None else "—"
    return (
        f"Python CPU {cpu:.0f} ms; {result.earned:.2f} pts, on time {rate} of {timing.denominator:,}; "
        f"{months} months, {units} units"
    )


def measure_http(connection, world: dict, today: dt.date) -> list[tuple]:
    """The page over HTTP (granian, bench settings) as the provincial leader, and its statements
    counted in-process."""
    import http.client

    from django.db import connection as django_connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()
    browser.force_login(world["leader"])
    session = browser.cookies["sessionid"].value
    chosen = periods(today)
    pages = [
        ("province, year to date", "/can-bo/chi-so/"),
        ("province, last month", f"/can-bo/chi-so/?{chosen['last month'][1]}"),
        ("commune, year to date", f"/can-bo/chi-so/?agency={world['commune'].pk}&{chosen['year'][1]}"),
    ]
    # The server is started first: it collects the static files that the pages name.
    port = free_port()
    server = start_server(database_url(connection), port, MEDIA, threads="2")
    rows = []
    try:
        counted = {}
        for what, path in pages:
            browser.get(path)  # once to warm the per-process caches (calendars, working hours)
            with CaptureQueriesContext(django_connection) as queries:
                response = browser.get(path)
            if response.status_code != 200 or b'id="rank-h"' not in response.content:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            counted[what] = len(queries)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"sessionid={session}", "Accept-Language": "vi"}
        for what, path in pages:
            timings = []
            for n in range(3 + REPEAT):
                started = time.perf_counter()
                client.request("GET", path, headers=headers)
                response = client.getresponse()
                body = response.read()
                if response.status != 200 or b'id="rank-h"' not in body:
                    raise SystemExit(f"GET {path} over HTTP answered {response.status}")
                if n >= 3:
                    timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                (
                    "(b) GET /can-bo/chi-so/",
                    what,
                    percentile(timings, 0.5),
                    percentile(timings, 0.95),
                    counted[what],
                    f"{len(body) // 1024} KB, one client, keep-alive",
                )
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    return rows


NAIVE = """
SELECT count(*) FILTER (WHERE ended),
       count(*) FILTER (WHERE ended AND (supplement_requests > 1 OR ended_at > index_due_at)),
       count(*) FILTER (WHERE open),
       count(*) FILTER (WHERE open AND (supplement_requests > 1
                        OR (index_due_at IS NOT NULL AND coalesce(paused_at, %(now)s) > index_due_at)))
FROM (
    SELECT d.supplement_requests, d.index_due_at, s.started_at AS paused_at,
           coalesce(d.processed_at, d.finished_at) AS ended_at,
           d.status IN ('processed', 'returned', 'refused', 'withdrawn', 'stopped')
               AND coalesce(d.processed_at, d.finished_at) >= %(start)s
               AND coalesce(d.processed_at, d.finished_at) < %(end)s AS ended,
           d.status IN ('received', 'in_progress', 'supplement_requested', 'supplemented') AS open
    FROM dossiers_dossier d
    LEFT JOIN dossiers_suspension s ON s.dossier_id = d.id AND s.ended_at IS NULL AND NOT s.at_reception
    WHERE d.received_at IS NOT NULL AND d.code IS NOT NULL
) d
"""


def measure_naive(today: dt.date) -> tuple:
    """(d) The province's on-time rate for the year to date straight from the dossiers, in one
    aggregate query, checked equal to the dashboard's (from the tallies)."""
    from django.db import connection

    from motcua.core import clock
    from motcua.metrics import index, rules

    period = periods(today)["year"][0]
    now = clock.now()

    def naive():
        with connection.cursor() as cursor:
            cursor.execute(NAIVE, {"now": now, "start": period.start, "end": min(period.end, now)})
            return cursor.fetchone()

    p50, p95, statements, (ended, ended_late, open_, open_late), _cpu = timed(naive, repeat=10, warm_up=1)
    totals = index.Figures.load(period, now=now).result(index.Tree.load().subtree(None)).totals
    if (ended, ended_late, open_, open_late) != (totals.ended, totals.ended_late, totals.open, totals.open_late):
        raise SystemExit(
            f"the naive count {(ended, ended_late, open_, open_late)} differs from the tallies' "
            f"{(totals.ended, totals.ended_late, totals.open, totals.open_late)}"
        )
    rate = rules.on_time(totals).rate
    return (
        "(d) naive: one query over the dossiers",
        "on-time rate, province, year to date",
        p50,
        p95,
        statements,
        f"on time {100 * rate:.1f} % of {ended + open_:,}: equal to the dashboard's",
    )


def position_cursors(now: dt.datetime) -> None:
    """The change feeds start at their ends, as `facts.rebuild` leaves them."""
    from motcua.metrics import facts
    from motcua.metrics.models import Cursor

    for name, model, _field in facts.FEEDS:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        Cursor.objects.update_or_create(name=name, defaults={"position": last, "gap_since": None, "moved_at": now})
    Cursor.objects.update_or_create(name="digitizations", defaults={"position": 0, "moved_at": now})


CHANGE = """
WITH chosen AS (
    SELECT id, status FROM dossiers_dossier
    WHERE status IN ('received', 'in_progress', 'supplemented') AND id <= %(size)s
    ORDER BY random() LIMIT %(n)s
), ended AS (
    UPDATE dossiers_dossier d SET status = 'returned', processed_at = %(approved)s, finished_at = %(now)s,
        updated_at = %(now)s, revision = d.revision + 1
    FROM chosen WHERE d.id = chosen.id
    RETURNING d.id, chosen.status AS before, d.resolving_agency_id, d.returning_agency_id
)
INSERT INTO dossiers_event (at, action, from_status, to_status, actor_name, timing, note, data, agency_id, dossier_id)
SELECT %(approved)s - interval '10 minutes', 'complete_step', before, 'in_progress', 'Chuyên viên', 'on_time', '',
       '{}'::jsonb, resolving_agency_id, id FROM ended
UNION ALL
SELECT %(approved)s, 'approve', 'in_progress', 'processed', 'Lãnh đạo', '', '', '{}'::jsonb,
       resolving_agency_id, id FROM ended
UNION ALL
SELECT %(now)s, 'return_result', 'processed', 'returned', 'Tiếp nhận', '', '', '{}'::jsonb,
       returning_agency_id, id FROM ended
RETURNING dossier_id
"""
RATE = """
INSERT INTO feedback_rating (liked, total, answered, comment, channel, created_at, dossier_id)
SELECT random() >= 0.1, 0, 0, '', 'counter', %(now)s, d.id FROM dossiers_dossier d
WHERE d.status = 'returned'
  AND d.finished_at < %(now)s - interval '1 hour' AND d.finished_at > %(now)s - interval '30 days'
  AND NOT EXISTS (SELECT 1 FROM feedback_rating r WHERE r.dossier_id = d.id)
  AND NOT EXISTS (SELECT 1 FROM feedback_feedbackitem f WHERE f.dossier_id = d.id)
ORDER BY random() LIMIT %(n)s
RETURNING NOT liked
"""


def measure_freshness(connection, world: dict, size: int) -> list[tuple]:
    """(c) `facts.refresh` with nothing new, then after 1,000 dossiers changed and a few received
    through the services; the dashboard of this month must show the change after that one refresh."""
    from django.db import transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from motcua.core import clock
    from motcua.dossiers import services
    from motcua.dossiers.services import Applicant, Reception
    from motcua.metrics import facts, index
    from motcua.metrics.models import DossierFact, Tally

    now = clock.now()
    position_cursors(now)
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        assert facts.refresh() == 0
        timings.append((time.perf_counter() - started) * 1000)
    rows = [
        (
            "(c) facts.refresh()",
            "nothing changed (every minute)",
            percentile(timings, 0.5),
            percentile(timings, 0.95),
            None,
            "10 runs",
        )
    ]
    sums = ("received", "ended", "resolved", "ended_disliked")

    def tallied():
        return Tally.objects.aggregate(**{name: Sum(name) for name in sums})

    this_month = periods(now.astimezone(dt.timezone(dt.timedelta(hours=7))).date())["this month"][0]
    province = index.Tree.load().subtree(None)
    before, seen_before = tallied(), index.Figures.load(this_month).result(province).totals
    for n in range(RECEIVED_LIVE):
        applicant = Applicant(
            kind="person", name=f"Trần Văn Hùng {n}", id_number=f"04219000{n:04d}", address="Số 5, Hà Tĩnh"
        )
        services.receive_at_counter(
            world["receptionist"], world["commune_centre"], Reception("2.001035", applicant), "receive"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        now = clock.now()
        cursor.execute(
            CHANGE, {"size": size, "n": CHANGED_ENDED, "now": now, "approved": now - dt.timedelta(minutes=5)}
        )
        ended_ids = {pk for (pk,) in cursor.fetchall()}
        ended = len(ended_ids)
        cursor.execute(RATE, {"now": now, "n": CHANGED_RATED})
        disliked = sum(1 for (flag,) in cursor.fetchall() if flag)
        rated = cursor.rowcount
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        refreshed = facts.refresh()
    seconds = time.perf_counter() - started
    after, seen_after = tallied(), index.Figures.load(this_month).result(province).totals
    # Newly ended dossiers that had a feedback item count as disliked in their month of end.
    disliked += DossierFact.objects.filter(dossier_id__in=ended_ids, disliked=True).count()
    expected = {"received": RECEIVED_LIVE, "ended": ended, "resolved": ended, "ended_disliked": disliked}
    delta = {name: after[name] - before[name] for name in sums}
    if refreshed != ended + rated + RECEIVED_LIVE or delta != expected:
        raise SystemExit(f"refresh saw {refreshed} dossiers; tallies moved by {delta}, expected {expected}")
    if (seen_after.received - seen_before.received, seen_after.ended - seen_before.ended) != (RECEIVED_LIVE, ended):
        raise SystemExit("the dashboard of this month does not show the refreshed dossiers")
    rows.append(
        (
            "(c) facts.refresh()",
            f"{ended + rated:,} changed + {RECEIVED_LIVE} received",
            seconds * 1000,
            seconds * 1000,
            len(queries),
            f"{refreshed:,} dossiers refreshed; this month on the dashboard: "
            f"+{RECEIVED_LIVE} received, +{ended} ended (one run)",
        )
    )
    return rows


# -- one size ----------------------------------------------------------------------------------------------


def run(size: int, keep: bool) -> list[tuple]:
    connection, old_name = create_database(size)
    name = connection.settings_dict["NAME"]
    try:
        from django.db import transaction

        from motcua.core import clock
        from motcua.metrics import facts
        from motcua.metrics.models import OpenSnapshot, Tally

        started = time.perf_counter()
        world = setup_province(connection)
        setting_up = time.perf_counter() - started
        now = clock.now()
        today = now.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
        print(f"\n{size:,} dossiers in {name}: province and catalogue in {setting_up:.0f} s; generating …", flush=True)
        seconds = generate(connection, world, size, now)
        print(
            f"  generated in {sum(seconds.values()):.0f} s: "
            + ", ".join(f"{step} {value:.1f} s" for step, value in seconds.items()),
            flush=True,
        )
        compared = check_facts()
        print(f"  facts.compute of {compared:,} random dossiers = the generated facts (all but working days)")
        started = time.perf_counter()
        with transaction.atomic():
            tallies = facts.recompute_tallies(None)
        tallying = time.perf_counter() - started
        started = time.perf_counter()
        months = facts.take_snapshots()
        snapping = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrics_tally")
            cursor.execute("ANALYZE metrics_opensnapshot")
        rows = [
            ("rebuild", "facts.recompute_tallies(None)", tallying * 1000, None, None, f"{tallies:,} tally rows"),
            (
                "rebuild",
                "facts.take_snapshots()",
                snapping * 1000,
                None,
                None,
                f"{months} months, {OpenSnapshot.objects.count():,} snapshot rows",
            ),
        ]
        assert Tally.objects.count() == tallies
        print(f"  rebuild: tallies {tallying:.1f} s, snapshots {snapping:.1f} s; measuring …", flush=True)
        rows += measure_computation(world, today)
        rows.append(measure_naive(today))
        rows += measure_http(connection, world, today)
        rows += measure_freshness(connection, world, size)
        print_rows(size, rows)
        return rows
    finally:
        connection.close()
        drop_database(connection, old_name, keep)
        if keep:
            print(f"  kept {name}")


def print_rows(size: int, rows: list[tuple]) -> None:
    print(f"\n{size:,} dossiers — load average (1 min) {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print(f"  {'what':<36} {'case':<36} {'p50 ms':>9} {'p95 ms':>9} {'SQL':>4}  notes")
    for what, case, p50, p95, statements, note in rows:
        print(
            f"  {what:<36} {case:<36} {p50:9.1f} {'' if p95 is None else f'{p95:9.1f}':>9} "
            f"{'' if statements is None else statements:>4}  {note}"
        )


def main() -> int:
    args = sys.argv[1:]
    keep = "--keep" in args
    sizes = [int(arg.replace(",", "").replace("_", "")) for arg in args if arg != "--keep"] or [100_000, 1_000_000]
    try:
        results = {size: run(size, keep) for size in sizes}
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
    print(f"\nSide by side (p50 / p95 ms; statements): {', '.join(f'{s:,}' for s in sizes)} dossiers")
    first = results[sizes[0]]
    for n, (what, case, *_rest) in enumerate(first):
        cells = []
        for size in sizes:
            _, _, p50, p95, statements, _ = results[size][n]
            cell = f"{p50:.1f}" + ("" if p95 is None or p95 == p50 else f" / {p95:.1f}")
            cells.append(cell + ("" if statements is None else f" ({statements})"))
        print(f"  {what:<36} {case:<36} " + "   ".join(f"{cell:>22}" for cell in cells))
    largest = results[max(sizes)]
    page = next(row for row in largest if row[0].startswith("(a) province") and row[1] == "year to date")
    http = next(row for row in largest if row[0].startswith("(b)") and row[1].startswith("province, year"))
    refresh = next(row for row in largest if row[0].startswith("(c)") and row[1].endswith("received"))
    met = page[3] < GOAL_MS and http[3] < GOAL_MS and refresh[2] < FRESH_S * 1000
    print(
        f"\nAt {max(sizes):,} dossiers: the province's dashboard computed in p95 {page[3]:.0f} ms, served in p95 "
        f"{http[3]:.0f} ms (goal < {GOAL_MS} ms); a refresh of 1,000 changed dossiers {refresh[2] / 1000:.1f} s "
        f"(runs every {FRESH_S} s): {'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
