"""What an officer needs to read an online dossier: the form's answers with their labels, and
which documents were reused from the applicant's earlier dossiers."""

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from motcua.catalog.models import FormField

register = template.Library()


@register.simple_tag
def form_answers(dossier) -> list[tuple[str, str]]:
    """(label, answer) in the form's order; answers to fields removed since keep their key."""
    data = dossier.form_data or {}
    if not data:
        return []
    fields = list(FormField.objects.filter(version_id=dossier.procedure_version_id).order_by("position", "id"))
    rows = [(f.label, _shown(data[f.name])) for f in fields if f.name in data]
    known = {f.name for f in fields}
    rows += [(name, _shown(value)) for name, value in data.items() if name not in known]
    return rows


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


@register.simple_tag
def reused_documents(documents) -> list:
    """The documents given again from an earlier dossier, with that dossier (one query)."""
    reused = [d for d in documents if d.reused_from_id]
    if not reused:
        return []
    from motcua.dossiers.models import DossierDocument

    sources = DossierDocument.objects.select_related("dossier").in_bulk([d.reused_from_id for d in reused])
    return [(d, sources.get(d.reused_from_id)) for d in reused]
