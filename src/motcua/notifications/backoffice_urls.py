from django.urls import path

from . import backoffice_views as views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/gui-lai/", views.retry, name="retry"),
]
