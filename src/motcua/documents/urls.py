from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:code>/", views.issued, name="issued"),
]
