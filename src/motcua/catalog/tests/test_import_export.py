import copy
import json
from pathlib import Path

import pytest

from motcua.catalog import exchange
from motcua.catalog.models import Fee, Procedure, ProcedureVersion, ProcessStep

FIXTURE = Path(__file__).parent / "fixtures" / "small_catalog.json"


def fixture_data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def import_data(data, source="catalogue.json"):
    return exchange.import_catalog(json.dumps(data, ensure_ascii=False), source=source)


@pytest.mark.django_db
def test_import_creates_procedures_with_versions_documents_fees_and_processes():
    counts = import_data(fixture_data())
    assert counts == {"fields": 3, "procedures": 3, "versions": 3}
    version = ProcedureVersion.objects.get(procedure__code="1.013225")
    assert version.name.startswith("Cấp giấy phép xây dựng")
    assert [d.name for d in version.documents.all()] == ["Đơn đề nghị cấp giấy phép xây dựng"]
    steps = ProcessStep.objects.filter(template__version=version).order_by("stage", "position")
    assert [s.stage for s in steps] == [1, 2, 3, 3, 4, 5]


@pytest.mark.django_db
def test_malformed_import_names_file_entry_and_field_and_imports_nothing():
    data = fixture_data()
    data["procedures"][1]["versions"][0]["time_limit"]["unit"] = "fortnights"
    data["procedures"][2]["versions"][0]["documents"][0]["form"] = "photocopy"
    with pytest.raises(exchange.CatalogImportError) as error:
        import_data(data, source="tinh.json")
    message = str(error.value)
    assert message.startswith("tinh.json: ")
    assert "procedures[1] (code 2.001035).versions[0].time_limit.unit" in message
    assert "procedures[2] (code 1.013225).versions[0].documents[0].form" in message
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_shares_that_do_not_add_up_are_refused():
    data = fixture_data()
    data["procedures"][2]["versions"][0]["process"][1]["share"] = "6"
    with pytest.raises(exchange.CatalogImportError) as error:
        import_data(data)
    assert "procedures[2] (code 1.013225).versions[0]" in str(error.value)
    assert "the shares add up to 14, the time limit is 15" in str(error.value)
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_unknown_agency_and_unknown_field_are_refused():
    data = fixture_data()
    data["procedures"][0]["agencies"] = {"resolving": ["H42.99999"]}
    data["procedures"][1]["field"] = "NOPE"
    with pytest.raises(exchange.CatalogImportError) as error:
        import_data(data)
    assert "unknown agency “H42.99999”" in str(error.value)
    assert "procedures[1] (code 2.001035).field: unknown field “NOPE”" in str(error.value)
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_invalid_json_is_reported_with_its_position():
    with pytest.raises(exchange.CatalogImportError) as error:
        exchange.import_catalog('{"format": ', source="broken.json")
    assert "broken.json: not valid JSON (line 1" in str(error.value)


@pytest.mark.django_db
def test_export_then_import_round_trips(province):
    data = fixture_data()
    data["procedures"][0]["agencies"] = {"resolving": ["H42.18073", "H42.18100"], "coordinating": []}
    import_data(data)
    exported = exchange.export_catalog()
    Procedure.objects.all().delete()
    import_data(exported)
    assert exchange.export_catalog() == exported
    assert exported["procedures"][0]["agencies"]["resolving"] == ["H42.18073", "H42.18100"]


@pytest.mark.django_db
def test_reimport_replaces_content_without_duplicating():
    import_data(fixture_data())
    changed = fixture_data()
    changed["procedures"][1]["versions"][0]["fees"] = changed["procedures"][1]["versions"][0]["fees"][:1]
    import_data(changed)
    assert ProcedureVersion.objects.count() == 3
    assert Fee.objects.filter(version__procedure__code="2.001035").count() == 1


@pytest.mark.django_db
def test_demo_catalogue_ships_enough_real_procedures():
    from motcua.core.demo import CATALOG_FILE

    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    exchange.parse(json.dumps(data), source=CATALOG_FILE.name)
    assert len(data["procedures"]) >= 25
    assert len({p["field"] for p in data["procedures"]}) >= 6
    for procedure in data["procedures"]:
        version = procedure["versions"][-1]
        assert version["documents"], procedure["code"]
        assert version["legal_basis"], procedure["code"]


def test_fixture_is_not_mutated_by_helpers():
    assert fixture_data() == copy.deepcopy(fixture_data())
