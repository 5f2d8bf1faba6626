import datetime as dt
import time

import pytest

from motcua.catalog import services
from motcua.catalog.models import ProcedureVersion


def codes(rows):
    return [r["procedure__code"] for r in rows]


@pytest.mark.django_db
def test_search_is_accent_insensitive(small_catalog):
    assert codes(services.search("dang ky khai sinh")) == ["1.001193"]
    assert codes(services.search("ĐĂNG KÝ KHAI SINH")) == ["1.001193"]
    assert codes(services.search("Đăng ký khai sinh")) == ["1.001193"]


@pytest.mark.django_db
def test_search_matches_word_starts_codes_and_fields(small_catalog):
    assert codes(services.search("giay phep xay")) == ["1.013225"]
    assert codes(services.search("1.001193")) == ["1.001193"]
    assert codes(services.search("chung thuc")) == ["2.001035"]
    assert codes(services.search("sinh khai")) == ["1.001193"]


@pytest.mark.django_db
def test_filters_by_field_level_online_level_and_agency(small_catalog, province):
    assert codes(services.search(field="XAYDUNG")) == ["1.013225"]
    assert codes(services.search(level="commune")) == ["1.001193", "1.013225", "2.001035"]
    assert codes(services.search(level="province")) == []
    assert codes(services.search(online_level="full")) == ["1.001193"]
    assert codes(services.search(online_level="partial")) == ["1.013225"]
    assert codes(services.search(agency="H42.18073")) == ["1.001193", "1.013225", "2.001035"]
    assert codes(services.search(agency="H42.01")) == []


@pytest.mark.django_db
def test_keyset_pagination_walks_every_procedure_once(small_catalog):
    first = services.search(limit=2)
    second = services.search(limit=2, after=first[-1]["procedure__code"])
    assert codes(first) + codes(second) == ["1.001193", "1.013225", "2.001035"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["%", "_", "%%_\\", "' OR 1=1 --", "\x00", "😀" * 50, "a" * 100_000, "khai sinh " * 5000, "<script>"],
)
def test_odd_or_huge_queries_answer_quickly_and_safely(small_catalog, query):
    started = time.perf_counter()
    rows = services.search(query)
    assert time.perf_counter() - started < 1.0
    assert all(r["procedure__code"] for r in rows)
    assert "1.001193" not in codes(rows) or "khai" in query


@pytest.mark.django_db
def test_only_the_version_in_force_is_found(small_catalog):
    procedure = small_catalog["1.001193"]
    old = ProcedureVersion.objects.get(procedure=procedure)
    new = ProcedureVersion.objects.get(pk=old.pk)
    new.pk = None
    new.effective_from = dt.date(2030, 1, 1)
    new.name = "Thủ tục đăng ký khai sinh (sửa đổi)"
    services.save_version(new)
    old.refresh_from_db()
    assert old.effective_to == dt.date(2030, 1, 1)
    assert [r["name"] for r in services.search("khai sinh")] == ["Thủ tục đăng ký khai sinh"]
    later = services.search("khai sinh", on=dt.date(2030, 6, 1))
    assert [r["name"] for r in later] == ["Thủ tục đăng ký khai sinh (sửa đổi)"]
    assert services.version_in_force("1.001193", on=dt.date(2029, 12, 31)).pk == old.pk
