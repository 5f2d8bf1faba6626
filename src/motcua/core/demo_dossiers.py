"""Demo dossiers: a few hundred dossiers of the demo province, so that every back-office page
shows something real.

Every dossier is made and moved **through the services only** (`motcua.dossiers.services`), each
action under `clock.at(instant)`: nothing here writes a dossier's fields. The generator first
*plans* every dossier's story in working time (the same `WorkCalendar` arithmetic the services
use, so that appointments, the 3-working-day limit for supplement requests, the one-working-day
notice for a new date and the 15-day wait for a supplement come out right), then plays the
stories in the order their codes are issued, so daily sequences follow the clock.

Receipts spread over about four months before now, in working hours of working days, at the
commune centres of seven communes (Thành Sen, where the demo officers work, gets the largest
share) and the provincial centre. The outcomes cover every status of `workflow.Status`; old
dossiers are mostly returned, some late, some early; recent ones wait at every kind of step, some
overdue, some due within a day, a few extended (Form 04). The same seed at the same moment (and
the same catalogue) gives the same dossiers; if a service refuses an action, the generator is
wrong and the error propagates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from motcua.agencies.models import Agency, Assignment, Role
from motcua.catalog import services as catalog
from motcua.catalog.models import ProcedureAgency, ProcedureVersion, RequiredDocument
from motcua.core import clock
from motcua.core.text import fold
from motcua.dossiers import alerts, services
from motcua.dossiers.models import Channel, DossierStep, ReturnMethod
from motcua.dossiers.services import Applicant, Reception, Upload
from motcua.notifications import services as notifications
from motcua.workdays.calendar import Unit, WorkCalendar
from motcua.workdays.services import calendar_for

from .demo import DEMO_CITIZEN, DEMO_COMMUNE_WARD, DEMO_PASSWORD, LEVEL1

# Working days before now over which receipts spread (about four months).
WINDOW_DAYS = 84
PROVINCE_CENTRE = f"{LEVEL1}.30"

# Communes whose centres receive demo dossiers: (ward code, weight, username suffix of its officers).
COMMUNES = [
    (DEMO_COMMUNE_WARD, 36, ""),  # phường Thành Sen: the demo officers tiepnhan, chuyenvien, lanhdao
    (18100, 9, "tranphu"),  # phường Trần Phú
    (18652, 8, "hahuytap"),  # phường Hà Huy Tập
    (18115, 6, "bachonglinh"),  # phường Bắc Hồng Lĩnh
    (18562, 7, "thachha"),  # xã Thạch Hà
    (18673, 6, "camxuyen"),  # xã Cẩm Xuyên
    (18406, 5, "canloc"),  # xã Can Lộc
]
PROVINCE_CENTRE_WEIGHT = 23

# How often each procedure is asked for (unlisted procedures of the catalogue weigh 1).
POPULARITY = {
    "2.000815": 14,  # chứng thực bản sao từ bản chính
    "2.000884": 8,  # chứng thực chữ ký
    "1.001193": 8,  # đăng ký khai sinh
    "2.001035": 6,  # chứng thực hợp đồng, giao dịch
    "1.000894": 5,  # đăng ký kết hôn
    "2.000635": 4,  # bản sao trích lục hộ tịch
    "1.013225": 4,  # giấy phép xây dựng
    "2.000908": 6,  # cấp bản sao từ sổ gốc
    "1.010828": 5,  # trích lục hồ sơ người có công
    "1.000656": 3,  # đăng ký khai tử
    "1.004859": 3,  # thay đổi, cải chính hộ tịch
    "1.012796": 3,  # đính chính giấy chứng nhận
    "2.000286": 2,
    "1.013227": 2,
    "1.014034": 2,
    "2.001406": 2,
    "1.012812": 2,
    "1.001022": 2,
}
# Procedures an organisation may ask for, with the chance that the applicant is one.
ORGANISATION_SHARE = {"1.013225": 0.45, "1.013227": 0.5, "2.001035": 0.2, "2.000884": 0.1, "1.012796": 0.15}

# What happens to a dossier; weights for a few hundred dossiers. Finished stories first.
FATES = {
    "returned": 46,
    "returned_early": 4,
    "returned_late": 7,
    "returned_extended": 2.5,
    "returned_after_supplement": 4,
    "returned_after_reception_supplement": 3,
    "refused_at_reception": 3,
    "refused": 3,
    "stopped": 2.5,
    "withdrawn": 2.5,
    # Still open now.
    "submitted": 3,
    "received": 2.5,
    "at_specialist": 5,
    "at_leader": 3,
    "overdue": 2.5,
    "due_soon": 2.5,
    "extended": 1.5,
    "supplement_at_reception": 2,
    "supplement_requested": 2,
    "supplemented_at_reception": 1.5,
    "supplemented": 1.5,
    "processed": 3,
}
FINISHED_FATES = frozenset(list(FATES)[: list(FATES).index("submitted")])
OPEN_FATES = frozenset(FATES) - FINISHED_FATES
ONLINE_FATES = frozenset({"submitted", "supplemented_at_reception"})
LONG_FATES = frozenset({"returned_extended", "extended"})  # need room for a Form 04 before the due date
# Open and not yet due: a same-day procedure left open over a weekend or a night would be overdue.
ROOMY_FATES = frozenset({"received", "at_specialist", "at_leader", "processed", "supplemented"})

RECEPTIONIST, SPECIALIST, LEADER = Role.RECEPTIONIST.value, Role.SPECIALIST.value, Role.LEADER.value

# -- people -------------------------------------------------------------------------------------

SURNAMES = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 10), ("Phan", 7), ("Võ", 6), ("Hoàng", 5), ("Phạm", 5),
    ("Đặng", 4), ("Hồ", 3), ("Bùi", 3), ("Thái", 2), ("Đậu", 2), ("Đinh", 2), ("Dương", 2),
    ("Ngô", 2), ("Đỗ", 2), ("Chu", 1), ("Lương", 1), ("Mai", 1), ("Tôn", 1), ("Hà", 1), ("Cao", 1),
]  # fmt: skip
MIDDLE = {
    "m": ["Văn", "Văn", "Đức", "Hữu", "Minh", "Quang", "Xuân", "Đình", "Công", "Thanh", "Quốc", "Trọng", "Duy", "Anh"],
    "f": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Phương", "Hải", "Diệu", "Khánh", "Bảo"],
}
GIVEN = {
    "m": [
        "Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Thắng", "Quân", "Hiếu", "Phong", "Trung", "Bình",
        "Cường", "Đạt", "Hoàng", "Khánh", "Lâm", "Nghĩa", "Phúc", "Quý", "Tài", "Thành", "Tùng", "Vinh", "Hưng",
        "Toàn", "Đông", "Thái", "Lộc", "Kiên", "Huy", "Tiến", "Việt", "Đức", "Mạnh",
    ],
    "f": [
        "Lan", "Hoa", "Hương", "Mai", "Linh", "Trang", "Hà", "Thảo", "Nga", "Hằng", "Yến", "Oanh", "Nhung",
        "Huyền", "Thủy", "Phượng", "Loan", "Vân", "Ngân", "Quỳnh", "Dung", "Liên", "Giang", "Hạnh", "Tâm",
        "Châu", "Ánh", "Thơ", "Hiền", "Nhàn", "Tuyết", "Vy", "Trâm", "Diệp",
    ],
}  # fmt: skip
# Place of birth of the few applicants not born in Hà Tĩnh: Nghệ An, Quảng Bình, Hà Nội, Thanh Hóa.
OTHER_BIRTH_PROVINCES = ["040", "044", "001", "038"]
STREETS = [
    "Trần Phú", "Phan Đình Phùng", "Hà Huy Tập", "Nguyễn Du", "Xuân Diệu", "Lê Duẩn", "Nguyễn Công Trứ",
    "Hải Thượng Lãn Ông", "Võ Liêm Sơn", "Nguyễn Huy Tự", "Lý Tự Trọng", "Đặng Dung", "Mai Thúc Loan",
    "Phan Huy Chú", "Nguyễn Chí Thanh", "Hàm Nghi", "26 tháng 3", "Quang Trung", "Lê Hồng Phong", "Nguyễn Biểu",
]  # fmt: skip
HAMLETS = [
    "Trung Tiến", "Đông Hà", "Bắc Sơn", "Tân Phú", "Hòa Bình", "Phúc Lợi", "Yên Thịnh", "Minh Tiến", "Đồng Tâm",
    "Quyết Tiến", "Thanh Long", "Vĩnh Thịnh", "Tân Học", "Đông Châu", "Nam Sơn", "Bình Minh", "Liên Hương",
]  # fmt: skip
COMPANY_FORMS = [
    "Công ty TNHH Xây dựng và Thương mại",
    "Công ty Cổ phần Đầu tư",
    "Công ty TNHH Một thành viên",
    "Hợp tác xã Dịch vụ Nông nghiệp",
    "Công ty Cổ phần Xây lắp",
    "Doanh nghiệp tư nhân",
]
COMPANY_NAMES = [
    "Hồng Lam", "Thiên Cầm", "Sông La", "Ngàn Phố", "Hoành Sơn", "Vũng Áng", "Trà Sơn", "Minh Phát", "Phúc An",
    "Tân Thành Đạt", "Hương Giang", "Kẻ Gỗ", "Bắc Hà", "Thành Sen", "Nam Hồng",
]  # fmt: skip

# Officers added for the demo dossiers: (last name, first name), taken in order.
OFFICER_NAMES = [
    ("Nguyễn Thị", "Thanh"), ("Trần Văn", "Đức"), ("Lê Quang", "Vinh"), ("Phan Thị", "Thu"),
    ("Võ Minh", "Tuấn"), ("Hoàng Văn", "Sơn"), ("Đặng Thị", "Hạnh"), ("Bùi Xuân", "Trường"),
    ("Hồ Thị", "Nhung"), ("Thái Văn", "Lâm"), ("Đậu Thị", "Hiền"), ("Nguyễn Hữu", "Phúc"),
    ("Trần Thị", "Mai"), ("Lê Đình", "Hải"), ("Phạm Văn", "Quý"), ("Nguyễn Thị", "Loan"),
    ("Đinh Văn", "Thắng"), ("Dương Thị", "Nga"), ("Ngô Quốc", "Khánh"), ("Võ Thị", "Hằng"),
    ("Trần Quốc", "Bảo"), ("Lê Thị", "Yến"), ("Nguyễn Văn", "Tài"), ("Phan Văn", "Hùng"),
    ("Hoàng Thị", "Oanh"), ("Đặng Văn", "Lực"), ("Hồ Văn", "Thành"), ("Nguyễn Thị", "Quỳnh"),
    ("Trần Đình", "Nam"), ("Lê Thị", "Vân"), ("Võ Văn", "Kiên"), ("Bùi Thị", "Thủy"),
]  # fmt: skip

# -- what officers write --------------------------------------------------------------------------

REFUSALS_AT_RECEPTION = [
    "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan; đã hướng dẫn nộp tại cơ quan có thẩm quyền.",
    "Người nộp không phải là người có quyền yêu cầu và không có văn bản ủy quyền hợp lệ.",
    "Việc này đã được giải quyết trước đây; không tiếp nhận yêu cầu trùng lặp.",
]
REFUSALS = [
    "Thông tin kê khai không khớp với Cơ sở dữ liệu quốc gia về dân cư; không đủ điều kiện giải quyết.",
    "Kết quả xác minh cho thấy yêu cầu không có căn cứ theo quy định.",
    "Giấy tờ trong hồ sơ có dấu hiệu tẩy xóa, sửa chữa; không đủ điều kiện chứng thực.",
]
SUPPLEMENT_REASONS = [
    "Hồ sơ còn thiếu thành phần theo quy định.",
    "Giấy tờ nộp là bản chụp không rõ nét; đề nghị bổ sung bản sao có chứng thực.",
    "Thông tin trên tờ khai chưa khớp với giấy tờ tùy thân; đề nghị kê khai lại.",
]
WITHDRAWALS = [
    "Người yêu cầu có đơn xin rút hồ sơ.",
    "Người yêu cầu đề nghị dừng giải quyết để điều chỉnh nội dung yêu cầu.",
    "Công dân xin rút hồ sơ do đã giải quyết xong việc theo cách khác.",
]
EXTENSIONS = [
    "Cần xác minh thêm thông tin với cơ quan phối hợp.",
    "Chờ kết quả xác minh thực địa.",
    "Cơ quan phối hợp chưa có ý kiến trả lời đúng hạn.",
]
STEP_NOTES = {
    RECEPTIONIST: ["Đã số hóa thành phần hồ sơ, chuyển xử lý.", "Hồ sơ đầy đủ, chuyển bộ phận chuyên môn.", ""],
    SPECIALIST: ["Hồ sơ hợp lệ, đề nghị lãnh đạo ký duyệt.", "Đã thẩm định, trình ký.", ""],
    LEADER: ["Giao chuyên viên thụ lý.", "Đồng ý, chuyển bước tiếp theo.", ""],
}


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (with its cross-reference table) showing one line of ASCII text."""
    line = fold(text).replace("\\", "").replace("(", "").replace(")", "")
    content = f"BT /F1 14 Tf 40 540 Td ({line}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    role: str
    fraction: float  # share of the time limit elapsed when this step is due


@dataclass
class Procedure:
    version: ProcedureVersion
    code: str
    amount: float
    unit: Unit
    online: bool
    documents: list[RequiredDocument]
    steps: list[StepPlan]

    @property
    def last_leader(self) -> int:
        return max(i for i, s in enumerate(self.steps) if s.role == LEADER)

    @property
    def first_specialist(self) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.role == SPECIALIST), None)


@dataclass
class Act:
    position: int  # working-time coordinate of the action
    op: str
    args: dict = field(default_factory=dict)
    minutes_after: int = 0  # system actions run a few real minutes after a deadline


@dataclass
class Plot:
    acts: list[Act]
    wanted_now: int  # where now should fall, for an open dossier
    due: int  # its due position then
    expect: str | None  # "late", "soon" (due within a working day) or "in_time" at now


@dataclass
class Story:
    index: int
    seed: int
    fate: str
    centre: Agency
    resolving: Agency
    returning: Agency | None
    procedure: Procedure
    channel: str
    applicant: Applicant
    documents: list[Upload]
    return_method: str
    return_address: str
    acts: list[Act] = field(default_factory=list)
    owner: object = None  # the portal account that submitted it online

    @property
    def online(self) -> bool:
        return self.channel in (Channel.ONLINE, Channel.VNEID)

    @property
    def paper(self) -> bool:
        # As the services count it: only the portal's channel escapes the paper cut-off.
        return self.channel != Channel.ONLINE


class Planner:
    """Draws the dossiers and plans each one's story in working time; reads, never writes."""

    def __init__(self, seed: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.calendar: WorkCalendar = calendar_for()
        self.day = self.calendar.day_seconds
        self.now_position = self.calendar.position(now)
        self.window_start = self.now_position - WINDOW_DAYS * self.day
        self.agencies = {a.identifier: a for a in Agency.objects.filter(identifier__startswith=LEVEL1)}
        self.resolvers: dict[int, list[Agency]] = defaultdict(list)
        for link in ProcedureAgency.objects.filter(role=ProcedureAgency.Role.RESOLVING).select_related("agency"):
            self.resolvers[link.procedure_id].append(link.agency)
        self.procedures = self._procedures()
        self.wards = sorted(a.ward_code for a in self.agencies.values() if a.kind == Agency.Kind.COMMUNE_PC)
        self.served = {ward for ward, _weight, _suffix in COMMUNES}  # communes with officers
        self.people: dict[int, list[Applicant]] = defaultdict(list)

    # -- the catalogue ---------------------------------------------------------------------------

    def _procedures(self) -> list[Procedure]:
        today = timezone.localdate()
        versions = (
            ProcedureVersion.objects.filter(catalog.in_force(today))
            .select_related("procedure")
            .prefetch_related("documents", "processes__steps")
            .order_by("procedure__code")
        )
        procedures = []
        for version in versions:
            template = next((t for t in version.processes.all() if t.agency_id is None), None)
            if template is None:
                continue
            steps = sorted(template.steps.all(), key=lambda s: (s.stage, s.position))
            stage_length: dict[int, Decimal] = {}
            for step in steps:
                stage_length[step.stage] = max(stage_length.get(step.stage, Decimal(0)), Decimal(step.share))
            total = sum(stage_length.values(), Decimal(0)) or Decimal(1)
            plans = [
                StepPlan(s.role, float(sum((v for k, v in stage_length.items() if k <= s.stage), Decimal(0)) / total))
                for s in steps
            ]
            if not any(p.role == LEADER for p in plans):
                continue  # nobody could sign a result: not demonstrable
            procedures.append(
                Procedure(
                    version=version,
                    code=version.procedure.code,
                    amount=float(version.time_limit_amount),
                    unit=Unit(version.time_limit_unit),
                    online="online" in version.channels,
                    documents=[d for d in version.documents.all() if d.form != RequiredDocument.Form.SHOWN],
                    steps=plans,
                )
            )
        return procedures

    def _budget(self, procedure: Procedure, position: int, paper: bool) -> tuple[int, int, int]:
        """Clock start, due position and their distance for a receipt at `position`."""
        start = self.calendar.clock_start(self.calendar.instant(position), paper=paper)
        due = self.calendar.add(start, procedure.amount, procedure.unit)
        return start, due, max(due - start, 1800)

    def _days(self, procedure: Procedure) -> float:
        """Working days the time limit gives (counted from the start of the window)."""
        return self._budget(procedure, self.window_start, True)[2] / self.day

    # -- drawing the dossiers ----------------------------------------------------------------------

    def stories(self, count: int) -> list[Story]:
        fates = list(FATES)
        weights = list(FATES.values())
        stories = []
        for index in range(count):
            # Every fate once at Thành Sen first, so that even a small demo shows every status there.
            if index < len(fates):
                fate, ward = fates[index], DEMO_COMMUNE_WARD
            else:
                fate = self.rng.choices(fates, weights)[0]
                ward = self._centre_ward()
            for _attempt in range(40):
                story = self._draw(index, fate, ward)
                if self._plan(story):
                    break
            else:
                raise RuntimeError(f"Demo dossier {index}: no procedure fits the fate “{fate}” now.")
            stories.append(story)
        return stories

    def _centre_ward(self) -> int | None:
        choices = [*(c[0] for c in COMMUNES), None]
        return self.rng.choices(choices, [*(c[1] for c in COMMUNES), PROVINCE_CENTRE_WEIGHT])[0]

    def _commune(self, ward: int) -> tuple[Agency, Agency]:
        return self.agencies[f"{LEVEL1}.{ward}"], self.agencies[f"{LEVEL1}.{ward}.01"]

    def _draw(self, index: int, fate: str, ward: int | None) -> Story:
        rng = self.rng
        returning = None
        if ward is not None:
            home_ward = ward
            pc, centre = self._commune(ward)
            candidates = [(p, pc) for p in self.procedures if pc in self.resolvers[p.version.procedure_id]]
        else:
            centre = self.agencies[PROVINCE_CENTRE]
            # Anyone in the province may come to the provincial centre.
            home_ward = rng.choice(COMMUNES)[0] if rng.random() < 0.6 else rng.choice(self.wards)
            home_pc, home_centre = self._commune(home_ward)
            candidates = []
            for p in self.procedures:
                resolvers = self.resolvers[p.version.procedure_id]
                provincial = [a for a in resolvers if a.kind in (Agency.Kind.DEPARTMENT, Agency.Kind.PROVINCE_PC)]
                if provincial:
                    candidates.append((p, provincial[0]))
                elif p.version.boundary_free and home_pc in resolvers and home_ward in self.served:
                    # Phi địa giới: received in the city, resolved by the applicant's own commune.
                    candidates.append((p, home_pc))
            if home_ward in self.served and rng.random() < 0.3:
                returning = home_centre  # and the result goes back to the applicant's commune
        candidates = [(p, a) for p, a in candidates if self._fits(p, fate)]
        if not candidates:
            if ward == DEMO_COMMUNE_WARD:
                raise RuntimeError(f"No procedure of the demo catalogue can show the fate “{fate}”.")
            return self._draw(index, fate, DEMO_COMMUNE_WARD)
        procedure, resolving = rng.choices(candidates, [POPULARITY.get(p.code, 1) for p, _ in candidates])[0]
        channel = self._channel(procedure, fate)
        if channel in (Channel.ONLINE, Channel.VNEID):
            returning = None  # the portal returns where it was received
        applicant = self._applicant(procedure, home_ward)
        if channel == Channel.POSTAL or (channel == Channel.IN_PERSON and rng.random() < 0.12):
            return_method = ReturnMethod.POST
        elif channel in (Channel.ONLINE, Channel.VNEID):
            return_method = ReturnMethod.ONLINE if rng.random() < 0.75 else ReturnMethod.POST
        else:
            return_method = ReturnMethod.COUNTER
        return Story(
            index=index,
            seed=self.seed * 1_000_003 + index,
            fate=fate,
            centre=centre,
            resolving=resolving,
            returning=returning,
            procedure=procedure,
            channel=channel,
            applicant=applicant,
            documents=self._documents(index, procedure, applicant),
            return_method=return_method,
            return_address=applicant.address if return_method == ReturnMethod.POST else "",
        )

    def _fits(self, procedure: Procedure, fate: str) -> bool:
        if fate in ONLINE_FATES and not procedure.online:
            return False
        if (fate in LONG_FATES and self._days(procedure) < 4) or (fate in ROOMY_FATES and self._days(procedure) < 2):
            return False
        if fate == "received" and procedure.steps[0].role != RECEPTIONIST:
            return False  # "received" shows a dossier still at the reception step
        first = procedure.first_specialist
        return not (
            fate in ("at_specialist", "extended", "returned_extended")
            and (first is None or first > procedure.last_leader)
        )

    def _channel(self, procedure: Procedure, fate: str) -> str:
        if fate in ONLINE_FATES:
            return Channel.VNEID if self.rng.random() < 0.15 else Channel.ONLINE
        if procedure.online:
            options, weights = [Channel.IN_PERSON, Channel.ONLINE, Channel.VNEID, Channel.POSTAL], [52, 33, 6, 9]
        else:
            options, weights = [Channel.IN_PERSON, Channel.POSTAL], [88, 12]
        return self.rng.choices(options, weights)[0]

    # -- applicants --------------------------------------------------------------------------------

    def _name(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
        return f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"

    def _citizen(self, sex: str, born: dt.date) -> str:
        province = "042" if self.rng.random() < 0.9 else self.rng.choice(OTHER_BIRTH_PROVINCES)
        century = 0 if born.year < 2000 else 2
        return f"{province}{century + (sex == 'f')}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"

    def _phone(self) -> str:
        return f"09{self.rng.choice('0134678')}{self.rng.randrange(10**7):07d}"

    def _address(self, ward: int) -> str:
        rng = self.rng
        commune = self.agencies[f"{LEVEL1}.{ward}"].name.removeprefix("Ủy ban nhân dân ")
        if commune.startswith("phường"):
            return (
                f"Số {rng.randint(1, 180)}, đường {rng.choice(STREETS)}, "
                f"tổ dân phố {rng.randint(1, 14)}, {commune}, tỉnh Hà Tĩnh"
            )
        return f"Thôn {rng.choice(HAMLETS)}, {commune}, tỉnh Hà Tĩnh"

    def _person(self, ward: int) -> Applicant:
        rng = self.rng
        sex = rng.choice("mf")
        born = dt.date(rng.randint(1952, 2006), 1, 1) + dt.timedelta(days=rng.randrange(365))
        name = self._name(sex)
        email = ""
        if rng.random() < 0.3:
            given = fold(name).split()
            email = f"{given[-1]}.{given[0]}{rng.randint(1, 99)}@example.com"
        return Applicant(
            kind="person",
            name=name,
            id_number=self._citizen(sex, born),
            address=self._address(ward),
            birth_date=born,
            phone=self._phone(),
            email=email,
        )

    def _tax_code(self) -> str:
        # Hà Tĩnh's codes begin with 30; the tenth digit is a check digit over the first nine.
        while True:
            digits = [3, 0, *(self.rng.randrange(10) for _ in range(7))]
            check = 10 - sum(d * w for d, w in zip(digits, (31, 29, 23, 19, 17, 13, 7, 5, 3), strict=True)) % 11
            if check < 10:
                return "".join(map(str, digits)) + str(check)

    def _applicant(self, procedure: Procedure, ward: int) -> Applicant:
        rng = self.rng
        if rng.random() < ORGANISATION_SHARE.get(procedure.code, 0):
            representative = self._person(ward)
            return Applicant(
                kind="organisation",
                name=f"{rng.choice(COMPANY_FORMS)} {rng.choice(COMPANY_NAMES)}",
                id_number=self._tax_code(),
                address=self._address(ward),
                phone=self._phone(),
                representative_name=representative.name,
                representative_id_number=representative.id_number,
            )
        known = self.people[ward]
        if known and rng.random() < 0.07:
            return rng.choice(known)  # someone who came before
        person = self._person(ward)
        known.append(person)
        return person

    def _documents(self, index: int, procedure: Procedure, applicant: Applicant) -> list[Upload]:
        rng = self.rng
        uploads = []
        for document in procedure.documents:
            if document.optional and rng.random() < 0.7:
                continue
            form = document.form
            if form == RequiredDocument.Form.ORIGINAL_OR_CERTIFIED_COPY:
                form = rng.choice([RequiredDocument.Form.ORIGINAL, RequiredDocument.Form.CERTIFIED_COPY])
            uploads.append(
                Upload(name=document.name, form=form, quantity=document.quantity, required_document_id=document.pk)
            )
        if uploads and rng.random() < 0.07:
            first = uploads[0]
            first.filename = f"ho-so-{index + 1:04d}.pdf"
            first.content = tiny_pdf(f"{procedure.code} - {applicant.name} - ban scan {index + 1}")
        return uploads

    # -- stories in working time ---------------------------------------------------------------------

    def _plan(self, story: Story) -> bool:
        """Find the receipt position so that the story ends before now (and, for an open dossier,
        so that now falls where its fate says: overdue, due within a day or not yet due), then
        keep its actions. False when this procedure cannot tell the story now."""
        if story.fate in OPEN_FATES:
            anchor = self.now_position - 3 * self.day
            for _ in range(8):
                plot = self._story(story, anchor)
                shift = self.now_position - plot.wanted_now
                anchor += shift
                if abs(shift) < 60:
                    break
        else:
            plot = self._story(story, self.window_start)
            length = self._end(plot.acts) - self.window_start
            latest = max(self.window_start, self.now_position - length - 1800)
            anchor = random.Random(story.seed + 1).randint(self.window_start, latest)
        for _ in range(6):
            plot = self._story(story, anchor)
            excess = self._end(plot.acts) - (self.now_position - 600)
            if excess <= 0:
                break
            anchor -= excess + 1800
        else:
            return False
        now, due = self.now_position, plot.due
        expected = {
            None: True,
            "late": due < now - 600,
            "soon": now + 600 < due <= now + self.day,
            "in_time": due > now + 600,
        }[plot.expect]
        if expected:
            story.acts = plot.acts
        return expected

    def _end(self, acts: list[Act]) -> int:
        return max(a.position + (900 if a.minutes_after else 0) for a in acts)

    def _story(self, story: Story, anchor: int) -> Plot:
        """The actions of a story whose receipt (or submission) is at `anchor`, where now should
        be for an open one and how its due time should then stand. A pure function of the story
        and the anchor."""
        rng = random.Random(story.seed)
        fate, procedure = story.fate, story.procedure
        steps, last_leader, first_specialist = procedure.steps, procedure.last_leader, procedure.first_specialist
        day = self.day
        acts: list[Act] = []
        # The step a specialist works on before the signature (the signature itself if none).
        specialist = (
            first_specialist if first_specialist is not None and first_specialist <= last_leader else last_leader
        )

        def gap() -> int:
            return rng.randint(120, 1500)

        def add(position: int, op: str, **args) -> int:
            position = max(position, acts[-1].position + 60) if acts else position
            acts.append(Act(position, op, args))
            return position

        def receive(at: int) -> int:
            """Receipt with a code at `at`; an online dossier was submitted a few working hours before."""
            if story.online:
                delay = rng.randint(600, 7 * 3600) if rng.random() < 0.88 else rng.randint(8 * 3600 + 600, 14 * 3600)
                add(at - delay, "submit")
                return add(at, "accept")
            return add(at, "counter", outcome="receive")

        def form_02(at: int) -> int:
            """Reception ends with a supplement request (Form 02), at the counter or online."""
            items = self._missing(rng, procedure)
            if story.online:
                add(at, "submit")
                return add(
                    at + rng.randint(900, 6 * 3600),
                    "ask_at_reception",
                    items=items,
                    reasons=rng.choice(SUPPLEMENT_REASONS),
                )
            return add(at, "counter", outcome="supplement", items=items, reasons=rng.choice(SUPPLEMENT_REASONS))

        def supplement(at: int) -> int:
            return add(at, "supplement", applicant=story.online, items=self._missing(rng, procedure))

        def steps_until(t: int, received: int, start: int, budget: int, speed: float, upto: int, first: int = 0):
            """Complete steps first..upto-1 (the last leader's step is the approval), each near
            `start + speed × its share × budget`; a leader assigns the first specialist step
            when it becomes active."""
            if first == 0 and first_specialist == 0 and rng.random() < 0.7:
                t = add(t + gap(), "assign")
            for i in range(first, upto):
                if i == 0 and steps[0].role == RECEPTIONIST:
                    target = received + rng.randint(180, 2400)
                else:
                    target = start + int(speed * steps[i].fraction * budget)
                t = add(max(target, t + gap()), "approve" if i == last_leader else "complete")
                if i + 1 == first_specialist and rng.random() < 0.7:
                    t = add(t + gap(), "assign")
            return t

        def spread(t: int, received: int, start: int, end: int, upto: int) -> int:
            """Complete steps 0..upto-1 between the receipt and `end`, in proportion to their shares."""
            span_end = end - rng.randint(1800, 3600)
            following = steps[upto].fraction if upto < len(steps) else 1.0
            if first_specialist == 0 and rng.random() < 0.7:
                t = add(t + gap(), "assign")
            for i in range(upto):
                if i == 0 and steps[0].role == RECEPTIONIST:
                    target = received + rng.randint(180, 1800)
                else:
                    target = start + int((span_end - start) * steps[i].fraction / following * rng.uniform(0.85, 1))
                t = add(max(target, t + gap()), "approve" if i == last_leader else "complete")
                if i + 1 == first_specialist and rng.random() < 0.7:
                    t = add(t + gap(), "assign")
            return t

        def ask_after_acceptance(t: int, received: int, due: int) -> tuple[int, int]:
            """The resolving agency asks for a supplement once the specialist has the dossier,
            within 3 working days of receipt (and before the due time when it can)."""
            upto = specialist
            t = steps_until(t, received, received, max(due - received, 1800), 0.15, upto)
            latest = received + 3 * day - 600
            at = max(
                t + gap(),
                min(
                    received + int(rng.uniform(0.1, 0.8) * (due - received)),
                    received + int(rng.uniform(0.2, 2.6) * day),
                ),
            )
            if at > latest:
                raise RuntimeError(f"Demo dossier {story.index}: no room to ask for a supplement in time.")
            return add(at, "ask", items=self._missing(rng, procedure), reasons=rng.choice(SUPPLEMENT_REASONS)), upto

        def finish(t: int, received: int, start: int, budget: int, speed: float, first: int | None = None, early=False):
            """Steps from `first` (None: from the receipt) to the approval, then the return."""
            if first is None:
                t = steps_until(t, received, start, budget, speed, last_leader + 1)
            else:
                for i in range(first, last_leader + 1):
                    target = start + int(speed * steps[i].fraction * budget)
                    t = add(max(target, t + gap()), "approve" if i == last_leader else "complete")
            if early:
                t = add(t + gap(), "notify_early")
                target = min(t + int(rng.uniform(0.2, 1.2) * day), start + budget - 600)
            else:
                target = start + int(speed * budget)
            return add(max(target, t + gap()), "return")

        wait = procedure.version.supplement_wait_days * day
        wanted_now, due, expect = anchor, 0, None
        if fate == "submitted":
            add(anchor, "submit")
            wanted_now = anchor + int(rng.uniform(0.05, 1.6) * day)
        elif fate in ("supplement_at_reception", "supplemented_at_reception", "returned_after_reception_supplement"):
            asked = form_02(anchor)
            if fate == "supplement_at_reception":
                wanted_now = asked + int(rng.uniform(0.2, 11) * day)
            else:
                supplied = supplement(asked + int(rng.uniform(0.4, 8) * day))
                if fate == "supplemented_at_reception":
                    wanted_now = supplied + int(rng.uniform(0.05, 0.8) * day)
                else:
                    received = add(supplied + rng.randint(120, 900 if not story.online else 5 * 3600), "accept")
                    start, due, budget = self._budget(procedure, received, story.paper)
                    finish(received, received, start, budget, rng.uniform(0.35, 0.97))
        elif fate == "refused_at_reception":
            reasons = rng.choice(REFUSALS_AT_RECEPTION)
            if story.online:
                submitted = add(anchor, "submit")
                add(submitted + rng.randint(900, 7 * 3600), "refuse_at_reception", reasons=reasons)
            else:
                add(anchor, "counter", outcome="refuse", reasons=reasons)
        elif fate == "stopped" and rng.random() < 0.4:
            asked = form_02(anchor)
            acts.append(Act(asked + wait, "close", minutes_after=rng.randint(1, 10)))
        else:
            received = receive(anchor)
            start, due, budget = self._budget(procedure, received, story.paper)
            t = received
            if fate in ("returned", "returned_early", "returned_late"):
                speed = {"returned": (0.35, 0.97), "returned_early": (0.15, 0.45), "returned_late": (1.15, 2.2)}[fate]
                finish(t, received, start, budget, rng.uniform(*speed), early=fate == "returned_early")
            elif fate in ("returned_extended", "extended"):
                upto = specialist
                ext = due - int(rng.uniform(1.2, 2.2) * day)
                t = spread(t, received, start, ext, upto)
                new_due = (due // day + rng.randint(3, 8)) * day
                add(max(ext, t + gap()), "extend", new_due=new_due, reason=rng.choice(EXTENSIONS))
                if fate == "extended":
                    wanted_now = due + int(rng.uniform(0.1, 0.9) * (new_due - due - day // 2))
                    due, expect = new_due, "in_time"
                else:
                    speed = rng.uniform(0.8, 0.98) if rng.random() < 0.75 else rng.uniform(1.02, 1.15)
                    finish(acts[-1].position, received, start, new_due - start, speed, first=upto)
            elif fate in ("returned_after_supplement", "supplement_requested", "supplemented", "stopped"):
                asked, upto = ask_after_acceptance(t, received, due)
                if fate == "stopped":
                    acts.append(Act(asked + wait, "close", minutes_after=rng.randint(1, 10)))
                elif fate == "supplement_requested":
                    wanted_now = asked + int(rng.uniform(0.2, 11) * day)
                else:
                    supplied = supplement(asked + int(rng.uniform(0.5, 6) * day))
                    if fate == "supplemented":
                        wanted_now = supplied + int(rng.uniform(0.05, 0.6) * day)
                        due, expect = self._budget(procedure, supplied, story.paper)[1], "in_time"
                    else:
                        start, due, budget = self._budget(procedure, supplied, story.paper)
                        finish(supplied, supplied, start, budget, rng.uniform(0.4, 0.97), first=upto)
            elif fate == "refused":
                t = steps_until(t, received, start, budget, rng.uniform(0.4, 1.1), last_leader)
                add(t + gap() + int(rng.uniform(0, 0.1) * budget), "refuse", reasons=rng.choice(REFUSALS))
            elif fate == "withdrawn":
                t = steps_until(t, received, start, budget, 0.5, 1)
                add(t + gap() + int(rng.uniform(0.05, 0.5) * budget), "withdraw", reasons=rng.choice(WITHDRAWALS))
            elif fate == "received":
                wanted_now, expect = received + rng.randint(600, day // 2), "in_time"
            else:
                # Open inside the resolving agency: at a specialist's or the leader's step, or signed.
                expect = "in_time"
                if fate == "at_specialist":
                    upto = specialist
                    low = steps[upto - 1].fraction if upto else 0.02
                    wanted_now = start + int(rng.uniform(low, steps[upto].fraction) * budget)
                elif fate == "at_leader":
                    upto = last_leader
                    low = steps[upto - 1].fraction if upto else 0.02
                    wanted_now = start + int(rng.uniform(low, steps[upto].fraction) * budget)
                elif fate == "processed":
                    upto = last_leader + 1
                    if rng.random() < 0.8:
                        wanted_now = start + int(rng.uniform(steps[last_leader].fraction, 1) * budget)
                    else:
                        wanted_now, expect = due + int(rng.uniform(0.2, 3) * day), "late"
                else:
                    upto = rng.choice([specialist, last_leader])
                    if fate == "overdue":
                        wanted_now, expect = due + int(rng.uniform(0.2, 6) * day), "late"
                    else:  # due_soon
                        wanted_now, expect = due - int(rng.uniform(0.1, 0.9) * min(day, budget / 2)), "soon"
                wanted_now = max(wanted_now, received + 900 * (upto + 1))
                spread(t, received, start, wanted_now, upto)
        return Plot(acts, wanted_now, due, expect)

    def _missing(self, rng: random.Random, procedure: Procedure) -> list[str]:
        names = [d.name for d in procedure.documents] or ["Giấy tờ chứng minh nội dung yêu cầu"]
        chosen = rng.sample(names, k=min(len(names), rng.choice([1, 1, 2])))
        return [name if len(name) < 160 else name[:157].rsplit(" ", 1)[0] + "…" for name in chosen]


# -- playing the stories through the services --------------------------------------------------------


class Player:
    """Plays the planned stories through the services, each action under `clock.at`."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.calendar = planner.calendar
        self.officers: dict[tuple[int, str], list] = defaultdict(list)
        for assignment in (
            Assignment.objects.filter(role__in=[RECEPTIONIST, SPECIALIST, LEADER])
            .select_related("officer")
            .order_by("officer__username")
        ):
            self.officers[(assignment.agency_id, assignment.role)].append(assignment.officer)
        self.fees: dict[tuple[int, str, dt.date], int] = {}
        self.cast: dict[tuple[int, str], object] = {}

    def officer(self, rng: random.Random, agency_id: int, role: str):
        """The officer holding `role` in the agency for this dossier: the same one all along."""
        key = (agency_id, role)
        if key not in self.cast:
            officers = self.officers.get(key)
            if not officers:
                raise RuntimeError(f"No demo {role} in agency #{agency_id}: add one to the demo officers.")
            self.cast[key] = rng.choice(officers)
        return self.cast[key]

    def play(self, story: Story) -> int:
        self.story, self.rng, self.dossier_id, self.cast = story, random.Random(story.seed + 2), None, {}
        # The dossier's steps (id, role, agency) in order, read once it has them; the next one to
        # finish; who was assigned which step. The services check each action against the database.
        self.steps: list[tuple[int, str, int]] | None = None
        self.next_step = 0
        self.assignees: dict[int, object] = {}
        for act in story.acts:
            instant = self.calendar.instant(act.position) + dt.timedelta(minutes=act.minutes_after)
            if instant >= self.planner.now:
                raise RuntimeError(f"Demo dossier {story.index}: {act.op} planned in the future.")
            with clock.at(instant):
                getattr(self, f"_{act.op}")(instant, **act.args)
        return self.dossier_id

    # -- helpers ---------------------------------------------------------------------------------

    def _agency_id(self, which: str) -> int:
        """The receiving, resolving or returning agency of the dossier being played (as given to
        the services at reception)."""
        story = self.story
        agency = {"receiving": story.centre, "resolving": story.resolving, "returning": story.returning}[which]
        return (agency or story.centre).pk

    def _step(self, role: str | None = None) -> tuple[int, str, int]:
        """The step the story acts on next: (id, role, agency id)."""
        if self.steps is None:
            self.steps = list(
                DossierStep.objects.filter(dossier_id=self.dossier_id)
                .order_by("stage", "position")
                .values_list("pk", "role", "agency_id")
            )
        step = self.steps[self.next_step]
        if role and step[1] != role:
            raise RuntimeError(f"Demo dossier {self.story.index}: the next step is a {step[1]}'s, not a {role}'s.")
        return step

    def _holder(self, step: tuple[int, str, int]):
        pk, role, agency_id = step
        return self.assignees.get(pk) or self.officer(self.rng, agency_id, role)

    def _fees(self, instant: dt.datetime) -> int:
        story = self.story
        if story.channel not in (Channel.IN_PERSON, Channel.POSTAL):
            return 0
        key = (story.procedure.version.pk, story.channel, instant.date())
        if key not in self.fees:
            lines = catalog.fees_for(story.procedure.version, "in_person", instant.date())
            self.fees[key] = sum(line.amount for line in lines)
        return self.fees[key]

    # -- the operations ----------------------------------------------------------------------------

    def _counter(self, instant, *, outcome: str, reasons: str = "", items=()):
        story = self.story
        reception = Reception(
            procedure_code=story.procedure.code,
            applicant=story.applicant,
            documents=story.documents if outcome != "refuse" else [],
            channel=story.channel,
            return_method=story.return_method,
            return_address=story.return_address,
            returning_agency_id=story.returning.pk if story.returning else None,
            resolving_agency_id=story.resolving.pk,
            fees_collected=self._fees(instant) if outcome == "receive" else 0,
        )
        actor = self.officer(self.rng, story.centre.pk, RECEPTIONIST)
        dossier = services.receive_at_counter(actor, story.centre, reception, outcome, reasons=reasons, items=items)
        self.dossier_id = dossier.pk

    def _submit(self, instant):
        story = self.story
        dossier = services.submit_online(
            story.procedure.code,
            story.centre,
            story.applicant,
            story.documents,
            channel=story.channel,
            return_method=story.return_method,
            return_address=story.return_address,
            resolving_agency_id=story.resolving.pk,
            owner=story.owner,
        )
        self.dossier_id = dossier.pk

    def _receptionist(self, field_name: str):
        return self.officer(self.rng, self._agency_id(field_name), RECEPTIONIST)

    def _accept(self, instant):
        services.receive_existing(self.dossier_id, self._receptionist("receiving"))

    def _ask_at_reception(self, instant, *, items, reasons):
        services.request_supplement_at_reception(
            self.dossier_id, self._receptionist("receiving"), items=items, reasons=reasons
        )

    def _refuse_at_reception(self, instant, *, reasons):
        services.refuse_at_reception(self.dossier_id, self._receptionist("receiving"), reasons=reasons)

    def _complete(self, instant):
        step = self._step()
        note = self.rng.choice(STEP_NOTES.get(step[1], [""]))
        services.complete_step(self.dossier_id, self._holder(step), note=note, step_id=step[0])
        self.next_step += 1

    def _assign(self, instant):
        pk, _role, agency_id = self._step(SPECIALIST)
        specialist = self.officer(self.rng, agency_id, SPECIALIST)
        services.assign(self.dossier_id, self.officer(self.rng, agency_id, LEADER), specialist)
        self.assignees[pk] = specialist

    def _approve(self, instant):
        services.approve(self.dossier_id, self._holder(self._step(LEADER)))
        self.next_step += 1

    def _notify_early(self, instant):
        services.notify_early_return(self.dossier_id, self._receptionist("returning"))

    def _return(self, instant):
        online = self.story.return_method == ReturnMethod.ONLINE
        note = "Đã trả kết quả điện tử qua Cổng Dịch vụ công." if online else ""
        services.return_result(self.dossier_id, self._receptionist("returning"), note=note)

    def _ask(self, instant, *, items, reasons):
        # The specialist who has the dossier asks (any specialist of the resolving agency may).
        resolving = self._agency_id("resolving")
        step = self._step()
        mine = step[1] == SPECIALIST and step[2] == resolving
        actor = self._holder(step) if mine else self.officer(self.rng, resolving, SPECIALIST)
        services.request_supplement(self.dossier_id, actor, items=items, reasons=reasons)

    def _supplement(self, instant, *, applicant: bool, items):
        documents = [Upload(name=name, form="copy") for name in items]
        if applicant:
            documents[0].filename = "bo-sung.pdf"
            documents[0].content = tiny_pdf(f"Bo sung ho so - {self.story.applicant.name}")
            services.supplement(self.dossier_id, None, documents=documents, note="Bổ sung trực tuyến")
        else:
            services.supplement(self.dossier_id, self._receptionist("receiving"), documents=documents)

    def _extend(self, instant, *, new_due: int, reason: str):
        leader = self.officer(self.rng, self._agency_id("resolving"), LEADER)
        services.extend(self.dossier_id, leader, new_due_at=self.calendar.instant(new_due), reason=reason)

    def _refuse(self, instant, *, reasons):
        leader = self.officer(self.rng, self._agency_id("resolving"), LEADER)
        services.refuse(self.dossier_id, leader, reasons=reasons)

    def _withdraw(self, instant, *, reasons):
        services.withdraw(self.dossier_id, self._receptionist("receiving"), reasons=reasons)

    def _close(self, instant):
        services.close_unsupplemented(self.dossier_id)


# -- officers ---------------------------------------------------------------------------------------


def load_acting_officers() -> int:
    """Officers for every agency the demo dossiers pass through (besides the demo logins of
    Thành Sen): a receptionist, a specialist and a leader per commune, receptionists of the
    provincial centre, a specialist and a leader per provincial department that resolves
    procedures. Password `motcua-demo`. Returns how many were created."""
    User = get_user_model()
    # Hashed once for all of them (hashing is slow on purpose): a demo password, printed anyway.
    encoded = make_password(DEMO_PASSWORD)
    agencies = {a.identifier: a for a in Agency.objects.filter(identifier__startswith=LEVEL1)}
    wanted = []  # (username, agency, role)
    for ward, _weight, suffix in COMMUNES:
        if not suffix:
            continue
        wanted += [
            (f"tiepnhan.{suffix}", agencies[f"{LEVEL1}.{ward}.01"], Role.RECEPTIONIST),
            (f"chuyenvien.{suffix}", agencies[f"{LEVEL1}.{ward}"], Role.SPECIALIST),
            (f"lanhdao.{suffix}", agencies[f"{LEVEL1}.{ward}"], Role.LEADER),
        ]
    centre = agencies[PROVINCE_CENTRE]
    wanted += [(f"tiepnhan.tinh{n}", centre, Role.RECEPTIONIST) for n in (1, 2)]
    departments = (
        Agency.objects.filter(
            kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.PROVINCE_PC],
            procedureagency__role=ProcedureAgency.Role.RESOLVING,
            identifier__startswith=LEVEL1,
        )
        .distinct()
        .order_by("identifier")
    )
    for department in departments:
        if department.kind == Agency.Kind.PROVINCE_PC:
            suffix = "ubndtinh"
        else:
            suffix = "so" + fold(department.name.removeprefix("Sở ")).replace(" ", "")
        wanted += [
            (f"chuyenvien.{suffix}", department, Role.SPECIALIST),
            (f"lanhdao.{suffix}", department, Role.LEADER),
        ]
    created = 0
    for number, (username, agency, role) in enumerate(wanted):
        last, first = OFFICER_NAMES[number % len(OFFICER_NAMES)]
        user, is_new = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "password": encoded}
        )
        created += is_new
        Assignment.objects.get_or_create(officer=user, agency=agency, role=role)
    return created


# -- entry point --------------------------------------------------------------------------------------


def plan(count: int = 400, seed: int = 2026, now: dt.datetime | None = None) -> list[Story]:
    """The stories that `load_dossiers` would play, without writing anything."""
    return Planner(seed, now or clock.now()).stories(count)


def _give_to(citizen, stories: list[Story], how_many: int = 8) -> None:
    """Make the first online stories of different fates the demo citizen's own dossiers."""
    fates: set[str] = set()
    for story in stories:
        if len(fates) >= how_many:
            return
        if story.channel != Channel.ONLINE or story.fate in fates or story.applicant.kind != "person":
            continue
        fates.add(story.fate)
        story.owner = citizen
        story.applicant = Applicant(
            kind="person",
            name=DEMO_CITIZEN["full_name"],
            id_number=DEMO_CITIZEN["id_number"],
            address=DEMO_CITIZEN["address"],
            birth_date=DEMO_CITIZEN["birth_date"],
            phone=DEMO_CITIZEN["phone"],
            email=DEMO_CITIZEN["email"],
        )


def load_dossiers(count: int = 400, seed: int = 2026, citizen=None) -> int:
    """Make `count` demo dossiers through the services; returns how many were made.

    Needs the demo province, catalogue and officers (`demo.load_agencies`, `load_catalog`,
    `load_officers`); adds the officers who act elsewhere. One transaction: all or nothing. Each
    call adds dossiers: `demo.load` calls it only on an empty database.
    """
    now = clock.now()
    with transaction.atomic():
        load_acting_officers()
        planner = Planner(seed, now)
        stories = planner.stories(count)
        if citizen is not None:
            _give_to(citizen, stories)
        player = Player(planner)

        def issued(story: Story) -> int:
            # Play in the order codes are issued, so that daily sequences follow the clock.
            coded = [a.position for a in story.acts if a.op == "accept" or a.args.get("outcome") == "receive"]
            return coded[0] if coded else story.acts[0].position

        with notifications.silenced():
            for story in sorted(stories, key=lambda s: (issued(s), s.index)):
                player.play(story)
        with clock.at(now):
            alerts.raise_alerts(now)
    return len(stories)
