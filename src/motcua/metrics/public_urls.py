"""The public transparency page of the service-quality index, mounted at /minh-bach/."""

from django.urls import path

from . import public_views as views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="index"),
]
