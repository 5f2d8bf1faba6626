"""The reports page of the back office, mounted at /can-bo/thong-ke/."""

from django.urls import path

from . import report_views as views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("xuat/", views.export, name="export"),
    path("xuat/<int:pk>/", views.item, name="item"),
    path("xuat/<int:pk>/tai-ve/", views.download, name="download"),
    path("xuat/<int:pk>/chay-lai/", views.restart, name="restart"),
]
