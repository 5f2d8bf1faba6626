from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("canh-bao/da-xem/", views.alerts_seen, name="alerts_seen"),
    path("tiep-nhan/", views.reception, name="reception"),
    path("tiep-nhan/thu-tuc/", views.procedure_suggestions, name="procedure_suggestions"),
    path("tiep-nhan/hen-tra/", views.appointment, name="appointment"),
    path("ho-so/<int:pk>/", views.dossier, name="dossier"),
    path("ho-so/<int:pk>/giay-to/<int:document_id>/", views.document_file, name="document_file"),
    re_path(r"^ho-so/(?P<pk>[0-9]+)/mau-(?P<number>[0-9]{2})\.pdf$", views.form_pdf, name="form_pdf"),
    path("ho-so/<int:pk>/<slug:slug>/", views.act, name="act"),
    path("so-theo-doi/", views.register, name="register"),
    path("so-theo-doi.pdf", views.register_pdf, name="register_pdf"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="backoffice/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="backoffice:login"), name="logout"),
]
