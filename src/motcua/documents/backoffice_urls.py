"""The signatures' back-office pages, mounted at /can-bo/ky-so/."""

from django.urls import path

from . import backoffice_views

app_name = "signatures"
urlpatterns = [
    path("ho-so/<int:pk>/ky-giay-tiep-nhan/", backoffice_views.sign_receipt, name="sign_receipt"),
    path("van-ban/<str:code>/", backoffice_views.issued_file, name="issued_file"),
]
