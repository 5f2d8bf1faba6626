"""The service-quality index in the back office, mounted at /can-bo/chi-so/."""

from django.urls import path

from . import views

app_name = "metrics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chi-tiet/<slug:measure>/", views.drill_down, name="drill"),
    path("can-bo/", views.officers, name="officers"),
    path("chi-so.xlsx", views.excel, name="excel"),
]
