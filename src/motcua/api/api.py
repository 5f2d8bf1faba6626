"""Assembles every app's router into the versioned API at /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from motcua.agencies.api import router as agencies_router
from motcua.catalog.api import router as catalog_router

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="One-stop administrative services: procedure catalogue, agencies, deadlines.",
    urls_namespace="api-v1",
)
api.add_router("/procedures", catalog_router, tags=["catalogue"])
api.add_router("/agencies", agencies_router, tags=["agencies"])
api.add_router("/dossiers", "motcua.dossiers.api.router", tags=["dossiers"])
api.add_router("/payments", "motcua.payments.api.router", tags=["payments"])
api.add_router("/me", "motcua.portal.tracking_api.router", tags=["my dossiers"])
