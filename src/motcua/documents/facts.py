"""The index inputs of a dossier (issue 8, the service-quality index): how many of its components
are digitized, how many were reused from the applicant's data warehouse, and whether an electronic
result was issued.

They are counted, not stored: one grouped query over the dossier's components gives them for one
dossier or for every dossier of a report, always in step with the components themselves (a stored
copy would have to be kept right by every service that adds a component, a digitization or a
result). `annotate` adds them to any queryset of dossiers for the aggregations of the index.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from motcua.dossiers.models import Dossier, DossierDocument

COMPONENT_STAGES = ("reception", "supplement")
FIELDS = ("components", "digitized", "reused", "exempt", "e_result")


def annotate(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """`dossiers` with the index inputs as annotations named `facts_<field>`."""
    component = Q(documents__added_in__in=COMPONENT_STAGES)
    # Electronic: a file given with it (scanned at the counter, uploaded online or reused), or a
    # digitized copy made from the paper afterwards.
    electronic = ~Q(documents__file="") | Q(documents__digitization__pdf__isnull=False)
    # Reused: given again from an earlier dossier, or a warehouse document that did not come from
    # this dossier.
    reused = (
        Q(documents__reused_from__isnull=False)
        | Q(documents__document__source_dossier__lt=F("pk"))
        | Q(documents__document__source_dossier__gt=F("pk"))
        | Q(documents__document__isnull=False, documents__document__source_dossier__isnull=True)
    )
    results = DossierDocument.objects.filter(dossier=OuterRef("pk"), added_in="result").exclude(file="")
    return dossiers.annotate(
        facts_components=Count("documents", filter=component, distinct=True),
        facts_digitized=Count("documents", filter=component & electronic, distinct=True),
        facts_reused=Count("documents", filter=component & reused, distinct=True),
        facts_exempt=Count("documents", filter=component & Q(documents__digitization__exempt=True), distinct=True),
        facts_e_result=Exists(results),
    )


def facts_for(dossier: Dossier | int) -> dict:
    """{"components", "digitized", "reused", "exempt": counts, "e_result": bool} for one dossier."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    row = annotate(Dossier.objects.filter(pk=pk)).values(*(f"facts_{name}" for name in FIELDS)).get()
    return {name: row[f"facts_{name}"] for name in FIELDS}
