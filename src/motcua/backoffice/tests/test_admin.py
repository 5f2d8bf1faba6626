"""The provincial administrator manages agencies, officers, the catalogue and the calendar in admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.agencies.models import Agency, Assignment, Role
from motcua.catalog.models import Procedure
from motcua.workdays.models import CalendarOverride


@pytest.fixture
def administrator(client, province):
    user = get_user_model().objects.create_user("quantri", password="x", is_staff=True)
    group = Group.objects.create(name="Quản trị tỉnh")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["agencies", "catalog", "workdays", "auth"])
    )
    user.groups.add(group)
    Assignment.objects.create(officer=user, agency=province["root"], role=Role.PROVINCE_ADMIN)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/quan-tri/",
        "/quan-tri/agencies/agency/",
        "/quan-tri/agencies/assignment/",
        "/quan-tri/auth/user/",
        "/quan-tri/catalog/procedure/",
        "/quan-tri/catalog/procedureversion/",
        "/quan-tri/catalog/processtemplate/",
        "/quan-tri/catalog/field/",
        "/quan-tri/workdays/calendaroverride/",
        "/quan-tri/workdays/workingschedule/",
        "/quan-tri/catalog/procedure/import/",
    ],
)
def test_admin_pages_open_in_vietnamese(client, administrator, small_catalog, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_admin_labels_are_vietnamese(client, administrator):
    page = client.get("/quan-tri/").content.decode()
    for label in ["Cơ quan và cán bộ", "Danh mục thủ tục hành chính", "Lịch làm việc", "Ngày nghỉ, ngày làm bù"]:
        assert label in page


@pytest.mark.django_db
def test_agency_with_bad_identifier_is_refused_in_admin(client, administrator, province):
    response = client.post(
        "/quan-tri/agencies/agency/add/",
        {
            "identifier": "h42-01",
            "name": "Sở X",
            "kind": "department",
            "parent": province["root"].pk,
            "is_active": "on",
            "counters-TOTAL_FORMS": 0,
            "counters-INITIAL_FORMS": 0,
        },
    )
    assert "không phải mã định danh điện tử" in response.content.decode()
    assert not Agency.objects.filter(name="Sở X").exists()


@pytest.mark.django_db
def test_overlapping_calendar_override_is_refused_in_admin(client, administrator):
    before = CalendarOverride.objects.count()
    response = client.post(
        "/quan-tri/workdays/calendaroverride/add/",
        {"first_day": "2026-02-18", "last_day": "2026-02-25", "kind": "day_off", "name": "Trùng Tết", "source": ""},
    )
    assert "trùng với khoảng đã có" in response.content.decode()
    assert CalendarOverride.objects.count() == before


@pytest.mark.django_db
def test_catalogue_import_and_export_through_admin(client, administrator, small_catalog):
    exported = client.get("/quan-tri/catalog/procedure/export/")
    assert exported["Content-Disposition"].endswith('motcua-catalog.json"')
    body = exported.content
    Procedure.objects.all().delete()
    response = client.post(
        "/quan-tri/catalog/procedure/import/", {"file": SimpleUploadedFile("catalog.json", body)}, follow=True
    )
    assert "Đã nhập 3 thủ tục" in response.content.decode()
    assert Procedure.objects.count() == 3


@pytest.mark.django_db
def test_bad_catalogue_upload_shows_every_problem_and_imports_nothing(client, administrator, small_catalog):
    Procedure.objects.all().delete()
    bad = b'{"format": "motcua-catalog/1", "fields": [], "procedures": [{"code": "12345"}]}'
    response = client.post("/quan-tri/catalog/procedure/import/", {"file": SimpleUploadedFile("tinh.json", bad)})
    page = response.content.decode()
    assert "tinh.json: procedures[0] (code 12345).code" in page
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_process_shares_are_checked_in_admin(client, administrator, small_catalog):
    from motcua.catalog.models import ProcessTemplate

    template = ProcessTemplate.objects.get(version__procedure__code="2.001035", agency__isnull=True)
    steps = list(template.steps.all())
    data = {
        "version": template.version_id,
        "agency": "",
        "name": "",
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
    }
    for i, step in enumerate(steps):
        data |= {
            f"steps-{i}-id": step.pk,
            f"steps-{i}-template": template.pk,
            f"steps-{i}-stage": step.stage,
            f"steps-{i}-position": step.position,
            f"steps-{i}-name": step.name,
            f"steps-{i}-role": step.role,
            f"steps-{i}-agency_role": step.agency_role,
            f"steps-{i}-share": "5",
        }
    response = client.post(f"/quan-tri/catalog/processtemplate/{template.pk}/change/", data)
    assert "không khớp thời hạn giải quyết" in response.content.decode()
    assert {s.share for s in template.steps.all()} != {5}


@pytest.mark.django_db
def test_officer_login_shows_roles(client, province):
    user = get_user_model().objects.create_user("tiepnhan", password="mat-khau-dai-1")
    Assignment.objects.create(officer=user, agency=province["thanh_sen_centre"], role=Role.RECEPTIONIST)
    response = client.post("/can-bo/dang-nhap/", {"username": "tiepnhan", "password": "mat-khau-dai-1"}, follow=True)
    page = response.content.decode()
    assert "Cán bộ tiếp nhận — Trung tâm Phục vụ hành chính công phường Thành Sen" in page
