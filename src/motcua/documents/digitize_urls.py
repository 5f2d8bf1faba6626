"""Back-office pages for digitizing a dossier's paper components, under /can-bo/so-hoa/."""

from django.urls import path

from . import digitize_views as views

app_name = "digitize"
urlpatterns = [
    path("<int:pk>/", views.dossier, name="dossier"),
    path("<int:pk>/giay-to/<int:document_id>/", views.component, name="component"),
    path("<int:pk>/giay-to/<int:document_id>/quet/", views.scan, name="scan"),
    path("<int:pk>/giay-to/<int:document_id>/thu-lai/", views.retry, name="retry"),
    path("<int:pk>/giay-to/<int:document_id>/mien-quet/", views.exempt, name="exempt"),
    path("<int:pk>/giay-to/<int:document_id>/xac-nhan/", views.confirm, name="confirm"),
    path("<int:pk>/giay-to/<int:document_id>/ky-so/", views.sign, name="sign"),
    path("<int:pk>/giay-to/<int:document_id>/ban-so-hoa.pdf", views.pdf, name="pdf"),
]
