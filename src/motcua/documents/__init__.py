"""Documents: the content-addressed store, the data warehouse, signatures and digitization."""


def facts_for(dossier) -> dict:
    """The index inputs of a dossier (see documents.facts): imported when asked, after app loading."""
    from .facts import facts_for as _facts_for

    return _facts_for(dossier)
