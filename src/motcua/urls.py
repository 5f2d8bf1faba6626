"""URL map: the public portal at /, the back office at /can-bo/, the API at /api/v1/, admin at /quan-tri/."""

from django.contrib import admin
from django.urls import include, path

from motcua.api.api import api
from motcua.core.views import set_language

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("ngon-ngu/", set_language, name="set_language"),
    path("can-bo/tai-chinh/", include("motcua.payments.backoffice_urls")),
    path("can-bo/tin-nhan/", include("motcua.notifications.backoffice_urls")),
    path("thong-bao/", include("motcua.notifications.urls")),
    path("tai-khoan/", include("motcua.citizens.urls")),
    path("danh-gia/", include("motcua.feedback.urls")),
    path("phan-anh/", include("motcua.feedback.item_urls")),
    path("can-bo/phan-anh/", include("motcua.feedback.desk_urls")),
    path("xac-thuc/", include("motcua.documents.urls")),
    path("kho-du-lieu/", include("motcua.documents.warehouse_urls")),
    path("can-bo/ky-so/", include("motcua.documents.backoffice_urls")),  # digital signatures
    path("can-bo/so-hoa/", include("motcua.documents.digitize_urls")),  # digitization
    path("can-bo/chi-so/", include("motcua.metrics.urls")),  # the service-quality index
    path("can-bo/thong-ke/", include("motcua.metrics.report_urls")),  # registers and reports
    path("minh-bach/", include("motcua.metrics.public_urls")),  # public transparency page
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("", include("motcua.portal.urls")),
]
