"""Shared test fixtures: a small province, a small catalogue, and frozen time where deadlines matter."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    from motcua.workdays import services

    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture
def province(db):
    """A province with one department, a provincial centre, and two communes with their centres."""
    from motcua.agencies.models import Agency
    from motcua.agencies.services import save_agency

    def make(identifier, name, kind, parent=None):
        return save_agency(Agency(identifier=identifier, name=name, kind=kind, parent=parent))

    root = make("H42", "Ủy ban nhân dân tỉnh Hà Tĩnh", Agency.Kind.PROVINCE_PC)
    agencies = {
        "root": root,
        "justice": make("H42.01", "Sở Tư pháp", Agency.Kind.DEPARTMENT, root),
        "centre": make("H42.30", "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", Agency.Kind.PROVINCE_CENTRE, root),
    }
    for key, code, name in [("thanh_sen", "18073", "Thành Sen"), ("tran_phu", "18100", "Trần Phú")]:
        pc = make(f"H42.{code}", f"Ủy ban nhân dân phường {name}", Agency.Kind.COMMUNE_PC, root)
        agencies[key] = pc
        agencies[f"{key}_centre"] = make(
            f"H42.{code}.01", f"Trung tâm Phục vụ hành chính công phường {name}", Agency.Kind.COMMUNE_CENTRE, pc
        )
    return agencies


@pytest.fixture
def small_catalog(province):
    """Three procedures (same day, working days with a cheaper online fee, liên thông) in force since 1/7/2025."""
    from pathlib import Path

    from motcua.catalog import exchange
    from motcua.catalog.models import Procedure, ProcedureAgency

    exchange.import_file(Path(__file__).parent / "motcua" / "catalog" / "tests" / "fixtures" / "small_catalog.json")
    for procedure in Procedure.objects.all():
        for key in ("thanh_sen", "tran_phu"):
            ProcedureAgency.objects.create(procedure=procedure, agency=province[key])
    return {p.code: p for p in Procedure.objects.all()}
