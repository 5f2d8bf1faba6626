"""The demo province: Hà Tĩnh's real two-tier units (the province and every one of its communes,
from the `vietnam-provinces` package), the departments that resolve the demo procedures, demo
officers with every role, and the demo catalogue. Loading it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province, ProvinceCode, Ward

from motcua.agencies.models import Agency, Assignment, Counter, Role
from motcua.agencies.services import save_agency
from motcua.catalog import exchange
from motcua.catalog.models import Procedure, ProcedureAgency

PROVINCE = ProvinceCode.P_42  # Tỉnh Hà Tĩnh
# Level-1 code of the demo province's electronic identifiers (Decision 20/2020/QĐ-TTg style).
LEVEL1 = "H42"
CATALOG_FILE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo_catalog.json"
DEMO_PASSWORD = "motcua-demo"  # noqa: S105 — printed for the demo; never used in production
DEMO_COMMUNE_WARD = 18073  # Phường Thành Sen, where the demo officers work
DEMO_LOGINS = [
    ("admin", "Quản trị tỉnh (provincial administrator)"),
    ("tiepnhan", "Tiếp nhận — TTPVHCC phường Thành Sen (receptionist)"),
    ("chuyenvien", "Chuyên viên — UBND phường Thành Sen (specialist)"),
    ("lanhdao", "Lãnh đạo ký — UBND phường Thành Sen (leader)"),
    ("truongtt", "Giám đốc TTPVHCC tỉnh (service-centre head)"),
    ("thanhtra", "Thanh tra — toàn tỉnh (inspector, read-only)"),
]

# Provincial departments (after the 2025 reorganisation) and the fields they resolve.
DEPARTMENTS = [
    ("01", "Sở Tư pháp", ["HOTICH", "CHUNGTHUC", "NUOICONNUOI"]),
    ("02", "Sở Xây dựng", ["XAYDUNG"]),
    ("03", "Sở Nông nghiệp và Môi trường", ["DATDAI"]),
    ("04", "Sở Nội vụ", ["NCC"]),
    ("05", "Sở Y tế", ["BTXH", "TREEM"]),
    ("06", "Sở Giáo dục và Đào tạo", ["GDTH"]),
    ("07", "Sở Tài chính", ["HKD"]),
]
VERTICAL = [("41", "Công an tỉnh Hà Tĩnh"), ("42", "Thuế tỉnh Hà Tĩnh"), ("43", "Bảo hiểm xã hội tỉnh Hà Tĩnh")]


def _lower_first(name: str) -> str:
    """ "Phường Thành Sen" → "phường Thành Sen", as it reads inside an agency's name."""
    return name[:1].lower() + name[1:]


def _agency(identifier, name, kind, parent=None, ward_code=None, address=""):
    existing = Agency.objects.filter(identifier=identifier).first()
    if existing:
        return existing
    return save_agency(
        Agency(identifier=identifier, name=name, kind=kind, parent=parent, ward_code=ward_code, address=address)
    )


@transaction.atomic
def load_agencies() -> dict[str, Agency]:
    province = Province.from_code(PROVINCE)
    root = _agency(LEVEL1, f"Ủy ban nhân dân {_lower_first(province.name)}", Agency.Kind.PROVINCE_PC)
    centre = _agency(
        f"{LEVEL1}.30",
        f"Trung tâm Phục vụ hành chính công {_lower_first(province.name)}",
        Agency.Kind.PROVINCE_CENTRE,
        root,
    )
    for number in range(1, 7):
        Counter.objects.get_or_create(centre=centre, number=number, defaults={"name": f"Quầy số {number}"})
    departments = {}
    for code, name, fields in DEPARTMENTS:
        department = _agency(f"{LEVEL1}.{code}", name, Agency.Kind.DEPARTMENT, root)
        for field in fields:
            departments[field] = department
    for code, name in VERTICAL:
        _agency(f"{LEVEL1}.{code}", name, Agency.Kind.VERTICAL, root)
    for ward in Ward.iter_by_province(PROVINCE):
        kind_word = ward.division_type.value  # "xã" or "phường"
        pc = _agency(
            f"{LEVEL1}.{ward.code.value}",
            f"Ủy ban nhân dân {_lower_first(ward.name)}",
            Agency.Kind.COMMUNE_PC,
            root,
            ward_code=ward.code.value,
        )
        pc_centre = _agency(
            f"{LEVEL1}.{ward.code.value}.01",
            f"Trung tâm Phục vụ hành chính công {_lower_first(ward.name)}",
            Agency.Kind.COMMUNE_CENTRE,
            pc,
            ward_code=ward.code.value,
        )
        Counter.objects.get_or_create(centre=pc_centre, number=1, defaults={"name": "Quầy số 1"})
        Counter.objects.get_or_create(centre=pc_centre, number=2, defaults={"name": "Quầy số 2"})
        _agency(f"{LEVEL1}.{ward.code.value}.02", "Phòng Văn hóa - Xã hội", Agency.Kind.COMMUNE_UNIT, pc)
        economy = "Phòng Kinh tế, Hạ tầng và Đô thị" if kind_word == "phường" else "Phòng Kinh tế"
        _agency(f"{LEVEL1}.{ward.code.value}.03", economy, Agency.Kind.COMMUNE_UNIT, pc)
    return {"root": root, "centre": centre, **departments}


@transaction.atomic
def load_catalog(agencies: dict[str, Agency]) -> int:
    if Procedure.objects.exists():
        return 0
    counts = exchange.import_file(CATALOG_FILE)
    communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE_PC))
    links = []
    for procedure in Procedure.objects.select_related("field").prefetch_related("versions"):
        level = max(procedure.versions.all(), key=lambda v: v.effective_from).level
        if level in ("commune", "province_commune"):
            links += [ProcedureAgency(procedure=procedure, agency=a) for a in communes]
        if level in ("province", "province_commune"):
            links.append(
                ProcedureAgency(procedure=procedure, agency=agencies.get(procedure.field.code, agencies["root"]))
            )
    ProcedureAgency.objects.bulk_create(links, ignore_conflicts=True)
    return counts["procedures"]


@transaction.atomic
def load_officers() -> None:
    User = get_user_model()
    commune = Agency.objects.get(identifier=f"{LEVEL1}.{DEMO_COMMUNE_WARD}")
    commune_centre = Agency.objects.get(identifier=f"{LEVEL1}.{DEMO_COMMUNE_WARD}.01")
    root = Agency.objects.get(identifier=LEVEL1)
    province_centre = Agency.objects.get(identifier=f"{LEVEL1}.30")
    admins, _ = Group.objects.get_or_create(name="Quản trị tỉnh")
    admins.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["agencies", "catalog", "workdays", "auth"])
    )
    people = {
        "admin": ("Nguyễn Văn", "Quản", [(root, Role.PROVINCE_ADMIN)]),
        "tiepnhan": ("Trần Thị", "Hoa", [(commune_centre, Role.RECEPTIONIST), (province_centre, Role.RECEPTIONIST)]),
        "chuyenvien": ("Lê Văn", "Minh", [(commune, Role.SPECIALIST)]),
        "lanhdao": ("Phạm Quốc", "Hùng", [(commune, Role.LEADER)]),
        "truongtt": ("Hoàng Thị", "Lan", [(province_centre, Role.CENTRE_HEAD)]),
        "thanhtra": ("Đỗ Minh", "Tuấn", [(root, Role.INSPECTOR)]),
    }
    for username, (last, first, roles) in people.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": username == "admin"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if username == "admin":
            user.groups.add(admins)
        for agency, role in roles:
            Assignment.objects.get_or_create(officer=user, agency=agency, role=role)


# A citizen with an account on the portal; some online demo dossiers are hers.
DEMO_CITIZEN = {
    "phone": "0912345678",
    "email": "lan.nguyen@example.vn",
    "full_name": "Nguyễn Thị Lan",
    "id_number": "042190000123",
    "birth_date": dt.date(1990, 5, 1),
    "address": "Số 5, đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh",
}


@transaction.atomic
def load_citizen():
    """The demo citizen's account (phone and e-mail already proved) with her password."""
    from motcua.citizens.models import Profile

    profile = Profile.objects.filter(phone=DEMO_CITIZEN["phone"]).select_related("user").first()
    if profile:
        return profile.user
    user = get_user_model().objects.create(username="citizen-demo")
    user.set_password(DEMO_PASSWORD)
    user.save()
    now = timezone.now()
    Profile.objects.create(user=user, phone_verified_at=now, email_verified_at=now, **DEMO_CITIZEN)
    return user


def load(dossiers: int = 400) -> dict[str, int]:
    """The demo province, its catalogue and officers; on an empty database, also `dossiers`
    demo dossiers made through the services (see `demo_dossiers`)."""
    from motcua.dossiers.models import Dossier

    from .demo_dossiers import load_dossiers

    agencies = load_agencies()
    procedures = load_catalog(agencies)
    load_officers()
    # -- digital signatures: the demo CA and the leader's and receptionist's keys (var/signing)
    from motcua.documents.signing.demo import make_demo_keys

    make_demo_keys()
    # -- end of digital signatures
    citizen = load_citizen()
    made = 0 if Dossier.objects.exists() else load_dossiers(dossiers, citizen=citizen)
    if made:
        # -- the service-quality index: its facts, tallies and month-end snapshots for the history made
        from motcua.metrics import facts

        facts.rebuild()
    return {"agencies": Agency.objects.count(), "procedures_imported": procedures, "dossiers": made}
