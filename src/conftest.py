"""Shared test fixtures: a small province, a small catalogue, frozen time where deadlines matter, and
browsers (Debian's Chromium driven by Playwright against Django's live server) for the pages."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    from motcua.workdays import services

    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a page asked for in English leaves the thread in
    English (as a server thread stays until its next request), which must not reach the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


# -- browsers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run bin/setup --browser")
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async guard does not apply here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page the size of a cheap phone's screen (360 × 740)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    """A page the size of a counter's common laptop screen (1366 × 768)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name, full_page=True):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def axe_violations():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page):
        results = axe.run(page)
        return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]

    return run
