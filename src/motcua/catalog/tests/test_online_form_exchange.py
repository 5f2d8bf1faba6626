"""The online form travels with the catalogue's JSON; files written before forms existed still import."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog import exchange
from motcua.catalog.models import FormField, Procedure

FIXTURE = Path(__file__).parent / "fixtures" / "small_catalog.json"
pytestmark = pytest.mark.django_db


def fixture_data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def import_data(data):
    return exchange.import_catalog(json.dumps(data, ensure_ascii=False), source="catalogue.json")


def test_form_fields_round_trip_through_export_and_import():
    import_data(fixture_data())
    fields = list(FormField.objects.filter(version__procedure__code="1.001193"))
    assert [f.name for f in fields][:3] == ["child_name", "child_birth_date", "child_sex"]
    sex = next(f for f in fields if f.name == "child_sex")
    assert sex.type == "choice" and sex.choice_list == ["Nam", "Nữ"]
    exported = exchange.export_catalog()
    form = next(p for p in exported["procedures"] if p["code"] == "1.001193")["versions"][0]["form"]
    assert form[0]["pattern_message"] == "Tên của trẻ không được có chữ số."
    assert form[1]["min_value"] == -36500 and form[1]["max_value"] == 0
    assert form[4]["prefill"] == "last_answer"
    Procedure.objects.all().delete()
    import_data(exported)
    assert exchange.export_catalog() == exported


def test_a_file_without_forms_still_imports():
    data = fixture_data()
    for procedure in data["procedures"]:
        for version in procedure["versions"]:
            version.pop("form", None)
    assert import_data(data)["procedures"] == 3
    assert not FormField.objects.exists()


def test_reimport_replaces_the_form():
    import_data(fixture_data())
    data = fixture_data()
    data["procedures"][0]["versions"][0]["form"] = [{"name": "copies", "label": "Số bản sao", "type": "number"}]
    import_data(data)
    assert list(FormField.objects.values_list("name", flat=True)) == ["copies"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"name": "sex", "label": "Giới tính", "type": "choice"}, "sex: a choice needs choices"),
        ({"name": "code", "label": "Mã", "pattern": "[a-"}, "code: not a valid pattern"),
        ({"name": "Bad Name", "label": "X"}, "form[0].name"),
        ({"name": "n", "label": "N", "type": "number", "min_value": 5, "max_value": 1}, "the maximum is smaller"),
    ],
)
def test_a_wrong_form_field_is_refused_naming_it_and_nothing_is_imported(entry, problem):
    data = fixture_data()
    data["procedures"][0]["versions"][0]["form"] = [entry]
    with pytest.raises(exchange.CatalogImportError) as caught:
        import_data(data)
    assert any(problem in p for p in caught.value.problems), caught.value.problems
    assert not Procedure.objects.exists()


def test_two_fields_with_one_name_are_refused():
    data = fixture_data()
    data["procedures"][0]["versions"][0]["form"] = [{"name": "a", "label": "A"}, {"name": "a", "label": "B"}]
    with pytest.raises(exchange.CatalogImportError, match="two form fields share a name"):
        import_data(data)


def test_the_demo_catalogue_gives_forms_to_online_procedures():
    from motcua.core.demo import CATALOG_FILE

    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    with_forms = {p["code"]: v["form"] for p in data["procedures"] for v in p["versions"] if v.get("form")}
    assert {"1.001193", "1.000656", "2.000635", "2.000908"} <= set(with_forms)
    assert {f["name"] for f in with_forms["1.001193"]} >= {
        "child_name",
        "child_birth_date",
        "birth_place",
        "mother_name",
    }
    assert any(f["name"] == "copies" and f["type"] == "number" for f in with_forms["2.000635"])
    exchange.parse(json.dumps(data), source=CATALOG_FILE.name)


def test_an_administrator_defines_the_form_in_the_admin_without_code(client, small_catalog):
    from django.contrib.auth import get_user_model

    from motcua.catalog.models import ProcedureVersion

    admin = get_user_model().objects.create_superuser("quantri", password="x")
    client.force_login(admin)
    version = ProcedureVersion.objects.get(procedure__code="2.001035")
    page = client.get(f"/quan-tri/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert "form_fields-TOTAL_FORMS" in page
    invalid = FormField(version=version, name="sex", label="Giới tính", type="choice", pattern="[a-")
    with pytest.raises(ValidationError) as caught:
        invalid.full_clean()
    assert {"choices", "pattern"} <= set(caught.value.message_dict)
