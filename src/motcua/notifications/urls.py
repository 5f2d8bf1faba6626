"""Public URLs of messages: the SMS gateway's delivery callback (/thong-bao/…)."""

from django.urls import path

from . import views

app_name = "notifications_public"
urlpatterns = [
    path("esms/<str:token>/", views.esms_report, name="esms_report"),
]
