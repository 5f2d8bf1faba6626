"""URL map: the public portal at /, the back office at /can-bo/, the API at /api/v1/, admin at /quan-tri/."""

from django.contrib import admin
from django.urls import include, path

from motcua.api.api import api

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/tai-chinh/", include("motcua.payments.backoffice_urls")),
    path("can-bo/tin-nhan/", include("motcua.notifications.backoffice_urls")),
    path("tai-khoan/", include("motcua.citizens.urls")),
    path("danh-gia/", include("motcua.feedback.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("", include("motcua.portal.urls")),
]
