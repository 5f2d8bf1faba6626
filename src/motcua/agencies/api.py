"""Public API of the agency tree."""

from django.http import Http404
from ninja import Router, Schema

from .models import Agency

router = Router()


class AgencyOut(Schema):
    identifier: str
    name: str
    kind: str
    level: str
    parent: str | None
    address: str
    phone: str


COLUMNS = ("identifier", "name", "kind", "parent__identifier", "address", "phone")


def _row(values: dict) -> dict:
    kind = values["kind"]
    return {
        "identifier": values["identifier"],
        "name": values["name"],
        "kind": kind,
        "level": "commune" if kind in Agency.COMMUNE_KINDS else "province",
        "parent": values["parent__identifier"],
        "address": values["address"],
        "phone": values["phone"],
    }


@router.get("", response=list[AgencyOut], summary="List agencies")
def list_agencies(
    request, parent: str | None = None, kind: str | None = None, after: str | None = None, limit: int = 100
):
    """Active agencies ordered by identifier; `parent` lists the direct units of one agency.

    Keyset pagination: pass the last identifier seen as `after`.
    """
    rows = Agency.objects.filter(is_active=True)
    if parent:
        rows = rows.filter(parent__identifier=parent)
    if kind:
        rows = rows.filter(kind=kind)
    if after:
        rows = rows.filter(identifier__gt=after)
    return [_row(v) for v in rows.order_by("identifier").values(*COLUMNS)[: max(1, min(limit, 500))]]


@router.get("/{identifier}", response=AgencyOut, summary="One agency")
def get_agency(request, identifier: str):
    values = Agency.objects.filter(identifier=identifier, is_active=True).values(*COLUMNS).first()
    if values is None:
        raise Http404("No agency with this identifier.")
    return _row(values)
