"""The official one-stop forms (biểu mẫu, Circular 03/2025/TT-VPCP Annex I) as PDF/A, generated from the record.

Forms 01–06 belong to one dossier and are drawn from its history (`render_form`); Form 07, the register
(sổ theo dõi hồ sơ), lists what a service centre received in a period (`render_register`). The layouts
are the 2025 ones (shared/reference/legal_addendum.md §1): Django templates under
``templates/dossiers/forms/``, rendered by WeasyPrint as PDF/A-3b with real, searchable text. Slips are
A5 and the register A4 landscape, set in Times New Roman, or in Liberation Serif (same metrics) where
Times is not installed; nothing is fetched while rendering, every image is an inline data URI.

QR code (Circular 01/2023). Each slip carries at its top left a QR code (byte mode, UTF-8) whose text
is ``key=value`` pairs joined by ``;``, always in this order (one line, cut here)::

    MaHoSo=H42.18073-260112-0001;MaTTHC=2.001035;SoDinhDanh=042190000123;
    TenGiayTo=Giấy tiếp nhận hồ sơ và hẹn trả kết quả

- ``MaHoSo``: the dossier code (mã hồ sơ), empty for a dossier refused or sent back before it got one;
- ``MaTTHC``: the national procedure code;
- ``SoDinhDanh``: the applicant's personal ID number or organisation's tax code;
- ``TenGiayTo``: the form's title as in `FORMS`.
The keys follow the National Public Service Portal's field names. Values never contain ``;``, which
is written as ``,`` should one appear. The register has no QR code: it is not about one dossier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from motcua.agencies.models import Agency
from motcua.agencies.services import subtree
from motcua.core import clock
from motcua.core.money import format_dong
from motcua.workdays.calendar import VN_TZ

from .models import ApplicantKind, Dossier, DossierDocument, DossierStep, Event, Extension, ReturnMethod, Suspension
from .workflow import Status

FORMS: dict[int, str] = {
    1: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    2: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    3: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    4: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    5: "Thông báo dừng giải quyết hồ sơ",
    6: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    7: "Sổ theo dõi hồ sơ",
}

# The number line's suffix per form, as in the reproduction of Annex I; "TTPVHCC" is replaced by
# "BPTNTKQ" for a one-stop unit that is not a service centre. Form 05's suffix is ours (no layout published).
_NUMBER_SUFFIX = {1: "", 2: "PBS-", 3: "PTC-", 4: "PXL", 5: "TBD-", 6: "PKS-", 7: "STD-"}

# Hand-overs of the control slip (Form 06): who gave the dossier to whom, and when.
HANDOVER_ACTIONS = ("receive", "complete_step", "approve", "return_result")

TIMING_LABELS = {
    DossierStep.Timing.EARLY: "Trước hạn",
    DossierStep.Timing.ON_TIME: "Đúng hạn",
    DossierStep.Timing.LATE: "Quá hạn",
}
DOCUMENT_FORMS = {
    DossierDocument.Form.ORIGINAL: "bản chính",
    DossierDocument.Form.COPY: "bản sao",
    DossierDocument.Form.CERTIFIED_COPY: "bản sao có chứng thực",
}
UNIT_LABELS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
    "months": "tháng",
}
RETURN_METHODS = {
    ReturnMethod.COUNTER: "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
    ReturnMethod.POST: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.ONLINE: "Trực tuyến, trên Cổng Dịch vụ công",
}
# What the register writes in "Trả kết quả" for a dossier that ended without a result.
ENDED_WITHOUT_RESULT = {
    Status.REFUSED: "Từ chối giải quyết",
    Status.STOPPED: "Dừng giải quyết (không bổ sung)",
    Status.WITHDRAWN: "Dừng giải quyết (theo đề nghị)",
}

PDF_VARIANT = "pdf/a-3b"
# Agencies whose header has no authority above them.
_TOP_LEVEL = (Agency.Kind.PROVINCE_PC, Agency.Kind.COMMUNE_PC, Agency.Kind.MINISTRY)


# WeasyPrint lays out about 50 register rows a second here and holds every page in memory (about
# 0.25 MB a row) until the PDF is written; past this many rows the register is refused rather
# than tying up a worker: ask for a shorter period (a register is kept per field anyway).
MAX_REGISTER_ROWS = 2000


class FormNotAvailable(ValueError):
    """The dossier's history has no such form (e.g. Form 04 without an extension)."""


class RegisterTooLarge(ValueError):
    """The period holds more dossiers than one printed register may (`MAX_REGISTER_ROWS`)."""


# -- writing dates and names the way official documents do -----------------------------------------


def format_time(instant: dt.datetime | None) -> str:
    """09 giờ 05 phút, ngày 12/01/2026 — Vietnam time."""
    if instant is None:
        return ""
    local = instant.astimezone(VN_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def format_date_line(day: dt.date) -> str:
    """ngày 05 tháng 02 năm 2026 — a leading zero for days below 10 and months below 3 (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(VN_TZ).date()


def _place() -> str:
    """The place written before the date: the province's name without "Tỉnh"/"Thành phố"."""
    name = settings.MOTCUA_PROVINCE_NAME
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _officer(user, fallback: str = "") -> str:
    """An officer's full name in Vietnamese order (family name first)."""
    if user is None:
        return fallback
    name = f"{user.last_name} {user.first_name}".strip()
    return name or fallback or user.username


def _amount(value: Decimal) -> str:
    """2.00 → "2", 0.50 → "0,5"."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def qr_payload(dossier: Dossier, form_title: str) -> str:
    """The text of a slip's QR code (see the module docstring)."""
    fields = [
        ("MaHoSo", dossier.code or ""),
        ("MaTTHC", dossier.procedure_version.procedure.code),
        ("SoDinhDanh", dossier.applicant_id_number),
        ("TenGiayTo", form_title),
    ]
    return ";".join(f"{key}={str(value).replace(';', ',')}" for key, value in fields)


def lookup_url(dossier: Dossier) -> str:
    """The public look-up page of the dossier (code and secret in the path), for the slip's second
    QR code: scanning it shows the dossier's progress, names masked, without logging in."""
    base = settings.MOTCUA_PUBLIC_URL.rstrip("/")
    return f"{base}/tra-cuu/{dossier.code}/{dossier.secret}/"


def _qr_data_uri(payload: str) -> str:
    return segno.make(payload, error="m", micro=False).svg_data_uri(border=0, dark="#000")


# -- which forms a dossier has ---------------------------------------------------------------------


def available_forms(dossier: Dossier) -> list[int]:
    """The forms 01–06 that exist for this dossier's history, in order."""
    actions = set(
        Event.objects.filter(dossier=dossier, action__in=["refuse_at_reception", "withdraw"]).values_list(
            "action", flat=True
        )
    )
    received = Dossier.objects.filter(pk=dossier.pk, received_at__isnull=False).exists()
    found = {
        1: received,
        2: Suspension.objects.filter(dossier=dossier).exists(),
        3: "refuse_at_reception" in actions,
        4: Extension.objects.filter(dossier=dossier).exists(),
        5: "withdraw" in actions,
        6: received,
    }
    return [number for number, present in found.items() if present]


# -- rendering -------------------------------------------------------------------------------------


def _pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    # Only inline data: URIs are resolved; a form never reaches the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, base_url="data:,", url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def _issuer(agency: Agency, number: int) -> dict:
    """The left block of the national header: the authority above, the unit, the number line."""
    if number == 4 or agency.is_centre:
        # A service centre under its People's Committee; for Form 04 the resolving authority itself.
        above = agency.parent if agency.parent and agency.kind not in _TOP_LEVEL else None
        lines = (above.name if above else "", agency.name)
    else:
        lines = (agency.name, "Bộ phận Tiếp nhận và Trả kết quả")
    office = "TTPVHCC" if agency.is_centre else "BPTNTKQ"
    suffix = _NUMBER_SUFFIX[number] if number == 4 else f"{_NUMBER_SUFFIX[number]}{office}"
    return {
        "above": lines[0].upper(),
        "unit": lines[1].upper(),
        "name": agency.name,
        "number_line": f"Số: ......../{suffix}",
    }


def _load(dossier: Dossier) -> Dossier:
    # Read afresh: callers often hold the object a service returned before later actions.
    return Dossier.objects.select_related(
        "procedure_version__procedure",
        "receiving_agency__parent",
        "resolving_agency__parent",
        "returning_agency",
        "created_by",
    ).get(pk=dossier.pk)


def render_form(dossier: Dossier, number: int) -> bytes:
    """Form `number` (1–6) of the dossier as a PDF/A; FormNotAvailable if its history has none."""
    if number not in FORMS or number == 7:
        raise FormNotAvailable(_("Form %(number)02d is not a form of one dossier.") % {"number": number})
    if number not in available_forms(dossier):
        raise FormNotAvailable(
            _("Dossier %(dossier)s has no Form %(number)02d.") % {"dossier": dossier, "number": number}
        )
    dossier = _load(dossier)
    title = FORMS[number]
    builders = {1: _form_01, 2: _form_02, 3: _form_03, 4: _form_04, 5: _form_05, 6: _form_06}
    issued_at, context = builders[number](dossier)
    issuer_agency = dossier.resolving_agency if number == 4 else dossier.receiving_agency
    payload = qr_payload(dossier, title)
    context |= {
        "number": number,
        "title": title,
        "d": dossier,
        "procedure_name": dossier.procedure_version.name,
        "is_organisation": dossier.applicant_kind == ApplicantKind.ORGANISATION,
        "issuer": _issuer(issuer_agency, number),
        "place_date": f"{_place()}, {format_date_line(_local_date(issued_at))}",
        "qr": _qr_data_uri(payload),
        "qr_text": payload,
        "created": issued_at.isoformat(),
    }
    if number == 1 and dossier.code:
        # The slip the applicant keeps carries a second QR code: the public look-up page.
        context |= {
            "lookup_qr": _qr_data_uri(lookup_url(dossier)),
            "lookup_url": lookup_url(dossier),
            "lookup_home": settings.MOTCUA_PUBLIC_URL.rstrip("/") + "/tra-cuu/",
        }
    context.setdefault("sheets", [{}])
    return _pdf(f"dossiers/forms/form_{number:02d}.html", context)


def _event(dossier: Dossier, *actions: str) -> Event | None:
    return (
        Event.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor", "agency")
        .order_by("-at", "-id")
        .first()
    )


def _form_01(dossier: Dossier):
    version = dossier.procedure_version
    received = _event(dossier, "receive")
    if version.time_limit_unit == "same_day":
        limit = "trong ngày"
    else:
        limit = f"{_amount(version.time_limit_amount)} {UNIT_LABELS.get(version.time_limit_unit, 'ngày')}"
    documents = [
        {"name": doc.name, "form": DOCUMENT_FORMS.get(doc.form, doc.form), "quantity": doc.quantity}
        for doc in dossier.documents.filter(added_in="reception").order_by("id")
    ]
    if dossier.return_method == ReturnMethod.COUNTER:
        return_place = dossier.returning_agency.name
    else:
        return_place = RETURN_METHODS.get(dossier.return_method, dossier.return_method)
        if dossier.return_address:
            return_place += f" — {dossier.return_address}"
    return dossier.received_at, {
        "documents": documents,
        "time_limit": limit,
        "received": format_time(dossier.received_at),
        # The slip as issued: the first appointment, even if a later extension moved it.
        "due": format_time(dossier.original_due_at or dossier.due_at),
        "return_place": return_place,
        "fees": format_dong(dossier.fees_collected) if dossier.fees_collected else "",
        "receiver": _officer(received.actor, received.actor_name) if received else "",
    }


def _form_02(dossier: Dossier):
    suspensions = list(dossier.suspensions.select_related("requested_by").order_by("started_at", "id"))
    # One page per request; usually there is one (at reception it may be asked only once).
    requests = [
        {
            "items": suspension.items,
            "reason": suspension.reason,
            "deadline": format_time(suspension.deadline_at),
            "at": format_time(suspension.started_at),
            "at_reception": suspension.at_reception,
            "guide": _officer(suspension.requested_by),
            "place_date": f"{_place()}, {format_date_line(_local_date(suspension.started_at))}",
        }
        for suspension in suspensions
    ]
    return suspensions[-1].started_at, {"sheets": requests, "contact": dossier.receiving_agency.phone}


def _form_03(dossier: Dossier):
    refused = _event(dossier, "refuse_at_reception")
    return refused.at, {
        "reasons": [line for line in refused.note.splitlines() if line.strip()] or [refused.note],
        "receiver": _officer(refused.actor, refused.actor_name),
        "at": format_time(refused.at),
    }


def _form_04(dossier: Dossier):
    extension = Extension.objects.select_related("issued_by").get(dossier=dossier)
    return extension.issued_at, {
        "received": format_time(dossier.received_at),
        "old_due": format_time(extension.old_due_at),
        "new_due": format_time(extension.new_due_at),
        "reason": extension.reason,
        "head": _officer(extension.issued_by),
        "resolving": dossier.resolving_agency,
    }


def _form_05(dossier: Dossier):
    withdrawn = _event(dossier, "withdraw")
    return withdrawn.at, {
        "requested": format_time(withdrawn.at),
        "reason": withdrawn.note,
        "signer": _officer(withdrawn.actor, withdrawn.actor_name),
        "received": format_time(dossier.received_at),
    }


def _form_06(dossier: Dossier):
    steps = list(dossier.steps.select_related("agency").order_by("stage", "position"))
    events = list(
        Event.objects.filter(dossier=dossier, action__in=HANDOVER_ACTIONS)
        .select_related("actor", "agency", "to_agency", "step")
        .order_by("at", "id")
    )
    applicant = dossier.representative_name or dossier.applicant_name
    handovers = []
    for index, event in enumerate(events):
        giver = _officer(event.actor, event.actor_name)
        if event.action == "receive":
            # The applicant hands the dossier to the one-stop unit.
            handovers.append(_handover(event, applicant, _name(event.agency), applicant, giver, ""))
            continue
        if event.action == "return_result":
            handovers.append(_handover(event, _name(event.agency), applicant, giver, applicant, event.timing))
            continue
        receiving = event.to_agency or _next_agency(steps, event.step) or dossier.returning_agency
        # Whoever acted next for the receiving unit took the dossier over.
        taker = next(
            (
                _officer(later.actor, later.actor_name)
                for later in events[index + 1 :]
                if later.agency_id == receiving.pk and later.action != "receive"
            ),
            "",
        )
        handovers.append(_handover(event, _name(event.agency), receiving.name, giver, taker, event.timing))
    coordinating = sorted(
        {
            step.agency.name
            for step in steps
            if step.agency_id
            not in (dossier.receiving_agency_id, dossier.resolving_agency_id, dossier.returning_agency_id)
        }
    )
    return dossier.received_at, {
        "handovers": handovers,
        "coordinating": "; ".join(coordinating) or dossier.procedure_version.coordinating_agencies,
        "received": format_time(dossier.received_at),
        "due": format_time(dossier.due_at),
    }


def _name(agency: Agency | None) -> str:
    return agency.name if agency else ""


def _next_agency(steps: list[DossierStep], step: DossierStep | None) -> Agency | None:
    if step is None:
        return None
    return next((s.agency for s in steps if s.stage > step.stage), None)


def _handover(event: Event, from_unit: str, to_unit: str, giver: str, taker: str, timing: str) -> dict:
    notes = [event.step.name] if event.step_id else []
    if event.note:
        notes.append(event.note)
    return {
        "from_unit": from_unit,
        "to_unit": to_unit,
        "at": format_time(event.at),
        "giver": giver,
        "taker": taker,
        "timing": TIMING_LABELS.get(timing, ""),
        "note": " — ".join(notes),
    }


# -- Form 07, the register -------------------------------------------------------------------------

REGISTER_FIELDS = (
    "code",
    "procedure_version__name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "resolving_agency__name",
    "received_at",
    "due_at",
    "finished_at",
    "status",
    "return_method",
)


def register_rows(agency: Agency, date_from: dt.date, date_to: dt.date):
    """The register's rows, streamed from one query: every dossier received in the centre's subtree
    between the two Vietnam dates (inclusive), in order of receipt."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VN_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
    rows = (
        Dossier.objects.filter(receiving_agency__in=subtree(agency), received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "id")
        .values(*REGISTER_FIELDS)
        .iterator(chunk_size=500)
    )
    for number, row in enumerate(rows, start=1):
        if number > MAX_REGISTER_ROWS:
            raise RegisterTooLarge(
                _("More than %(max)s dossiers were received in this period; choose a shorter one.")
                % {"max": MAX_REGISTER_ROWS}
            )
        if row["status"] == Status.RETURNED:
            returned = format_time(row["finished_at"])
        else:
            returned = ENDED_WITHOUT_RESULT.get(row["status"], "")
        contact = row["applicant_address"]
        if row["applicant_phone"]:
            contact += f" / {row['applicant_phone']}"
        yield {
            "number": number,
            "code": row["code"],
            "procedure": row["procedure_version__name"],
            "applicant": row["applicant_name"],
            "contact": contact,
            "resolving": row["resolving_agency__name"],
            "received": format_time(row["received_at"]),
            "due": format_time(row["due_at"]),
            "returned": returned,
            "method": RETURN_METHODS.get(row["return_method"], row["return_method"]),
        }


def render_register(agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """Form 07 for a service centre (and the units under it) and a period, A4 landscape, as PDF/A."""
    if date_to < date_from:
        raise ValueError(_("The period ends before it starts."))
    today = _local_date(clock.now())
    context = {
        "number": 7,
        "title": FORMS[7],
        "issuer": _issuer(agency, 7),
        "place_date": f"{_place()}, {format_date_line(today)}",
        "period": f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}",
        "sheets": [{}],
        "columns": range(1, 12),
        "rows": list(register_rows(agency, date_from, date_to)),
        "created": clock.now().isoformat(),
    }
    return _pdf("dossiers/forms/form_07.html", context)
